"""The keyboard actions of VirtualTable (moving, filter matches, sort, copy, export, retry).

A mixin so that the widget file holds its state, messages and rendering glue, and this one what
the keys do; the bindings that name these actions stay on VirtualTable.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from tui.textsafe import json_text
from tui.ui.safe_text import visible


def _json_default(value: object) -> object:
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


class TableActions:
    """Actions for VirtualTable's bindings; every one goes through VirtualTable's public API."""

    body: Any
    model: Any
    columns: Any
    hidden_columns: set[str]
    column_widths: dict[str, int]
    LayoutChanged: Any
    error: Any
    export_format: str
    _last_needle: str
    _filter_input: Any
    current_row: Any
    move_to: Any
    payload_of: Any
    set_sort: Any
    set_error: Any
    post_message: Any
    notify: Any
    _close_filter: Any
    RowActivated: Any

    BackRequested: Any
    ExportRequested: Any
    CopyRequested: Any
    RetryRequested: Any

    if TYPE_CHECKING:  # VirtualTable's read-only property (an attribute here would be writable)

        @property
        def row_count(self) -> int: ...

    # -- actions ----------------------------------------------------------------------------
    def action_cursor_down(self) -> None:
        self.move_to(self.body.cursor_row + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.body.cursor_row - 1)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        # On the last row already, move_to's check asks for the next page (G again loads on).
        self.move_to(self.row_count - 1)

    def action_half_page_down(self) -> None:
        self.move_to(self.body.cursor_row + self.body.page_height // 2)

    def action_half_page_up(self) -> None:
        self.move_to(self.body.cursor_row - self.body.page_height // 2)

    def action_page_down(self) -> None:
        self.move_to(self.body.cursor_row + self.body.page_height)

    def action_page_up(self) -> None:
        self.move_to(self.body.cursor_row - self.body.page_height)

    def action_activate(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.RowActivated(self, row))

    def action_back(self) -> None:
        if self.model.needle or self._filter_input.has_focus or self._filter_input.display:
            self._close_filter()
        else:
            self.post_message(self.BackRequested(self))

    def action_filter(self) -> None:
        filter_input = self._filter_input
        filter_input.display = True
        filter_input.focus()

    def _jump(self, step: int) -> None:
        needle = self._filter_input.value or self._last_needle
        position = self.model.find(needle, self.body.cursor_row, step)
        if position is None:
            self.notify(
                f"no match for {visible(needle)!r}" if needle else "no filter text yet",
                markup=False,
            )
        else:
            self.move_to(position)

    def action_next_match(self) -> None:
        self._jump(1)

    def action_previous_match(self) -> None:
        self._jump(-1)

    def _move_column(self, step: int) -> None:
        """Move the column cursor ``step`` shown columns along (hidden ones are skipped)."""
        if not self.columns:
            return
        count = len(self.columns)
        cursor = self.body.column_cursor
        for _ in range(count):
            cursor = (cursor + step) % count
            if self.columns[cursor].key not in self.hidden_columns:
                break
        self.body.column_cursor = cursor
        self.body.clear_cache()
        self.body.refresh()
        self.body.scroll_to_column()

    def _layout_changed(self) -> None:
        self.body.relayout()
        self.body.scroll_to_column()
        self.post_message(self.LayoutChanged(self, self.layout_text))  # type: ignore[attr-defined]

    def action_hide_column(self) -> None:
        """Hide the column under the column cursor (A shows every column again)."""
        shown = [c for c in self.columns if c.key not in self.hidden_columns]
        if len(shown) <= 1:
            self.notify("The last column stays.", markup=False)
            return
        column = self.columns[self.body.column_cursor]
        self.hidden_columns.add(column.key)
        self._move_column(1)
        self._layout_changed()
        self.notify(f"Hid {visible(column.label)}; A shows every column.", markup=False)

    def action_show_columns(self) -> None:
        """Show every hidden column and forget widths set with + and -."""
        if not self.hidden_columns and not self.column_widths:
            return
        self.hidden_columns.clear()
        self.column_widths.clear()
        self._layout_changed()

    def _resize_column(self, step: int) -> None:
        if not self.columns:
            return
        index = self.body.column_cursor
        column = self.columns[index]
        current = self.body.widths[index] if index < len(self.body.widths) else column.min_width
        self.column_widths[column.key] = max(3, min(200, current + step))
        self._layout_changed()

    def action_widen(self) -> None:
        """Widen the column under the column cursor by two cells."""
        self._resize_column(2)

    def action_narrow(self) -> None:
        """Narrow the column under the column cursor by two cells (down to three)."""
        self._resize_column(-2)

    def action_column_left(self) -> None:
        self._move_column(-1)

    def action_column_right(self) -> None:
        self._move_column(1)

    def action_sort(self) -> None:
        column = self.body.column_cursor
        if not self.columns:
            return
        if self.model.sort_column != column:
            self.set_sort(column, False)
        elif not self.model.descending:
            self.set_sort(column, True)
        else:
            self.set_sort(None)

    def action_export(self) -> None:
        self.post_message(self.ExportRequested(self, self.export_format))

    def action_copy_key(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.CopyRequested(self, row.key, "id"))

    def action_copy_json(self) -> None:
        row = self.current_row
        if row is None:
            return
        payload = self.payload_of(row)
        text = json_text(payload, indent=2, default=_json_default)
        self.post_message(self.CopyRequested(self, text, "JSON", multiline=True))

    def action_retry(self) -> None:
        if self.error is not None:
            self.set_error(None)
            self.post_message(self.RetryRequested(self))
