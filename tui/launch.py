"""Turn parsed command-line arguments into a running app: settings, options, demo sandbox, log.

Kept apart from cli.py so that `eventdeck --version` and `eventdeck sandbox` never import Textual;
it reads the parsed options through tui.args and never imports cli.py back.
"""

from __future__ import annotations

import argparse
import gc
import os
from typing import Any

from tui import gcpause
from tui.args import LaunchTarget, connection_options
from tui.context import AppContext
from tui.errors import ConfigError
from tui.services.early_call import mark
from tui.services.pool import CallPool
from tui.settings import config_path, load_settings


def build_context(
    args: argparse.Namespace, launch: LaunchTarget | None, resolve: bool = True
) -> AppContext:
    """Everything the app needs, resolved from arguments, the config file and the environment.

    ``resolve=False``: the destination is left unresolved (botocore not imported) for the early
    child to resolve; the caller must then settle it (``settle_launch``) before the app runs.
    """
    path = config_path(getattr(args, "config", None))
    settings, warnings = load_settings(path)
    if getattr(args, "theme", None):
        from dataclasses import replace

        settings = replace(settings, ui=replace(settings.ui, theme=args.theme))
    options = connection_options(args, settings)
    demo = None
    bundle = None
    if getattr(args, "open", None):  # --open BUNDLE: the sandbox on the bundle's data alone
        from tui.sandbox.embed import start_demo

        bundle = read_opened(args.open)
        demo = start_demo(data=args.open)
        options = options.for_sandbox(demo.endpoint, demo.region, demo.ca_bundle, demo.env())
    elif args.demo:
        from tui.sandbox.embed import start_demo

        demo = start_demo()
        options = options.for_sandbox(demo.endpoint, demo.region, demo.ca_bundle, demo.env())
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
    if not resolve:
        return ctx
    try:
        ctx.resolved  # noqa: B018 - an unknown profile stops here, in one line, exit status 2
    except ConfigError:
        if demo is not None:
            demo.stop()
        raise
    return ctx


def read_opened(path: str) -> Any:
    """The bundle ``--open`` names (its filter, marks and note go to the pane), or ConfigError."""
    from tui.errors import EventdeckError
    from tui.services.bundle import read_bundle

    try:
        return read_bundle(path)
    except EventdeckError as exc:
        raise ConfigError(exc.message, hint=exc.hint) from None


FIRST_SERVICE = {
    "ivs": "ivs-realtime",
    "codecatalyst": "codecatalyst",
    "profiles": "customer-profiles",
    "partner": "events",
    "personalize": "personalize-events",
}


def start_prefetch(ctx: AppContext, launch: LaunchTarget | None, fork: bool = False) -> Any:
    """Fetch the launch target's first page in the background, where that is safe and useful.

    With ``fork`` (the real start-up, before Textual is imported and before any thread starts),
    a child process makes the call (tui/services/early_call.py) and its page goes through the
    same prefetch slot, checked for this call and this destination, so the pane takes it as it
    would a page fetched here; the EarlyCall is returned so the app's exit can stop it.
    Otherwise a thread makes the call. Returns False when nothing was started.
    """
    from tui.services.session import profile_may_prompt

    if launch is None:
        return False
    fork = fork and may_fork(ctx, launch)
    # The early child checks for an MFA profile itself (and then answers nothing): reading the
    # AWS config here again would only delay the first paint.
    if not fork and profile_may_prompt(ctx.resolved.profile.value):
        return False
    params = launch.params
    if is_early_target(launch):
        from tui.services import ivs_realtime as ivs

        stage, session, participant = (
            params["stage-arn"],
            params["session-id"],
            params["participant-id"],
        )
        size = ctx.settings.pages.ivs
        factory = ctx.factory
        key = ivs.events_page_key(stage, session, participant, size)
        if fork:
            from tui.services import early_call

            early = early_call.start(factory, stage, session, participant, size)
            if early is not None:
                ctx.prefetch.start(key, lambda: early_page(ctx, early, key))
                return early
            ctx.resolved  # noqa: B018 - no child to resolve: here, as without the early call

        def fetch() -> Any:
            mark("call-sent")
            page = ivs.list_participant_events(factory, stage, session, participant, None, size)
            mark("call-answered")
            return page

        ctx.prefetch.start(key, fetch)
        return True
    return False


