"""One view in a browse pane's drill-down stack: its query, how its items show and open.

A Level is data, not a widget: BrowsePane keeps a stack of them, so going up a level brings its
rows and cursor back without asking AWS again.
"""

from __future__ import annotations

import math
import threading
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tui.services.density import item_time
from tui.services.paging import Page
from tui.ui.panes.item_store import Block, CompactItems, ItemCodec, pack, unpack
from tui.ui.widgets.virtual_table import Column, Row


@dataclass(slots=True)
class PreparedPage:
    """A fetched page made ready for the UI thread by the worker that fetched it.

    Why: making rows, compressing the items and reading their times cost ~20 ms a page of 250
    event logs; done in the worker, the UI thread only checks keys and appends ready pieces.
    For a level with a codec no parsed item is kept (nothing per item for the cyclic GC): the
    rare paths that need the items again (time format changed meanwhile, follow's repeats)
    revive them from ``block``.
    """

    rows: list[Row]
    next_token: str | None
    time_mode: str | None = None  # the time format the rows were made in
    block: Block | None = None  # a level with a codec: its items, packed
    times: array[float] | None = None  # a level with a codec: each item's time (NaN: none)
    items: list[Any] = field(default_factory=list)  # a level without a codec: its items

    def release(self) -> None:
        """Drop what the page holds once it has landed (a finished worker may keep this object)."""
        self.rows = []
        self.items = []
        self.block = None
        self.times = None


