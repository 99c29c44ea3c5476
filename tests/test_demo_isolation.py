"""`--demo` leaves the process environment alone and ignores the user's profile and keys.

Why: the demo's dummy credentials once went into os.environ (and AWS_PROFILE was removed from
it), which hid the user's own variables from everything else in the process. Now they travel in
the connection options. One sandbox per process: the check runs in a fresh one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import json, os
from tui.args import build_args
from tui.launch import build_context

before = dict(os.environ)
ctx = build_context(build_args(["--demo"]), None)
try:
    stages = ctx.factory.client("ivs-realtime").list_stages(maxResults=1)["stages"]
    spaces = ctx.factory.client("codecatalyst").list_spaces()["items"]
    print(json.dumps({
        "environ_unchanged": dict(os.environ) == before,
        "profile": [ctx.resolved.profile.value, ctx.resolved.profile.source],
        "stages": len(stages),
        "spaces": len(spaces),
        "key": ctx.factory.session.get_credentials().access_key,
    }))
finally:
    ctx.demo.stop()
"""


def test_demo_keeps_the_environment_and_ignores_the_users_profile_and_keys(
    isolated_dirs: Path,
) -> None:
    env = {
        **os.environ,
        "AWS_PROFILE": "no-such-profile",  # would stop any non-demo start
        "AWS_ACCESS_KEY_ID": "AKIAUSERSOWNKEY00000",
        "AWS_SECRET_ACCESS_KEY": "the-users-own-secret",
        "AWS_BEARER_TOKEN_CODECATALYST": "the-users-own-token",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["environ_unchanged"]
    assert seen["profile"] == ["default", "default"]
    assert seen["stages"] == 1 and seen["spaces"] >= 1
    assert seen["key"] != "AKIAUSERSOWNKEY00000"
