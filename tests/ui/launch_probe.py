"""Run in a subprocess by test_early_call.py: start eventdeck from AWS CLI words as `eventdeck` does.

A separate process because the early call forks: the test process runs the session sandbox's
server threads, and a fork must happen where `eventdeck` forks it, before any thread starts.
The probe takes the real start-up path (tui.cli.start_early_call, tui.launch.prepare_launch),
then runs the app headless and prints what the pane shows, as JSON.

Modes: ``plain``; ``parent-never-calls`` (the parent's own ListParticipantEvents raises, so the
page can only come from the child); ``kill`` (the child is killed at once); ``other-destination``
(the parent's CA bundle changes after the fork: the child's page is for another destination);
``early-only`` (no app: what the early call hands over, or why it was discarded).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from typing import Any

from tests.ui.helpers import idle, wait_for
from tui.args import build_parser, parse_operation
from tui.cli import start_early_call


async def probe(mode: str, words: list[str]) -> dict[str, Any]:
    args, rest = build_parser().parse_known_args(words)
    launch = parse_operation(rest)
    early = start_early_call(args, launch)
    out: dict[str, Any] = {"forked": early is not None}
    from tui.services import ivs_realtime as ivs

    if mode == "kill" and early is not None:
        os.kill(early.pid, signal.SIGKILL)
    if mode == "other-destination":
        os.environ["AWS_CA_BUNDLE"] = os.environ["PROBE_OTHER_CA_BUNDLE"]
    if mode == "parent-never-calls":

        def no_call(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("the parent called ListParticipantEvents itself")

        ivs.list_participant_events = no_call  # type: ignore[assignment]
    if mode == "early-only":
        from tui.launch import build_context

        ctx = build_context(args, launch)
        p = launch.params
        key = ivs.events_page_key(
            p["stage-arn"], p["session-id"], p["participant-id"], ctx.settings.pages.ivs
        )
        assert early is not None
        try:
            page = early.page_for(ctx.resolved, key)
            out["events"] = [e.name for e in page.items]
        except Exception as exc:
            out["discarded"] = f"{type(exc).__name__}: {exc}"
        return out
    from tui.app import EventdeckApp
    from tui.launch import prepare_launch

    ctx = prepare_launch(args, launch, early)
    app = EventdeckApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane: Any = app.current_pane
        await wait_for(pilot, idle(pane))
        out.update(
            crumb=pane.level.crumb,
            error=None if pane.last_error is None else str(pane.last_error),
            events=[e.name for e in pane.level.items],
        )
    return out


if __name__ == "__main__":
    print(json.dumps(asyncio.run(probe(sys.argv[1], sys.argv[2:]))))