def is_early_target(launch: LaunchTarget | None) -> bool:
    """Whether the early child can fetch ``launch``'s first page (a participant's events)."""
    return (
        launch is not None
        and launch.operation == "ivs-realtime list-participant-events"
        and "cli-input-json" not in launch.params
    )


def may_fork(ctx: AppContext, launch: LaunchTarget | None) -> bool:
    """Whether this start-up forks the early child: a target it fetches, not the demo, not off."""
    return (
        is_early_target(launch)
        and ctx.demo is None
        and not os.environ.get("EVENTDECK_NO_EARLY_CALL")
    )


def early_page(ctx: AppContext, early: Any, key: Any) -> Any:
    """The early child's page, if it is for ``key`` where this app's calls go; else raise.

    Why raise: the prefetch slot then holds nothing usable and the pane makes its normal call;
    the reason goes to the debug log only (the user sees the page either way). The page may come
    before the main thread has taken the child's resolution (``settle_launch``): it is taken
    here then, never resolved here (that would import botocore before the first paint).
    """
    import logging

    factory = ctx.factory

    def current() -> Any:
        if ctx.factory is factory:  # not switched meanwhile: the child's answer stands in
            factory.stand_in(early.resolution())
        return ctx.resolved

    try:
        return early.page_for(current, key)
    except Exception as exc:
        logging.getLogger(__name__).debug("early page not used: %s", exc)
        raise


def prepare_launch(args: argparse.Namespace, launch: LaunchTarget | None) -> tuple[AppContext, Any]:
    """The app's context with its first page on its way, and the early call's child if any.

    Apart from ``launch_app`` so a test can run the exact start-up path with a headless app.
    """
    # The one environment write left: Textual reads NO_COLOR only from the environment, in
    # App.__init__, and offers no parameter for it (see tui/themes.py); eventdeck runs one app
    # per process, just after this.
    if args.color == "off":
        os.environ["NO_COLOR"] = "1"
    elif args.color == "on":
        os.environ.pop("NO_COLOR", None)
    # With the early child, the destination is resolved there (botocore is imported there, on
    # the other core, not before this process's first paint); without it, here and now.
    early_target = (
        is_early_target(launch)
        and not getattr(args, "open", None)
        and not args.demo
        and not os.environ.get("EVENTDECK_NO_EARLY_CALL")
    )
    ctx = build_context(args, launch, resolve=not early_target)
    mark("context-built")
    # Fetch the launch target's first page (in a child process: Textual is not imported yet),
    # or build the first pane's client, while Textual loads: the first rows come sooner.
    started = start_prefetch(ctx, launch, fork=True)
    from tui.services import early_call

    early_call.cancel_pending()  # forked by tui.cli for a launch that turned out to need no call
    if not started:
        ctx.factory.prewarm(FIRST_SERVICE[launch.pane if launch else "ivs"])
    return ctx, None if isinstance(started, bool) else started


def settle_launch(ctx: AppContext, early: Any) -> None:
    """Between the UI's import and the app's run: the imports frozen, the child's resolution taken.

    The cyclic GC: tui/cli.py paused it (tui/gcpause.py) for the imports (they make ~70,000
    objects and no garbage worth finding); what they made lives as long as the process, so it is
    frozen now (no later collection walks it: the first page's ``gc.collect(1)`` in browse_paging
    would walk all of it). The pause itself lasts until the app's first frame is out.

    The resolution: an unknown profile must stop the launch with one line and exit status 2
    before the UI takes the terminal; the child's answer says so (ConfigError raised here). If the
    child failed otherwise (or died), this process resolves itself, as without the early call.
    The app resolves itself after its first paint and switches if the answer differs.
    """
    from tui.services.early_call import EarlyCallDiscarded

    if gcpause.paused():
        gc.freeze()
    if early is None:
        return
    try:
        ctx.factory.stand_in(early.resolution())
    except EarlyCallDiscarded:
        ctx.resolved  # noqa: B018 - an unknown profile stops here, in one line, exit status 2
    mark("early-resolved-taken")


def launch_app(args: argparse.Namespace, launch: LaunchTarget | None) -> int:
    """Run the app until it exits; the demo sandbox and an early call still running stop with it."""
    ctx, early = prepare_launch(args, launch)
    from tui.app import EventdeckApp

    mark("ui-imported")
    try:
        settle_launch(ctx, early)
        EventdeckApp(ctx).run()
    finally:
        if early is not None:  # quit before the early page came: stop the child too
            early.discard()
        if ctx.demo is not None:
            ctx.demo.stop()
    return 0
