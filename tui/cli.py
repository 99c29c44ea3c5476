"""Entry point: argv -> command (app, sandbox, doctor), each imported only when it runs.

``eventdeck [global options]`` opens the app; ``eventdeck sandbox …`` runs the local endpoint;
``eventdeck doctor`` explains the set-up; ``eventdeck <service> <operation> --opt …`` opens the
matching pane pre-filled, using the AWS CLI's own words so a command can be pasted from a runbook.
The parser and those words live in tui.args; nothing imports this module back.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command ``argv`` names; the exit status (2 for a usage or config error).

    Why lazy imports: ``--version`` and ``sandbox`` must never load Textual.
    """
    # What an earlier launch compiled (dataclass methods, regexes: ~40 ms before the first
    # frame), served before any module defines one (tui/compile_cache.py); the app keeps what is new.
    from tui import compile_cache

    compile_cache.install()
    from tui import gcpause
    from tui.services import early_call

    early_call.mark("main")
    argv = list(sys.argv[1:] if argv is None else argv)
    # AWS CLI words the early child serves: fork it now, before the parser and the settings are
    # imported, so it imports botocore while this process parses (tui/services/early_call.py).
    # The launch hands it its job; anything else stops it (the ``finally`` below).
    if early_call.wanted(argv):
        with gcpause.off():  # the service layer's imports (see prestart) make no garbage either
            early_call.prestart()
    try:
        return _run(argv)
    finally:
        early_call.cancel_pending()


def _run(argv: list[str]) -> int:
    """``main`` once the early child, if any, is forked."""
    from tui import gcpause

    if argv and argv[0] == "sandbox":
        from tui.sandbox.cli import main as sandbox_main

        return sandbox_main(argv[1:])
    # No cyclic GC while the parser, the settings and their schema are imported: they make
    # thousands of objects and no garbage, and the ~30 collections they trigger cost ~3 ms.
    with gcpause.off():
        from tui.args import build_parser, bundle_launch, parse_operation, version_text
        from tui.errors import ConfigError
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
        # No cyclic GC while the UI is imported and its first frame made (tui/gcpause.py; the
        # app ends the pause once that frame is out). The early child inherits the pause for
        # its whole short life.
        gcpause.pause()
        from tui.launch import launch_app

        return launch_app(args, launch)
    except ConfigError as exc:
        print(f"eventdeck: {exc}", file=sys.stderr)
        return 2
    finally:
        gcpause.resume()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
