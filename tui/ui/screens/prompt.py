"""A small modal that asks for one line of text (a path, an ARN, a time range) and validates it.

Keyboard-only and reusable: enter submits, a validator error is shown under the field and keeps the
modal open (so the user fixes the typo instead of retyping), escape cancels with ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Static

from tui.ui.safe_text import safe_text

Validator = Callable[[str], str | None]
"""Returns an error message for a bad value, or None when the value is acceptable."""


class PromptScreen(ModalScreen[str | None]):
    """Ask for one value; dismisses with the text entered, or None when cancelled."""

    DEFAULT_CSS = """
    PromptScreen {
        align: center middle;
        background: $background 60%;
    }
    PromptScreen > #prompt-dialog {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        border-title-color: $primary;
        border-title-style: bold;
        background: $panel;
        padding: 0 1;
    }
    PromptScreen #prompt-label { color: $foreground; }
    PromptScreen #prompt-input { margin: 1 0 0 0; }
    PromptScreen #prompt-error { color: $error; height: auto; }
    PromptScreen #prompt-error.-empty { display: none; }
    PromptScreen #prompt-hint { color: $foreground-muted; margin: 1 0 0 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
    ]

    def __init__(
        self,
        title: str,
        label: str,
        value: str = "",
        placeholder: str = "",
        validator: Validator | None = None,
        suggester: Suggester | None = None,
    ) -> None:
        super().__init__()
        self._suggester = suggester
        self._title = title
        self._label = label
        self._value = value
        self._placeholder = placeholder
        self._validator = validator
        self._error_text = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-dialog") as dialog:
            dialog.border_title = safe_text(self._title)
            yield Static(safe_text(self._label), id="prompt-label")
            yield Input(
                value=self._value,
                placeholder=self._placeholder,
                id="prompt-input",
                select_on_focus=False,
                suggester=self._suggester,
            )
            yield Static("", id="prompt-error", classes="-empty")
            yield Static("enter OK · escape cancel", id="prompt-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @property
    def error(self) -> str:
        """The validator message currently shown under the field ("" when none)."""
        return self._error_text

    def _show_error(self, message: str) -> None:
        self._error_text = message
        error = self.query_one("#prompt-error", Static)
        error.update(safe_text(message))
        error.set_class(not message, "-empty")

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value
        if self._validator is not None:
            message = self._validator(value)
            if message:
                self._show_error(message)
                return
        self.dismiss(value)

    @on(Input.Changed, "#prompt-input")
    def _changed(self, event: Input.Changed) -> None:
        if self._error_text:
            self._show_error("")

    def action_cancel(self) -> None:
        """Close without a value."""
        self.dismiss(None)
