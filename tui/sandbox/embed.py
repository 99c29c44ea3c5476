"""The sandbox embedded in eventdeck's own process: what ``--demo`` (app and doctor) starts.

Why here: the entry modules (launch, doctor) both start it, and neither may import the other; the
sandbox package owns how it is started and which credentials reach it.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

from tui.errors import ConfigError
from tui.sandbox import Sandbox, start_sandbox

# The variables the demo replaces or removes, so it can never fall back to a real profile's
# credentials.
_SET = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_BEARER_TOKEN_CODECATALYST")
_REMOVED = ("AWS_PROFILE", "AWS_SESSION_TOKEN")


def start_demo(seed: int | None = None, environ: MutableMapping[str, str] | None = None) -> Sandbox:
    """Start the sandbox with demo data on a free loopback port, its dummy credentials in force.

    ``seed`` defaults to EVENTDECK_DEMO_SEED (1). ``environ`` (default: the process's) gets the
    sandbox's dummy credentials: botocore's credential chain and the bearer-token lookup read them
    there. Raises ConfigError when the sandbox extra is not installed.
    """
    env = os.environ if environ is None else environ
    if seed is None:
        seed = int(env.get("EVENTDECK_DEMO_SEED", "1"))
    try:
        sandbox = start_sandbox(host="127.0.0.1", port=0, seed=seed)
    except ImportError as exc:  # the sandbox extra (moto, werkzeug, cryptography) is missing
        raise ConfigError(
            f"--demo needs the sandbox extra ({exc.name} is missing).",
            hint="Install it with: python3 -m pip install 'eventdeck[sandbox]'",
        ) from exc
    values = sandbox.env()
    for key in _REMOVED:
        env.pop(key, None)
    for key in _SET:
        env[key] = values[key]
    return sandbox
