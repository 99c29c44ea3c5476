"""What a browse pane draws: columns in the chosen time format, crumbs, status, rows' data.

Why a part of its own: the column headers and widths follow the time format, a new format remakes
the loaded rows with filter, sort and cursor kept, and the breadcrumb trail and status line are
made from the stack; the table reads a row's JSON and time from the level through it. None of it
pages or fetches. The pane owns one ``Frame`` and calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Static

from tui.errors import EventdeckError
from tui.ui.format import time_label
from tui.ui.panes.browse_follow import Follow
from tui.ui.panes.item_store import CompactItems
from tui.ui.panes.level import Level
from tui.ui.safe_text import visible
from tui.ui.widgets.virtual_table import Column, Row, VirtualTable

if TYPE_CHECKING:
    from tui.context import AppContext
    from tui.services.scan_server import ItemPages

W = TypeVar("W", bound=Widget)

AGO_WIDTH = 10  # a time column's width in relative mode ("3m ago")


class FrameHost(Protocol):
    """What the frame needs of its pane (BrowsePane has it all), so it never imports the pane."""

    @property
    def ctx(self) -> AppContext: ...
    @property
    def size(self) -> Size: ...
    @property
    def is_mounted(self) -> bool: ...
    @property
    def levels(self) -> Sequence[Level]: ...
    @property
    def level(self) -> Level | None: ...
    @property
    def table(self) -> VirtualTable: ...
    @property
    def time_mode(self) -> str: ...
    @property
    def last_error(self) -> EventdeckError | None: ...
    @property
    def fetching(self) -> bool: ...
    @property
    def searching(self) -> int: ...
    @property
    def follow(self) -> Follow: ...
    def query_one(self, selector: str, expect_type: type[W]) -> W: ...
    def table_id(self, level: Level) -> str: ...
    def item_for(self, row: Row | None) -> Any: ...
    def error_text(self, error: EventdeckError) -> str: ...
    def remember(self, change: Callable[[Any], Any], not_saved: str) -> None: ...


class Frame:
    """The columns, breadcrumb trail and status line of one browse pane."""

    def __init__(self, pane: FrameHost) -> None:
        self.pane = pane
        self.status_shown: str | None = None  # the status line's text, to skip a same redraw

    def times_for(self, start: int, stop: int) -> Sequence[float] | None:
        """Loaded rows' times for the density line, read in the worker that fetched each page.

        Why: the density line otherwise revives each new row's JSON for its time (~70 µs a row
        on the UI thread); None when the level keeps no times (it then reads the JSON).
        """
        level = self.pane.level
        times = level.times if level is not None else None
        if times is None or stop > len(times):
            return None
        return times[start:stop]

    def payload_for(self, row: Row, index: int | None = None) -> object:
        """The JSON of a row's item when the level keeps its items compactly (rows carry none)."""
        level = self.pane.level
        return level.raw_for(row, index) if level is not None else None

    def item_pages(self) -> ItemPages | None:
        """Where the table's rows' items are, when the level keeps them compactly in row order
        (None otherwise: a query then reads each row's JSON through ``payload_for``)."""
        level = self.pane.level
        items = level.items if level is not None else None
        if not isinstance(items, CompactItems) or len(items) != self.pane.table.loaded_count:
            return None
        return items.item_pages()

    def columns(self, level: Level) -> list[Column]:
        """The level's columns with time headers saying the format ("Time (local)")."""
        mode = self.pane.time_mode
        out = []
        for column in level.columns:
            if "(UTC)" in column.label:
                width = AGO_WIDTH if mode == "relative" and column.width else column.width
                column = replace(column, label=time_label(column.label, mode), width=width)
            out.append(column)
        return out

    def set_columns(self, level: Level) -> None:
        """The level's columns, laid out as the user last left this table."""
        pane = self.pane
        pane.table.set_columns(self.columns(level))
        pane.table.set_layout(pane.ctx.settings.ui.columns.get(pane.table_id(level), ""))

    def remember_layout(self, layout: str) -> None:
        """Remember a hidden, shown, widened or narrowed column for the open level's table."""
        pane = self.pane
        level = pane.level
        if level is None:
            return
        from tui.settings import update

        table_id = pane.table_id(level)
        columns = {k: v for k, v in pane.ctx.settings.ui.columns.items() if k != table_id}
        # A query's computed columns (col:NAME) belong to the query, not the table (a saved view
        # keeps them hidden); config.toml's layouts refuse the colon.
        layout = " ".join(item for item in layout.split() if ":" not in item)
        if layout:
            columns[table_id] = layout
        pane.remember(lambda s: update(s, **{"ui.columns": columns}), "Column layout not saved")

    def rerender(self) -> None:
        """Make the loaded rows again (a new time format): filter, sort and cursor row stay."""
        pane = self.pane
        level = pane.level
        if level is None or not pane.is_mounted:
            return
        table = pane.table
        row = table.current_row
        key = row.key if row is not None else None
        layout = table.layout_text
        column = table.body.column_cursor
        sort, descending = table.model.sort_column, table.model.descending
        table.set_columns(self.columns(level))
        table.set_layout(layout)
        table.body.column_cursor = column
        loading = table.page_loading  # a page the user waits for, not one read ahead
        table.clear()
        if level.started:
            table.append_rows(level.rows(), more=not level.done)
        if loading:
            table.set_loading(True)
        if sort is not None:
            table.set_sort(sort, descending)
        if key is not None and key in level.by_key:
            index = level.keys.index(key)
            position = table.model.position_of(index)
            if position is not None:
                table.move_to(position)
        self.update_crumbs()

    def update_crumbs(self) -> None:
        """The breadcrumb trail, dropping the oldest crumbs first when it does not fit."""
        pane = self.pane
        crumbs = [visible(level.crumb) for level in pane.levels]
        tail = "   esc: back" if len(pane.levels) > 1 else ""
        width = max(20, pane.size.width - 2 - len(tail)) if pane.size.width else 200
        first = 0
        while first < len(crumbs) - 1 and len(" › ".join(["…", *crumbs[first:]])) > width:
            first += 1
        parts: list[str | tuple[str, str]] = []
        if first:
            parts.append(("… › ", "dim"))
        for i, crumb in enumerate(crumbs[first:], start=first):
            if i > first:
                parts.append((" › ", "dim"))
            parts.append((crumb, "bold" if i == len(crumbs) - 1 else ""))
        if tail:
            parts.append((tail, "dim"))
        pane.query_one(".breadcrumb", Static).update(Content.assemble(*parts))

    def update_status(self) -> None:
        """The pane's own line under the table: empty-result advice and follow state."""
        pane = self.pane
        level = pane.level
        notes = []
        if pane.last_error is not None:
            notes.append(pane.error_text(pane.last_error))
        elif level is not None and level.done and not level.items:
            notes.append(level.empty_text)
        if level is not None and level.describe is not None:
            item = pane.item_for(pane.table.current_row)
            note = level.describe(item) if item is not None else None
            if note:
                notes.append(note)
        if pane.searching:
            notes.append(f"searching… {pane.searching:,} empty pages (esc stops)")
        follow = pane.follow.status()
        if follow:
            notes.append(follow)
        text = visible(" · ".join(notes))
        if self.status_shown == text:  # a relayout per page costs more than the page itself
            return
        self.status_shown = text
        status = pane.query_one(".pane-status", Static)
        status.display = bool(notes)
        status.update(Content(text))
