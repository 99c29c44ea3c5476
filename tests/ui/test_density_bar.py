"""The density line above time-ordered tables: it renders, follows the filter/query, zooms."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.message import Message

from tests.ui.helpers import idle, launch_event_logs, load_all, wait_for
from tui.app import EventdeckApp
from tui.args import LaunchTarget
from tui.services.density import item_time
from tui.ui.widgets.virtual_table import Column, DensityBar, QueryBar, Row, VirtualTable
from tui.ui.work import Work


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_density_renders_and_follows_filter_and_query(app_ctx, size) -> None:  # type: ignore[no-untyped-def]
    launch_event_logs(app_ctx)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=size) as pilot:
        pane = app.current_pane
        await load_all(pilot, pane)
        bar = pane.table.query_one(DensityBar)
        total = len(pane.level.items)
        await wait_for(pilot, lambda: bar.display and bar.density.total == total)
        line = bar.render_line(0).text
        assert len(line) == bar.size.width
        assert any(ch in line for ch in "▁▂▃▄▅▆▇█")
        assert f"{total:,}" in line  # bucket width and the count in view
        errors = sum(1 for log in pane.level.items if log.is_error)
        assert sum(b.errors for b in bar.buckets()) == errors
        if errors:
            assert "!" in line[: len(bar.buckets())]
        # Filter to MUTATION: the bars count only those.
        mutations = sum(1 for log in pane.level.items if log.is_mutation)
        await pilot.press("slash", *"MUTATION", "enter")
        await wait_for(pilot, lambda: bar.density.total == mutations)
        await pilot.press("escape")
        await wait_for(pilot, lambda: bar.density.total == total)
        # The query too.
        await pilot.press("colon", *"operationType=='MUTATION'", "enter")
        query_bar = pane.table.query_one(QueryBar)
        await wait_for(pilot, lambda: not query_bar.scanning)
        await wait_for(pilot, lambda: bar.density.total == mutations)


async def test_zoom_on_codecatalyst_requeries_the_bucket(app_ctx) -> None:  # type: ignore[no-untyped-def]
    launch_event_logs(app_ctx)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await load_all(pilot, pane)
        bar = pane.table.query_one(DensityBar)
        await wait_for(pilot, lambda: bar.density.total == len(pane.level.items))
        await pilot.press("left_square_bracket")  # the cursor starts on the last bucket
        buckets = bar.buckets()
        busiest = max(range(len(buckets)), key=lambda i: buckets[i].count)
        for _ in range(len(buckets) - 1 - busiest):
            await pilot.press("left_square_bracket")
        assert bar.cursor == busiest
        bucket = buckets[busiest]
        await pilot.press("z")
        # The level is queried again with the bucket's range; every row it brings is inside it.
        await wait_for(
            pilot, lambda: pane.start is not None and pane.start.timestamp() == bucket.start
        )
        await load_all(pilot, pane)
        times = [item_time(log.raw) for log in pane.level.items]
        assert len(times) == bucket.count
        assert all(t is not None and bucket.start <= t < bucket.end for t in times)
        assert "custom" not in pane.level.crumb and "→" in pane.level.crumb


@asynccontextmanager
async def _event_logs_counted(app_ctx: Any) -> AsyncIterator[tuple[Any, Any, DensityBar]]:
    """The app on pane 2's event logs, every page loaded and counted by the density line."""
    launch_event_logs(app_ctx)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await load_all(pilot, pane)
        bar = pane.table.query_one(DensityBar)
        await wait_for(pilot, lambda: bar.density.total == len(pane.level.items))
        yield pilot, pane, bar


async def test_density_on_loaded_list_jumps_the_table(app_ctx) -> None:  # type: ignore[no-untyped-def]
    async with _event_logs_counted(app_ctx) as (pilot, pane, bar):
        table = pane.table
        await pilot.press("right_square_bracket")  # first bucket
        first = bar.buckets()[0]
        bar.jump_to(first.start, first.end)
        row = table.current_row
        assert row is not None
        moment = item_time(pane.item_for(row).raw)
        assert moment is not None and first.start <= moment < first.end


