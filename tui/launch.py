"""Turn parsed command-line arguments into a running app: settings, options, demo sandbox, log.

Kept apart from cli.py so that `eventdeck --version` and `eventdeck sandbox` never import Textual.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from tui.cli import LaunchTarget, options_from_args
from tui.context import AppContext
from tui.errors import ConfigError
from tui.services.options import ConnectionOptions
from tui.services.pool import CallPool
from tui.settings import Settings, config_path, load_settings


def build_context(args: argparse.Namespace, launch: LaunchTarget | None) -> AppContext:
    """Everything the app needs, resolved from arguments, the config file and the environment."""
    path = config_path(getattr(args, "config", None))
    settings, warnings = load_settings(path)
    if getattr(args, "theme", None):
        from dataclasses import replace

        settings = replace(settings, ui=replace(settings.ui, theme=args.theme))
    options = connection_options(args, settings)
    demo = None
    bundle = None
    if getattr(args, "open", None):  # --open BUNDLE: the sandbox on the bundle's data alone
        bundle = read_opened(args.open)
        demo, options = start_demo(options, data=args.open)
    elif args.demo:
        demo, options = start_demo(options)
    log_path = None
    if args.debug:
        from tui.logsetup import setup_debug_log

        log_path = setup_debug_log()
    outbox_root = None
    if demo is not None:
        import platformdirs

        # Demo batches must never be offered for re-sending to a real account later.
        outbox_root = platformdirs.user_data_path("eventdeck") / "demo" / "outbox"
    ctx = AppContext(
        options=options,
        outbox_root=outbox_root,
        settings=settings,
        settings_path=path,
        launch=launch,
        demo=demo,
        offline=bundle,
        warnings=warnings,
        log_path=log_path,
        pool=CallPool(settings.workers.pool_size),
    )
    try:
        ctx.resolved  # noqa: B018 - an unknown profile stops here, in one line, exit status 2
    except ConfigError:
        if demo is not None:
            demo.stop()
        raise
    return ctx


def connection_options(args: argparse.Namespace, settings: Settings) -> ConnectionOptions:
    """The flags, plus config.toml's profile, region and retry budget (which lose to the env)."""
    return options_from_args(args, max_attempts=settings.aws.max_attempts).with_(
        default_profile=settings.aws.profile, default_region=settings.aws.region
    )


def read_opened(path: str) -> Any:
    """The bundle ``--open`` names (its filter, marks and note go to the pane), or ConfigError."""
    from tui.errors import EventdeckError
    from tui.services.bundle import read_bundle

    try:
        return read_bundle(path)
    except EventdeckError as exc:
        raise ConfigError(exc.message, hint=exc.hint) from None


def start_demo(options, data: str | None = None):  # type: ignore[no-untyped-def]
    """Start the sandbox in-process and point every client at it (dummy credentials only).

    With ``data`` (an opened bundle) it serves that file alone, without the demo data.
    """
    try:
        from tui.sandbox import start_sandbox
    except ImportError as exc:  # the sandbox extra is not installed
        raise ConfigError(
            f"--demo needs the sandbox extra ({exc.name} is missing).",
            hint="Install it with: python3 -m pip install 'eventdeck[sandbox]'",
        ) from exc
    sandbox = start_sandbox(
        host="127.0.0.1",
        port=0,
        seed=int(os.environ.get("EVENTDECK_DEMO_SEED", "1")),
        data=data,
        demo=data is None,
    )
    env = sandbox.env()
    # The demo must never fall back to a real profile's credentials.
    os.environ.pop("AWS_PROFILE", None)
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_BEARER_TOKEN_CODECATALYST"):
        os.environ[key] = env[key]
    os.environ.pop("AWS_SESSION_TOKEN", None)
    options = options.with_(
        profile=None,
        default_profile=None,
        region=sandbox.region,
        endpoint_url=sandbox.endpoint,
        ca_bundle=sandbox.ca_bundle,
        verify_ssl=True,
    )
    return sandbox, options


FIRST_SERVICE = {
    "ivs": "ivs-realtime",
    "codecatalyst": "codecatalyst",
    "profiles": "customer-profiles",
    "partner": "events",
    "personalize": "personalize-events",
}


def start_prefetch(ctx: AppContext, launch: LaunchTarget | None) -> bool:
    """Fetch the launch target's first page in the background, where that is safe and useful."""
    from tui.services.session import profile_may_prompt

    if launch is None or profile_may_prompt(ctx.resolved.profile.value):
        return False
    params = launch.params
    if (
        launch.operation == "ivs-realtime list-participant-events"
        and "cli-input-json" not in params
    ):
        from tui.services import ivs_realtime as ivs

        stage, session, participant = (
            params["stage-arn"],
            params["session-id"],
            params["participant-id"],
        )
        size = ctx.settings.pages.ivs
        factory = ctx.factory
        ctx.prefetch.start(
            ivs.events_page_key(stage, session, participant, size),
            lambda: ivs.list_participant_events(factory, stage, session, participant, None, size),
        )
        return True
    return False


def launch_app(args: argparse.Namespace, launch: LaunchTarget | None) -> int:
    """Run the app until it exits; the demo sandbox stops with it."""
    if args.color == "off":
        os.environ["NO_COLOR"] = "1"
    elif args.color == "on":
        os.environ.pop("NO_COLOR", None)
    ctx = build_context(args, launch)
    # Build the first pane's client, or even fetch the launch target's first page, while
    # Textual loads: the first rows come sooner.
    if not start_prefetch(ctx, launch):
        ctx.factory.prewarm(FIRST_SERVICE[launch.pane if launch else "ivs"])
    from tui.app import EventdeckApp

    try:
        EventdeckApp(ctx).run()
    finally:
        if ctx.demo is not None:
            ctx.demo.stop()
    return 0


def demo_context(launch: LaunchTarget | None = None, read_only: bool = False) -> AppContext:
    """A context on a fresh in-process sandbox, for tests and the screenshot script."""
    args = build_args(["--demo", *(["--read-only"] if read_only else [])])
    return build_context(args, launch)


def build_args(argv: list[str]) -> argparse.Namespace:
    from tui.cli import build_parser

    args, _ = build_parser().parse_known_args(argv)
    return args
