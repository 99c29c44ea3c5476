"""Entry point: argv -> command (app, sandbox, doctor), each imported only when it runs.

``eventdeck [global options]`` opens the app; ``eventdeck sandbox …`` runs the local endpoint;
``eventdeck doctor`` explains the set-up; ``eventdeck <service> <operation> --opt …`` opens the
matching pane pre-filled, using the AWS CLI's own words so a command can be pasted from a runbook.
The parser and those words live in tui.args; nothing imports this module back.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from tui.args import (
    LaunchTarget,
    build_parser,
    bundle_launch,
    connection_options,
    parse_operation,
    version_text,
)
from tui.errors import ConfigError
from tui.services.early_call import mark


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command ``argv`` names; the exit status (2 for a usage or config error).

    Why lazy imports: ``--version`` and ``sandbox`` must never load Textual.
    """
    mark("main")
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "sandbox":
        from tui.sandbox.cli import main as sandbox_main

        return sandbox_main(argv[1:])
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if args.version:
        print(version_text())
        return 0
    try:
        if rest and rest[0] == "doctor":
            from tui.doctor import run_doctor

            return run_doctor(args, rest[1:])
        launch = parse_operation(rest) if rest else None
        if args.open:  # --open BUNDLE: the bundle's view is the launch target
            launch = bundle_launch(args.open)
        early = start_early_call(args, launch)
        from tui.launch import launch_app

        return launch_app(args, launch, early)
    except ConfigError as exc:
        print(f"eventdeck: {exc}", file=sys.stderr)
        return 2


def start_early_call(args: Any, launch: LaunchTarget | None) -> Any:
    """Fork the launch target's first call now, before Textual loads (tui/services/early_call.py).

    Only for a participant's events on the user's own connection (not --demo or --open, whose
    sandbox starts later), from the same settings and options the app builds its context from;
    None when there is nothing to fetch early or anything stands in the way (the app then calls
    as it always does).
    """
    if launch is None or launch.operation != "ivs-realtime list-participant-events":
        return None
    if args.demo or args.open or "cli-input-json" in launch.params:
        return None
    if os.environ.get("EVENTDECK_NO_EARLY_CALL"):  # the benchmark's "before"; a way out
        return None
    try:
        from tui.services import early_call
        from tui.settings import config_path, load_settings

        settings, _ = load_settings(config_path(args.config))
        options = connection_options(args, settings)
        params = launch.params
        return early_call.start(
            options,
            params["stage-arn"],
            params["session-id"],
            params["participant-id"],
            settings.pages.ivs,
        )
    except Exception:  # the app reports any problem with these options itself
        return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
