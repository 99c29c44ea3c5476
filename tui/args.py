"""The command line's words: the global-option parser, AWS CLI operation words, options, version.

Kept apart from cli.py (argv -> command) so that launch and doctor can read the parsed options
without importing the entry point back: the entry imports these, never the other way round.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from tui import __version__
from tui.errors import ConfigError
from tui.services.options import ConnectionOptions, LaunchTarget
from tui.settings import Settings

__all__ = [
    "OPERATIONS",
    "LaunchTarget",
    "build_args",
    "build_parser",
    "connection_options",
    "options_from_args",
    "parse_operation",
    "version_text",
]


# service, operation -> (pane id, option names the operation takes, required ones)
OPERATIONS: dict[tuple[str, str], tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    ("ivs-realtime", "list-participant-events"): (
        "ivs",
        ("stage-arn", "session-id", "participant-id"),
        ("stage-arn", "session-id", "participant-id"),
    ),
    ("ivs-realtime", "list-participants"): (
        "ivs",
        ("stage-arn", "session-id"),
        ("stage-arn", "session-id"),
    ),
    ("ivs-realtime", "list-stage-sessions"): ("ivs", ("stage-arn",), ("stage-arn",)),
    ("ivs-realtime", "list-stages"): ("ivs", (), ()),
    ("codecatalyst", "list-event-logs"): (
        "codecatalyst",
        ("space-name", "start-time", "end-time", "event-name"),
        ("space-name",),
    ),
    ("codecatalyst", "list-spaces"): ("codecatalyst", (), ()),
    ("customer-profiles", "get-event-stream"): (
        "profiles",
        ("domain-name", "event-stream-name"),
        ("domain-name", "event-stream-name"),
    ),
    ("customer-profiles", "list-event-streams"): ("profiles", ("domain-name",), ("domain-name",)),
    ("customer-profiles", "list-domains"): ("profiles", (), ()),
    ("events", "put-partner-events"): ("partner", ("entries", "cli-input-json"), ()),
    ("personalize-events", "put-events"): (
        "personalize",
        ("tracking-id", "session-id", "user-id", "event-list", "cli-input-json"),
        (),
    ),
}


def build_parser() -> argparse.ArgumentParser:
    """The global-option parser (the AWS CLI's global options, plus eventdeck's own)."""
    parser = argparse.ArgumentParser(
        prog="eventdeck",
        description="Triage and send AWS events from the terminal.",
        epilog=(
            "subcommands: sandbox (run the local endpoint), doctor (explain the set-up); "
            "or AWS CLI words, e.g. `eventdeck ivs-realtime list-participant-events "
            "--stage-arn A --session-id S --participant-id P`"
        ),
    )
    parser.add_argument("--profile", help="AWS profile (default: AWS_PROFILE or 'default')")
    parser.add_argument("--region", help="AWS region (default: AWS_REGION or the profile's)")
    parser.add_argument("--endpoint-url", help="override every service's endpoint URL")
    parser.add_argument(
        "--no-verify-ssl", action="store_true", help="do not verify TLS certificates"
    )
    parser.add_argument("--ca-bundle", help="CA certificate bundle to verify TLS with")
    parser.add_argument("--cli-read-timeout", type=float, metavar="S", help="socket read timeout")
    parser.add_argument(
        "--cli-connect-timeout", type=float, metavar="S", help="socket connect timeout"
    )
    parser.add_argument("--debug", action="store_true", help="write a redacted debug log")
    parser.add_argument(
        "--color", choices=("on", "off", "auto"), default="auto", help="colour output"
    )
    parser.add_argument("--read-only", action="store_true", help="refuse to send anything")
    parser.add_argument(
        "--demo", action="store_true", help="run on the embedded local sandbox with demo data"
    )
    parser.add_argument(
        "--open",
        metavar="BUNDLE",
        help="open a hand-over bundle offline: the sandbox serves its data alone (no AWS account)",
    )
    parser.add_argument("--config", help="config file (default: EVENTDECK_CONFIG or the user's)")
    parser.add_argument("--theme", help="theme name")
    parser.add_argument("--version", action="store_true", help="print versions and exit")
    return parser


def parse_operation(words: Sequence[str]) -> LaunchTarget:
    """Turn ``service operation --opt value …`` into a LaunchTarget, or raise ConfigError."""
    if len(words) < 2:
        raise ConfigError(
            f"Unknown command: {' '.join(words)}",
            hint="Use `eventdeck sandbox`, `eventdeck doctor`, or AWS CLI words such as "
            "`eventdeck codecatalyst list-event-logs --space-name NAME`.",
        )
    service, operation, rest = words[0], words[1], list(words[2:])
    spec = OPERATIONS.get((service, operation))
    if spec is None:
        known = ", ".join(f"{s} {o}" for s, o in OPERATIONS)
        raise ConfigError(
            f"eventdeck does not open `{service} {operation}`.", hint=f"Known: {known}"
        )
    pane, allowed, required = spec
    params: dict[str, str] = {}
    i = 0
    while i < len(rest):
        word = rest[i]
        if not word.startswith("--"):
            raise ConfigError(f"Unexpected argument {word!r} for `{service} {operation}`.")
        name, eq, value = word[2:].partition("=")
        if name not in allowed:
            raise ConfigError(
                f"`{service} {operation}` has no option --{name}.",
                hint="Options: " + ", ".join(f"--{a}" for a in allowed),
            )
        if not eq:
            i += 1
            if i >= len(rest):
                raise ConfigError(f"--{name} needs a value.")
            value = rest[i]
        params[name] = value
        i += 1
    if "cli-input-json" not in params:
        missing = [r for r in required if r not in params]
        if missing:
            raise ConfigError(
                f"`{service} {operation}` needs " + ", ".join(f"--{m}" for m in missing) + "."
            )
    return LaunchTarget(pane=pane, operation=f"{service} {operation}", params=params)


def options_from_args(args: argparse.Namespace, max_attempts: int = 5) -> ConnectionOptions:
    """ConnectionOptions from the global options (None where boto3 should decide)."""
    if args.ca_bundle and not os.path.exists(args.ca_bundle):
        raise ConfigError(f"--ca-bundle {args.ca_bundle}: no such file.")
    return ConnectionOptions(
        profile=args.profile,
        region=args.region,
        endpoint_url=args.endpoint_url,
        verify_ssl=not args.no_verify_ssl,
        ca_bundle=args.ca_bundle,
        read_timeout=args.cli_read_timeout,
        connect_timeout=args.cli_connect_timeout,
        max_attempts=max_attempts,
        read_only=args.read_only,
    )


def version_text() -> str:
    """One line of versions (eventdeck, Python, boto3, botocore, textual), for --version and doctor."""
    import boto3
    import botocore

    try:
        from importlib.metadata import version

        textual_version = version("textual")
    except Exception:  # pragma: no cover - textual is a hard dependency
        textual_version = "?"
    return (
        f"eventdeck {__version__} (Python {sys.version.split()[0]}, boto3 {boto3.__version__}, "
        f"botocore {botocore.__version__}, textual {textual_version})"
    )


def connection_options(args: argparse.Namespace, settings: Settings) -> ConnectionOptions:
    """The flags, plus config.toml's profile, region and retry budget (which lose to the env)."""
    return options_from_args(args, max_attempts=settings.aws.max_attempts).with_(
        default_profile=settings.aws.profile, default_region=settings.aws.region
    )


def build_args(argv: list[str]) -> argparse.Namespace:
    """The global options of ``argv`` (unknown words ignored), for tests and scripts."""
    args, _ = build_parser().parse_known_args(argv)
    return args


def bundle_launch(path: str) -> LaunchTarget:
    """The view a hand-over bundle holds, as a launch target; ConfigError if it is not a bundle."""
    from tui.errors import EventdeckError
    from tui.services.bundle import read_bundle

    try:
        view = read_bundle(path).view
    except EventdeckError as exc:
        raise ConfigError(exc.message, hint=exc.hint) from None
    return LaunchTarget(pane=view.pane, operation=view.operation, params=dict(view.params))
