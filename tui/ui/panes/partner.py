"""Pane 4: compose and send EventBridge partner events (PutPartnerEvents), 1–20 per batch.

Each entry is validated by the service layer as it is typed; the send goes through the outbox
(journaled before, results after) and each entry shows its EventId or ErrorCode beside it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

from textual.binding import Binding
from textual.suggester import Suggester, SuggestFromList

from tui.errors import InputError
from tui.services.partner_events import PartnerSendResult, entry_journal, put_partner_events
from tui.services.validation import (
    FieldError,
    ValidationFailed,
    partner_entry_size,
    to_partner_request_entry,
    validate_partner_batch,
)
from tui.ui.panes.compose.batch import Result
from tui.ui.panes.compose.host import Proceed
from tui.ui.panes.compose.pane import ComposePane
from tui.ui.panes.partner_delivery import PartnerDelivery
from tui.ui.screens.partner_sources import PartnerSourcesScreen
from tui.ui.widgets.compose_form import FieldSpec


def partner_results(result: PartnerSendResult) -> list[Result]:
    """One result dict per sent entry, as the journal keeps it: sent, failed or unconfirmed."""
    return [entry_journal(r) for r in result.entries]


def _remember(settings: Any, sources: list[str]) -> Any:
    """The settings with ``sources`` pushed to the recent sources, in order (the last ends first)."""
    from tui.settings import remember_source

    for source in sources:
        settings = remember_source(settings, source)
    return settings


class PartnerPane(ComposePane):
    """Partner events: Time, Source, DetailType, Detail (JSON) and Resources per entry."""

    BINDINGS = [Binding("f8", "partner_sources", "Sources", id="partner.sources")]

    PANE_ID = "partner"
    KEY = "4"
    TITLE = "Partner events"
    SHORT_TITLE = "Partner"
    KIND = "partner-events"
    OPERATION_NAME = "PutPartnerEvents"
    NOUN = "entry"
    MAX_ENTRIES = 20
    ENTRY_FIELDS: ClassVar[list[FieldSpec]] = [
        FieldSpec("Source", "Source", placeholder="aws.partner/example.com/orders", required=True),
        FieldSpec("DetailType", "DetailType", placeholder="Order Created", required=True),
        FieldSpec("Detail", "Detail (JSON object)", kind="json", required=True),
        FieldSpec("Time", "Time", placeholder="now, -5m, 2024-05-01T12:00:00Z (empty: now)"),
        FieldSpec("Resources", "Resources (one ARN per line)", kind="lines"),
    ]

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.delivery = PartnerDelivery(self, self._recent_sources)

    def action_partner_sources(self) -> None:
        """Open the partner's event sources and who receives them (f8)."""
        self.app.push_screen(PartnerSourcesScreen(self, self.delivery.current_prefix()))

    def before_confirm(self, indexes: list[int], proceed: Proceed) -> None:
        self.delivery.before_confirm(indexes, proceed)

    def _recent_sources(self) -> tuple[str, ...]:
        recent = getattr(getattr(self.ctx.settings, "recent", None), "sources", None)
        return tuple(recent or ())

    def suggesters(self) -> dict[str, Suggester]:
        sources = self._recent_sources()
        return {"Source": SuggestFromList(sources)} if sources else {}

    def new_entry(self) -> dict[str, Any]:
        sources = self._recent_sources()
        return {"Source": sources[0] if sources else "", "DetailType": "", "Detail": "{}",
                "Time": "now", "Resources": ""}  # fmt: skip

    def validate(self) -> list[FieldError]:
        return validate_partner_batch(self.batch_model.entries)

    def entry_label(self, entry: dict[str, Any]) -> str:
        detail_type = str(entry.get("DetailType") or "").strip()
        source = str(entry.get("Source") or "").strip()
        return detail_type or source.rsplit("/", 1)[-1]

    def payload_size(self, indexes: list[int]) -> int:
        try:
            return sum(
                partner_entry_size(to_partner_request_entry(self.batch_model.entries[i]))
                for i in indexes
            )
        except ValidationFailed:
            return 0

    def summary_lines(self) -> list[str]:
        sources = sorted(
            {
                str(self.batch_model.entries[i].get("Source"))
                for i in range(len(self.batch_model.entries))
            }
        )
        return [f"Source:   {', '.join(sources)}"]

    def make_send(self, indexes: list[int]) -> Callable[[], list[Result]]:
        entries = [json.loads(json.dumps(self.batch_model.entries[i])) for i in indexes]
        factory, outbox = self.ctx.factory, self.outbox
        if not entries:
            raise InputError("nothing to send")
        return lambda: partner_results(put_partner_events(factory, entries, outbox=outbox))

    def after_sent(self, indexes: list[int]) -> None:
        sent = {
            str(self.batch_model.entries[i].get("Source"))
            for i in indexes
            if self.batch_model.results[i]
        }
        if self.ctx.settings is None or not sent:
            return
        sources = sorted(sent)
        self.remember(
            partial(_remember, sources=sources),
            "Could not remember the source",
            severity="information",
        )
