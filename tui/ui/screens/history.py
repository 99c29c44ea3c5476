"""Browse sent batches, newest first, with their results; enter opens one as a new draft.

Why: "what did I send yesterday, and what did it become?" must be answerable without leaving the
terminal, and a sent batch is the best starting point for the next one. The journal holds user
and AWS text, so the preview is rendered as safe text.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.services.outbox import BatchRecord
from tui.ui.safe_text import safe_lines, safe_text
from tui.ui.screens.dialog import DialogScreen
from tui.ui.screens.outbox_recovery import batch_size
from tui.words import count


def outcome(record: BatchRecord) -> str:
    """A short verdict: pending, sent, or how many failed or are unconfirmed."""
    results = record.results
    if results is None:
        return "pending"
    if "entries" in results:
        failed = int(results.get("failed_count") or 0)
        unconfirmed = int(results.get("unconfirmed_count") or 0)
        parts = [f"{failed} failed"] if failed else []
        parts += [f"{unconfirmed} unconfirmed"] if unconfirmed else []
        return ", ".join(parts) or "sent"
    if results.get("unconfirmed"):
        return "unconfirmed"
    return "sent" if results.get("sent") else "failed"


def readable(value: Any) -> Any:
    """``value`` with JSON held in strings (Detail, properties) shown as JSON, not escaped text.

    Why: the request keeps Detail as a JSON string; dumped as it is, the preview is one long
    line of ``\\"`` and ``\\n``.
    """
    if isinstance(value, dict):
        return {k: readable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [readable(v) for v in value]
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class HistoryScreen(DialogScreen[BatchRecord | None]):
    """Journaled batches of one kind; dismisses with the one to open as a draft, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="history.close"),
    ]

    def __init__(self, records: list[BatchRecord], noun: str = "entry") -> None:
        super().__init__()
        self.records = list(records)
        self.noun = noun

    def compose(self) -> ComposeResult:
        with Horizontal(id="history-body", classes="dialog") as body:
            body.border_title = f"History — {count(len(self.records), 'batch')}, newest first"
            options = [
                Option(
                    safe_text(
                        f"{r.created_at[:19]} · {count(batch_size(r), self.noun)} · {outcome(r)}"
                    ),
                    id=r.id,
                )
                for r in self.records
            ]
            yield OptionList(*options, id="history-list")
            with VerticalScroll(id="history-preview"):
                yield Static("No batch sent yet." if not self.records else "", id="history-detail")
        yield Static("enter open as a new draft · escape close", id="history-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        if self.records:
            self._preview(0)

    def _preview(self, index: int) -> None:
        record = self.records[index]
        body = {"request": record.request, "results": record.results, "context": record.context}
        text = json.dumps(readable(body), indent=2, ensure_ascii=False, default=str)
        self.query_one("#history-detail", Static).update(safe_lines(text))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if 0 <= event.option_index < len(self.records):
            self._preview(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.records[event.option_index])

    def action_close(self) -> None:
        self.dismiss(None)
