"""The early child is forked first thing in `main`, before the parser, and never outlives a launch.

Why: forked after the parser and the settings (~50 ms in), the child's botocore import and call
were on the launch's critical path. Forked at once, from a cheap look at argv, it imports botocore
while the parent parses, then takes its job over a pipe; a launch that turns out to need no call
(a usage error, an abbreviated ``--dem``) stops it, and a parent that dies ends it (EOF). Each
test runs `main` in a subprocess: a fork must not happen in the test process, whose sandbox
threads run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tui.services import early_call

ROOT = Path(__file__).resolve().parents[2]
WORDS = ["ivs-realtime", "list-participant-events"]
STAGE = "arn:aws:ivs:us-east-1:123456789012:stage/abcdEFGH1234"
FULL = [*WORDS, "--stage-arn", STAGE, "--session-id", "st-1", "--participant-id", "p1"]

# Runs `main(argv)` and reports whether the child was forked, what was imported by then, and
# whether any child process (running or a zombie) is left once `main` has returned.
MAIN_SCRIPT = """
import json, os, sys
from tui.services import early_call
seen = {"forks": []}
original = getattr(early_call, "_fork", None)
def spy():
    child = original()
    seen["forks"].append({"parser_loaded": "tui.args" in sys.modules,
                          "pid": None if child is None else child.pid})
    return child
early_call._fork = spy
from tui.cli import main
try:
    status = main(sys.argv[1:])
except SystemExit as exc:
    status = exc.code
try:
    os.waitpid(-1, os.WNOHANG)
    left = True
except ChildProcessError:
    left = False
print(json.dumps({**seen, "status": status, "children_left": left}))
"""


def run_main(argv: list[str], **env: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-c", MAIN_SCRIPT, *argv],
        cwd=ROOT,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["stderr"] = proc.stderr
    return result


def gone(pid: int) -> bool:
    """Whether ``pid`` has exited (no such process, or a zombie its new parent has not reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


@pytest.mark.parametrize(
    "argv",
    [
        [*WORDS, "--stage-arn", STAGE, "--session-id", "st-1"],  # parse_operation: no participant
        [*FULL, "--region"],  # argparse: the option's value missing (SystemExit)
    ],
    ids=["missing-option", "usage-error"],
)
def test_the_child_is_forked_before_the_parser_and_stopped_when_there_is_no_call(
    argv: list[str],
) -> None:
    result = run_main(argv)
    assert result["status"] == 2, result["stderr"][-2000:]
    assert len(result["forks"]) == 1
    fork = result["forks"][0]
    assert fork["pid"] is not None
    assert fork["parser_loaded"] is False  # forked before tui.args (the parser, the settings)
    assert result["children_left"] is False  # stopped and reaped: no stray process, no zombie
    assert gone(fork["pid"])


@pytest.mark.parametrize(
    "argv",
    [
        ["--version", *FULL],
        ["sandbox", "--help"],
        ["--demo", *FULL],
        ["--open", "bundle.json", *FULL],
        ["--help"],
        ["doctor"],
        [*FULL[:2], "--cli-input-json", "{}"],
        [],
        ["codecatalyst", "list-spaces"],
    ],
    ids=["version", "sandbox", "demo", "open", "help", "doctor", "cli-input-json", "bare", "other"],
)
def test_no_child_is_forked_where_no_early_call_is_made(argv: list[str]) -> None:
    assert early_call.wanted(argv) is False


def test_the_words_with_global_options_anywhere_fork_it() -> None:
    assert early_call.wanted(FULL)
    assert early_call.wanted(["--profile", "ops", *FULL, "--region", "eu-west-1"])
    assert not early_call.wanted(["--profile", "ivs-realtime", "list-stages"])


def test_no_child_for_version_nor_with_the_early_call_turned_off() -> None:
    result = run_main(["--version"])
    assert result["status"] == 0 and result["forks"] == []
    result = run_main(FULL[:4], EVENTDECK_NO_EARLY_CALL="1")
    assert result["status"] == 2 and result["forks"] == []
    assert result["children_left"] is False


def test_the_child_ends_when_its_parent_dies_before_giving_the_job() -> None:
    script = (
        "import sys, time\n"
        "from tui.services import early_call\n"
        "child = early_call.prestart()\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        pid = int(proc.stdout.readline())
        assert not gone(pid)  # waiting for its job
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        deadline = time.monotonic() + 30
        while not gone(pid) and time.monotonic() < deadline:
            time.sleep(0.02)  # polling for the condition, bounded by the deadline
        assert gone(pid)  # the job pipe's EOF ended it
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
