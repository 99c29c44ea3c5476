"""VirtualTable: the one table every browse pane uses, rendered line by line (Textual's Line API).

A frame costs the visible rows only, so a million loaded rows page as fast as ten; rows load lazily
as the cursor nears the end (the pane answers ``MoreRowsRequested``), and filtering/sorting big
tables runs in a thread worker whose late results a generation counter drops.

This class holds the bindings, actions and messages; its base TableView (view.py) composes the
pure parts (model, columns, load state) and the body that draws them, none referring back to it.
"""

from __future__ import annotations

from typing import TypeAlias

from textual.widgets import Input

from tui.ui.safe_text import visible
from tui.ui.widgets.virtual_table import export, messages
from tui.ui.widgets.virtual_table.body import TableBody
from tui.ui.widgets.virtual_table.density_bar import DensityBar
from tui.ui.widgets.virtual_table.keys import TABLE_BINDINGS
from tui.ui.widgets.virtual_table.query_bar import QueryBar, lift_query
from tui.ui.widgets.virtual_table.view import TableView


class VirtualTable(TableView):
    """A lazily loaded, filterable, sortable table whose frames cost only the visible rows.

    TableView (view.py) holds the state and the API the panes call; this class adds the keys:
    the bindings (keys.py), their actions, and the messages they post (messages.py).
    """

    BINDINGS = TABLE_BINDINGS

    # The messages (messages.py), nested here: VirtualTable.RowActivated and so on.
    MoreRowsRequested: TypeAlias = messages.MoreRowsRequested
    BackRequested: TypeAlias = messages.BackRequested
    RetryRequested: TypeAlias = messages.RetryRequested
    RowActivated: TypeAlias = messages.RowActivated
    CursorMoved: TypeAlias = messages.CursorMoved
    CopyRequested: TypeAlias = messages.CopyRequested
    LayoutChanged: TypeAlias = messages.LayoutChanged
    ExportRequested: TypeAlias = messages.ExportRequested

    # -- the query bar and the density line (their modules; each gets what it needs) ---------
    def mount_query_bar(self) -> QueryBar:
        """The table's query bar, made and mounted on first use."""
        bars = self.query(QueryBar)
        bar = bars.first() if bars else QueryBar(self)
        if not bar.is_attached:
            self.mount(bar)
        return bar

    def lift_query(self) -> None:
        """Lift the query, if there is one (its restriction and computed columns)."""
        lift_query(self)

    def action_query(self) -> None:
        """Open the query bar: a JMESPath filter and computed columns over the rows' JSON."""
        QueryBar.open_on(self)

    @property
    def density(self) -> DensityBar:
        """The density line above the rows."""
        return self.query_one(DensityBar)

    def action_density(self, step: int) -> None:
        """Move the density line's bucket cursor."""
        self.density.sync()
        self.density.move_cursor(step)

    def action_density_zoom(self) -> None:
        """Jump to the bucket's first row; the pane may narrow its time range to it."""
        self.density.zoom()

    # -- filter input -----------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        """Filter incrementally as the user types."""
        if event.input is self._filter_input:
            event.stop()
            self.set_filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter keeps the filter and gives the keys back to the rows."""
        if event.input is self._filter_input:
            event.stop()
            if not event.value:
                event.input.display = False
            self.body.focus()

    def clear_filter(self) -> None:
        """Remove the filter and the query bar's query, and hide the filter input (a new query starts unfiltered)."""
        lift_query(self)
        filter_input = self._filter_input
        had_focus = filter_input.has_focus
        if filter_input.value:
            filter_input.value = ""
        filter_input.display = False
        self.set_filter("")
        if had_focus:
            self.body.focus()

    def show_filter(self, text: str) -> None:
        """Filter by ``text`` with it shown in the filter line, as if typed (an opened bundle's)."""
        filter_input = self._filter_input
        filter_input.value = text
        filter_input.display = bool(text)
        self.set_filter(text)

    def _close_filter(self) -> None:
        filter_input = self._filter_input
        if filter_input.value:
            filter_input.value = ""
        self.set_filter("")
        filter_input.display = False
        self.body.focus()

    def on_table_body_row_clicked(self, event: TableBody.RowClicked) -> None:
        """A click on a row moves the cursor there (the keyboard stays the main way in)."""
        event.stop()
        self.move_to(event.position)

    # -- actions (the bindings are in keys.py) -----------------------------------------------
    def action_cursor_down(self) -> None:
        self.move_to(self.body.cursor_row + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.body.cursor_row - 1)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        # A page the host holds ready lands first; else move_to's check asks for the next one.
        self.move_to_end()

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
        self._filter_input.display = True
        self._filter_input.focus()

    def _jump(self, step: int) -> None:
        needle = self._filter_input.value or self._last_needle
        position = self.model.find(needle, self.body.cursor_row, step)
        if position is None:
            text = f"no match for {visible(needle)!r}" if needle else "no filter text yet"
            self.notify(text, markup=False)
        else:
            self.move_to(position)

    def action_next_match(self) -> None:
        self._jump(1)

    def action_previous_match(self) -> None:
        self._jump(-1)

    def _layout_changed(self) -> None:
        self.body.relayout()
        self.body.scroll_to_column()
        self.post_message(self.LayoutChanged(self, self.layout_text))

    def action_hide_column(self) -> None:
        """Hide the column under the column cursor (A shows every column again)."""
        if len(self.column_set.shown) <= 1:
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
        index, widths = self.body.column_cursor, self.body.widths
        current = widths[index] if index < len(widths) else self.columns[index].min_width
        self.column_set.resize(index, current, step)
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
        """Sort by the column under the column cursor: ascending, descending, then arrival order."""
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
        if row is not None:
            text = export.row_json_text(self.payload_of(row))
            self.post_message(self.CopyRequested(self, text, "JSON", multiline=True))

    def action_retry(self) -> None:
        if self.load.error is not None:
            self.set_error(None)
            self.post_message(self.RetryRequested(self))
