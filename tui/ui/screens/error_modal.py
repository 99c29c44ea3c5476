"""A modal for unexpected errors: what happened, and what to do about it, in plain text.

Expected failures become error rows or notifications; this is for the ones nobody planned for, so
the app shows them instead of crashing. The message may quote AWS or an exception, so it is shown
as safe text, and it can be copied (y) to paste into a ticket.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from tui.ui.clipboard import copy_and_notify
from tui.ui.safe_text import safe_text
from tui.ui.screens.dialog import DialogScreen


class ErrorModal(DialogScreen[None]):
    """Show an error with an optional hint; escape, enter or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="error_modal.close"),
        Binding("enter", "close", "Close", show=False, id="error_modal.enter"),
        Binding("q", "close", "Close", show=False, id="error_modal.quit"),
        Binding("y", "copy", "Copy", id="error_modal.copy"),
    ]

    def __init__(self, title: str, message: str, hint: str | None = None) -> None:
        super().__init__()
        self._title = title
        self._message = message
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="error-dialog", classes="dialog -danger") as dialog:
            dialog.border_title = safe_text(self._title)
            with VerticalScroll(id="error-body"):
                yield Static(safe_text(self._message), id="error-message")
            if self._hint:
                yield Static(safe_text(self._hint), id="error-hint")
            yield Static("escape close · y copy the message", id="error-keys", markup=False)

    def action_close(self) -> None:
        """Close the modal."""
        self.dismiss(None)

    def action_copy(self) -> None:
        """Copy the title, message and hint (for a ticket or a chat)."""
        parts = [self._title, self._message] + ([self._hint] if self._hint else [])
        copy_and_notify(self.app, "\n".join(parts), "the error message", multiline=True)
