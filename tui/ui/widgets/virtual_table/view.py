"""TableView: the table's state and API without its keys (VirtualTable adds bindings and actions).

It composes the pure parts (the model, the columns, the load state) and the body that draws
them, none of which refers back to it; panes load rows, filter and sort through its methods.
Filtering/sorting big tables runs in a thread worker whose late results a generation counter drops.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING, Self

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Input, Static

from tui.ui.widgets.virtual_table import export, messages
from tui.ui.widgets.virtual_table.body import TableBody
from tui.ui.widgets.virtual_table.columns import Column, ColumnSet
from tui.ui.widgets.virtual_table.density_bar import DensityBar
from tui.ui.widgets.virtual_table.export import PayloadFor
from tui.ui.widgets.virtual_table.jobs import ViewJob, ViewResult, compute_view
from tui.ui.widgets.virtual_table.load import LoadState
from tui.ui.widgets.virtual_table.model import TableModel
from tui.ui.widgets.virtual_table.store import CellsWithComputed, Row
from tui.ui.work import Work

if TYPE_CHECKING:
    from tui.services.scan_server import ItemPages

_WORKER_GROUP = "virtual-table-view"


SYNC_COMPUTED = 500
"""Rows whose computed cells (a JMESPath search each) a view job may still make on the UI thread."""


def unmade(job: ViewJob) -> int:
    """Rows of ``job`` whose computed cells are not made yet (0 without computed columns)."""
    rows = job.rows
    return rows.unmade(job.count) if isinstance(rows, CellsWithComputed) else 0


class TableView(Widget):
    """Rows, view, columns and load state behind a body that draws them; no key bindings."""

    sync_view_limit = 10_000
    """Filter/sort up to this many rows on the UI thread (a few ms); more go to a thread worker.

    Sorting 50,000 rows took 138 ms on the UI thread: over the 50 ms a frame may pause.
    """

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
        self.model = TableModel()
        self.column_set = ColumnSet(columns)
        self.load = LoadState()
        self.work = Work(self, group=_WORKER_GROUP)
        self.body = TableBody(self.model, self.column_set, self.load)
        self.export_format = "jsonl"
        self.payload_for: PayloadFor | None = None
        """Where a row without a payload gets its JSON for copy/export (items stored compactly);
        called with the row and its loaded index."""
        self.item_pages: Callable[[], ItemPages | None] | None = None
        """The host's: where the rows' items are, when a compact item store holds them in row
        order (a big query then scans them in a spawned process: services/scan_server.py)."""
        self.land_ready: Callable[[], bool] | None = None
        """The host's: land a page it already holds, now, if it has one (True when it did), so
        ``G`` shows that page and moves onto its last row in one frame (see ``move_to_end``)."""
        self.show_status = show_status
        self._last_needle = ""
        self._anchor: int | None = None
        self._cursor_at_run = 0  # the cursor when the last view job went to a worker
        self._end_at: int | None = None
        """Where ``G`` left the cursor waiting for the next page: it lands and takes the cursor
        onto its last row, unless the cursor moved meanwhile."""
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
        self.mount(DensityBar(self.model, self.json_source, self.move_to), before=self.body)
        self._changed()

    def focus(self, scroll_visible: bool = True) -> Self:
        """Focus the rows (the container itself never holds focus)."""
        self.body.focus(scroll_visible)
        return self

    # -- public state -----------------------------------------------------------------------
    @property
    def columns(self) -> list[Column]:
        """The columns, in order (hidden ones included)."""
        return self.column_set.columns

    @property
    def hidden_columns(self) -> set[str]:
        """The keys of the hidden columns."""
        return self.column_set.hidden

    @property
    def column_widths(self) -> dict[str, int]:
        """Widths the user set, by column key."""
        return self.column_set.widths

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
        return self.load.has_more

    @property
    def page_loading(self) -> bool:
        """Whether a page is in flight."""
        return self.load.loading

    @property
    def error(self) -> str | None:
        """The error shown after the rows (None when there is none)."""
        return self.load.error

    @property
    def filter_text(self) -> str:
        """The active filter as typed ('' when none)."""
        return self._filter_input.value if self.model.needle else ""

    @property
    def status_text(self) -> str:
        """'1,234 loaded · more available', '1,234 · all loaded' or, filtered, '12 of 1,234 match'."""
        return self.load.status_text(self.model)

    @property
    def trailer_text(self) -> str:
        """The line after the last row: loading, the error with its retry key, or the end marker."""
        return self.load.trailer_text(self.model)

    @property
    def layout_text(self) -> str:
        """The layout as remembered in config.toml ("-ip event=30"; "" for the declared one)."""
        return self.column_set.layout_text

    @property
    def _filter_input(self) -> Input:
        return self.query_one("Input.virtual-table--filter", Input)

    # -- public API -------------------------------------------------------------------------
    def set_columns(self, columns: Sequence[Column]) -> None:
        """Replace the columns (widths re-fit the widget; hidden columns and set widths reset)."""
        self.column_set.replace(columns)
        self.body.column_cursor = min(self.body.column_cursor, max(0, len(self.columns) - 1))
        if self.model.sort_column is not None and self.model.sort_column >= len(self.columns):
            self.set_sort(None)  # its column is gone (a lifted query's computed column)
        if self.is_mounted:
            self.body.relayout()

    def set_layout(self, layout: str) -> None:
        """Apply a remembered layout ("-ip event=30": hide ``ip``, ``event`` 30 cells wide)."""
        self.column_set.apply_layout(layout)
        if self.columns and self.columns[self.body.column_cursor].key in self.hidden_columns:
            self._move_column(1)
        if self.is_mounted:
            self.body.relayout()

    def append_rows(self, rows: Sequence[Row], *, more: bool, follow: bool = False) -> None:
        """Add a page; ``more=False`` marks the end; ``follow`` moves a cursor on the last row onto the new last row."""
        was_last = self.row_count == 0 or self.body.cursor_row >= self.row_count - 1
        anchor = self._row_index_at_cursor()
        # Unsorted, new rows (and the trailer) land after the old last row: repaint from there only.
        first = self.row_count if self.model.sort_column is None else 0
        self.model.append(rows)
        load = self.load
        load.has_more, load.finished, load.requested = more, True, False
        if not follow:
            load.loading = False
        if self.model.sort_column is not None and anchor is not None and not self.model.pending:
            position = self.model.position_of(anchor)
            if position is not None and position != self.body.cursor_row:
                self.body.cursor_row = position
                self.body.clear_cache()
        to_end = self._end_at is not None and self._end_at == self.body.cursor_row
        self._end_at = None
        moves = (to_end or (follow and was_last)) and self.row_count > 0
        self._changed(first, settled=not moves)
        if moves:
            if self.body.move_cursor(self.row_count - 1):
                self.post_message(messages.CursorMoved(self, self.current_row))
            self.body.sync_scrollbar()  # the bar compared where it ends, not on the way there
            if follow:
                self._check_more()
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
            self.post_message(messages.CursorMoved(self, self.current_row))

    def set_loading(self, loading: bool) -> None:
        """Show (or hide) the loading row while a page is in flight."""
        self.load.loading = loading
        if loading:
            self.load.error = None
        self._changed(self.row_count)

    def set_error(self, message: str | None) -> None:
        """Show an error row ('✖ message — r to retry') after the rows already loaded, or remove it."""
        self.load.error = message
        if message is not None:
            self._end_at = None
            self.load.loading = False
            self.load.requested = False
        self._changed(self.row_count)

    def clear(self) -> None:
        """Drop every row and the load state (the filter and sort stay)."""
        self.model.clear()
        self.load.reset()
        self._end_at = None
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
        """The visible rows in view order as dicts, from a snapshot (see ``export.export_rows``)."""
        return export.export_rows(self.model, [c.key for c in self.columns], self.payload_for)

    def json_source(self, keys: Sequence[str]) -> Callable[[int], object]:
        """Loaded row ``i``'s JSON, safe in a worker: what the query bar tests and computes from."""
        return export.json_source(self.model, keys, self.payload_for)

    def payload_of(self, row: Row) -> object:
        """``row``'s JSON for copy: its payload, else what ``payload_for`` finds, else its cells by column."""
        index = -1
        if row.payload is None and self.payload_for is not None and row == self.current_row:
            index = self.model.row_index(self.body.cursor_row)
        return export.payload_of(row, index, [c.key for c in self.columns], self.payload_for)

    def move_to(self, position: int) -> None:
        """Move the cursor to view position ``position`` and announce it."""
        if self.body.move_cursor(position):
            self.post_message(messages.CursorMoved(self, self.current_row))
        self._check_more()

    def move_to_end(self) -> None:
        """``G``: the cursor to the last row; where more is to come, onto the next page's last row.

        Why: moving to the last row made the host land its next page a message later, so every
        page held under ``G`` cost two frames with the whole body new in each (the cursor's
        jump, then the page below it). Now the next page to land takes the cursor onto its last
        row (``append_rows``), and what the host already holds (``land_ready``: a browse pane
        lands the pages it read ahead that are in, up to 500 rows) lands right here, in one frame.
        """
        load = self.load
        end = self.row_count - 1
        if self.land_ready is None or not load.has_more or load.error is not None:
            self.move_to(end)
            return
        if self.body.move_cursor(end):
            self.post_message(messages.CursorMoved(self, self.current_row))
        self._end_at = self.body.cursor_row
        if not (load.loading or load.requested) and not self.land_ready():
            self._check_more()  # nothing here or on its way: ask, as the move always did

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

    def _changed(self, first: int = 0, settled: bool = True) -> None:
        """Bring the body's size, lines and the status line up to date after a change.

        ``first`` is the first view position whose line may differ (0: all of them). A page
        appended below the screen then repaints neither the body nor forces a relayout: on a
        25,000-row load that whole-body repaint was most of the UI thread's work. Not
        ``settled``: the cursor moves next, and the caller syncs the scrollbar after it.
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
        if settled:
            body.sync_scrollbar()
        if self.show_status:
            text = self.status_text
            if text != self._status_shown:
                self._status_shown = text
                # One line high by CSS: new text cannot change the layout.
                self.query_one(".virtual-table--status", Static).update(text, layout=False)

    def _check_more(self) -> None:
        load = self.load
        if not load.has_more or load.loading or load.requested or load.error is not None:
            return
        if self.body.cursor_row >= self.row_count - self.body.page_height:
            load.requested = True
            self.post_message(messages.MoreRowsRequested(self))

    def _run(self, job: ViewJob | None) -> None:
        if job is None:
            self._view_ready()
        elif job.count <= self.sync_view_limit and unmade(job) <= SYNC_COMPUTED:
            self.model.apply(compute_view(job))
            self._view_ready()
        else:
            self.work.run(partial(compute_view, job), key="view", pooled=False, exclusive=True)
            self._changed()
            self._cursor_at_run = self.body.cursor_row

    def on_work_done(self, message: Work.Done) -> None:
        """Install a view computed in the thread worker, unless a newer one superseded it."""
        result = message.result
        if not self.work.deliver(message) or not isinstance(result, ViewResult):
            return
        # Keys that moved the cursor on the old view while this one was computed: the row under
        # it now is the one to keep (the anchor taken at the start would undo those keys).
        moved = self.body.cursor_row != self._cursor_at_run
        anchor = self._row_index_at_cursor() if moved else self._anchor
        if self.model.apply(result):
            self._anchor = anchor
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
        self.post_message(messages.CursorMoved(self, self.current_row))

    def _move_column(self, step: int) -> None:
        """Move the column cursor ``step`` shown columns along (hidden ones are skipped)."""
        if not self.columns:
            return
        self.body.column_cursor = self.column_set.step(self.body.column_cursor, step)
        self.body.clear_cache()
        self.body.refresh()
        self.body.scroll_to_column()
