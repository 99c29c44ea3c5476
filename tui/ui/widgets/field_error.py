"""The error line under a form field: the validation message of that field, or nothing.

Why: an error shown at its field (not in a toast) tells the user exactly what to fix; the text can
quote what the user typed or a file held, so it is rendered as safe text, never markup.
"""

from __future__ import annotations

from textual.widgets import Static

from tui.ui.safe_text import safe_lines

MARKER = "✗"


class FieldErrorLabel(Static):
    """A one-field error message; hidden while the field is valid."""

    def __init__(self, field: str, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.field = field
        self.message = ""

    def show_message(self, message: str) -> None:
        """Show ``message`` (empty: hide the label)."""
        if message == self.message:
            return
        self.message = message
        # A marker, not only colour, sets the error apart from the field's label (NO_COLOR).
        marked = "\n".join(f"{MARKER} {line}" for line in message.splitlines())
        self.update(safe_lines(marked) if message else "")
        self.set_class(bool(message), "-shown")
