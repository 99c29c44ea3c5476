"""One view in a browse pane's drill-down stack: its query, how its items show and open.

A Level is data, not a widget: BrowsePane keeps a stack of them, so going up a level brings its
rows and cursor back without asking AWS again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from tui.services.paging import Page
from tui.ui.widgets.virtual_table import Column, Row


@dataclass
class Level:
    """One view in a pane's drill-down stack, and the rows it has loaded so far.

    ``newer`` (newest-first lists only) gives, for the items loaded, the fetch function of a
    query whose pages start at the newest item; follow mode runs it through the services Pager
    and stops at the first page holding an item already shown.
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
    empty_text: str = "Nothing here."
    table_id: str = ""
    ids: dict[str, str] = field(default_factory=dict)
    items: list[Any] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    by_key: dict[str, Any] = field(default_factory=dict)
    next_token: str | None = None
    started: bool = False
    done: bool = False
    cursor_key: str | None = None
    prepended: int = 0  # items follow mode put on top
    marked: set[str] = field(default_factory=set)  # row keys the user marked (m), kept in bundles

    def value_of(self, item: Any) -> object:
        """What the inspector shows for ``item``: the level's view of it, else the raw AWS item."""
        return self.inspect(item) if self.inspect else getattr(item, "raw", item)

    def _unique(self, key: str) -> str:
        """``key``, or ``key#2``, ``key#3``… when a row already has it.

        Why: two events can share every shown field (a second, a name, a target); each is still
        its own row, and the table finds rows by key.
        """
        if key not in self.by_key:
            return key
        n = 2
        while f"{key}#{n}" in self.by_key:
            n += 1
        return f"{key}#{n}"

    def add(self, items: list[Any], *, front: bool = False) -> list[Row]:
        """Keep ``items`` (after the loaded ones, or before them with ``front``) and make their rows."""
        rows = []
        keys = []
        for item in items:
            row = self.to_row(item)
            key = self._unique(row.key)
            if key != row.key:
                row = replace(row, key=key)
            self.by_key[key] = item
            keys.append(key)
            rows.append(self._styled(row))
        if front:
            self.items[:0] = items
            self.keys[:0] = keys
        else:
            self.items.extend(items)
            self.keys.extend(keys)
        return rows

    def rows(self) -> list[Row]:
        """The rows of every loaded item again (after a time-format change), with their keys."""
        out = []
        for item, key in zip(self.items, self.keys, strict=True):
            row = self.to_row(item)
            out.append(self._styled(row if row.key == key else replace(row, key=key)))
        return out

    def _styled(self, row: Row) -> Row:
        """``row`` in the "marked" row style when the user marked it (m), as it came otherwise."""
        return replace(row, style="marked") if row.key in self.marked else row

    def seen(self, item: Any) -> bool:
        """Whether ``item`` is already shown (its row key is loaded)."""
        return self.to_row(item).key in self.by_key

    def clear(self) -> None:
        """Forget every loaded item (refresh starts from the first page)."""
        self.items.clear()
        self.keys.clear()
        self.by_key.clear()
        self.next_token = None
        self.started = False
        self.done = False
        self.cursor_key = None
        self.prepended = 0
