"""Run in a subprocess by test_early_call.py: start eventdeck from AWS CLI words as `eventdeck` does.

A separate process because the early call forks: the test process runs the session sandbox's
server threads, and a fork must happen where `eventdeck` forks it, before any thread starts.
The probe takes the real start-up path (tui.launch.prepare_launch), then runs the app headless
and prints, as JSON, what the pane shows and why an early page was not used (if it was not).

Modes: ``plain``; ``parent-never-calls`` (the parent's own ListParticipantEvents raises, so the
page can only come from the child); ``kill`` (the child is killed at once); ``other-destination``
(the app switches to another CA bundle path, PROBE_OTHER_CA_BUNDLE, before the page arrives);
``config-changes`` (AWS_REGION becomes PROBE_NEW_REGION after the child resolved);
``early-only`` (no app: what the early call hands over for the app's destination, or for the
other CA bundle if PROBE_OTHER_CA_BUNDLE is set).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import signal
import sys
from typing import Any

from tui import gcpause
from tui.args import build_parser, parse_operation
from tui.launch import build_context, prepare_launch, settle_launch
from tui.services import early_call
from tui.services import ivs_realtime as ivs

discarded: list[str] = []
original_page_for = early_call.EarlyCall.page_for


def page_for(self: early_call.EarlyCall, resolved: Any, key: Any) -> Any:
    try:
        return original_page_for(self, resolved, key)
    except early_call.EarlyCallDiscarded as exc:
        discarded.append(str(exc))
        raise


early_call.EarlyCall.page_for = page_for  # type: ignore[method-assign]


def early_only(args: Any, launch: Any) -> dict[str, Any]:
    """The early call alone (no prefetch thread reading it): its page for the app's destination,
    or for another CA bundle path if PROBE_OTHER_CA_BUNDLE is set."""
    ctx = build_context(args, launch)
    p = launch.params
    size = ctx.settings.pages.ivs
    early = early_call.start(
        ctx.factory, p["stage-arn"], p["session-id"], p["participant-id"], size
    )
    out: dict[str, Any] = {"forked": early is not None, "discarded": discarded}
    assert early is not None
    other = os.environ.get("PROBE_OTHER_CA_BUNDLE")
    resolved = ctx.prepare_switch(ca_bundle=other).resolved if other else ctx.resolved
    key = ivs.events_page_key(p["stage-arn"], p["session-id"], p["participant-id"], size)
    with contextlib.suppress(early_call.EarlyCallDiscarded):
        out["events"] = [e.name for e in early.page_for(lambda: resolved, key).items]
    return out


async def probe(mode: str, words: list[str]) -> dict[str, Any]:
    if early_call.wanted(words):  # as tui/cli.py's main does first: the job is handed over later
        early_call.prestart()
    args, rest = build_parser().parse_known_args(words)
    launch = parse_operation(rest)
    if mode == "early-only":
        return early_only(args, launch)
    gcpause.pause()  # as tui/cli.py does before the launch: the app ends it after its first frame
    ctx, early = prepare_launch(args, launch)
    out: dict[str, Any] = {"forked": early is not None, "discarded": discarded}
    if mode == "kill" and early is not None:
        os.kill(early.pid, signal.SIGKILL)
    settle_launch(ctx, early)  # as launch_app does once the UI is imported
    other = os.environ.get("PROBE_OTHER_CA_BUNDLE")
    if mode == "parent-never-calls":

        def no_call(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("the parent called ListParticipantEvents itself")

        ivs.list_participant_events = no_call  # type: ignore[assignment]
    if mode == "other-destination":
        # The user switched before the page came: the page is for the old destination.
        ctx.adopt(ctx.prepare_switch(ca_bundle=other))
    from textual.widgets import Static

    from tests.ui.helpers import idle, wait_for
    from tui.app import EventdeckApp
    from tui.shell.flows import ShellFlows

    # What the parent had loaded when its first frame was out (the app then resolves itself).
    confirm = ShellFlows.confirm_resolution

    def confirm_resolution(self: ShellFlows) -> None:
        out["botocore_at_first_paint"] = "botocore" in sys.modules
        out["header_before_confirm"] = ctx.resolved.region.describe()
        confirm(self)

    ShellFlows.confirm_resolution = confirm_resolution  # type: ignore[method-assign]
    if mode == "config-changes":
        # The AWS config changes between the child's resolution and the app's own.
        os.environ["AWS_REGION"] = os.environ["PROBE_NEW_REGION"]
    app = EventdeckApp(ctx)
    compose = app.compose

    def compose_noting_gc() -> Any:
        out["gc_enabled_in_compose"] = gc.isenabled()
        return compose()

    app.compose = compose_noting_gc  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        pane: Any = app.current_pane
        await wait_for(pilot, idle(pane))
        # The app resolves itself after its first paint (and switches if that differs).
        await wait_for(pilot, lambda: not ctx.factory.provisional)
        await wait_for(pilot, idle(pane))
        out.update(
            region=ctx.resolved.region.value,
            header=str(app.query_one("#identity", Static).visual),
            crumb=pane.level.crumb,
            error=None if pane.last_error is None else str(pane.last_error),
            events=[e.name for e in pane.level.items],
            gc_enabled=gc.isenabled(),
        )
    if early is not None:
        early.discard()
    return out


if __name__ == "__main__":
    print(json.dumps(asyncio.run(probe(sys.argv[1], sys.argv[2:]))))
