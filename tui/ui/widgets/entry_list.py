"""The batch list: one row per entry with its state (new, invalid, sent with an id, failed).

Why: the result of each entry belongs beside that entry; a failed one must stay visibly failed
until it is re-sent, and an invalid one visibly invalid until fixed. Labels can hold text the
user typed or AWS returned, so they are built as safe text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.ui.safe_text import safe_text

MARKS = {
    "new": "·",
    "invalid": "!",
    "sent": "✓",
    "failed": "✗",
    "unconfirmed": "?",  # sent, no answer: may have reached AWS
    "sending": "…",
}
"""Each state's mark; its colour is the ``entry-list--<state>`` component style (compose.tcss)."""


@dataclass(frozen=True)
class EntryRow:
    """What the list shows for one entry: a short label, a state and a result line."""

    label: str
    state: str  # one of MARKS
    result: str = ""


class EntryList(OptionList):
    """Entries of the batch; the highlighted one is the one being edited."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Next entry", show=False, id="compose.next_entry"),
        Binding("k", "cursor_up", "Previous entry", show=False, id="compose.previous_entry"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(f"entry-list--{state}" for state in MARKS),
        "entry-list--result-ok",
        "entry-list--result-failed",
        "entry-list--result-unconfirmed",
    }

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: list[EntryRow] = []

    def set_rows(self, rows: list[EntryRow], highlighted: int | None = None) -> None:
        """Replace every row (a batch has at most 20), keeping or moving the highlight."""
        keep = self.highlighted if highlighted is None else highlighted
        self.rows = list(rows)
        self.clear_options()
        self.add_options([self._option(i, row) for i, row in enumerate(rows)])
        if rows:
            self.highlighted = min(max(keep or 0, 0), len(rows) - 1)

    def _option(self, index: int, row: EntryRow) -> Option:
        state = row.state if row.state in MARKS else "new"
        style = self.get_component_rich_style(f"entry-list--{state}", partial=True)
        text = Text.assemble((f"{MARKS[state]} ", style), f"{index + 1}. ")
        text.append_text(safe_text(row.label or "(empty)"))
        if row.result:
            text.append("\n  ")
            result = {"failed": "result-failed", "unconfirmed": "result-unconfirmed"}.get(
                row.state, "result-ok"
            )
            style = self.get_component_rich_style(f"entry-list--{result}", partial=True)
            text.append_text(safe_text(row.result, style))
        return Option(text, id=f"entry-{index}")
