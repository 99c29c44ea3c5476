"""A page is made ready in the worker that fetched it (issue 13): the UI thread only appends it.

The worker makes the rows, packs the items and reads their times; what lands must be the same
as when the UI thread made it: dropped when the user left the query, made again when the time
format changed meanwhile, and the density line counts the times without reviving any item.
"""

from __future__ import annotations

import re
import threading
import time
import zlib
from collections.abc import Callable
from typing import Any

import pytest

from tests.ui.helpers import idle, wait_for
from tests.ui.test_paging_ahead import SIZE, expected_ids, launch_demo_large
from tests.ui.test_paging_read_ahead import page_once, reading_ahead
from tui.app import EventdeckApp
from tui.services import codecatalyst as cc
from tui.services import memtrim
from tui.ui import garbage
from tui.ui.format import fmt_time
from tui.ui.panes import browse_paging, item_store
from tui.ui.panes.browse import BrowsePane
from tui.ui.panes.level import Level


def _gate_after(monkeypatch: pytest.MonkeyPatch, calls_free: int) -> threading.Event:
    """ListEventLogs calls after the first ``calls_free`` wait until the returned event is set."""
    gate = threading.Event()
    calls: list[int] = []
    original = cc.list_event_logs

    def gated(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) > calls_free:
            gate.wait(60)
        return original(*args, **kwargs)

    monkeypatch.setattr(cc, "list_event_logs", gated)
    return gate


