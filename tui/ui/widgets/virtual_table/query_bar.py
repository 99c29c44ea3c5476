"""QueryBar: the `:` bar under a VirtualTable, a JMESPath filter and computed columns over the rows.

The scan runs in chunks (tui/services/query.scan) as a run of the UI's one work path
(tui/ui/work.py) and reports each chunk's matches as ``Work.Progress``, which go into the table's
one view mechanism (``TableModel.extend_restrict``): the count
and the rows show while it runs, the table scrolls, escape stops it. A bad expression is shown at
the bar with its position (the input's cursor goes there) and nothing else changes.
It sees the table through ``QueryHost`` (what it needs of it), so it never imports the widget.
"""

from __future__ import annotations

import sys
import threading
import time
from array import array
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input, Static

from tui.errors import EventdeckError
from tui.services import child_scan
from tui.services.query import Query, QueryError, ScanResult, check_functions, parse_query, scan
from tui.ui.garbage import GarbagePacer
from tui.ui.key_order import hold_keys
from tui.ui.safe_text import visible
from tui.ui.widgets.virtual_table.columns import Column
from tui.ui.widgets.virtual_table.jobs import ViewJob
from tui.ui.widgets.virtual_table.model import TableModel
from tui.ui.work import Report, Work

if TYPE_CHECKING:
    from tui.services.scan_server import ItemPages

REPORT_SECONDS = 0.1
"""The scan reports matches to the UI at most this often."""
GARBAGE_REPORTS = 5
"""Reports shown between the young collections a scan gets (tui/ui/garbage.py), and the
C heaps' free memory handed back."""
CHUNK = 1024
"""Rows per chunk of the scan (the UI thread gets the GIL back within ~1 ms: ``scan`` lowers the
switch interval with ``chunked.responsive``, so no sleep between chunks is needed)."""


class QueryHost(Protocol):
    """What the query bar needs of its table (VirtualTable has it all)."""

    @property
    def model(self) -> TableModel: ...
    @property
    def columns(self) -> list[Column]: ...
    @property
    def loaded_count(self) -> int: ...
    @property
    def row_count(self) -> int: ...
    def json_source(self, keys: Sequence[str]) -> Callable[[int], object]: ...
    def set_columns(self, columns: Sequence[Column]) -> None: ...
    @property
    def layout_text(self) -> str: ...
    def set_layout(self, layout: str) -> None: ...
    def run_view_job(self, job: ViewJob | None) -> None: ...
    def refresh_view(self, first: int = 0) -> None: ...
    def focus(self, scroll_visible: bool = True) -> object: ...
    def mount_query_bar(self) -> QueryBar: ...
    def lift_query(self) -> None: ...
    @property
    def item_pages(self) -> Callable[[], ItemPages | None] | None: ...


