"""Read-ahead (issue 13, goal 5): once the user pages, the next pages are fetched a few ahead.

What a user sees: nothing is fetched until they page; then pages are there when asked for (``G``
lands the pages that are in, in one frame, up to ``LANDING_ROWS``); leaving the view drops what
was read ahead for it; a page read ahead that failed shows its error where the user reaches it,
with ``r`` to retry; and the rows are the service's, each once, in order (checked against
botocore's paginator).
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from tests.ui.helpers import idle, wait_for
from tests.ui.test_paging_ahead import SIZE, launch_demo_large
from tui.app import EventdeckApp
from tui.args import LaunchTarget
from tui.services import codecatalyst as cc
from tui.settings import PageSettings
from tui.ui.panes import browse_paging


def paginator_ids(app_ctx: Any, start: datetime, end: datetime, count: int) -> list[str]:
    """The first ``count`` event log ids of the same query, paged by botocore's own paginator."""
    client = app_ctx.factory.client("codecatalyst")
    paginator = client.get_paginator("list_event_logs")
    ids: list[str] = []
    pages = paginator.paginate(
        spaceName="demo-large",
        startTime=start,
        endTime=end,
        PaginationConfig={"PageSize": SIZE},
    )
    for page in pages:
        ids.extend(item["id"] for item in page["items"])
        if len(ids) >= count:
            break
    return ids[:count]


def counted_calls(
    monkeypatch: pytest.MonkeyPatch, hold: int | None = None
) -> tuple[list[str | None], threading.Event]:
    """Record each ListEventLogs call's token; call number ``hold`` (1-based) waits for the event."""
    calls: list[str | None] = []
    gate = threading.Event()
    original = cc.list_event_logs

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[4] if len(args) > 4 else kwargs.get("next_token"))
        if len(calls) == hold:
            gate.wait(60)
        return original(*args, **kwargs)

    monkeypatch.setattr(cc, "list_event_logs", counted)
    return calls, gate


async def on_page_two_with_page_three_held(pilot: Any, calls: list[str | None]) -> Any:
    """Once the first page is in, ``G``: page 2 lands, page 3's call (read ahead) is held."""
    pane = pilot.app.current_pane
    await wait_for(pilot, idle(pane))
    await pilot.press("G")
    await wait_for(pilot, lambda: pane.table.loaded_count == 2 * SIZE and len(calls) == 3)
    return pane


async def page_once(pilot: Any, pane: Any) -> None:
    """``G`` once: wait until rows land, then until nothing is on its way (calls, preparing)."""
    before = pane.table.loaded_count
    await pilot.press("G")
    await wait_for(pilot, lambda: pane.table.loaded_count > before or pane.level.done)
    await wait_for(pilot, lambda: idle(pane)() and not reading_ahead())


def reading_ahead() -> bool:
    """A read-ahead thread is still running (a call, or the page's preparing)."""
    return any(t.name == "eventdeck-read-ahead" for t in threading.enumerate())