async def test_a_jump_searches_a_big_view_in_pieces_between_keys(app_ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A bucket far down the view is reached over several turns of the loop, not in one walk.

    Why: at a million rows a bucket near the end took a ~250 ms walk on the event loop. The
    piece size is made tiny here so a few hundred loaded logs need many pieces.
    """
    from tui.ui.widgets.virtual_table import density_bar

    monkeypatch.setattr(density_bar, "JUMP_CHUNK", 7)
    async with _event_logs_counted(app_ctx) as (pilot, pane, bar):
        table = pane.table
        assert len(pane.level.items) > 50
        # The bucket of the view's last row: far past the first piece.
        last = bar.times[table.model.row_index(table.model.visible_count - 1)]
        bucket = next(b for b in bar.buckets() if b.start <= last < b.end)
        table.move_to(0)
        first_in = next(
            p
            for p in range(table.model.visible_count)
            if bucket.start <= bar.times[table.model.row_index(p)] < bucket.end
        )
        assert first_in > 7
        bar.jump_to(bucket.start, bucket.end)
        assert table.cursor_row == 0  # not found in the first piece: the loop runs on
        await wait_for(pilot, lambda: table.cursor_row == first_in)
        # A newer jump stops an older one still searching.
        table.move_to(0)
        bar.jump_to(bucket.start, bucket.end)
        bar.jump_to(0.0, 1.0)  # nothing there: searches to the end, finds nothing
        await pilot.pause(0.3)
        assert table.cursor_row == 0


async def test_density_restarts_when_the_level_changes_between_ticks(app_ctx) -> None:  # type: ignore[no-untyped-def]
    """Spaces (no times) then event logs loaded before the next tick: only the logs are counted."""
    app_ctx.launch = LaunchTarget("codecatalyst", "codecatalyst list-spaces", {})
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        bar = pane.table.query_one(DensityBar)
        bar.sync()
        assert pane.table.loaded_count and not bar.display  # spaces carry no time
        spaces = pane.table.loaded_count
        pane.push_level(pane.logs_level("acme-platform"))
        await wait_for(pilot, lambda: idle(pane)() and pane.table.loaded_count > 0)
        assert pane.table.loaded_count >= spaces  # the new rows reuse the old indices
        bar.sync()
        assert bar.density.total == pane.table.loaded_count


class _TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield VirtualTable(id="t")


def _timed_rows(count: int, hour: int) -> list[Row]:
    """Rows one second apart from ``hour``:00 on 2026-01-01, every 7th an error."""
    return [
        Row(
            f"k{hour}-{n}",
            (str(n),),
            "error" if n % 7 == 0 else "",
            {"eventTime": f"2026-01-01T{hour + n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z"},
        )
        for n in range(count)
    ]


async def test_a_recount_of_rows_the_table_dropped_never_shows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Guard: the density line cancels its work when the table drops its rows (``Work.deliver``).

    A big view is recounted in a thread job; the table is cleared and refilled while the job
    runs. The job's late count (60,000 rows of another level) must not replace the new one.
    """
    import tui.ui.widgets.virtual_table.density_bar as density_module

    real = density_module.recount
    started, gate, finished = threading.Event(), threading.Event(), threading.Event()

    def slow_recount(order: Any, times: Any, errors: Any) -> Any:
        if len(order) < 60000:  # the new level's small recount: at once
            return real(order, times, errors)
        started.set()
        gate.wait(60)
        try:
            return real(order, times, errors)
        finally:
            finished.set()

    monkeypatch.setattr(density_module, "recount", slow_recount)
    seen: list[Message] = []
    app = _TableApp()
    async with app.run_test(size=(100, 24), message_hook=seen.append) as pilot:
        table = app.query_one(VirtualTable)
        table.set_columns([Column("n", "N", ratio=1)])
        bar = table.query_one(DensityBar)
        table.append_rows(_timed_rows(60000, 0), more=False)
        await wait_for(pilot, started.is_set)  # the rows noted, the view's recount in its job
        table.clear()  # the user left: a new level's rows come
        table.append_rows(_timed_rows(100, 20), more=False)
        bar.sync()
        assert bar.density.total == 100
        gate.set()
        await wait_for(pilot, finished.is_set)
        for _ in range(3):
            await pilot.pause()
        assert bar.density.total == 100  # the old level's 60,000 never show
        assert sum(b.count for b in bar.buckets()) == 100
        assert any(isinstance(m, Work.Done) and m.key == "recount" for m in seen)  # dropped
