"""VirtualTable: the one table every browse pane uses, rendered line by line (Textual's Line API).

A frame costs the visible rows only, so a million loaded rows page as fast as ten; rows load lazily
as the cursor nears the end (the pane answers ``MoreRowsRequested``), and filtering/sorting big
tables runs in a thread worker whose late results a generation counter drops.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from tui.ui.safe_text import visible
from tui.ui.widgets.density_bar import DensityBar
from tui.ui.widgets.query_bar import QueryBar, lift_query
from tui.ui.widgets.virtual_table_actions import TableActions
from tui.ui.widgets.virtual_table_body import TableBody
from tui.ui.widgets.virtual_table_model import (
    Column,
    Row,
    TableModel,
    ViewJob,
    ViewResult,
    compute_view,
)
from tui.ui.work import Work

__all__ = ["Column", "Row", "TableBody", "VirtualTable"]

_WORKER_GROUP = "virtual-table-view"


class VirtualTable(TableActions, Widget):
    """A lazily loaded, filterable, sortable table whose frames cost only the visible rows."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="table.up"),
        Binding("g,home", "first", "First", show=False, id="table.first"),
        Binding("G,end", "last", "Last / load more", show=False, id="table.last"),
        Binding("ctrl+d", "half_page_down", "Half page down", show=False, id="table.half_down"),
        Binding("ctrl+u", "half_page_up", "Half page up", show=False, id="table.half_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("enter", "activate", "Open", id="table.activate"),
        Binding("escape,backspace", "back", "Back", id="table.back"),
        Binding("slash", "filter", "Filter", id="table.filter"),
        Binding("colon", "query", "Query", id="table.query"),
        Binding(
            "left_square_bracket", "density(-1)", "Bucket left", show=False, id="table.bucket_left"
        ),
        Binding(
            "right_square_bracket",
            "density(1)",
            "Bucket right",
            show=False,
            id="table.bucket_right",
        ),
        Binding("z", "density_zoom", "Zoom to bucket", show=False, id="table.bucket_zoom"),
        Binding("n", "next_match", "Next match", show=False, id="table.next_match"),
        Binding("N", "previous_match", "Previous match", show=False, id="table.previous_match"),
        Binding(
            "left,less_than_sign", "column_left", "Column left", show=False, id="table.column_left"
        ),
        Binding(
            "right,greater_than_sign",
            "column_right",
            "Column right",
            show=False,
            id="table.column_right",
        ),
        Binding("s", "sort", "Sort", id="table.sort"),
        Binding("H", "hide_column", "Hide column", show=False, id="table.hide_column"),
        Binding("A", "show_columns", "Show all columns", show=False, id="table.show_columns"),
        Binding("plus,equals_sign", "widen", "Widen column", show=False, id="table.widen"),
        Binding("minus", "narrow", "Narrow column", show=False, id="table.narrow"),
        Binding("e", "export", "Export", id="table.export"),
        Binding("y", "copy_key", "Copy id", id="table.copy_id"),
        Binding("Y", "copy_json", "Copy JSON", id="table.copy_json"),
        Binding("r", "retry", "Retry", show=False, id="table.retry"),
    ]

    sync_view_limit = 10_000
    """Filter/sort up to this many rows on the UI thread (a few ms); more go to a thread worker.

    Sorting 50,000 rows took 138 ms on the UI thread: over the 50 ms a frame may pause.
    """

    class _TableMessage(Message):
        def __init__(self, table: VirtualTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> VirtualTable:
            """The table that sent the message."""
            return self.table

    class MoreRowsRequested(_TableMessage):
        """The cursor came within a screen of the end of what is loaded and more is available."""

    class BackRequested(_TableMessage):
        """Escape/backspace with no filter active: go up a level."""

    class RetryRequested(_TableMessage):
        """``r`` while the error row shows: load the failed page again."""

    class RowActivated(_TableMessage):
        """Enter on a row: drill down or inspect it."""

        def __init__(self, table: VirtualTable, row: Row) -> None:
            super().__init__(table)
            self.row = row

    class CursorMoved(_TableMessage):
        """The cursor landed on another row (None when the view is empty)."""

        def __init__(self, table: VirtualTable, row: Row | None) -> None:
            super().__init__(table)
            self.row = row

    class CopyRequested(_TableMessage):
        """``y``/``Y``: put ``text`` (the row's id, or its JSON) on the clipboard.

        ``multiline``: the text's line breaks are its own (JSON) rather than to be escaped.
        """

        def __init__(
            self, table: VirtualTable, text: str, what: str, *, multiline: bool = False
        ) -> None:
            super().__init__(table)
            self.text = text
            self.what = what
            self.multiline = multiline

    class LayoutChanged(_TableMessage):
        """The user hid, showed, widened or narrowed a column: ``layout`` is the new one to keep."""

        def __init__(self, table: VirtualTable, layout: str) -> None:
            super().__init__(table)
            self.layout = layout

    class ExportRequested(_TableMessage):
        """``e``: ask for a path, then stream ``iter_export_rows()`` to it as ``fmt``."""

        def __init__(self, table: VirtualTable, fmt: str) -> None:
            super().__init__(table)
            self.fmt = fmt

    def __init__(
        self,
        columns: Sequence[Column] = (),
        *,
        show_status: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns: list[Column] = list(columns)
        self.hidden_columns: set[str] = set()
        self.column_widths: dict[str, int] = {}
        self.model = TableModel()
        self.work = Work(self, group=_WORKER_GROUP)
        self.body = TableBody(self)
        self.export_format = "jsonl"
        self.payload_for: Callable[[Row, int], object] | None = None
        """Where a row without a payload gets its JSON for copy/export (items stored compactly);
        called with the row and its loaded index."""
        self.show_status = show_status
        self.error: str | None = None
        self._has_more = False
        self._loading = False
        self._requested = False
        self._finished = False
        self._last_needle = ""
        self._anchor: int | None = None
        self._status_shown: str | None = None

    def compose(self) -> ComposeResult:
        yield self.body
        status = Static("", classes="virtual-table--status", markup=False)
        status.display = self.show_status
        yield status
        filter_input = Input(
            placeholder="filter (enter keeps, escape clears)", classes="virtual-table--filter"
        )
        filter_input.display = False
        yield filter_input

    def on_mount(self) -> None:
        self.mount(DensityBar(self), before=self.body)
        self._changed()

    def focus(self, scroll_visible: bool = True) -> VirtualTable:
        """Focus the rows (the container itself never holds focus)."""
        self.body.focus(scroll_visible)
        return self

    # -- public state -----------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        """Rows in the current view (after the filter)."""
        return self.model.visible_count

    @property
    def loaded_count(self) -> int:
        """Every row loaded so far."""
        return self.model.loaded_count

    @property
    def cursor_row(self) -> int:
        """The cursor's position in the current view."""
        return self.body.cursor_row

    @property
    def current_row(self) -> Row | None:
        """The row under the cursor, if any."""
        if 0 <= self.body.cursor_row < self.row_count:
            return self.model.visible_row(self.body.cursor_row)
        return None

    @property
    def has_more(self) -> bool:
        """Whether the source said more rows are available."""
        return self._has_more

    @property
    def page_loading(self) -> bool:
        """Whether a page is in flight."""
        return self._loading

    @property
    def filter_text(self) -> str:
        """The active filter as typed ('' when none)."""
        return self._filter_input.value if self.model.needle else ""

    @property
    def status_text(self) -> str:
        """'1,234 loaded · more available', '1,234 · all loaded' or, filtered, '12 of 1,234 match'."""
        loaded = self.loaded_count
        if self.model.needle or self.model.restricted:
            text = f"{self.row_count:,} of {loaded:,} match"
        elif self._has_more:
            text = f"{loaded:,} loaded · more available"
        else:
            text = f"{loaded:,} · all loaded"
        if self.model.pending:
            text += " · filtering…" if self.model.needle or self.model.restricted else " · sorting…"
        return text

    @property
    def trailer_text(self) -> str:
        """The line after the last row: loading, the error with its retry key, or the end marker."""
        if self.error is not None:
            return f"✖ {visible(self.error)} — r to retry"
        if self._loading:
            return "loading…"
        if self._finished and not self._has_more:
            if (self.model.needle or self.model.restricted) and self.row_count == 0:
                return "— no matches —"
            return "— end of results —" if self.loaded_count else "— no rows —"
        return ""

    @property
    def _filter_input(self) -> Input:
        return self.query_one("Input.virtual-table--filter", Input)

    # -- public API -------------------------------------------------------------------------
    def set_columns(self, columns: Sequence[Column]) -> None:
        """Replace the columns (widths re-fit the widget; hidden columns and set widths reset)."""
        self.columns = list(columns)
        self.hidden_columns = set()
        self.column_widths = {}
        self.body.column_cursor = min(self.body.column_cursor, max(0, len(self.columns) - 1))
        if self.is_mounted:
            self.body.relayout()

    def set_layout(self, layout: str) -> None:
        """Apply a remembered layout ("-ip event=30": hide ``ip``, ``event`` 30 cells wide)."""
        keys = {column.key for column in self.columns}
        self.hidden_columns = set()
        self.column_widths = {}
        for item in layout.split():
            key, _, width = item.partition("=")
            if item.startswith("-") and item[1:] in keys:
                self.hidden_columns.add(item[1:])
            elif width.isdigit() and key in keys:
                self.column_widths[key] = max(3, int(width))
        if self.hidden_columns >= keys:  # never hide every column
            self.hidden_columns.clear()
        if self.columns and self.columns[self.body.column_cursor].key in self.hidden_columns:
            self._move_column(1)
        if self.is_mounted:
            self.body.relayout()

    @property
    def layout_text(self) -> str:
        """The layout as remembered in config.toml ("-ip event=30"; "" for the declared one)."""
        order = [column.key for column in self.columns]
        hidden = [f"-{key}" for key in order if key in self.hidden_columns]
        widths = [f"{key}={self.column_widths[key]}" for key in order if key in self.column_widths]
        return " ".join(hidden + widths)

    def append_rows(self, rows: Sequence[Row], *, more: bool, follow: bool = False) -> None:
        """Add a page; ``more=False`` marks the end; ``follow`` moves a cursor on the last row onto the new last row."""
        was_last = self.row_count == 0 or self.body.cursor_row >= self.row_count - 1
        anchor = self._row_index_at_cursor()
        # Unsorted, new rows (and the trailer) land after the old last row: repaint from there only.
        first = self.row_count if self.model.sort_column is None else 0
        self.model.append(rows)
        self._has_more = more
        self._finished = True
        self._requested = False
        if not follow:
            self._loading = False
        if self.model.sort_column is not None and anchor is not None and not self.model.pending:
            position = self.model.position_of(anchor)
            if position is not None and position != self.body.cursor_row:
                self.body.cursor_row = position
                self.body.clear_cache()
        self._changed(first)
        if follow and was_last and self.row_count:
            self.move_to(self.row_count - 1)
        elif rows and not (self.model.needle or self.model.restricted):
            self._check_more()

    def prepend_rows(self, rows: Sequence[Row]) -> None:
        """Put ``rows`` above the loaded ones (follow mode on a newest-first list).

        The cursor stays on the row it was on, and the screen with it, unless it was on the top
        row: then it stays on top, where the new rows are.
        """
        if not rows:
            return
        on_top = self.body.cursor_row == 0
        anchor = self._row_index_at_cursor()
        had_view = self.model.has_view
        job = self.model.prepend(rows)
        n = len(rows)
        if had_view:
            self._anchor = None if on_top or anchor is None else anchor + n
            self._run(job)
            return
        self.body.clear_cache()  # cached lines are keyed by row index, which shifted
        top = round(self.body.scroll_offset.y)
        if not on_top:
            self.body.cursor_row += n
        self._changed()
        if not on_top:
            self.body.scroll_to(y=top + n, animate=False, force=True)
        self.body.scroll_to_cursor()
        if not on_top:
            self.post_message(self.CursorMoved(self, self.current_row))

    def set_loading(self, loading: bool) -> None:
        """Show (or hide) the loading row while a page is in flight."""
        self._loading = loading
        if loading:
            self.error = None
        self._changed(self.row_count)

    def set_error(self, message: str | None) -> None:
        """Show an error row ('✖ message — r to retry') after the rows already loaded, or remove it."""
        self.error = message
        if message is not None:
            self._loading = False
            self._requested = False
        self._changed(self.row_count)

    def clear(self) -> None:
        """Drop every row and the load state (the filter and sort stay)."""
        self.model.clear()
        self._has_more = False
        self._loading = False
        self._requested = False
        self._finished = False
        self.error = None
        self.body.cursor_row = 0
        self.body.clear_cache()  # cached lines are keyed by row index, which new rows reuse
        self.body.scroll_to(0, 0, animate=False, force=True)
        self._changed()

    def set_filter(self, text: str) -> None:
        """Filter the loaded rows by ``text`` (case-insensitive, any column); '' removes the filter."""
        if text:
            self._last_needle = text
        self._anchor = self._row_index_at_cursor()
        self._run(self.model.set_filter(text))

    def set_sort(self, column: int | None, descending: bool = False) -> None:
        """Sort the view by column ``column`` (None: arrival order)."""
        self._anchor = self._row_index_at_cursor()
        self._run(self.model.set_sort(column, descending))

    def iter_export_rows(self) -> Iterator[dict[str, object]]:
        """The visible rows in view order as dicts (the payload, or column key → cell), from a snapshot.

        The snapshot is taken now, so the iterator can be consumed in a worker thread (a million
        compactly stored items are revived there, not on the UI thread).
        """
        keys = [column.key for column in self.columns]
        rows, order = self.model.snapshot()
        payload_for = self.payload_for

        def generate() -> Iterator[dict[str, object]]:
            for index in order:
                row = rows[index]
                payload = row.payload
                if payload is None and payload_for is not None:
                    payload = payload_for(row, index)
                if isinstance(payload, dict):
                    yield payload
                else:
                    yield dict(zip(keys, row.cells, strict=False))

        return generate()

    def json_source(self, keys: Sequence[str]) -> Callable[[int], object]:
        """Loaded row ``i``'s JSON, safe in a worker: what the query bar tests and computes from.

        Rows of a compact level carry no payload; ``payload_for`` revives the item (the same
        JSON copy and export use), so a query sees exactly what AWS returned.
        """
        payload_for, model = self.payload_for, self.model
        fallback = None
        if payload_for is not None:

            def fallback(index: int) -> object:
                return payload_for(model.row(index), index)

        return model.json_source(keys, fallback)

    def payload_of(self, row: Row) -> object:
        """``row``'s JSON for copy: its payload, else what ``payload_for`` finds, else its cells by column."""
        payload = row.payload
        if payload is None and self.payload_for is not None and row == self.current_row:
            payload = self.payload_for(row, self.model.row_index(self.body.cursor_row))
        elif payload is None and self.payload_for is not None:
            payload = self.payload_for(row, -1)
        if payload is None:
            payload = dict(zip((c.key for c in self.columns), row.cells, strict=False))
        return payload

    def move_to(self, position: int) -> None:
        """Move the cursor to view position ``position`` and announce it."""
        if self.body.move_cursor(position):
            self.post_message(self.CursorMoved(self, self.current_row))
        self._check_more()

    # -- query bar hooks (tui/ui/widgets/query_bar.py) ---------------------------------------
    def action_query(self) -> None:
        """Open the query bar: a JMESPath filter and computed columns over the rows' JSON."""
        QueryBar.open_on(self)

    @property
    def density(self) -> DensityBar:
        """The density line above the rows (tui/ui/widgets/density_bar.py)."""
        return self.query_one(DensityBar)

    def action_density(self, step: int) -> None:
        """Move the density line's bucket cursor."""
        self.density.sync()
        self.density.move_cursor(step)

    def action_density_zoom(self) -> None:
        """Jump to the bucket's first row; the pane may narrow its time range to it."""
        self.density.zoom()

    def refresh_view(self, first: int = 0) -> None:
        """Repaint after the view changed in place from view position ``first`` (query matches arrived).

        Matches land after the old last row, so a chunk below the screen repaints nothing.
        """
        if first <= 0:
            self.body.clear_cache()
        self._changed(first)

    def run_view_job(self, job: ViewJob | None) -> None:
        """Run a view job the model planned outside the filter/sort methods (the query's)."""
        self._anchor = self._row_index_at_cursor()
        self._run(job)

    # -- internals --------------------------------------------------------------------------
    def _row_index_at_cursor(self) -> int | None:
        if 0 <= self.body.cursor_row < self.row_count:
            return self.model.row_index(self.body.cursor_row)
        return None

    def _changed(self, first: int = 0) -> None:
        """Bring the body's size, lines and the status line up to date after a change.

        ``first`` is the first view position whose line may differ (0: all of them). A page
        appended below the screen then repaints neither the body nor forces a relayout: on a
        25,000-row load that whole-body repaint was most of the UI thread's work.
        """
        if not self.is_mounted:
            return
        body = self.body
        body.update_size()
        if self.row_count and body.cursor_row >= self.row_count:
            body.cursor_row = self.row_count - 1
            body.clear_cache()
            first = 0
        if first <= 0:
            body.refresh()
        else:
            body.refresh_from(first)
        if self.row_count and body.cursor_row == self.row_count - 1:
            body.scroll_to_cursor()
        if self.show_status:
            text = self.status_text
            if text != self._status_shown:
                self._status_shown = text
                # One line high by CSS: new text cannot change the layout.
                self.query_one(".virtual-table--status", Static).update(text, layout=False)

    def _check_more(self) -> None:
        if not self._has_more or self._loading or self._requested or self.error is not None:
            return
        if self.body.cursor_row >= self.row_count - self.body.page_height:
            self._requested = True
            self.post_message(self.MoreRowsRequested(self))

    def _run(self, job: ViewJob | None) -> None:
        if job is None:
            self._view_ready()
        elif job.count <= self.sync_view_limit:
            self.model.apply(compute_view(job))
            self._view_ready()
        else:
            self.work.run(partial(compute_view, job), key="view", pooled=False, exclusive=True)
            self._changed()

    def on_work_done(self, message: Work.Done) -> None:
        """Install a view computed in the thread worker, unless a newer one superseded it."""
        result = message.result
        if (
            self.work.deliver(message)
            and isinstance(result, ViewResult)
            and self.model.apply(result)
        ):
            self._view_ready()

    def on_work_failed(self, message: Work.Failed) -> None:
        """A view that could not be computed leaves the current one in place."""
        self.work.deliver(message)

    def _view_ready(self) -> None:
        position = self.model.position_of(self._anchor) if self._anchor is not None else None
        self.body.cursor_row = position if position is not None else 0
        self.body.clear_cache()
        self._changed()
        self.body.scroll_to_cursor()
        self.post_message(self.CursorMoved(self, self.current_row))

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
