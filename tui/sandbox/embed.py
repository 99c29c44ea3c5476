"""The sandbox embedded in eventdeck's own process: what ``--demo`` (app and doctor) starts.

Why here: the entry modules (launch, doctor) both start it, and neither may import the other; the
sandbox package owns how it is started. Its dummy credentials travel in the connection options
(``ConnectionOptions.for_sandbox``), never through the process environment.
"""

from __future__ import annotations

import os

from tui.errors import ConfigError
from tui.sandbox import Sandbox, start_sandbox


def start_demo(seed: int | None = None, data: str | None = None) -> Sandbox:
    """Start the sandbox with demo data on a free loopback port.

    ``seed`` defaults to EVENTDECK_DEMO_SEED (1). With ``data`` (an opened hand-over bundle) it
    serves that file alone, without the demo data. Raises ConfigError when the sandbox extra is
    not installed.
    """
    if seed is None:
        seed = int(os.environ.get("EVENTDECK_DEMO_SEED", "1"))
    try:
        return start_sandbox(host="127.0.0.1", port=0, seed=seed, data=data, demo=data is None)
    except ImportError as exc:  # the sandbox extra (moto, werkzeug, cryptography) is missing
        raise ConfigError(
            f"--demo needs the sandbox extra ({exc.name} is missing).",
            hint="Install it with: python3 -m pip install 'eventdeck[sandbox]'",
        ) from exc