class QueryBar(Widget):
    """The query input and its one-line message (error with position, or progress)."""

    BINDINGS = [
        Binding("escape", "stop", "Stop / close", id="query.stop"),
    ]

    def __init__(self, table: QueryHost) -> None:
        super().__init__(classes="query-bar")
        self.table = table
        self.query_obj: Query | None = None
        self.base_columns: list[Column] | None = None
        self.error: QueryError | None = None
        self.scanning = False
        self.matches = 0
        self.scanned = 0
        self.total = 0
        self.work = Work(self, group="query-scan")
        """The scan; leaving the query (a new one, or lift) cancels it and drops its reports."""
        self.garbage = GarbagePacer(GARBAGE_REPORTS)
        self._generation = 0

    @classmethod
    def open_on(cls, table: QueryHost) -> QueryBar:
        """Show (mounting on first use) the table's query bar and give it the keys."""
        bar = table.mount_query_bar()
        bar.display = True
        # Focused once mounted and shown; the keys typed meanwhile wait for it (a burst).
        let_keys_go = hold_keys(bar.app)

        def focus() -> None:
            bar.input.focus()
            let_keys_go()

        bar.call_after_refresh(focus)
        if _pages_wanted(table, table.loaded_count):
            # A big view's scan runs in a scan process: start it while the user types (~60 ms).
            threading.Thread(target=_prestart, name="scan-prestart", daemon=True).start()
        return bar

    @classmethod
    def run_on(cls, table: QueryHost, text: str, then: Callable[[], None] | None = None) -> None:
        """Put ``text`` in the table's query bar and run it (a saved view reopened); '' lifts it.

        ``then`` runs once the query is installed: a view's sort and hidden columns may name the
        query's computed columns, which exist only from then on.
        """
        if not text:
            table.lift_query()
            if then is not None:
                then()
            return
        bar = cls.open_on(table)

        def run() -> None:
            bar.input.value = text
            bar.run_text(text)
            if then is not None:
                then()

        bar.call_after_refresh(run)

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="JMESPath filter; col NAME = EXPR (enter runs, escape stops/closes)",
            classes="query-bar--input",
        )
        yield Static("", classes="query-bar--message", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def message(self) -> str:
        """The text on the bar's message line."""
        return str(self.query_one(".query-bar--message", Static).render())

    def _say(self, text: str, *, error: bool = False) -> None:
        line = self.query_one(".query-bar--message", Static)
        line.set_class(error, "-error")
        line.update(visible(text))

    # -- running ---------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter parses and runs the query; an error stays at the bar and nothing else changes."""
        event.stop()
        self.run_text(event.value)

    def run_text(self, text: str) -> bool:
        """Parse and apply ``text`` ('' lifts the query); False (with the error shown) if it is bad."""
        try:
            query = parse_query(text)
            if self.table.loaded_count:
                check_functions(query, self.table.json_source(self._keys())(0))
        except QueryError as exc:
            self.error = exc
            self.input.cursor_position = min(exc.position, len(text))
            self._say(f"✖ at {exc.position + 1}: {exc.message}", error=True)
            return False
        self.error = None
        self.apply(query)
        return True

    def _keys(self) -> list[str]:
        columns = self.base_columns if self.base_columns is not None else self.table.columns
        return [column.key for column in columns]

    def apply(self, query: Query) -> None:
        """Install ``query``: computed columns at once, then the filter scan in a worker."""
        self.work.cancel()  # an earlier scan stops, and what it still reports is dropped
        table = self.table
        model = table.model
        if self.base_columns is None:
            self.base_columns = list(table.columns)
        keys = self._keys()
        self.query_obj = query
        extra = [Column(f"col:{c.name}", c.name, ratio=1, min_width=6) for c in query.columns]
        if query.columns:

            def computed(index: int) -> tuple[str, ...]:
                return query.cells(table.json_source(keys)(index))

            model.computed = computed
        else:
            model.computed = None
        # The hidden columns and set widths stay (set_columns resets them): running a query must
        # not bring back the columns the user hid, or drop a saved view's layout mid-scan.
        layout = table.layout_text
        table.set_columns([*self.base_columns, *extra])
        table.set_layout(layout)
        if query.filter is None:
            self.scanning = False
            table.run_view_job(model.lift_restrict())
            self._say("columns added" if query.columns else "no query", error=False)
            return
        matcher = query.matcher()
        self._generation, self.total = model.begin_restrict(
            lambda i: matcher(table.json_source(keys)(i))
        )
        self.matches = self.scanned = 0
        stop = self.work.stop  # escape sets it: the scan ends early, its matches so far stay
        source = table.json_source(keys)
        total = self.total
        pages_of = table.item_pages if _pages_wanted(table, total) else None
        pages = pages_of() if pages_of is not None else None

        def work(report: Report) -> ScanResult:
            pending: array[int] = array("q")
            last = 0.0

            def chunk_done(found: array[int], scanned: int) -> None:
                # At most one report per REPORT_SECONDS (and the first at once): each one costs
                # the UI thread a repaint, which a flood of small chunks would turn into lag.
                nonlocal last
                pending.extend(found)
                now = time.monotonic()
                if now - last < REPORT_SECONDS and scanned < total and last:
                    return
                last = now
                report((array("q", pending), scanned))
                del pending[:]

            result = scan(
                query, total, source, cancel=stop, progress=chunk_done, chunk=CHUNK, pages=pages
            )
            if pending:  # matches held back by the throttle (a stopped scan): report them first
                report((array("q", pending), result.scanned))
            return result

        self.scanning = True
        table.refresh_view()
        self._show_progress()
        self.work.run(
            work, self._finished, self._failed, key="scan", pooled=False, on_progress=self._found
        )

    def _show_progress(self) -> None:
        state = "matches so far" if self.scanning else "matches"
        text = f"{self.matches:,} {state} · {self.scanned:,} of {self.total:,} rows"
        if self.scanning:
            text += " · escape stops"
        self._say(text)

    def _found(self, progress: tuple[array[int], int]) -> None:
        """Show a chunk's matches at once (the count and rows grow while the scan runs)."""
        found, scanned = progress
        if not self.table.model.extend_restrict(self._generation, found):
            # The filter text or sort changed under the scan: run the query again over them.
            if self.query_obj is not None:
                self.apply(self.query_obj)
            return
        self.matches += len(found)
        self.scanned = scanned
        shown = self.table.row_count - len(found)
        self.table.refresh_view(shown if self.table.model.sort_column is None else 0)
        self._show_progress()
        self.garbage.drew(1, self.call_after_refresh)

    def _failed(self, error: EventdeckError) -> None:
        self.scanning = False
        self._say(f"✖ query failed: {error}", error=True)

    def _finished(self, result: ScanResult) -> None:
        """The scan ended (or was stopped): the view settles with the sort and later pages."""
        self.scanning = False
        self.scanned = result.scanned
        # A stopped scan leaves the rows it did not reach out of the view (not tested on the UI
        # thread); pages loaded from now on are tested as they land.
        job = self.table.model.finish_restrict(self._generation, self.total)
        self.table.run_view_job(job)
        self._show_progress()
        if result.cancelled:
            self._say(
                f"stopped: {self.matches:,} matches in the first {result.scanned:,} of "
                f"{self.total:,} rows"
            )

    def on_work_done(self, message: Work.Done) -> None:
        self.work.deliver(message)

    def on_work_failed(self, message: Work.Failed) -> None:
        self.work.deliver(message)

    def on_work_progress(self, message: Work.Progress) -> None:
        self.work.deliver(message)

    # -- stopping and closing --------------------------------------------------------------
    def action_stop(self) -> None:
        """Escape: stop a running scan (its matches so far stay); otherwise hide the bar."""
        if self.scanning:
            self.work.stop.set()
            return
        self.display = False
        self.table.focus()

    def on_unmount(self) -> None:
        """A waiting scan process goes with the bar (an app that quits leaves no process).

        Only if a big scan started one (its module is imported by the first, not at launch).
        """
        server = sys.modules.get("tui.services.scan_server")
        if server is not None:
            server.shutdown()

    def lift(self) -> None:
        """Remove the query (restriction and computed columns) and empty the bar."""
        self.work.cancel()
        self.scanning = False
        self.query_obj = None
        self.error = None
        model = self.table.model
        model.computed = None
        base, self.base_columns = self.base_columns, None
        if base is not None:
            layout = self.table.layout_text
            self.table.set_columns(base)
            self.table.set_layout(layout)
        self.table.run_view_job(model.lift_restrict())
        if self.is_mounted:
            self.input.value = ""
            self._say("")
            self.display = False


def _pages_wanted(table: QueryHost, rows: int) -> bool:
    """Whether a scan of ``rows`` would read the table's item pages in the scan process.

    Only a view big enough to leave the thread (``child_scan.MIN_ROWS``) does: a small one never
    takes the pages' snapshot nor loads the scan process's module on the UI thread.
    """
    return table.item_pages is not None and rows >= child_scan.MIN_ROWS


def _prestart() -> None:
    from tui.services import scan_server

    scan_server.prestart()


def lift_query(table: Widget) -> None:
    """Lift the table's query if it has one (a new level or query starts unqueried)."""
    for bar in table.query(QueryBar):
        if bar.query_obj is not None or bar.scanning:
            bar.lift()


def current_query(table: Widget) -> Query | None:
    """The query in effect on ``table`` (None when there is none)."""
    for bar in table.query(QueryBar):
        return bar.query_obj
    return None
