"""The session timeline screen at 80×24, driven by keys against the sandbox's all-hands session."""

from __future__ import annotations

from functools import partial

from tests.ui.helpers import wait_for
from tui.app import EventdeckApp
from tui.services import ivs_realtime as ivs
from tui.services.paging import Pager
from tui.ui.screens.timeline import OpenAt, TimelineScreen
from tui.ui.widgets.timeline_view import TimelineView


def all_hands(factory):  # type: ignore[no-untyped-def]
    stage = next(
        s
        for s in Pager(partial(ivs.list_stages, factory)).items()
        if s.name == "quarterly-all-hands"
    )
    session = next(Pager(partial(ivs.list_stage_sessions, factory, stage.arn)).items())
    return stage.arn, session.session_id


def status_of(screen: TimelineScreen) -> str:
    found = screen.query("#timeline-status")
    return str(found.first().render()) if found else ""


def view_lines(view: TimelineView) -> list[str]:
    return [view.render_line(y).text for y in range(view.size.height)]


async def test_timeline_draws_every_participant_and_names_what_is_under_the_cursor(app_ctx) -> None:  # type: ignore[no-untyped-def]
    arn, sid = all_hands(app_ctx.factory)
    app = EventdeckApp(app_ctx)
    chosen: list[OpenAt | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = TimelineScreen(app_ctx.factory, app_ctx.pool, arn, sid, title="all-hands")
        app.push_screen(screen, chosen.append)
        await wait_for(pilot, lambda: bool(screen.query(TimelineView)), timeout=30)
        view = screen.query_one(TimelineView)
        await pilot.pause()
        lines = view_lines(view)
        assert all(len(line) <= 80 for line in lines)
        # Publishing and subscribing shapes appear; an error mark too; rows fill the screen.
        body = "\n".join(lines[1:])
        assert "█" in body and "░" in body and "!" in body
        assert len([line for line in lines[1:] if line.strip()]) == view.size.height - 1
        title = str(screen.query_one("#timeline-title").render())
        assert "participants" in title and "error events" in title
        # n jumps to the first error event; the status line names it with its meaning.
        await pilot.press("n")
        status = str(screen.query_one("#timeline-status").render())
        assert "_ERROR" in status, status
        row_before = view.row
        await pilot.press("j", "k")
        assert view.row == row_before
        # Zoom in and out around the cursor keeps the cursor's time on screen.
        info = view.cursor_info()
        assert info is not None
        await pilot.press("z", "z", "minus")
        after = view.cursor_info()
        assert (
            after is not None
            and abs(after.start - info.start) < max(view.dt, info.end - info.start) * 2
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(chosen))
    assert chosen[0] is not None
    assert chosen[0].participant_id == after.track.participant.participant_id


async def test_escape_while_loading_cancels_the_scan(app_ctx) -> None:  # type: ignore[no-untyped-def]
    arn, sid = all_hands(app_ctx.factory)
    app_ctx.demo.set_faults("latency=200ms")
    app = EventdeckApp(app_ctx)
    chosen: list[OpenAt | None] = []
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = TimelineScreen(app_ctx.factory, app_ctx.pool, arn, sid)
            app.push_screen(screen, chosen.append)
            await wait_for(pilot, lambda: "Loading events" in status_of(screen), timeout=30)
            calls = app_ctx.pool.stats().calls
            await pilot.press("escape")
            await wait_for(pilot, lambda: bool(chosen))
            await wait_for(pilot, lambda: app_ctx.pool.stats().in_flight == 0, timeout=10)
            # At most the calls already on the wire finished; the other participants were not asked.
            assert app_ctx.pool.stats().calls - calls <= app_ctx.pool.size
    finally:
        app_ctx.demo.set_faults(None)
    assert chosen == [None]
