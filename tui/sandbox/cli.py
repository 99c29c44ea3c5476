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
from datetime import UTC, datetime
from types import FrameType


def parse_now(text: str) -> datetime:
    """An RFC 3339 time with its offset (``2026-01-15T12:00:00Z``) for --now, in UTC.

    Why: the demo data's times are relative to now; a fixed one makes screenshots repeatable,
    and an offset is required so the same flag means the same instant on every machine.
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an RFC 3339 time: {text!r} (e.g. 2026-01-15T12:00:00Z)"
        ) from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} has no UTC offset (add Z or +HH:MM, e.g. 2026-01-15T12:00:00Z)"
        )
    return value.astimezone(UTC)


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
        help="inject faults, e.g. throttle=0.1,error=0.05,latency=20ms,reset=0.01,seed=7; "
        "latency=1500ms,late=1.0 processes each request and answers it late",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the demo data (default 0)")
    parser.add_argument("--no-demo", action="store_true", help="start without demo data")
    parser.add_argument(
        "--aws-config",
        metavar="DIR",
        help="write the demo profiles (demo, demo-staging, demo-eu: three accounts) as an AWS "
        "config and credentials file in DIR, pointing at this sandbox",
    )
    parser.add_argument(
        "--now",
        metavar="RFC3339",
        type=parse_now,
        help="pin the demo data in time, e.g. 2026-01-15T12:00:00Z (default: the clock)",
    )
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
            now=args.now,
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
        if args.aws_config:
            config, credentials = sandbox.write_aws_config(args.aws_config)
            print(f"aws-config {config} {credentials}")
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