@dataclass
class Level:
    """One view in a pane's drill-down stack, and the rows it has loaded so far.

    ``newer`` (newest-first lists only) gives, for the items loaded, the fetch function of a
    query whose pages start at the newest item; follow mode runs it through the services Pager
    and stops at the first page holding an item already shown.

    ``scan`` (a level listing what a scan of many calls found) is run instead of ``fetch`` with an
    event that is set when the user leaves the level, so the scan stops making calls.

    ``ready`` gives the first page if it is already here (the launch target's prefetched page),
    without waiting or calling: paging lands it on the UI thread, in the first frame.

    With a ``codec`` (lists that grow to millions: event logs, participant events) the items are
    kept as compressed JSON (``CompactItems``) and revived one at a time when asked for; the
    rows' payloads are then None and ``raw_for`` gives the table the exact JSON for copy/export.
    """

    crumb: str
    columns: list[Column]
    fetch: Callable[[str | None], Page[Any]]
    to_row: Callable[[Any], Row]
    open_item: Callable[[Any], Level | None] | None = None
    inspect: Callable[[Any], object] | None = None
    inspect_title: Callable[[Any], str] | None = None
    cli_command: Callable[[Any | None], str] | None = None
    newer: Callable[[list[Any]], Callable[[str | None], Page[Any]]] | None = None
    describe: Callable[[Any], str | None] | None = None
    scan: Callable[[threading.Event], Page[Any]] | None = None
    ready: Callable[[], Page[Any] | None] | None = None
    empty_text: str = "Nothing here."
    table_id: str = ""
    ids: dict[str, str] = field(default_factory=dict)
    codec: ItemCodec | None = None
    items: list[Any] | CompactItems = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    _known: set[str] = field(default_factory=set)  # the keys of ``keys``, for membership
    next_token: str | None = None
    started: bool = False
    done: bool = False
    cursor_key: str | None = None
    prepended: int = 0  # items follow mode put on top
    marked: set[str] = field(default_factory=set)  # row keys the user marked (m), kept in bundles
    times: array[float] | None = None  # a level with a codec: each loaded item's time, in order

    def __post_init__(self) -> None:
        if self.codec is not None and not isinstance(self.items, CompactItems):
            self.items = CompactItems(self.codec)
        if self.codec is not None and self.times is None:
            self.times = array("d")

    @property
    def by_key(self) -> Mapping[str, Any]:
        """Row key → loaded item (revived on access when the items are stored compactly)."""
        return _ByKey(self)

    def index_of(self, key: str, hint: int | None = None) -> int | None:
        """Where the item with row key ``key`` sits in ``items`` (None: not loaded).

        ``hint`` is where the table holds the row (its loaded index: the table's rows and the
        level's items are added in the same order), checked in O(1); without it the keys are
        searched. Why no key → index dict: a million small ints cost ~80 bytes a row.
        """
        keys = self.keys
        if hint is not None and 0 <= hint < len(keys) and keys[hint] == key:
            return hint
        if key not in self._known:
            return None
        return keys.index(key)

    def raw_for(self, row: Row, hint: int | None = None) -> object:
        """The exact JSON of ``row``'s item (for copy and export when rows carry no payload)."""
        index = self.index_of(row.key, hint)
        if index is None:
            return None
        items = self.items
        if isinstance(items, CompactItems):
            return items.raw(index)
        return getattr(items[index], "raw", None)

    def value_of(self, item: Any) -> object:
        """What the inspector shows for ``item``: the level's view of it, else the raw AWS item."""
        return self.inspect(item) if self.inspect else getattr(item, "raw", item)

    def _unique(self, key: str) -> str:
        """``key``, or ``key#2``, ``key#3``… when a row already has it.

        Why: two events can share every shown field (a second, a name, a target); each is still
        its own row, and the table finds rows by key.
        """
        if key not in self._known:
            return key
        n = 2
        while f"{key}#{n}" in self._known:
            n += 1
        return f"{key}#{n}"

    def prepare(self, page: Page[Any], time_mode: str | None = None) -> PreparedPage:
        """``page`` made ready to land: its rows, and (with a codec) its items packed and timed.

        Thread-safe (reads only the level's functions), so the worker that fetched the page runs
        it; ``time_mode`` is the time format ``to_row`` uses now, checked again when it lands.
        """
        to_row = self.to_row
        if self.codec is None:
            rows = [to_row(item) for item in page.items]
            return PreparedPage(rows, page.next_token, time_mode, items=list(page.items))
        raw_of = self.codec.raw_of
        rows = []
        raws = []
        times = array("d")
        nan = math.nan
        for item in page.items:
            row = to_row(item)
            rows.append(Row(row.key, row.cells, row.style) if row.payload is not None else row)
            raw = raw_of(item)
            raws.append(raw)
            moment = item_time(raw)
            times.append(nan if moment is None else moment)
        return PreparedPage(rows, page.next_token, time_mode, pack(raws), times)

    def land(
        self, page: PreparedPage, time_mode: str | None = None, *, front: bool = False
    ) -> list[Row]:
        """Keep a prepared page (after the loaded items, or before them with ``front``); its rows.

        O(page) on the UI thread: row keys made unique, marks styled, ready pieces appended.
        Rows are made again only if the time format changed since ``prepare`` or follow mode put
        items on top meanwhile (a page read by offset can then repeat some of them).
        """
        rows, block, times, items = page.rows, page.block, page.times, page.items
        if time_mode is not None and page.time_mode is not None and time_mode != page.time_mode:
            rows = [self._compact(self.to_row(item)) for item in self._items_of(page)]
        if self.prepended and any(row.key in self._known for row in rows):
            keep = [i for i, row in enumerate(rows) if row.key not in self._known]
            rows = [rows[i] for i in keep]
            if block is not None and times is not None:
                raws = unpack(block)
                block = pack([raws[i] for i in keep])
                times = array("d", [times[i] for i in keep])
            else:
                items = [items[i] for i in keep]
        out = []
        keys = []
        known, marked = self._known, self.marked
        for row in rows:
            key = row.key
            if key in known:
                key = self._unique(key)
                row = replace(row, key=key)
            known.add(key)
            keys.append(key)
            out.append(replace(row, style="marked") if marked and key in marked else row)
        store = self.items
        if isinstance(store, CompactItems) and block is not None:
            if front:
                store.insert_front_block(block)
                if self.times is not None and times is not None:
                    self.times = times + self.times
            else:
                store.append_block(block)
                if self.times is not None and times is not None:
                    self.times.extend(times)
        elif front:
            store[:0] = items  # type: ignore[index]
        else:
            store.extend(items)  # type: ignore[union-attr]
        if front:
            self.keys[:0] = keys
        else:
            self.keys.extend(keys)
        return out

    def _items_of(self, page: PreparedPage) -> Sequence[Any]:
        """A prepared page's items (revived from its block when the level keeps them packed)."""
        if page.block is not None and self.codec is not None:
            revive = self.codec.revive
            return [revive(raw) for raw in unpack(page.block)]
        return page.items

    def _compact(self, row: Row) -> Row:
        """``row`` as a level with a codec stores it: no payload (the item store has the JSON)."""
        if self.codec is not None and row.payload is not None:
            return Row(row.key, row.cells, row.style)
        return row

    def add(self, items: list[Any], *, front: bool = False) -> list[Row]:
        """Keep ``items`` (after the loaded ones, or before them with ``front``) and make their rows."""
        return self.land(self.prepare(Page(list(items), None)), front=front)

    def rows(self) -> list[Row]:
        """The rows of every loaded item again (after a time-format change), with their keys."""
        out = []
        compact = self.codec is not None
        for item, key in zip(self.items, self.keys, strict=True):
            row = self.to_row(item)
            if compact:
                row = replace(row, key=key, payload=None)
            out.append(self._styled(row if row.key == key else replace(row, key=key)))
        return out

    def _styled(self, row: Row) -> Row:
        """``row`` in the "marked" row style when the user marked it (m), as it came otherwise."""
        return replace(row, style="marked") if row.key in self.marked else row

    def seen(self, item: Any) -> bool:
        """Whether ``item`` is already shown (its row key is loaded)."""
        return self.to_row(item).key in self._known

    def clear(self) -> None:
        """Forget every loaded item (refresh starts from the first page)."""
        self.items.clear()
        self.keys.clear()
        self._known.clear()
        if self.times is not None:
            self.times = array("d")
        self.next_token = None
        self.started = False
        self.done = False
        self.cursor_key = None
        self.prepended = 0


class _ByKey(Mapping[str, Any]):
    """A read-only view of a level's items by row key (membership needs no item revived)."""

    def __init__(self, level: Level) -> None:
        self._level = level

    def __getitem__(self, key: str) -> Any:
        index = self._level.index_of(key)
        if index is None:
            raise KeyError(key)
        return self._level.items[index]

    def __contains__(self, key: object) -> bool:
        return key in self._level._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._level.keys)

    def __len__(self) -> int:
        return len(self._level.keys)
