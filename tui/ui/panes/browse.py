"""The one browse mechanism every read-only pane uses: a stack of levels over a VirtualTable.

A level is a query (a fetch function from token to Page) plus how to show and open its items.
The pane pages lazily as the table asks, drills down by pushing levels, goes back by popping
them (the parent's rows and cursor come back as they were), retries from the last good token,
exports, copies, inspects and follows, identically for IVS, CodeCatalyst and Customer Profiles.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from tui.errors import EventdeckError
from tui.services.console_urls import ConsoleLink
from tui.services.paging import newer_items
from tui.ui.clipboard import copy_and_notify
from tui.ui.format import fmt_time, time_label
from tui.ui.panes.base import Pane
from tui.ui.panes.level import Level, PreparedPage
from tui.ui.safe_text import visible
from tui.ui.widgets.json_view import JsonView
from tui.ui.widgets.virtual_table import Column, Row, VirtualTable, current_query

if TYPE_CHECKING:  # the bundle, query and inspector modules load when first used
    from tui.services.bundle import BundleView

FOLLOW_SECONDS = 3.0
FOLLOW_MAX_PAGES = 50
TIME_MODES = ("utc", "local", "relative")
AGO_WIDTH = 10
RELATIVE_REFRESH_MAX = 20_000  # rows remade per follow poll in relative-time mode, at most
GARBAGE_ROWS = 250  # rows landed between the full collections paging makes


def keep_out_of_gc() -> None:
    """Collect the young generations, then move every surviving object out of the cyclic GC's reach.

    Why: a full (gen-2) collection walks every tracked object: the app, Textual and botocore's
    models alone made it 100–200 ms on the UI thread, at unpredictable moments. When a level's
    first page lands, what survives is long-lived; ``gc.freeze`` puts it in the permanent
    generation, so later collections only look at newer objects (loaded items add none: they
    are kept as bytes). Called once per level, not per page: a frozen cycle is never freed
    (a finished worker still holding its page is one), so freezing every page kept them all.
    Young cyclic garbage is collected first (a cheap gen-1 collection) so it is not frozen.
    """
    gc.collect(1)
    gc.freeze()


def collect_a_page_of_garbage() -> None:
    """A full collection now, while it holds about a page's worth of cyclic garbage (~2 ms).

    Why: drawing makes cyclic garbage (Textual's strips keep themselves in their own caches),
    and paging draws a frame a page; left to the automatic gen-2 collection it piled up and was
    freed in one go: 17 ms typical, 86–314 ms at worst while pages arrived. Collected every
    ``GARBAGE_ROWS`` rows it costs a walk of what is not frozen (1–2 ms) plus that garbage.
    """
    gc.collect()


class BrowsePane(Pane):
    """A pane that browses a drill-down stack of paged levels (subclasses build the levels)."""

    class PageFetched(Message, bubble=False):
        """A page's call answered (its worker now prepares it): the next page can be asked for."""

        def __init__(self, level: Level, seq: int, next_token: str) -> None:
            super().__init__()
            self.level = level
            self.seq = seq
            self.next_token = next_token

    BINDINGS = [
        Binding("f", "toggle_follow", "Follow", id="browse.follow"),
        Binding("o", "jump", "Open id/ARN", id="browse.jump"),
        Binding("c", "copy_cli", "Copy CLI", id="browse.copy_cli"),
        Binding("O", "copy_console_url", "Copy console URL", id="browse.console_url"),
        Binding("ctrl+r", "refresh", "Refresh", id="browse.refresh"),
        Binding("i", "toggle_side", "Side inspector", id="browse.side_inspector"),
        Binding("T", "cycle_time", "Time UTC/local/ago", id="browse.time_format"),
        Binding("m", "toggle_mark", "Mark row", id="browse.mark"),
        Binding("W", "write_bundle", "Write hand-over bundle", id="browse.bundle"),
    ]

    SIDE_MIN_WIDTH = 120

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.levels: list[Level] = []
        self.fetching = False
        # Paging fetches one page ahead: the next page is on its way while this one is drawn.
        self._ahead: tuple[Level, PreparedPage] | None = None  # fetched, not yet asked for
        self._wanted = False  # the table asked for rows: show the page in flight when it lands
        # Pages on their way land in the order they were asked for: a page's worker posts its next
        # token as soon as its call answers, so the next call overlaps this page's preparing.
        self._flights = 0  # pages being fetched or prepared
        self._seq = 0  # the number the next page asked for gets
        self._due = 0  # the number of the next outcome to handle
        self._held: dict[int, Callable[[], None]] = {}  # outcomes that overtook an earlier one
        self._rows_since_gc = 0  # rows landed since paging's last full collection
        self.following = False
        self.follow_seconds = FOLLOW_SECONDS
        self._follow_timer: Any = None
        self.polling = False
        self.new_count = 0
        self.searching = 0
        self.follow_error: EventdeckError | None = None
        self.last_error: EventdeckError | None = None
        self._status_shown: str | None = None
        self.time_mode: str = ctx.settings.ui.time_format

    def compose(self) -> ComposeResult:
        yield Static(classes="breadcrumb", markup=False)
        with Horizontal(classes="browse-body"):
            yield VirtualTable()
            side = JsonView(classes="side-inspector")
            side.display = False
            yield side
        yield Static(classes="pane-status", markup=False)

    @property
    def table(self) -> VirtualTable:
        return self.query_one(VirtualTable)

    def on_mount(self) -> None:
        self.table.payload_for = self._payload_for
        self.table.density.times_for = self._times_for

    def _times_for(self, start: int, stop: int) -> Sequence[float] | None:
        """Loaded rows' times for the density line, read in the worker that fetched each page.

        Why: the density line otherwise revives each new row's JSON for its time (~70 µs a row
        on the UI thread); None when the level keeps no times (it then reads the JSON).
        """
        level = self.level
        times = level.times if level is not None else None
        if times is None or stop > len(times):
            return None
        return times[start:stop]

    def _payload_for(self, row: Row, index: int | None = None) -> object:
        """The JSON of a row's item when the level keeps its items compactly (rows carry none)."""
        level = self.level
        return level.raw_for(row, index) if level is not None else None

    @property
    def level(self) -> Level | None:
        return self.levels[-1] if self.levels else None

    def focus_default(self) -> None:
        self.table.focus()

    def root_level(self) -> Level:
        """The pane's top level (override)."""
        raise NotImplementedError

    def first_load(self) -> None:
        self.set_levels([self.root_level()])

    # -- the stack -------------------------------------------------------------------------
    def set_levels(self, levels: list[Level]) -> None:
        """Replace the whole stack (launch from AWS CLI words, jump to an id) and show the top."""
        self.cancel_calls()
        self.stop_follow()
        self.levels = levels
        self.show_level()

    def push_level(self, level: Level) -> None:
        current = self.level
        if current is not None:
            row = self.table.current_row
            current.cursor_key = row.key if row is not None else None
        self.cancel_calls()
        self.stop_follow()
        self.levels.append(level)
        self.show_level()

    def pop_level(self) -> None:
        if len(self.levels) <= 1:
            return
        self.cancel_calls()
        self.stop_follow()
        self.levels.pop()
        self.show_level()

    def show_level(self) -> None:
        level = self.level
        if level is None:
            return
        self.fetching = False
        self.searching = 0
        self._ahead = None
        self._wanted = False
        self.last_error = None
        table = self.table
        table.clear()
        table.clear_filter()
        table.set_sort(None)
        self._set_columns(level)
        if level.started:
            rows = level.rows()
            table.append_rows(rows, more=not level.done)
            keys = [row.key for row in rows]
            if level.cursor_key in keys:
                table.move_to(keys.index(level.cursor_key))
        if self.display:
            table.focus()

        self.update_crumbs()
        if not level.started or (not level.done and not level.items):
            self.load_more()
        self.update_status()

    # -- columns and time ------------------------------------------------------------------
    def fmt_time(self, value: datetime | None) -> str:
        """A time cell in the format the user chose (T cycles UTC, local, relative)."""
        return fmt_time(value, self.time_mode)

    def table_id(self, level: Level) -> str:
        """The name a table's column layout is remembered under in config.toml."""
        return level.table_id or f"{self.PANE_ID}.{'-'.join(c.key for c in level.columns[:2])}"

    def _columns(self, level: Level) -> list[Column]:
        """The level's columns with time headers saying the format ("Time (local)")."""
        out = []
        for column in level.columns:
            if "(UTC)" in column.label:
                width = AGO_WIDTH if self.time_mode == "relative" and column.width else column.width
                column = replace(
                    column, label=time_label(column.label, self.time_mode), width=width
                )
            out.append(column)
        return out

    def _set_columns(self, level: Level) -> None:
        table = self.table
        table.set_columns(self._columns(level))
        table.set_layout(self.ctx.settings.ui.columns.get(self.table_id(level), ""))

    def on_virtual_table_layout_changed(self, event: VirtualTable.LayoutChanged) -> None:
        """Remember a hidden, shown, widened or narrowed column for this table."""
        event.stop()
        level = self.level
        if level is None:
            return
        from tui.settings import update

        table_id = self.table_id(level)
        columns = {k: v for k, v in self.ctx.settings.ui.columns.items() if k != table_id}
        # A query's computed columns (col:NAME) belong to the query, not the table (a saved view
        # keeps them hidden); config.toml's layouts refuse the colon.
        layout = " ".join(item for item in event.layout.split() if ":" not in item)
        if layout:
            columns[table_id] = layout
        self.remember(lambda s: update(s, **{"ui.columns": columns}), "Column layout not saved")

    def action_cycle_time(self) -> None:
        """Show times as UTC, then local, then relative ("3m ago"); remembered."""
        from tui.settings import update

        mode = TIME_MODES[(TIME_MODES.index(self.time_mode) + 1) % len(TIME_MODES)]
        self.set_time_mode(mode)
        self.remember(lambda s: update(s, **{"ui.time_format": mode}), "Time format not saved")
        label = {"utc": "UTC", "local": "local time", "relative": "relative (3m ago)"}[mode]
        self.app.notify(f"Times shown as {label}.", markup=False)

    def set_time_mode(self, mode: str) -> None:
        """Show every time in ``mode``, here and in the other browse panes, rows kept."""
        for pane in self.app.query(BrowsePane):
            pane.time_mode = mode
            pane.rerender()

    def rerender(self) -> None:
        """Make the loaded rows again (a new time format): filter, sort and cursor row stay."""
        level = self.level
        if level is None or not self.is_mounted:
            return
        table = self.table
        row = table.current_row
        key = row.key if row is not None else None
        layout = table.layout_text
        column = table.body.column_cursor
        sort, descending = table.model.sort_column, table.model.descending
        table.set_columns(self._columns(level))
        table.set_layout(layout)
        table.body.column_cursor = column
        table.clear()
        if level.started:
            table.append_rows(level.rows(), more=not level.done)
        if self.fetching:
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
        crumbs = [visible(level.crumb) for level in self.levels]
        tail = "   esc: back" if len(self.levels) > 1 else ""
        width = max(20, self.size.width - 2 - len(tail)) if self.size.width else 200
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
        self.query_one(".breadcrumb", Static).update(Content.assemble(*parts))

    def on_resize(self) -> None:
        self.update_crumbs()

    def update_status(self) -> None:
        """The pane's own line under the table: empty-result advice and follow state."""
        level = self.level
        notes = []
        if self.last_error is not None:
            notes.append(self.error_text(self.last_error))
        elif level is not None and level.done and not level.items:
            notes.append(level.empty_text)
        if level is not None and level.describe is not None:
            item = self.item_for(self.table.current_row)
            note = level.describe(item) if item is not None else None
            if note:
                notes.append(note)
        if self.searching:
            notes.append(f"searching… {self.searching:,} empty pages (esc stops)")
        if self.following:
            follow = "following: new items appear at the top"
            if self.new_count:
                follow += f" · {self.new_count:,} new"
            if self.follow_error is not None:
                follow += f" · last poll failed: {self.error_text(self.follow_error)}"
            notes.append(follow + " (f stops)")
        text = visible(" · ".join(notes))
        if self._status_shown == text:  # a relayout per page costs more than the page itself
            return
        self._status_shown = text
        status = self.query_one(".pane-status", Static)
        status.display = bool(notes)
        status.update(Content(text))

    # -- paging ----------------------------------------------------------------------------
    def load_more(self, ahead: bool = False) -> None:
        """Show the next page: the one fetched ahead, the one in flight, or a new one (``ahead``: fetch only)."""
        level = self.level
        if level is None or (level.started and level.done):
            return
        if not ahead and self._ahead is not None and self._ahead[0] is level:
            page, self._ahead = self._ahead[1], None
            self._wanted = True
            self._page_loaded(level, page)
            return
        if self.fetching:
            if not ahead and not self._wanted and level.started:
                self._wanted = True
                self.table.set_loading(True)
            return
        self._wanted = not ahead
        self._fetch(level, ahead)

    def _fetch(self, level: Level, ahead: bool) -> None:
        """Ask for the page at ``level.next_token`` in a worker that also makes it ready to land."""
        seq = self._seq
        self._seq += 1
        self._flights += 1
        self.fetching = True
        self.last_error = None
        level.started = True
        if not ahead:
            self.table.set_error(None)
            self.table.set_loading(True)
        token = level.next_token
        fetch, scan, stop = level.fetch, level.scan, self.work.stop

        def fetch_and_prepare() -> PreparedPage:
            # The worker makes the rows and packs the items: the UI thread only appends them.
            page = scan(stop) if scan is not None else fetch(token)
            if scan is None and page.next_token:
                self.post_message(self.PageFetched(level, seq, page.next_token))
            # The format is read before the rows are made: a change from here on remakes them.
            return level.prepare(page, self.time_mode)

        self.work.run(
            fetch_and_prepare,
            lambda page: self._in_order(level, seq, lambda: self._page_loaded(level, page)),
            lambda err: self._in_order(level, seq, lambda: self._page_failed(level, err)),
            key=f"load {level.crumb}",
            pooled=scan is None,  # a scan takes a pool slot per call itself
        )
        self.update_status()

    def cancel_calls(self) -> None:
        """Leave the current query: its pages on their way are dropped, in any order."""
        super().cancel_calls()
        self._flights = 0
        self._due = self._seq
        self._held = {}

    def _in_order(self, level: Level, seq: int, handle: Callable[[], None]) -> None:
        """Handle a page's outcome after those of the pages asked for before it."""
        if level is not self.level:
            return
        if seq != self._due:
            self._held[seq] = handle
            return
        while True:
            self._due += 1
            self._flights -= 1
            self.fetching = self._flights > 0
            handle()
            if self._due not in self._held:
                return
            handle = self._held.pop(self._due)

    def on_browse_pane_page_fetched(self, message: BrowsePane.PageFetched) -> None:
        """The page the user waits for is on its way: ask for the next one now, not when it lands.

        Why: preparing a page (rows, packing) then overlaps the next call instead of following
        it. Only for a page that is wanted and not the level's first, so no more pages are
        fetched than before: the one after a shown page, ahead.
        """
        message.stop()
        level = message.level
        if (
            level is not self.level
            or message.seq != self._due  # the page the user waits for is the next to land…
            or self._flights != 1  # …and nothing is on its way behind it
            or not self._wanted
            or not level.items
            or self._ahead is not None
        ):
            return
        level.next_token = message.next_token
        self._fetch(level, ahead=True)

    def _page_loaded(self, level: Level, page: PreparedPage) -> None:
        if level is not self.level:
            return
        if not self._wanted:  # fetched ahead: kept until the table asks for it
            self._ahead = (level, page)
            return
        self._wanted = False
        ahead = bool(level.items)  # the first page alone asks for nothing more: no extra call
        level.next_token = page.next_token
        level.done = page.next_token is None
        rows = level.land(page, self.time_mode)
        # A finished worker keeps its result in a reference cycle, freed only by a full GC:
        # emptied, the page's rows go now (by refcount) instead of waiting for gen-2 collections.
        page.release()
        if not rows and not level.done:
            # An empty page that says "more": the next one may hold rows; keep looking by itself.
            self.searching += 1
            self.load_more()
            return
        self.searching = 0
        self.table.set_loading(False)
        self.table.append_rows(rows, more=not level.done)
        self.update_status()
        if not ahead:  # a level's first page: what lives now is the app, long-lived
            keep_out_of_gc()
            self._rows_since_gc = 0
        else:
            self._rows_since_gc += len(rows)
            if self._rows_since_gc >= GARBAGE_ROWS:
                self._rows_since_gc = 0
                collect_a_page_of_garbage()
        if ahead:
            self.load_more(ahead=True)  # the next page comes while this one is drawn
        self.page_shown(level)

    def page_shown(self, level: Level) -> None:
        """A page of ``level`` is on screen (override to act on it, e.g. move to an item)."""

    @staticmethod
    def error_text(error: EventdeckError) -> str:
        """One line: the error, its fix, and sign-in from here when a token is what is missing."""
        text = str(error).replace("\n", " — ")
        if error.sso_sign_in:
            text += " — or press L to sign in with SSO here"
        return text

    def _page_failed(self, level: Level, error: EventdeckError) -> None:
        if level is not self.level:
            return
        if not self._wanted and level.items and not self.following:
            return  # a page fetched ahead failed: when asked for, it is fetched again (and shown)
        self._wanted = False
        self.searching = 0
        self.last_error = error
        self.table.set_loading(False)
        self.table.set_error(self.error_text(error))
        self.update_status()

    def on_virtual_table_more_rows_requested(self, event: VirtualTable.MoreRowsRequested) -> None:
        event.stop()
        self.load_more()

    def on_virtual_table_retry_requested(self, event: VirtualTable.RetryRequested) -> None:
        event.stop()
        self.load_more()

    def on_virtual_table_back_requested(self, event: VirtualTable.BackRequested) -> None:
        event.stop()
        if self.searching:
            self.stop_searching()
            return
        self.pop_level()

    def stop_searching(self) -> None:
        """Escape during a run of empty pages: stop asking; G asks for the next page again."""
        pages = self.searching
        self.cancel_calls()
        self.fetching = False
        self.searching = 0
        self.table.set_loading(False)
        self.table.append_rows([], more=True)
        self.app.notify(f"Stopped after {pages:,} empty pages; G looks further.", markup=False)
        self.update_status()

    def on_virtual_table_cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        event.stop()
        if self.new_count and self.table.cursor_row < self.new_count:
            self.new_count = 0  # the user has reached the new rows
        self.update_status()
        self.update_side()

    # -- side inspector --------------------------------------------------------------------
    @property
    def side(self) -> JsonView:
        return self.query_one(".side-inspector", JsonView)

    def action_toggle_side(self) -> None:
        """Show the current item beside the table on wide terminals; the full inspector otherwise.

        On the error row (the cursor on the last row, or no rows) it shows the error instead:
        message, fix and request id, copyable for a support case.
        """
        table = self.table
        on_last = table.current_row is None or table.body.cursor_row >= table.row_count - 1
        if self.last_error is not None and on_last:
            self.inspect_error(self.last_error)
            return
        side = self.side
        if side.display:
            side.display = False
            return
        if self.size.width < self.SIDE_MIN_WIDTH:
            item = self.item_for(self.table.current_row)
            if item is not None:
                self.inspect(item)
            return
        side.display = True
        self.update_side()

    def update_side(self) -> None:
        side = self.side
        if not side.display:
            return
        level = self.level
        item = self.item_for(self.table.current_row)
        if level is None or item is None:
            side.set_value(None)
            return
        from tui.ui.screens.inspector import decode_json_payloads

        value = level.value_of(item)
        side.set_value(decode_json_payloads(value))

    def action_refresh(self) -> None:
        """Load the current level again from its first page."""
        level = self.level
        if level is None:
            return
        level.clear()
        self.cancel_calls()
        self.polling = False
        self.new_count = 0
        self.show_level()

    # -- items -----------------------------------------------------------------------------
    def item_for(self, row: Row | None) -> Any:
        level = self.level
        if row is None or level is None:
            return None
        table = self.table
        hint = None
        if 0 <= table.cursor_row < table.row_count:  # usually the row under the cursor: O(1)
            hint = table.model.row_index(table.cursor_row)
        index = level.index_of(row.key, hint)
        return None if index is None else level.items[index]

    def on_virtual_table_row_activated(self, event: VirtualTable.RowActivated) -> None:
        event.stop()
        level = self.level
        item = self.item_for(event.row)
        if level is None or item is None:
            return
        child = level.open_item(item) if level.open_item else None
        if child is not None:
            self.push_level(child)
        else:
            self.inspect(item)

    def inspect_error(self, error: EventdeckError) -> None:
        """The inspector of an error row: the whole message, its fix and AWS's request id."""
        from tui.ui.screens.error_modal import ErrorModal

        level = self.level
        title = f"{self.TITLE}: {level.crumb if level else 'load'} failed"
        # the message ends with "(request id …)" when AWS answered (EventdeckError adds it)
        self.app.push_screen(ErrorModal(title, error.message, self.error_text_hint(error)))

    @classmethod
    def error_text_hint(cls, error: EventdeckError) -> str | None:
        """The error's fix, plus sign-in from here when a token is what is missing."""
        hint = error.hint
        if error.sso_sign_in:
            hint = (hint + " — " if hint else "") + "or press L to sign in with SSO here"
        return hint

    def inspect(self, item: Any) -> None:
        from tui.ui.screens.inspector import InspectorScreen

        level = self.level
        assert level is not None
        value = level.value_of(item)
        title = level.inspect_title(item) if level.inspect_title else level.crumb
        command = level.cli_command(item) if level.cli_command else None
        self.app.push_screen(
            InspectorScreen(title, value, cli_command=command, export_dir=self.export_dir())
        )

    def export_dir(self) -> Path:
        from tui.settings import export_directory

        return export_directory(self.ctx.settings)

    def on_virtual_table_copy_requested(self, event: VirtualTable.CopyRequested) -> None:
        event.stop()
        copy_and_notify(self.app, event.text, event.what, multiline=event.multiline)

    def action_copy_cli(self) -> None:
        level = self.level
        if level is None or level.cli_command is None:
            self.app.notify("No AWS CLI command for this view.", markup=False)
            return
        from tui.services.query import add_cli_query

        command = add_cli_query(level.cli_command(None), current_query(self.table))
        copy_and_notify(self.app, command, "AWS CLI command")

    def palette_commands(self) -> Iterator[tuple[str, str, Callable[[], None]]]:
        """The pane's own palette entries: saved views of the table (tui/ui/panes/views.py)."""
        from tui.ui.panes import views

        yield from views.commands(self)

    def action_copy_console_url(self) -> None:
        """Copy the AWS console URL of the current row (or the open level) and say what it was."""
        link = self.console_link(self.item_for(self.table.current_row))
        if link is None:
            self.app.notify("No console page for this view.", markup=False)
            return
        copy_and_notify(self.app, link.url, f"console URL of {link.what}")

    def console_link(self, item: Any) -> ConsoleLink | None:
        """The console page of ``item`` (None: the open level's own resource) (override)."""
        return None

    def console_region(self) -> str:
        """The region the pane's calls go to (the resolver's, as the header shows it)."""
        return str(self.ctx.resolved.region.value or "us-east-1")

    def on_virtual_table_export_requested(self, event: VirtualTable.ExportRequested) -> None:
        event.stop()
        from tui.ui.panes.export_flow import ask_and_export

        ask_and_export(self, event.fmt)

    # -- marks and hand-over bundles -------------------------------------------------------
    def action_toggle_mark(self) -> None:
        """Mark the row under the cursor (or unmark it): marks are kept in a hand-over bundle."""
        level = self.level
        row = self.table.current_row
        if level is None or row is None or row.key not in level.by_key:
            return
        level.marked ^= {row.key}
        self.rerender()  # the loaded rows again, in the marked style; filter, sort, cursor stay
        count = len(level.marked)
        self.app.notify(f"{count:,} marked (W writes a hand-over bundle).", markup=False)

    def action_write_bundle(self) -> None:
        from tui.ui.panes.bundle_flow import ask_and_write

        ask_and_write(self)

    def bundle_view(self, level: Level) -> tuple[BundleView, dict[str, Any]] | None:
        """The view ``level`` shows as a bundle sees it, and its parents' raw items (override)."""
        return None

    def parent_raw(self, depth: int, key: str | None) -> Any:
        """The raw item of row ``key`` in the level at ``depth`` of the stack, if loaded."""
        if key is None or depth >= len(self.levels):
            return None
        item = self.levels[depth].by_key.get(key)
        return getattr(item, "raw", None) if item is not None else None

    # -- jump ------------------------------------------------------------------------------
    def action_jump(self) -> None:
        from tui.ui.screens.prompt import PromptScreen

        def answer(text: str | None) -> None:
            if text and text.strip():
                self.jump(text.strip())

        self.app.push_screen(
            PromptScreen("Open", self.jump_label(), placeholder=self.jump_placeholder()), answer
        )

    def on_paste(self, event: events.Paste) -> None:
        """A stage ARN, session id or name pasted onto the table opens it, like `o`."""
        text = event.text.strip()
        if text and "\n" not in text:
            event.stop()
            self.jump(text)

    def jump_label(self) -> str:
        return "Id or ARN to open"

    def jump_placeholder(self) -> str:
        return ""

    def jump(self, text: str) -> None:
        """Open the level named by a pasted id or ARN (override)."""
        self.app.notify("This pane cannot open an id directly.", markup=False)

    # -- follow ----------------------------------------------------------------------------
    def action_toggle_follow(self) -> None:
        level = self.level
        if self.following:
            self.stop_follow()
            self.app.notify("Follow mode off.", markup=False)
        elif level is None or level.newer is None:
            self.app.notify("Follow mode works on participant events and event logs.", markup=False)
        else:
            self.following = True
            self.new_count = 0
            self._follow_timer = self.set_interval(self.follow_seconds, self._follow_tick)
            self.app.notify(f"Following: new items every {self.follow_seconds:g}s.", markup=False)
            self._follow_tick()  # at once, not after the first interval
        self.update_status()

    def stop_follow(self) -> None:
        self.following = False
        self.polling = False
        self.new_count = 0
        self.follow_error = None
        if self._follow_timer is not None:
            self._follow_timer.stop()
            self._follow_timer = None

    def _follow_tick(self) -> None:
        """Ask for items newer than the newest shown, from the top of the list (never backwards)."""
        level = self.level
        if level is None or level.newer is None or self.polling:
            return
        if self.fetching and not level.items:
            return  # the first page is on its way and holds the newest items
        fetch = level.newer(list(level.items[:1]))
        known = level.by_key  # membership only, O(1); a copy of a million keys paused the UI
        to_row = level.to_row
        self.polling = True
        self.call_aws(
            lambda: newer_items(fetch, lambda item: to_row(item).key in known, FOLLOW_MAX_PAGES),
            lambda items: self._polled(level, items),
            lambda err: self._poll_failed(level, err),
            description=f"follow {level.crumb}",
        )

    def _polled(self, level: Level, items: list[Any]) -> None:
        if level is not self.level:
            return
        self.polling = False
        self.follow_error = None
        fresh = [item for item in items if not level.seen(item)]
        if fresh:
            if not level.started:
                level.started = True
            self.table.prepend_rows(level.add(fresh, front=True))
            level.prepended += len(fresh)
            self.new_count += len(fresh)
        if self.time_mode == "relative" and len(level.items) <= RELATIVE_REFRESH_MAX:
            self.rerender()  # "3m ago" moves on with every poll
        self.update_status()

    def _poll_failed(self, level: Level, error: EventdeckError) -> None:
        """A failed poll is reported on the status line; the next tick tries again."""
        if level is not self.level:
            return
        self.polling = False
        self.follow_error = error
        self.update_status()