async def test_rows_items_and_times_are_made_off_the_ui_thread(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    start, end = launch_demo_large(app_ctx)
    on_ui: list[str] = []
    main = threading.main_thread()
    fmt, compress, raw = BrowsePane.fmt_time, zlib.compress, item_store.CompactItems.raw

    def watched_fmt(self: Any, value: Any) -> str:
        if threading.current_thread() is main:
            on_ui.append("row made")
        return fmt(self, value)

    def watched_compress(data: Any, *args: Any) -> bytes:
        if threading.current_thread() is main:
            on_ui.append("items packed")
        return compress(data, *args)

    def watched_raw(self: Any, index: int) -> Any:
        on_ui.append("item revived")
        return raw(self, index)

    monkeypatch.setattr(BrowsePane, "fmt_time", watched_fmt)
    monkeypatch.setattr(item_store.zlib, "compress", watched_compress)
    monkeypatch.setattr(item_store.CompactItems, "raw", watched_raw)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        pane: Any = app.current_pane
        await wait_for(pilot, idle(pane))
        for _ in range(3):
            await page_once(pilot, pane)
        rows = pane.table.loaded_count
        density = pane.table.density
        density.sync()
        counted = density.density.total
        assert sorted(set(on_ui)) == [], f"done on the UI thread: {sorted(set(on_ui))}"
        level = pane.level
        times = list(level.times)
        monkeypatch.setattr(item_store.CompactItems, "raw", raw)
        logs = list(level.items)
    assert rows >= 4 * SIZE and counted == rows  # G lands every page read ahead that is in
    assert [log.id for log in logs] == expected_ids(app_ctx, start, end, rows)
    assert times == [log.event_time.timestamp() for log in logs]


async def test_a_page_made_for_a_level_the_user_left_is_dropped(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    launch_demo_large(app_ctx)
    gate = _gate_after(monkeypatch, 1)
    app = EventdeckApp(app_ctx)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            pane: Any = app.current_pane
            await wait_for(pilot, idle(pane))
            logs_level = pane.level
            assert len(pane.levels) > 1, "the launch opened the logs below the spaces"
            await pilot.press("G")  # page 2 is asked for; its call waits at the gate
            await wait_for(pilot, lambda: pane.fetching)
            await pilot.press("escape")  # the user leaves the logs for the spaces
            await wait_for(pilot, lambda: pane.level is not logs_level and idle(pane)())
            spaces = [row.key for row in pane.table.model.rows]
            gate.set()  # page 2 is made ready in its thread and arrives late
            await wait_for(pilot, lambda: not reading_ahead())
            for _ in range(3):
                await pilot.pause()
            assert [row.key for row in pane.table.model.rows] == spaces
            assert len(logs_level.items) == len(logs_level.keys) == SIZE
            assert len(logs_level.times) == SIZE
    finally:
        gate.set()


async def test_a_page_in_flight_when_the_time_format_changed_lands_in_the_new_format(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "America/New_York")  # local time differs from UTC
    time.tzset()
    launch_demo_large(app_ctx)
    gate = threading.Event()
    made = threading.Event()
    prepare = Level.prepare

    def held(self: Level, page: Any, time_mode: str | None = None) -> Any:
        ready = prepare(self, page, time_mode)
        if threading.current_thread() is not threading.main_thread():
            made.set()
            gate.wait(60)  # the page is ready, in UTC; it lands when the test lets it
        return ready

    monkeypatch.setattr(Level, "prepare", held)
    app = EventdeckApp(app_ctx)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            pane: Any = app.current_pane
            await wait_for(pilot, lambda: made.is_set())
            gate.set()  # the first page
            await wait_for(pilot, idle(pane))
            gate.clear()
            made.clear()
            await pilot.press("G")  # page 2 is made in its worker in the UTC format…
            await wait_for(pilot, made.is_set)
            await pilot.press("T")  # …and the user switches to local time before it lands
            assert pane.time_mode == "local"
            gate.set()
            await wait_for(pilot, lambda: pane.table.loaded_count >= 2 * SIZE)
            level = pane.level
            cells = [pane.table.model.row(i).cells[0] for i in range(2 * SIZE)]
            logs = list(level.items)[: 2 * SIZE]
        assert cells == [fmt_time(log.event_time, "local") for log in logs]
        assert cells != [fmt_time(log.event_time, "utc") for log in logs]
    finally:
        gate.set()
        monkeypatch.undo()
        time.tzset()


async def test_the_next_call_overlaps_the_preparing_of_the_page_asked_for(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The call for page 3 starts as soon as page 2's call answers, before page 2 is ready."""
    start, end = launch_demo_large(app_ctx)
    calls: list[str | None] = []
    original = cc.list_event_logs

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[4] if len(args) > 4 else kwargs.get("next_token"))
        return original(*args, **kwargs)

    gate = threading.Event()
    prepare = Level.prepare
    prepared: list[int] = []

    def held(self: Level, page: Any, time_mode: str | None = None) -> Any:
        if threading.current_thread() is not threading.main_thread():
            prepared.append(1)
            if len(prepared) == 2:
                gate.wait(60)  # page 2 is being prepared until the test lets it land
        return prepare(self, page, time_mode)

    monkeypatch.setattr(cc, "list_event_logs", counted)
    monkeypatch.setattr(Level, "prepare", held)
    app = EventdeckApp(app_ctx)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            pane: Any = app.current_pane
            await wait_for(pilot, idle(pane))
            await pilot.press("G")  # page 2 is wanted: its worker answers, then prepares
            await wait_for(pilot, lambda: len(calls) == 3, message=lambda: f"calls {calls}")
            assert pane.table.loaded_count == SIZE  # page 2 has not landed yet
            gate.set()
            await wait_for(pilot, lambda: pane.table.loaded_count >= 2 * SIZE and idle(pane)())
            assert len(set(calls)) == len(calls)  # page 3 fetched ahead once, not again
            await pilot.press("G")
            await wait_for(pilot, lambda: pane.table.loaded_count >= 3 * SIZE and idle(pane)())
            loaded = [log.id for log in pane.level.items]
    finally:
        gate.set()
    monkeypatch.setattr(cc, "list_event_logs", original)
    assert loaded == expected_ids(app_ctx, start, end, len(loaded))
    assert len(set(loaded)) == len(loaded)


async def test_paging_collects_garbage_after_the_frame_not_in_the_landing(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The collection paging makes every ``GARBAGE_ROWS`` rows runs after the landing."""
    launch_demo_large(app_ctx)
    events: list[str] = []
    monkeypatch.setattr(garbage, "collect_garbage", lambda: events.append("gc"))
    original = browse_paging.Paging.land

    def watched_land(self: Any, level: Any, pages: Any) -> None:
        events.append("land")
        original(self, level, pages)
        events.append("landed")

    monkeypatch.setattr(browse_paging.Paging, "land", watched_land)
    await page_with_a_collection_every_two_pages(
        app_ctx, monkeypatch, 6 * SIZE, lambda: "gc" in events
    )
    trace = "".join("(" if e == "land" else ")" if e == "landed" else "g" for e in events)
    assert "g" in trace and re.search(r"\([^)]*g", trace) is None, trace  # none inside a landing


async def test_paging_hands_freed_heap_memory_back_after_its_collection(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After paging's full collection, the C heaps are trimmed (off the UI thread, memtrim)."""
    launch_demo_large(app_ctx)
    trims: list[str] = []
    monkeypatch.setattr(
        memtrim, "trim_soon", lambda: trims.append(threading.current_thread().name) or True
    )
    await page_with_a_collection_every_two_pages(
        app_ctx, monkeypatch, 4 * SIZE, lambda: bool(trims)
    )
    assert trims and set(trims) == {threading.main_thread().name}  # asked for by paging's GC step


async def page_with_a_collection_every_two_pages(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch, rows: int, then: Callable[[], bool]
) -> None:
    """Page pane 2 (paging's collection every two pages) until ``rows`` are in, then wait for ``then()``."""
    monkeypatch.setattr(browse_paging, "GARBAGE_ROWS", 2 * SIZE)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        pane: Any = app.current_pane
        await wait_for(pilot, idle(pane))
        while pane.table.loaded_count < rows:
            await page_once(pilot, pane)
        await wait_for(pilot, then)
