"""Keys pressed while a filter or sort is computed in the worker are kept when the view lands."""

from __future__ import annotations

import threading

import pytest

from tests.ui.test_virtual_table import TableApp, settle
from tui.ui.widgets.virtual_table import VirtualTable
from tui.ui.widgets.virtual_table import view as view_module


@pytest.mark.parametrize("keys", [(), ("down", "down")])
async def test_the_cursor_row_when_the_view_lands_is_kept(
    monkeypatch: pytest.MonkeyPatch, keys: tuple[str, ...]
) -> None:
    """Without keys the row under the cursor at the sort stays; with keys, the row they reached.

    Why: the end of a query scan sorts its matches in the worker; a key pressed meanwhile was
    undone when the view landed (the cursor went back to the row it was on at the start).
    """
    gate = threading.Event()
    original = view_module.compute_view

    def gated(job: object) -> object:
        gate.wait(30)
        return original(job)  # type: ignore[arg-type]

    monkeypatch.setattr(view_module, "compute_view", gated)
    app = TableApp(rows=300, more=False)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        table.sync_view_limit = 10  # the sort goes to the worker
        table.move_to(5)
        await pilot.pause()
        table.set_sort(3)
        assert table.model.pending
        await pilot.press(*keys)
        current = table.current_row
        assert current is not None
        expected = current.key  # the row under the cursor on the old view, keys included
        assert expected == f"arn:row/{5 + len(keys)}"
        gate.set()
        await settle(pilot, table)
        moved = table.current_row
        assert moved is not None and moved.key == expected
