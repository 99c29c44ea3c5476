"""Pane 4's reach: the sources screen (f8) and the delivery check that runs before a send confirms.

A mixin of PartnerPane, kept in its own file so the compose pane stays about composing. The check
asks ListPartnerEventSourceAccounts for every source of the batch in a pooled worker; sources with
no ACTIVE account (PENDING ones accept PutPartnerEvents and deliver nothing) or no source at all
turn the confirmation into a warning. A failed check never blocks a send: it is shown as a line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tui.errors import EventdeckError
from tui.services import partner_sources as ps

Proceed = Callable[[list[str], bool], None]


class PartnerDelivery:
    """f8 opens the partner's event sources; before a send, warn about sources nobody receives."""

    entries: list[dict[str, Any]]
    selected: int
    ctx: Any
    app: Any
    call_aws: Any
    set_status: Any
    _recent_sources: Any

    def current_prefix(self) -> str:
        """The sources prefix: the selected entry's partner, else the last source sent to."""
        candidates: list[str] = []
        if 0 <= self.selected < len(self.entries):
            candidates.append(str(self.entries[self.selected].get("Source") or ""))
        candidates.extend(self._recent_sources())
        for source in candidates:
            prefix = ps.partner_prefix(source)
            if prefix != "aws.partner/":
                return prefix
        return "aws.partner/example.com/"

    def action_partner_sources(self) -> None:
        from tui.ui.screens.partner_sources import PartnerSourcesScreen

        self.app.push_screen(PartnerSourcesScreen(self, self.current_prefix()))  # type: ignore[arg-type]

    def before_confirm(self, indexes: list[int], proceed: Proceed) -> None:
        """Check who receives each source of the batch, then confirm with the warnings first."""
        sources = sorted({str(self.entries[i].get("Source") or "") for i in indexes} - {""})
        if not sources:
            proceed([], False)
            return
        factory = self.ctx.factory
        self.set_status("Checking who receives these sources…")

        def checked(check: ps.DeliveryCheck) -> None:
            self.set_status("")
            lines = ps.delivery_warnings(sources, check)
            if lines:
                lines.append("")
            proceed(lines, bool(ps.will_not_deliver(sources, check)))

        def failed(err: EventdeckError) -> None:
            self.set_status("")
            proceed([f"Could not check who receives these sources: {err.message}", ""], False)

        self.call_aws(
            lambda: ps.check_delivery(factory, sources),
            checked,
            failed,
            group="partner-delivery",
            description="ListPartnerEventSourceAccounts before send",
        )
