"""A level's compressed pages live in shared memory (the arena): exact, read by the query's child, freed.

Why shared: the fork that starts a big query scan holds the GIL while the kernel copies the page
tables of the app's private memory; a shared mapping's are not copied. What must not change: the
items that come back (inspector, copy, export, query), and memory must go with the level.
"""

from __future__ import annotations

import gc
import sys

import pytest

from tests.services.test_arena import mapping_of, shared_anonymous_mappings
from tests.ui.test_item_store import _level, _logs
from tui.services import child_scan
from tui.services.codecatalyst import EventLog
from tui.services.query import parse_query, scan
from tui.ui.panes.item_store import CompactItems, unpack
from tui.ui.panes.level import Level
from tui.ui.widgets.virtual_table import Row

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _filled(logs: list[EventLog], newer: list[EventLog]) -> Level:
    level = _level()
    for first in range(0, len(logs), 250):  # a page at a time, as paging lands them
        level.add(logs[first : first + 250])
    level.add(newer, front=True)  # follow mode's newest, on top
    return level


def test_pages_live_in_shared_memory_and_every_item_comes_back_exactly() -> None:
    logs, newer = _logs(1_200), _logs(7, first=30_000)
    level = _filled(logs, newer)
    store = level.items
    assert isinstance(store, CompactItems)
    gc.collect()
    for block in store._blocks:
        assert isinstance(block.data, tuple) and isinstance(block.ends, tuple)  # Slices
        for where in (block.data, block.ends):  # shared, not copied by a fork
            assert mapping_of(store._arena._chunks[where[0]]).split()[1][3] == "s"
            assert not gc.is_tracked(where)  # nothing more per page for a collection to walk
    expected = [*newer, *logs]
    assert len(store) == len(expected)
    for index, original in enumerate(expected):  # what the inspector, copy and export read
        assert store.raw(index) == original.raw
        assert level.raw_for(Row(original.id, ()), index) == original.raw
    assert [log.raw for log in store[:3]] == [log.raw for log in newer[:3]]  # revived items
    assert unpack(store._blocks[0], store._arena) == [log.raw for log in newer]
    assert store.stored_bytes() == sum(b.data[2] + b.ends[2] for b in store._blocks)  # type: ignore[union-attr]


@pytest.mark.skipif(not child_scan.available(), reason="the child scan needs Linux")
def test_a_query_in_a_child_over_arena_pages_finds_what_the_thread_scan_finds() -> None:
    level = _filled(_logs(2_000), _logs(50, first=40_000))
    store = level.items
    assert isinstance(store, CompactItems) and isinstance(store._blocks[0].data, tuple)
    query = parse_query("operationType=='MUTATION' && contains(eventName, 'Get') == `false`")
    in_thread = scan(query, len(store), store.raw, in_child=False)
    reports: list[int] = []
    in_child = scan(
        query,
        len(store),
        store.raw,
        in_child=True,
        chunk=300,
        progress=lambda m, n: reports.append(n),
    )
    assert not in_child.cancelled and in_child.scanned == len(store)
    assert 0 < len(in_child.matches) < len(store)
    assert list(in_child.matches) == list(in_thread.matches)
    assert reports[-1] == len(store) and len(reports) == -(-len(store) // 300)


def test_a_dropped_or_cleared_level_unmaps_its_pages() -> None:
    """Many refreshes: each level's pages are mapped while it lives and unmapped once it is gone."""
    logs = _logs(600)
    gc.collect()
    before = shared_anonymous_mappings()
    for round_ in range(25):
        level = _filled(logs, [])
        assert shared_anonymous_mappings() > before  # its pages are in the arena
        if round_ % 2:
            level.clear()  # the pane's refresh: the same level emptied
            assert len(level.items) == 0
            level.add(logs[:10])
            assert level.items.raw(9) == logs[9].raw  # type: ignore[union-attr]
        del level  # dropped: the user left it, or a refresh made a new one
    gc.collect()
    assert shared_anonymous_mappings() == before
