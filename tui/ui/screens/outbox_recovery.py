"""Offer the batches a crash left unanswered: re-send them (same requests, same eventIds) or discard.

Why: the outbox journals every batch before its call; a batch with no results means the app died
(or was killed) in between, and only the user can say whether it should go again. Batch contents
are user or file text, so everything is shown as safe text.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.services.outbox import BatchRecord
from tui.services.resolve import describe_destination
from tui.ui.safe_text import safe_text
from tui.ui.screens.dialog import DialogScreen
from tui.words import count

Choice = tuple[str, list[BatchRecord]]


def batch_size(record: BatchRecord) -> int:
    """How many entries/events a journaled request holds."""
    items = record.request.get("Entries", record.request.get("eventList"))
    return len(items) if isinstance(items, list) else 0


def describe(record: BatchRecord, noun: str, held: bool = False) -> Text:
    """One line about a journaled batch: when, how many, where it was going (and if it is held)."""
    where = describe_destination(record.context)
    mark = "HELD · " if held else ""
    return safe_text(f"{mark}{record.created_at} · {count(batch_size(record), noun)} · {where}")


class OutboxRecoveryScreen(DialogScreen[Choice | None]):
    """Pending batches; dismisses with ("resend"|"discard", records) or None (decide later)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "resend", "Re-send all", id="recovery.resend"),
        Binding("d", "discard", "Do not re-send", id="recovery.discard"),
        Binding("escape", "later", "Decide later", id="recovery.later"),
    ]

    def __init__(
        self,
        records: list[BatchRecord],
        noun: str = "entry",
        *,
        held: dict[str, str] | None = None,
        current: str | None = None,
    ) -> None:
        """``held``: ids of batches journaled for another destination (listed, never re-sent)."""
        super().__init__()
        self.records = list(records)
        self.noun = noun
        self.held = dict(held or {})
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="recovery-dialog", classes="dialog -warning") as dialog:
            dialog.border_title = "Unanswered batches in the outbox"
            yield Static(
                f"{count(len(self.records), 'batch')} "
                f"{'was' if len(self.records) == 1 else 'were'} journaled but their results never "
                "came back "
                "(the app stopped mid-send).",
                markup=False,
            )
            yield OptionList(
                *[Option(describe(r, self.noun, r.id in self.held), id=r.id) for r in self.records]
            )
            if self.held:
                yield Static(
                    f"HELD: {count(len(self.held), 'batch')} for another destination, never sent "
                    f"to {self.current or 'the current destination'}. Switch to their profile, "
                    "region and endpoint to re-send them.",
                    classes="recovery-note",
                    markup=False,
                )
            note = (
                "Re-sending uses the same eventIds: Personalize keeps only the first of each."
                if self.noun == "event"
                else "These entries are unconfirmed: AWS may have received them before the stop. "
                "Partner events have no idempotency key: re-sending may deliver them twice. "
                "Discard keeps them in the history as unconfirmed."
            )
            yield Static(note, classes="recovery-note", markup=False)
            yield Static(
                "r re-send (not HELD) · d do not re-send · escape decide later", markup=False
            )

    def action_resend(self) -> None:
        """Re-send the batches for the current destination; held ones stay pending."""
        self.dismiss(("resend", [r for r in self.records if r.id not in self.held]))

    def action_discard(self) -> None:
        self.dismiss(("discard", self.records))

    def action_later(self) -> None:
        self.dismiss(None)
