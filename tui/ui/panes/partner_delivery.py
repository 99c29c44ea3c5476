"""Pane 4's reach: which prefix the sources screen (f8) opens at, and the check before a send confirms.

Why its own object: the compose pane stays about composing; the partner pane owns one of these
and plugs it into the send flow's ``before_confirm``. The check asks
ListPartnerEventSourceAccounts for every source of the batch in a pooled worker; sources with
no ACTIVE account (PENDING ones accept PutPartnerEvents and deliver nothing) or no source at all
turn the confirmation into a warning. A failed check never blocks a send: it is shown as a line.
"""

from __future__ import annotations

from collections.abc import Callable

from tui.errors import EventdeckError
from tui.services import partner_sources as ps
from tui.ui.panes.compose.host import ComposeHost, Proceed


class PartnerDelivery:
    """Where the partner's sources are, and a warning about sources nobody receives."""

    def __init__(self, host: ComposeHost, recent_sources: Callable[[], tuple[str, ...]]) -> None:
        self.host = host
        self.recent_sources = recent_sources

    def current_prefix(self) -> str:
        """The sources prefix: the selected entry's partner, else the last source sent to."""
        batch = self.host.batch_model
        candidates: list[str] = []
        if 0 <= batch.selected < len(batch.entries):
            candidates.append(str(batch.entries[batch.selected].get("Source") or ""))
        candidates.extend(self.recent_sources())
        for source in candidates:
            prefix = ps.partner_prefix(source)
            if prefix != "aws.partner/":
                return prefix
        return "aws.partner/example.com/"

    def before_confirm(self, indexes: list[int], proceed: Proceed) -> None:
        """Check who receives each source of the batch, then confirm with the warnings first."""
        host = self.host
        entries = host.batch_model.entries
        sources = sorted({str(entries[i].get("Source") or "") for i in indexes} - {""})
        if not sources:
            proceed([], False)
            return
        factory = host.ctx.factory
        host.set_status("Checking who receives these sources…")

        def checked(check: ps.DeliveryCheck) -> None:
            host.set_status("")
            lines = ps.delivery_warnings(sources, check)
            if lines:
                lines.append("")
            proceed(lines, bool(ps.will_not_deliver(sources, check)))

        def failed(err: EventdeckError) -> None:
            host.set_status("")
            proceed([f"Could not check who receives these sources: {err.message}", ""], False)

        host.call_aws(
            lambda: ps.check_delivery(factory, sources),
            checked,
            failed,
            group="partner-delivery",
            description="ListPartnerEventSourceAccounts before send",
        )
