"""A small modal that asks for one line of text (a path, an ARN, a time range) and validates it.

Keyboard-only and reusable: enter submits, a validator error is shown under the field and keeps the
modal open (so the user fixes the typo instead of retyping), escape cancels with ``None``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.suggester import Suggester
from textual.widgets import Input, Static

from tui.ui.safe_text import safe_text
from tui.ui.screens.dialog import DialogScreen

Validator = Callable[[str], str | None]
"""Returns an error message for a bad value, or None when the value is acceptable."""

MAX_LISTED = 6  # matches named under the field when tab cannot complete further


def complete_path(value: str) -> tuple[str, list[str]]:
    """Complete ``value`` as a shell does: (the longest common completion, the names matching).

    Directories complete with a trailing "/"; ``~`` is understood but kept as typed. An
    unreadable or missing directory completes nothing.
    """
    folder_text, _, stem = value.rpartition("/")
    folder_text = folder_text + "/" if "/" in value else ""
    folder = Path(os.path.expanduser(folder_text or "."))
    try:
        names = sorted(
            entry.name + ("/" if entry.is_dir() else "")
            for entry in os.scandir(folder)
            if entry.name.startswith(stem)
            and (stem.startswith(".") or not entry.name.startswith("."))
        )
    except OSError:
        return value, []
    if not names:
        return value, []
    common = os.path.commonprefix(names)  # noqa: RUF071 - names, character by character
    return folder_text + common, names


class PromptScreen(DialogScreen[str | None]):
    """Ask for one value; dismisses with the text entered, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
        Binding("tab", "complete", "Complete path", id="prompt.complete", show=False),
    ]

    def __init__(
        self,
        title: str,
        label: str,
        value: str = "",
        placeholder: str = "",
        validator: Validator | None = None,
        suggester: Suggester | None = None,
        *,
        paths: bool = False,
    ) -> None:
        super().__init__()
        self._paths = paths
        self._suggester = suggester
        self._title = title
        self._label = label
        self._value = value
        self._placeholder = placeholder
        self._validator = validator
        self._error_text = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-dialog", classes="dialog") as dialog:
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
            keys = ("tab complete · " if self._paths else "") + "enter OK · escape cancel"
            yield Static(keys, id="prompt-hint", markup=False)

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
        error.remove_class("-note")

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
        if self._error_text or self.query_one("#prompt-error", Static).has_class("-note"):
            self._show_error("")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Tab completes only in a path prompt (elsewhere it keeps its usual meaning)."""
        return self._paths if action == "complete" else True

    def action_complete(self) -> None:
        """Complete the path in the field; when several names fit, list them under it."""
        field = self.query_one(Input)
        completed, names = complete_path(field.value)
        if completed != field.value:
            with self.prevent(Input.Changed):  # a completion is not an edit: keep the note
                field.value = completed
            field.cursor_position = len(completed)
        if len(names) > 1:
            shown = ", ".join(names[:MAX_LISTED]) + (" …" if len(names) > MAX_LISTED else "")
            self._show_note(f"{len(names)} matches: {shown}")
        elif not names:
            self._show_note("No file or folder starts with that")
        else:
            self._show_error("")

    def _show_note(self, message: str) -> None:
        """A line under the field that is not an error (completion matches)."""
        self._show_error(message)
        self._error_text = ""
        self.query_one("#prompt-error", Static).add_class("-note")

    def action_cancel(self) -> None:
        """Close without a value."""
        self.dismiss(None)
