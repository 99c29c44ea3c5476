"""The partner's event sources and, for the one under the cursor, its customer accounts and state.

Opened from pane 4 (f8): a partner sending events cannot otherwise see whether the customer will
receive them. A source delivers only while an account has it ACTIVE; PENDING ones accept events
and drop them (until their expiry), DELETED ones are gone. Calls run through the pane's pooled
``call_aws``, so they are bounded, off the UI thread, and dropped when the pane reloads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.errors import EventdeckError
from tui.services import partner_sources as ps
from tui.services.paging import Pager
from tui.ui.clipboard import copy_and_notify
from tui.ui.format import fmt_time
from tui.ui.safe_text import visible
from tui.ui.widgets.virtual_table import Column, Row, VirtualTable

if TYPE_CHECKING:
    from tui.context import AppContext
    from tui.ui.work import ErrorHandler, ResultHandler


class SourcesHost(Protocol):
    """What the screen needs of the pane that opens it (any Pane has it).

    Why a Protocol: a screen sits below the panes and must not import them, even for types.
    """

    @property
    def ctx(self) -> AppContext: ...
    def call_aws(
        self,
        fn: Callable[[], Any],
        on_result: ResultHandler,
        on_error: ErrorHandler | None = None,
        *,
        group: str | None = None,
        description: str = "",
    ) -> object: ...


STATE_STYLE = {"ACTIVE": "", "PENDING": "warning", "DELETED": "muted"}


def account_row(account: ps.SourceAccount, now: datetime | None = None) -> Row:
    """One account as a table row; a PENDING account shows how long until it expires."""
    expires = ""
    if account.expires is not None:
        left = account.expires - (now or datetime.now(UTC))
        days = left.total_seconds() / 86400
        expires = fmt_time(account.expires) + (
            f" ({days:.0f}d left)" if days >= 0 else " (expired)"
        )
    return Row(
        f"{account.account}:{account.state}:{fmt_time(account.created)}",
        (account.account, account.state, fmt_time(account.created), expires),
        STATE_STYLE.get(account.state, ""),
        account.raw,
    )


class PartnerSourcesScreen(Screen[None]):
    """Sources on top, the chosen source's accounts below; p changes the name prefix."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="partner_sources.close"),
        Binding("p", "prefix", "Name prefix", id="partner_sources.prefix"),
        Binding("tab", "switch_table", "Sources/accounts", show=False, id="partner_sources.switch"),
        Binding("O", "copy_console_url", "Copy console URL", id="partner_sources.console_url"),
    ]

    def __init__(self, pane: SourcesHost, prefix: str) -> None:
        super().__init__()
        self.pane = pane
        self.prefix = prefix
        self.sources: dict[str, ps.PartnerSource] = {}
        self.pager: Pager[ps.PartnerSource] | None = None
        self.loading = False
        self.shown_source: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="sources-head", markup=False)
        with Vertical():
            yield VirtualTable(id="sources-table")
            yield Static(id="accounts-title", markup=False)
            yield VirtualTable(id="accounts-table")
            yield Static(id="sources-verdict", markup=False)
        yield Footer()

    @property
    def sources_table(self) -> VirtualTable:
        return self.query_one("#sources-table", VirtualTable)

    @property
    def accounts_table(self) -> VirtualTable:
        return self.query_one("#accounts-table", VirtualTable)

    def on_mount(self) -> None:
        self.sources_table.set_columns(
            [Column("name", "Event source", ratio=3, min_width=20), Column("arn", "ARN", ratio=2)]
        )
        self.accounts_table.set_columns(
            [
                Column("account", "Account", width=12),
                Column("state", "State", width=8),
                Column("created", "Created (UTC)", width=19),
                Column("expires", "Expires (UTC)", ratio=1, min_width=10),
            ]
        )
        self.reload()

    def reload(self) -> None:
        """List the sources under the prefix from the first page."""
        self.query_one("#sources-head", Static).update(
            Content(visible(f"Partner event sources · {self.prefix} · p: prefix · esc: back"))
        )
        self.sources.clear()
        self.shown_source = None
        self.sources_table.clear()
        self.accounts_table.clear()
        self._verdict("")
        self.pager = Pager(partial(ps.list_sources, self.pane.ctx.factory, self.prefix))
        self.loading = False
        self.load_more()
        self.sources_table.focus()

    def load_more(self) -> None:
        pager = self.pager
        if pager is None or pager.done or self.loading:
            return
        self.loading = True
        self.sources_table.set_error(None)
        self.sources_table.set_loading(True)
        self.pane.call_aws(
            pager.fetch_next,
            lambda page: self._sources_loaded(pager, page),
            lambda err: self._sources_failed(pager, err),
            group="partner-sources",
            description=f"ListPartnerEventSources {self.prefix}",
        )

    def _sources_loaded(self, pager: Pager[ps.PartnerSource], page: Any) -> None:
        if pager is not self.pager:
            return
        self.loading = False
        rows = []
        for source in page.items:
            self.sources[source.name] = source
            rows.append(Row(source.name, (source.name, source.arn), "", source.raw))
        table = self.sources_table
        table.set_loading(False)
        table.append_rows(rows, more=not pager.done)
        if pager.done and not self.sources:
            self._verdict(f"No partner event sources start with {self.prefix} (p changes it).")
        self._show_accounts(table.current_row)

    def _sources_failed(self, pager: Pager[ps.PartnerSource], error: EventdeckError) -> None:
        if pager is not self.pager:
            return
        self.loading = False
        self.sources_table.set_loading(False)
        self.sources_table.set_error(str(error).replace("\n", " — "))

    def on_virtual_table_more_rows_requested(self, event: VirtualTable.MoreRowsRequested) -> None:
        event.stop()
        if event.control is self.sources_table:
            self.load_more()

    def on_virtual_table_retry_requested(self, event: VirtualTable.RetryRequested) -> None:
        event.stop()
        if event.control is self.sources_table:
            self.load_more()
        elif self.shown_source is not None:
            source, self.shown_source = self.shown_source, None
            self._load_accounts(source)

    def on_virtual_table_cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        event.stop()
        if event.control is self.sources_table:
            self._show_accounts(event.row)

    def on_virtual_table_back_requested(self, event: VirtualTable.BackRequested) -> None:
        event.stop()
        self.action_close()

    def on_virtual_table_row_activated(self, event: VirtualTable.RowActivated) -> None:
        event.stop()
        if event.control is self.sources_table:
            self.accounts_table.focus()

    def on_virtual_table_copy_requested(self, event: VirtualTable.CopyRequested) -> None:
        event.stop()
        copy_and_notify(self.app, event.text, event.what, multiline=event.multiline)

    def _show_accounts(self, row: Row | None) -> None:
        if row is None or row.key == self.shown_source:
            return
        self._load_accounts(row.key)

    def _load_accounts(self, source: str) -> None:
        self.shown_source = source
        self.query_one("#accounts-title", Static).update(
            Content(visible(f"Customer accounts of {source}"))
        )
        table = self.accounts_table
        table.clear()
        table.set_error(None)
        table.set_loading(True)
        self._verdict("")
        factory = self.pane.ctx.factory
        self.pane.call_aws(
            lambda: list(Pager(partial(ps.list_source_accounts, factory, source)).items()),
            lambda accounts: self._accounts_loaded(source, accounts),
            lambda err: self._accounts_failed(source, err),
            group="partner-accounts",
            description=f"ListPartnerEventSourceAccounts {source}",
        )

    def _accounts_loaded(self, source: str, accounts: list[ps.SourceAccount]) -> None:
        if source != self.shown_source:
            return
        table = self.accounts_table
        table.set_loading(False)
        table.append_rows([account_row(a) for a in accounts], more=False)
        if ps.undelivered([source], {source: accounts}):
            states = "/".join(sorted({a.state for a in accounts})) or "no account"
            self._verdict(
                f"Not delivered: no ACTIVE account ({states}). PENDING sources accept "
                "PutPartnerEvents and deliver nothing until the customer makes the event bus."
            )
        else:
            self._verdict("Delivered: an ACTIVE account receives events from this source.")

    def _accounts_failed(self, source: str, error: EventdeckError) -> None:
        if source != self.shown_source:
            return
        self.accounts_table.set_loading(False)
        self.accounts_table.set_error(str(error).replace("\n", " — "))

    def _verdict(self, text: str) -> None:
        verdict = self.query_one("#sources-verdict", Static)
        verdict.display = bool(text)
        verdict.update(Content(visible(text)))

    def action_switch_table(self) -> None:
        if self.focused is self.sources_table:
            self.accounts_table.focus()
        else:
            self.sources_table.focus()

    def action_prefix(self) -> None:
        from tui.ui.screens.prompt import PromptScreen

        def answer(text: str | None) -> None:
            if text and text.strip() and text.strip() != self.prefix:
                self.prefix = text.strip()
                self.reload()

        self.app.push_screen(
            PromptScreen(
                "Partner event sources",
                "Name prefix (aws.partner/PARTNER/…):",
                value=self.prefix,
                placeholder="aws.partner/example.com/",
            ),
            answer,
        )

    def action_copy_console_url(self) -> None:
        from tui.services.console_urls import partner_event_source

        row = self.sources_table.current_row
        if row is None:
            self.app.notify("No source under the cursor.", markup=False)
            return
        region = self.pane.ctx.factory.session.get_config_variable("region") or "us-east-1"
        arn_region = row.cells[1].split(":")[3] if row.cells[1].count(":") >= 3 else ""
        link = partner_event_source(arn_region or str(region), row.key)
        copy_and_notify(self.app, link.url, f"console URL of {link.what}")

    def action_close(self) -> None:
        self.dismiss(None)
