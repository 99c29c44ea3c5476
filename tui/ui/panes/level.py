"""One view in a browse pane's drill-down stack: its query, how its items show and open.

A Level is data, not a widget: BrowsePane keeps a stack of them, so going up a level brings its
rows and cursor back without asking AWS again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tui.services.paging import Page
from tui.ui.widgets.virtual_table import Column, Row


@dataclass
class Level:
    """One view in a pane's drill-down stack, and the rows it has loaded so far."""

    crumb: str
    columns: list[Column]
    fetch: Callable[[str | None], Page[Any]]
    to_row: Callable[[Any], Row]
    open_item: Callable[[Any], Level | None] | None = None
    inspect: Callable[[Any], object] | None = None
    inspect_title: Callable[[Any], str] | None = None
    cli_command: Callable[[Any | None], str] | None = None
    poll: Callable[[list[Any]], list[Any]] | None = None
    describe: Callable[[Any], str | None] | None = None
    empty_text: str = "Nothing here."
    ids: dict[str, str] = field(default_factory=dict)
    items: list[Any] = field(default_factory=list)
    by_key: dict[str, Any] = field(default_factory=dict)
    next_token: str | None = None
    started: bool = False
    done: bool = False
    cursor_key: str | None = None

    def value_of(self, item: Any) -> object:
        """What the inspector shows for ``item``: the level's view of it, else the raw AWS item."""
        return self.inspect(item) if self.inspect else getattr(item, "raw", item)

    def add(self, items: list[Any]) -> list[Row]:
        rows = []
        for item in items:
            row = self.to_row(item)
            self.items.append(item)
            self.by_key[row.key] = item
            rows.append(row)
        return rows
