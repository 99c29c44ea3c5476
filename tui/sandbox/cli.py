"""`eventdeck sandbox`: run the sandbox in the foreground and print how to point clients at it.

Why: the demo and manual checks with the AWS CLI need the endpoint, the CA bundle and the
environment as copy-pasteable lines; the process then serves until SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import threading
from types import FrameType


def build_parser() -> argparse.ArgumentParser:
    """The sandbox's argument parser (also used by `eventdeck sandbox`)."""
    parser = argparse.ArgumentParser(
        prog="eventdeck sandbox",
        description="Run a local AWS-compatible HTTPS endpoint (moto-based) on loopback.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: any free port)")
    parser.add_argument(
        "--data", metavar="FILE", help="JSON data file loaded on top of the demo data"
    )
    parser.add_argument(
        "--faults",
        metavar="SPEC",
        help="inject faults, e.g. throttle=0.1,error=0.05,latency=20ms,reset=0.01,seed=7",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the demo data (default 0)")
    parser.add_argument("--no-demo", action="store_true", help="start without demo data")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Start the sandbox, print its endpoint, CA bundle and export lines, serve until signalled."""
    from tui.sandbox import start_sandbox

    args = build_parser().parse_args(argv)
    try:
        sandbox = start_sandbox(
            host=args.host,
            port=args.port,
            seed=args.seed,
            data=args.data,
            faults=args.faults,
            demo=not args.no_demo,
        )
    except (OSError, ValueError) as exc:
        print(f"eventdeck sandbox: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        stop.set()

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(f"endpoint {sandbox.endpoint}")
        print(f"ca-bundle {sandbox.ca_bundle}")
        for key, value in sandbox.env().items():
            print(f"export {key}={shlex.quote(value)}")
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    finally:
        sandbox.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
