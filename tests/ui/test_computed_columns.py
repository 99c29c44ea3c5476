"""Pilot tests: a computed column (``col NAME = EXPR`` in the query bar) sorts and filters like any other.

At 80×24, on the UI-thread path and the thread-worker path (``sync_view_limit``) of the view jobs.
"""

from __future__ import annotations

import pytest
from textual.app import ComposeResult

from tests.ui.helpers import StyledApp, open_query_bar, table_lines, wait_for
from tui.ui.widgets.virtual_table import Column, Row, VirtualTable

COLUMNS = [Column("id", "Id", width=8), Column("event", "Event", ratio=2), Column("op", "Op")]
USERS = ["alice", "bob", "carol"]
COUNT = 30


def rank(i: int) -> int:
    return (i * 7) % COUNT  # a permutation of 0..29, unlike arrival order


def rows(start: int, stop: int) -> list[Row]:
    """Rows whose cells hold neither the user nor the rank: only the computed columns do."""
    return [
        Row(
            f"e{i}",
            (f"e{i}", f"Event{i % 7}", "READONLY"),
            "",
            {"id": f"e{i}", "rank": rank(i), "userIdentity": {"userName": USERS[i % 3]}},
        )
        for i in range(start, stop)
    ]


class ComputedApp(StyledApp):
    def __init__(self, sync_limit: int, count: int = COUNT) -> None:
        super().__init__()
        self.sync_limit = sync_limit
        self.count = count

    def compose(self) -> ComposeResult:
        yield VirtualTable(COLUMNS)

    def on_mount(self) -> None:
        table = self.query_one(VirtualTable)
        table.sync_view_limit = self.sync_limit
        table.append_rows(rows(0, self.count), more=False)
        table.focus()


async def run_query(pilot, app: ComputedApp, text: str) -> VirtualTable:  # type: ignore[no-untyped-def]
    table = app.query_one(VirtualTable)
    bar = await open_query_bar(pilot, app)
    await pilot.press(*text)
    await pilot.press("enter")
    await wait_for(pilot, lambda: not bar.scanning and table.columns[-1].key.startswith("col:"))
    await pilot.press("escape")  # close the bar: the keys go back to the rows
    await wait_for(pilot, lambda: table.body.has_focus)
    return table


def shown_keys(table: VirtualTable) -> list[str]:
    return [table.model.visible_row(p).key for p in range(table.row_count)]


@pytest.mark.parametrize("sync_limit", [10_000, 10], ids=["ui-thread", "worker"])
async def test_sort_by_computed_column(sync_limit: int) -> None:
    app = ComputedApp(sync_limit)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await run_query(pilot, app, "col rank = rank")
        await pilot.press("greater_than_sign", "greater_than_sign", "greater_than_sign")
        assert table.columns[table.body.column_cursor].label == "rank"
        await pilot.press("s")
        await wait_for(pilot, lambda: not table.model.pending)
        by_rank = sorted(range(COUNT), key=rank)
        assert shown_keys(table) == [f"e{i}" for i in by_rank]
        assert "rank ▲" in table_lines(table)[0]
        await pilot.press("s")
        await wait_for(pilot, lambda: not table.model.pending)
        assert shown_keys(table) == [f"e{i}" for i in reversed(by_rank)]
        # A page landing in the sorted view goes where its computed value puts it.
        table.append_rows(
            [Row("late", ("late", "Event0", "READONLY"), "", {"rank": 100})], more=False
        )
        await wait_for(pilot, lambda: not table.model.pending and table.row_count == COUNT + 1)
        assert shown_keys(table)[0] == "late"
        # Lifting the query drops its column, and the sort by it.
        table.clear_filter()
        await wait_for(pilot, lambda: not table.model.pending)
        assert len(table.columns) == len(COLUMNS) and table.model.sort_column is None
        assert shown_keys(table)[:3] == ["e0", "e1", "e2"]


@pytest.mark.parametrize("sync_limit", [10_000, 10], ids=["ui-thread", "worker"])
async def test_filter_matches_computed_column(sync_limit: int) -> None:
    app = ComputedApp(sync_limit)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await run_query(pilot, app, "col who = userIdentity.userName")
        await pilot.press("slash", *"alice")
        await wait_for(pilot, lambda: not table.model.pending and table.row_count < COUNT)
        assert shown_keys(table) == [f"e{i}" for i in range(0, COUNT, 3)]
        assert table.status_text.startswith(f"10 of {COUNT} match")
        # Rows loaded later are matched on their computed cells too.
        table.append_rows(rows(COUNT, COUNT + 6), more=False)
        await wait_for(pilot, lambda: not table.model.pending)
        assert shown_keys(table)[-2:] == [f"e{COUNT}", f"e{COUNT + 3}"]
        # n / N find the next match by the computed cells as well.
        await pilot.press("enter", "g", "n")
        assert table.current_row is not None and table.current_row.key == "e3"


async def test_first_filter_over_computed_cells_leaves_the_ui_thread() -> None:
    """2,000 rows are under the UI-thread limit, but making their computed cells (a JMESPath
    search each) is not: the first filter runs in the worker; once made, they are reused."""
    app = ComputedApp(10_000, count=2_000)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await run_query(pilot, app, "col who = userIdentity.userName")
        table.set_filter("carol")
        assert table.model.pending  # handed to the thread worker, not computed in the call
        await wait_for(pilot, lambda: not table.model.pending)
        assert table.row_count == len(range(2, 2_000, 3))
        table.set_filter("bob")
        assert not table.model.pending  # the cells are made: small enough for the UI thread
        assert table.row_count == len(range(1, 2_000, 3))
