"""Frames leave no reference cycles behind (tui/ui/garbage.keep_frames_acyclic).

Why: every cycle a frame makes waits for a collection on the UI thread; at a million rows those
collections were the longest pauses of a query on a loaded machine.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.cache import LRUCache
from textual.strip import Strip

from tests.ui.helpers import StyledApp, open_query_bar, wait_for
from tui.app import EventdeckApp
from tui.ui import garbage
from tui.ui.garbage import keep_frames_acyclic
from tui.ui.widgets.virtual_table import Column, Row, VirtualTable

OPS = ["MUTATION", "READONLY"]


class TableApp(StyledApp):
    def compose(self) -> ComposeResult:
        yield VirtualTable(
            [Column("id", "Id", width=8), Column("event", "Event"), Column("op", "Op")]
        )

    def on_mount(self) -> None:
        table = self.query_one(VirtualTable)
        table.append_rows(
            [
                Row(
                    f"e{i}",
                    (f"e{i}", f"Event{i % 7}", OPS[i % 2]),
                    "",
                    {"id": f"e{i}", "eventName": f"Event{i % 7}", "operationType": OPS[i % 2]},
                )
                for i in range(3000)
            ],
            more=False,
        )
        table.focus()


@pytest.fixture
def saved_garbage() -> Iterator[list[Any]]:
    """What collections find from here on, kept (``DEBUG_SAVEALL``) instead of freed."""
    gc.collect()
    gc.freeze()  # what was there before is not this test's
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield gc.garbage
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.unfreeze()
        gc.collect()


def _drawn_lines(found: list[Any]) -> list[str]:
    """The cyclic garbage that came from drawing: lines and the caches' links (by type)."""
    return [type(obj).__name__ for obj in found if isinstance(obj, Strip)]


async def test_frames_of_moves_filters_sorts_and_a_query_leave_no_lines_in_cycles(
    saved_garbage: list[Any],
) -> None:
    keep_frames_acyclic()
    app = TableApp()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        gc.collect()
        saved_garbage.clear()  # the mount's own
        for _ in range(10):
            await pilot.press("down")
        await pilot.press("pagedown", "end", "home")
        table.set_filter("Event3")
        await wait_for(pilot, lambda: not table.model.pending)
        table.set_filter("")
        table.set_sort(1, True)
        await wait_for(pilot, lambda: not table.model.pending)
        bar = await open_query_bar(pilot, app)
        await pilot.press(*"operationType=='MUTATION'", "enter")
        await wait_for(pilot, lambda: not bar.scanning and not table.model.pending)
        await pilot.pause()
        gc.collect()
        assert table.row_count == 1500
        assert _drawn_lines(saved_garbage) == []


def test_the_patched_strip_methods_give_what_textual_gives() -> None:
    keep_frames_acyclic()
    style = Style(bold=True)
    strip = Strip([Segment("abcdef", style), Segment("ghij")], 10)
    assert strip.divide([10]) == [strip] and strip.divide([10])[0] is strip
    assert [part.text for part in strip.divide([3, 10])] == ["abc", "defghij"]
    assert [part.text for part in strip.divide([4, 6, 10, 12])] == ["abcd", "ef", "ghij"]
    assert strip.crop_extend(0, 10, None) is strip
    assert strip.crop_extend(2, 7, None).text == "cdefg"
    assert strip.crop_extend(0, 14, None).text == "abcdefghij    "
    assert strip.crop_extend(8, 12, None).text == "ij  "

    # and the strip is not among what it refers to (its caches): no cycle through itself
    def reaches_itself(start: Strip) -> bool:
        seen, todo = set(), list(gc.get_referents(start))
        while todo:
            obj = todo.pop()
            if obj is start:
                return True
            if id(obj) in seen or isinstance(obj, (str, int, Style, Segment)):
                continue
            seen.add(id(obj))
            todo.extend(gc.get_referents(obj))
        return False

    assert not reaches_itself(strip)


def test_a_cleared_lru_cache_frees_its_values_without_a_collection() -> None:
    keep_frames_acyclic()

    class Value:
        pass

    cache: LRUCache[int, Value] = LRUCache(8)
    values = [Value() for _ in range(3)]
    for n, value in enumerate(values):
        cache[n] = value
    cache.get(0)  # reordered links, as a line cache's are
    refs = [weakref.ref(value) for value in values]
    del value, values
    enabled = gc.isenabled()
    gc.disable()  # freed by reference counts alone, or not at all
    try:
        cache.clear()
        assert [ref() for ref in refs] == [None, None, None]
        assert len(cache) == 0 and cache.get(1) is None
        cache[5] = Value()  # still a working cache after the clear
        assert cache.get(5) is not None
    finally:
        if enabled:
            gc.enable()


def test_the_paced_collection_frees_young_cycles_and_walks_nothing_old(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What the work made since is freed; what was old before it is left to the automatic one."""
    monkeypatch.setattr(garbage.memtrim, "trim_soon", lambda: None)

    class Node:
        def __init__(self) -> None:
            self.me = self  # a cycle: only a collection frees it

    enabled = gc.isenabled()
    gc.disable()
    try:
        old = Node()
        gc.collect()  # survives a full collection: old (generation 2)
        old_ref = weakref.ref(old)
        del old
        young = Node()
        young_ref = weakref.ref(young)
        del young
        garbage.collect_garbage()
        assert young_ref() is None
        assert old_ref() is not None  # not walked: the cost of a full collection
        gc.collect()
        assert old_ref() is None
    finally:
        if enabled:
            gc.enable()


def test_the_app_keeps_its_frames_acyclic_from_its_start(app_ctx: Any) -> None:
    EventdeckApp(app_ctx)
    assert Strip.divide.__name__ == "divide_acyclic"
    assert LRUCache.clear.__name__ == "clear_acyclic"
