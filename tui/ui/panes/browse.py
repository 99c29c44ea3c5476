"""The one browse mechanism every read-only pane uses: a stack of levels over a VirtualTable.

A level is a query (a fetch function from token to Page) plus how to show and open its items.
The pane pages lazily as the table asks, drills down by pushing levels, goes back by popping
them (the parent's rows and cursor come back as they were), retries from the last good token,
exports, copies, inspects and follows, identically for IVS, CodeCatalyst and Customer Profiles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static

from tui.errors import EventdeckError
from tui.services.console_urls import ConsoleLink
from tui.ui.clipboard import copy_and_notify
from tui.ui.format import fmt_time
from tui.ui.panes.base import Pane
from tui.ui.panes.browse_follow import Follow
from tui.ui.panes.browse_frame import Frame
from tui.ui.panes.browse_inspect import Inspectors
from tui.ui.panes.browse_paging import Paging, ReadAheadReady
from tui.ui.panes.level import Level
from tui.ui.widgets.json_view import JsonView
from tui.ui.widgets.virtual_table import Row, VirtualTable, current_query

if TYPE_CHECKING:  # the bundle, query and inspector modules load when first used
    from tui.services.bundle import BundleView

TIME_MODES = ("utc", "local", "relative")


class BrowsePane(Pane):
    """A pane that browses a drill-down stack of paged levels (subclasses build the levels)."""

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
        self.paging = Paging(
            self
        )  # the open level's pages: the first asked for, the next read ahead
        self.follow = Follow(self)  # follow mode: new items polled for and put on top
        self.inspectors = Inspectors(self)  # the side inspector and the inspector screens
        self.frame = Frame(self)  # columns in the time format, crumbs, status line, rows' data
        self.last_error: EventdeckError | None = None
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
        self.table.payload_for = self.frame.payload_for
        self.table.item_pages = self.frame.item_pages
        self.table.land_ready = self.paging.land_ready
        self.table.density.times_for = self.frame.times_for

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
        self.paging.reset()
        self.last_error = None
        table = self.table
        table.clear()
        table.clear_filter()
        table.set_sort(None)
        self.frame.set_columns(level)
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

    def on_virtual_table_layout_changed(self, event: VirtualTable.LayoutChanged) -> None:
        """Remember a hidden, shown, widened or narrowed column for this table."""
        event.stop()
        self.frame.remember_layout(event.layout)

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
        self.frame.rerender()

    def update_crumbs(self) -> None:
        self.frame.update_crumbs()

    def on_resize(self) -> None:
        self.update_crumbs()

    def update_status(self) -> None:
        """The pane's own line under the table: empty-result advice and follow state."""
        self.frame.update_status()

    # -- paging (tui/ui/panes/browse_paging.py) ------------------------------------------
    @property
    def fetching(self) -> bool:
        """A page of the open level is on its way."""
        return self.paging.fetching

    @property
    def searching(self) -> int:
        """Empty pages in a row that said "more" (the status line counts them; esc stops)."""
        return self.paging.searching

    def load_more(self) -> None:
        """Show the next page: one read ahead that is in, else the one on its way, or a new one."""
        self.paging.load_more()

    def cancel_calls(self) -> None:
        """Leave the current query: its pages on their way are dropped, in any order."""
        super().cancel_calls()
        self.paging.forget_flights()

    def on_browse_pane_read_ahead_ready(self, message: ReadAheadReady) -> None:
        """A page read ahead is in: paging lands it if the user waits for one (see ``Paging``)."""
        message.stop()
        self.paging.read_ahead_ready(message.chain)

    def on_hide(self) -> None:
        """The pane was left (another pane shown): its read-ahead stops making calls."""
        self.paging.stop_read_ahead()

    def page_shown(self, level: Level) -> None:
        """A page of ``level`` is on screen (override to act on it, e.g. move to an item)."""

    @staticmethod
    def error_text(error: EventdeckError) -> str:
        """One line: the error, its fix, and sign-in from here when a token is what is missing."""
        text = str(error).replace("\n", " — ")
        if error.sso_sign_in:
            text += " — or press L to sign in with SSO here"
        return text

    def on_virtual_table_more_rows_requested(self, event: VirtualTable.MoreRowsRequested) -> None:
        event.stop()
        self.load_more()

    def on_virtual_table_retry_requested(self, event: VirtualTable.RetryRequested) -> None:
        event.stop()
        self.load_more()

    def on_virtual_table_back_requested(self, event: VirtualTable.BackRequested) -> None:
        event.stop()
        if self.searching:
            self.paging.stop_searching()
            return
        self.pop_level()

    def on_virtual_table_cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        event.stop()
        if self.follow.new_count and self.table.cursor_row < self.follow.new_count:
            self.follow.new_count = 0  # the user has reached the new rows
        self.update_status()
        self.update_side()

    # -- inspectors (tui/ui/panes/browse_inspect.py) -------------------------------------
    @property
    def side(self) -> JsonView:
        return self.inspectors.side

    def action_toggle_side(self) -> None:
        """Show the current item beside the table, or the full inspector, or the error row's."""
        self.inspectors.toggle_side()

    def update_side(self) -> None:
        self.inspectors.update_side()

    def action_refresh(self) -> None:
        """Load the current level again from its first page."""
        level = self.level
        if level is None:
            return
        level.clear()
        self.cancel_calls()
        self.follow.polling = False
        self.follow.new_count = 0
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
        self.inspectors.inspect_error(error)

    @classmethod
    def error_text_hint(cls, error: EventdeckError) -> str | None:
        """The error's fix, plus sign-in from here when a token is what is missing."""
        hint = error.hint
        if error.sso_sign_in:
            hint = (hint + " — " if hint else "") + "or press L to sign in with SSO here"
        return hint

    def inspect(self, item: Any) -> None:
        self.inspectors.inspect(item)

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
        from tui.ui.panes.bundle_flow import toggle_mark

        toggle_mark(self)

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

    # -- follow (tui/ui/panes/browse_follow.py) -------------------------------------------
    @property
    def following(self) -> bool:
        return self.follow.following

    @property
    def polling(self) -> bool:
        """A follow poll is on its way."""
        return self.follow.polling

    @property
    def follow_seconds(self) -> float:
        return self.follow.seconds

    @follow_seconds.setter
    def follow_seconds(self, seconds: float) -> None:
        self.follow.seconds = seconds

    def action_toggle_follow(self) -> None:
        self.follow.toggle()

    def stop_follow(self) -> None:
        self.follow.stop()