async def test_nothing_is_read_ahead_until_the_user_pages_nor_past_the_last_page(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    start, end = launch_demo_large(app_ctx)
    start = end - timedelta(minutes=90)  # ~250 logs (one each ~22 s): three pages
    app_ctx.launch = replace(
        app_ctx.launch, params={**app_ctx.launch.params, "start-time": start.isoformat()}
    )
    calls, _ = counted_calls(monkeypatch)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        pane: Any = app.current_pane
        table = pane.table
        await wait_for(pilot, idle(pane))
        for _ in range(3):  # the user reads the first page: still one call
            await pilot.press("j")
            await pilot.pause()
        assert not reading_ahead()
        assert (len(calls), table.loaded_count) == (1, SIZE)
        while not pane.level.done:
            await page_once(pilot, pane)
        pages = -(-table.loaded_count // SIZE)
        assert 2 < pages < 10 and len(calls) == pages  # no call past the last page
        await pilot.press("G")
        await pilot.pause()
        assert len(calls) == pages and not reading_ahead()
        loaded = list(pane.level.keys)
    monkeypatch.undo()
    assert loaded == paginator_ids(app_ctx, start, end, 10 * SIZE)


async def test_pages_asked_for_again_and_again_are_read_further_ahead_and_g_lands_all_in(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    start, end = launch_demo_large(app_ctx)
    calls, _ = counted_calls(monkeypatch)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        pane: Any = app.current_pane
        table = pane.table
        await wait_for(pilot, idle(pane))
        for _ in range(3):
            before = table.loaded_count
            await pilot.press("G")
            await wait_for(pilot, lambda before=before: table.loaded_count > before)
            await wait_for(pilot, idle(pane))
        shown = table.loaded_count // SIZE
        ahead = len(calls) - shown  # pages fetched and not shown yet
        assert ahead >= 2, f"{ahead} page(s) read ahead after 3 pages asked for"
        assert len(set(calls)) == len(calls), "a page was fetched twice"
        await pilot.press("G")  # the pages in land with this one press (one frame)
        await wait_for(pilot, lambda: table.loaded_count > shown * SIZE)
        assert table.loaded_count == (shown + ahead) * SIZE
        assert table.cursor_row == table.loaded_count - 1
        await wait_for(pilot, idle(pane))
        loaded = list(pane.level.keys)
    monkeypatch.undo()
    assert loaded == paginator_ids(app_ctx, start, end, len(loaded))


async def test_a_landing_holds_at_most_landing_rows_and_the_next_g_lands_the_rest(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages read ahead land ``LANDING_ROWS`` at a time (a frame's work stays short), in order."""
    start, end = launch_demo_large(app_ctx)
    monkeypatch.setattr(browse_paging, "LANDING_ROWS", 2 * SIZE)  # two pages of 100 a landing
    calls, _ = counted_calls(monkeypatch)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        pane: Any = app.current_pane
        table = pane.table
        await wait_for(pilot, idle(pane))
        for _ in range(4):  # the window grows while the user keeps paging
            await page_once(pilot, pane)
        chain = pane.paging.chain
        await wait_for(pilot, lambda: chain.held >= 4 and chain.in_flight == 0)
        held, shown = chain.held, table.loaded_count
        await pilot.press("G")  # four pages or more are in: two land, on the cursor's way down
        await wait_for(pilot, lambda: table.loaded_count > shown)
        await pilot.pause()
        assert table.loaded_count == shown + 2 * SIZE
        assert table.cursor_row == table.loaded_count - 1
        assert chain.held >= held - 2  # the others stay read ahead (more may be asked for)
        await pilot.press("G")  # the next press lands the next two
        await wait_for(pilot, lambda: table.loaded_count > shown + 2 * SIZE)
        await pilot.pause()
        assert table.loaded_count == shown + 4 * SIZE
        assert table.cursor_row == table.loaded_count - 1
        await wait_for(pilot, lambda: idle(pane)() and not reading_ahead())
        loaded = list(pane.level.keys)
    monkeypatch.undo()
    assert len(set(calls)) == len(calls), "a page was fetched twice"
    assert loaded == paginator_ids(app_ctx, start, end, len(loaded))


@pytest.mark.parametrize("leave", ["escape", "ctrl+r", "3"])
async def test_a_page_read_ahead_for_a_view_left_never_lands(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch, leave: str
) -> None:
    """Back to the spaces, refresh, or another pane while page 3 is read ahead (its answer late)."""
    start, end = launch_demo_large(app_ctx)
    calls, gate = counted_calls(monkeypatch, hold=3)  # page 3's call: read ahead, held
    app = EventdeckApp(app_ctx)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            pane = await on_page_two_with_page_three_held(pilot, calls)
            logs = pane.level
            page3 = calls[2]
            await pilot.press(leave)
            if leave == "3":
                await wait_for(pilot, lambda: app.current_pane is not pane)
                await wait_for(pilot, idle(app.current_pane))
            else:
                await wait_for(pilot, lambda: idle(pane)() and pane.table.loaded_count > 0)
            shown = [row.key for row in pane.table.model.rows]
            gate.set()  # page 3's answer comes in now, late
            await wait_for(pilot, lambda: not reading_ahead())
            for _ in range(3):
                await pilot.pause()
            assert [row.key for row in pane.table.model.rows] == shown
            if leave == "ctrl+r":  # the same view, from its first page again: page 3 not in it
                assert shown == paginator_ids(app_ctx, start, end, SIZE)
            if leave == "3":
                await pilot.press("2")  # back: the logs as they were, page 3 still to come
                await wait_for(pilot, lambda: app.current_pane is pane)
                assert pane.table.loaded_count == 2 * SIZE
                await pilot.press("G")
                await wait_for(pilot, lambda: pane.table.loaded_count >= 3 * SIZE)
                assert page3 in calls[3:], "what was read ahead before leaving the pane was kept"
                shown = list(logs.keys)
                monkeypatch.undo()
                assert shown == paginator_ids(app_ctx, start, end, len(shown))
            else:
                assert len(logs.keys) == len(logs.items) <= 2 * SIZE
    finally:
        gate.set()


async def test_a_page_read_ahead_that_failed_shows_its_error_when_reached_and_r_retries(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    start, end = launch_demo_large(app_ctx)
    calls, gate = counted_calls(monkeypatch, hold=3)  # page 3's call: read ahead, held
    app = EventdeckApp(app_ctx)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            pane = await on_page_two_with_page_three_held(pilot, calls)
            table = pane.table
            app_ctx.demo.set_faults("throttle=1.0")  # the sandbox throttles it, every attempt
            gate.set()
            await wait_for(pilot, lambda: not reading_ahead())
            app_ctx.demo.set_faults(None)
            await wait_for(pilot, idle(pane))
            # The user is on page 2: the failure of a page not asked for yet is not shown.
            assert pane.last_error is None and table.error is None
            assert table.loaded_count == 2 * SIZE and table.page_loading is False
            await pilot.press("G")  # the user reaches page 3: its error, as a page asked for now
            await wait_for(pilot, lambda: table.error is not None)
            assert pane.last_error is not None
            assert "throttl" in table.error.lower() or "rate" in table.error.lower()
            assert table.loaded_count == 2 * SIZE
            await pilot.press("r")  # retry: page 3 again, from its token
            await wait_for(pilot, lambda: table.loaded_count >= 3 * SIZE)
            assert calls[3] == calls[2] is not None
            assert table.error is None and pane.last_error is None
            await wait_for(pilot, idle(pane))
            loaded = list(pane.level.keys)
    finally:
        gate.set()
        app_ctx.demo.set_faults(None)
    monkeypatch.undo()
    assert loaded == paginator_ids(app_ctx, start, end, len(loaded))


async def test_participant_events_are_read_ahead_by_the_same_mechanism(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pane 1 (IVS, 1 event a page here): the same read-ahead, the same rows as the API's pages.

    With pages of one event the table asks for more pages to fill the screen, and ``G`` lands
    every page that is in, so when pages land is the machine's timing: what is checked is who made
    each call (the first page the pane's worker, every later one the read-ahead's thread), that
    each page was asked for once, and the rows.
    """
    from tests.ui.test_browse_panes import find_publish_error
    from tui.services import ivs_realtime as ivs

    stage, session_id, participant_id, _ = find_publish_error(app_ctx.factory)
    where = {"stageArn": stage.arn, "sessionId": session_id, "participantId": participant_id}
    client = app_ctx.factory.client("ivs-realtime")
    expected: list[tuple[str, float]] = []
    token: str | None = None
    while True:  # ListParticipantEvents has no botocore paginator: its nextToken by hand
        page = client.list_participant_events(
            **where, maxResults=1, **({"nextToken": token} if token else {})
        )
        expected.extend((e["name"], e["eventTime"].timestamp()) for e in page["events"])
        token = page.get("nextToken")
        if not token:
            break
    assert len(expected) >= 5, "the demo participant has too few events for this test"
    app_ctx.settings = replace(app_ctx.settings, pages=PageSettings(ivs=1))
    app_ctx.launch = LaunchTarget(
        "ivs",
        "ivs-realtime list-participant-events",
        {"stage-arn": stage.arn, "session-id": session_id, "participant-id": participant_id},
    )
    callers: list[tuple[str | None, str]] = []  # (token, thread) of each call the pane made
    original = ivs.list_participant_events

    def counted(*args: Any, **kwargs: Any) -> Any:
        token = args[4] if len(args) > 4 else kwargs.get("next_token")
        callers.append((token, threading.current_thread().name))
        return original(*args, **kwargs)

    monkeypatch.setattr(ivs, "list_participant_events", counted)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        pane: Any = app.current_pane
        await wait_for(pilot, idle(pane))
        while not pane.level.done:
            await page_once(pilot, pane)
        await wait_for(pilot, lambda: not reading_ahead())
        loaded = [(e.name, e.event_time.timestamp()) for e in pane.level.items]
    assert loaded == expected
    tokens = [token for token, _ in callers]
    assert len(tokens) == len(expected) and len(set(tokens)) == len(tokens)  # each page once
    assert callers[0][0] is None and all(
        thread == "eventdeck-read-ahead" for _, thread in callers[1:]
    ), callers


async def test_a_landing_put_off_by_less_than_a_microsecond_still_lands(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A landing paced to the end of its gap lands even when the gap's rest is 1 ns.

    Why: Textual's one-shot timer drops its only tick if the delay passed between two reads of
    the clock; paging's pace timer was one, and a remainder of 0.4 µs left a million-row view
    "loading" for good at 123,750 rows (``G`` again did nothing: the landing was "paced").
    A fixed clock and a 1 ns gap make every landing after the first take that path.
    """
    launch_demo_large(app_ctx)
    monkeypatch.setattr(browse_paging, "time", SimpleNamespace(monotonic=lambda: 1_000.0))
    monkeypatch.setattr(browse_paging, "LANDING_GAP", 1e-9)
    monkeypatch.setattr(browse_paging, "KEY_LANDING_GAP", 1e-9)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        pane: Any = app.current_pane
        table = pane.table
        await wait_for(pilot, idle(pane))
        for pages in range(2, 6):
            await pilot.press("G")
            await wait_for(
                pilot,
                lambda pages=pages: table.loaded_count >= pages * SIZE,
                timeout=20,
                message=lambda: f"still loading at {table.loaded_count} rows",
            )


async def test_g_with_pages_in_waits_a_frame_after_a_landing_not_the_stream_pace(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``G`` asks for pages already read ahead: they land ``KEY_LANDING_GAP`` after the last landing.

    Pages that stream in while the user waits are paced by ``LANDING_GAP`` (made 10 s here);
    a key that finds them in waits only a frame's gap, so ``G`` just after a landing shows the
    next page without the stream's wait. The clock is the test's: no timing in it.
    """
    launch_demo_large(app_ctx)
    clock = [1_000.0]
    monkeypatch.setattr(browse_paging, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    monkeypatch.setattr(browse_paging, "LANDING_GAP", 10.0)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        pane: Any = app.current_pane
        table = pane.table
        await wait_for(pilot, idle(pane))
        for _ in range(2):
            clock[0] += 60
            await page_once(pilot, pane)
        chain = pane.paging.chain
        await wait_for(pilot, lambda: chain.held >= 2 and chain.in_flight == 0)
        shown = table.loaded_count
        clock[0] = pane.paging.landed_at + browse_paging.KEY_LANDING_GAP + 1e-6
        await pilot.press("G")
        assert pane.paging.pacing is None
        assert table.loaded_count > shown
        clock[0] = pane.paging.landed_at + browse_paging.KEY_LANDING_GAP / 2
        shown = table.loaded_count
        await pilot.press("G")  # within a frame of the landing: put off by the rest of it
        await wait_for(pilot, lambda: table.loaded_count > shown, timeout=20)
