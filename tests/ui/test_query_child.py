"""The query bar over a view big enough to scan in a child process: crash and escape; compact rows.

The views here are small; ``child_scan.MIN_ROWS`` is lowered so they take the child's path.
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

import pytest
from textual.app import ComposeResult

from tests.procs import children
from tests.ui.helpers import StyledApp, open_query_bar, wait_for
from tui.services import child_scan
from tui.services.query import parse_query, scan
from tui.ui.panes.item_store import CompactItems, ItemCodec
from tui.ui.widgets.virtual_table import Column, QueryBar, Row, VirtualTable

pytestmark = pytest.mark.skipif(not child_scan.available(), reason="the child scan needs Linux")

PARENT = os.getpid()
COLUMNS = [Column("id", "Id", width=8), Column("op", "Op")]


class Trap(dict[str, Any]):
    """A row's JSON that, read in the child, kills it (``kill``) or keeps it busy for an hour."""

    def __init__(self, value: dict[str, Any], action: str) -> None:
        super().__init__(value)
        self.action = action

    def get(self, key: str, default: Any = None) -> Any:  # jmespath reads fields with .get
        if os.getpid() != PARENT:
            if self.action == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            threading.Event().wait(3600)
        return super().get(key, default)


class ChildApp(StyledApp):
    def __init__(self, count: int, trap_at: int, action: str) -> None:
        super().__init__()
        self.count, self.trap_at, self.action = count, trap_at, action

    def compose(self) -> ComposeResult:
        yield VirtualTable(COLUMNS)

    def on_mount(self) -> None:
        rows = []
        for i in range(self.count):
            value = {"id": f"e{i}", "op": "MUTATION" if i % 2 else "READONLY"}
            payload = Trap(value, self.action) if i == self.trap_at else value
            rows.append(Row(f"e{i}", (f"e{i}", str(value["op"])), "", payload))
        table = self.query_one(VirtualTable)
        table.append_rows(rows, more=False)
        table.focus()


async def run_query(pilot: Any, app: ChildApp, text: str) -> QueryBar:
    bar = await open_query_bar(pilot, app)
    assert bar.run_text(text)
    return bar


async def test_a_child_that_dies_is_an_error_at_the_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(child_scan, "MIN_ROWS", 100)
    before = set(children())
    app = ChildApp(3000, trap_at=1500, action="kill")
    async with app.run_test(size=(80, 24)) as pilot:
        bar = await run_query(pilot, app, "op=='MUTATION'")
        await wait_for(pilot, lambda: not bar.scanning)
        assert bar.message.startswith("✖ query failed: the query scan's process was killed")
        assert "SIGKILL" in bar.message
        assert bar.query_one(".query-bar--message").has_class("-error")
    assert set(children()) == before


async def test_escape_kills_the_scanning_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """Escape stops a child scan: the matches so far stay, the child is killed and reaped."""
    monkeypatch.setattr(child_scan, "MIN_ROWS", 100)
    monkeypatch.setattr("tui.ui.widgets.virtual_table.query_bar.CHUNK", 100)
    monkeypatch.setattr("tui.ui.widgets.virtual_table.query_bar.REPORT_SECONDS", 0.0)
    before = set(children())
    app = ChildApp(3000, trap_at=450, action="hang")
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        bar = await run_query(pilot, app, "op=='MUTATION'")
        await wait_for(pilot, lambda: bar.scanned == 400)
        running = set(children()) - before
        assert len(running) == 1 and bar.scanning  # the child, stuck in row 450
        await pilot.press("escape")
        await wait_for(pilot, lambda: not bar.scanning)
        assert "stopped: 200 matches in the first 400 of 3,000 rows" in bar.message
        assert table.row_count == 200
        assert not running & set(children())  # killed and reaped: no zombie left


def test_compact_items_read_in_a_child_while_another_thread_holds_their_lock() -> None:
    """A store's lock held by another thread at the fork is a fresh one in the child (no hang)."""
    store = CompactItems(ItemCodec(raw_of=lambda item: item, revive=lambda raw: raw))
    for page in range(4):
        store.extend([{"i": page * 250 + k, "odd": k % 2 == 1} for k in range(250)])
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store._lock:
            held.set()
            release.wait(60)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    guard = threading.Event()
    timer = threading.Timer(30, guard.set)  # a hang guard: without fresh locks the child waits
    timer.start()
    try:
        result = scan(parse_query("odd"), len(store), store.raw, cancel=guard, in_child=True)
    finally:
        timer.cancel()
        release.set()
        holder.join()
    assert not result.cancelled
    assert list(result.matches) == list(range(1, 1000, 2))
