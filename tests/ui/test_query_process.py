"""A big browse view's query scans the level's compact item pages in a spawned scan process.

The view is small here; ``child_scan.MIN_ROWS`` is lowered so it takes the big view's path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.procs import children
from tests.ui.helpers import idle, open_query_bar, wait_for
from tests.ui.test_paging_ahead import launch_demo_large
from tests.ui.test_paging_read_ahead import page_once
from tui.app import EventdeckApp
from tui.services import child_scan, scan_server
from tui.services.query import parse_query, scan

pytestmark = pytest.mark.skipif(not scan_server.available(), reason="the scan process needs Linux")

QUERY = "operationType == 'MUTATION' && contains(eventName, 'e')"


async def test_a_big_views_query_runs_in_the_scan_process_with_the_same_matches(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(child_scan, "MIN_ROWS", 100)
    forks: list[int] = []

    def no_fork() -> int:  # the app must not fork for it (refused: the scan would use a thread)
        forks.append(1)
        raise OSError(11, "fork refused by the test")

    monkeypatch.setattr(child_scan.os, "fork", no_fork)
    launch_demo_large(app_ctx)
    before = set(children())
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        pane: Any = app.current_pane
        await wait_for(pilot, idle(pane))
        while pane.table.loaded_count < 300:
            await page_once(pilot, pane)
        table = pane.table
        total = table.loaded_count
        keys = [column.key for column in table.columns]
        expected = scan(parse_query(QUERY), total, table.json_source(keys), in_child=False)
        bar = await open_query_bar(pilot, table)
        await wait_for(pilot, lambda: bool(scan_server._idle))  # started while the user types
        ahead = scan_server._idle[0].process.pid
        assert bar.run_text(QUERY)
        await wait_for(pilot, lambda: not bar.scanning)
        assert not forks
        assert 0 < len(expected.matches) < total
        shown = [table.model.row_index(p) for p in range(table.row_count)]
        assert shown == list(expected.matches)
        assert f"{len(expected.matches):,} matches" in bar.message
        assert [server.process.pid for server in scan_server._idle] == [ahead]  # kept, reused
        cmdline = Path(f"/proc/{ahead}/cmdline").read_bytes()
        assert b"tui.services.scan_process" in cmdline
    assert set(children()) == before  # the app is gone: so is its scan process


async def test_a_small_views_query_takes_no_pages_and_starts_no_process(app_ctx: Any) -> None:
    """Under ``child_scan.MIN_ROWS`` rows the thread scans: no pages snapshot, no scan process."""
    launch_demo_large(app_ctx)
    before = set(children())
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        pane: Any = app.current_pane
        await wait_for(pilot, idle(pane))
        table = pane.table
        taken: list[int] = []
        pages_of = table.item_pages
        table.item_pages = lambda: taken.append(1) or pages_of()
        bar = await open_query_bar(pilot, table)
        assert bar.run_text(QUERY)
        await wait_for(pilot, lambda: not bar.scanning)
        assert "matches" in bar.message
        assert not taken
        assert set(children()) == before
