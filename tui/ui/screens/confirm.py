"""A yes/no modal for actions that change things (sending events, quitting with sends in flight).

The body often quotes what is about to be sent, which can hold untrusted text, so every line is
shown as plain safe text. Keyboard-only: y or enter confirms, n or escape cancels.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from tui.ui.safe_text import safe_text
from tui.ui.screens.dialog import DialogScreen


class ConfirmScreen(DialogScreen[bool]):
    """Ask to confirm; dismisses with True (confirmed) or False (cancelled)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Confirm", id="confirm.yes"),
        Binding("enter", "confirm", "Confirm", show=False, id="confirm.enter"),
        Binding("n", "cancel", "Cancel", id="confirm.no"),
        Binding("escape", "cancel", "Cancel", show=False, id="confirm.escape"),
    ]

    def __init__(
        self,
        title: str,
        body_lines: list[str],
        confirm_label: str = "Send",
        danger: bool = False,
    ) -> None:
        super().__init__(classes="-danger" if danger else None)
        self._title = title
        self._body_lines = list(body_lines)
        self._confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog") as dialog:
            dialog.border_title = safe_text(self._title)
            with VerticalScroll(id="confirm-body", can_focus=False):
                for line in self._body_lines:
                    yield Static(safe_text(line), classes="confirm-line")
            label = safe_text(self._confirm_label).plain
            yield Static(f"y/enter {label} · n/escape cancel", id="confirm-hint", markup=False)

    def action_confirm(self) -> None:
        """Close, confirmed."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Close, cancelled."""
        self.dismiss(False)
