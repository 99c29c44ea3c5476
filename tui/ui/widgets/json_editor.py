"""A TextArea for JSON: highlighted when tree-sitter is installed, plain otherwise.

Why: Detail and properties are JSON objects the user types by hand; highlighting helps, but
Textual only highlights with its optional tree-sitter extra, and the editor must work without it.
"""

from __future__ import annotations

from importlib.util import find_spec

from textual import events
from textual.widgets import TextArea

# A field that holds only this (a new partner entry's Detail) is selected when it gets the focus.
EMPTY_OBJECT = "{}"


def highlighting_available() -> bool:
    """True when Textual can highlight JSON (its tree-sitter extra is installed)."""
    return find_spec("tree_sitter") is not None and find_spec("tree_sitter_json") is not None


class JsonEditor(TextArea):
    """A JSON text editor: tab indents, no soft wrap surprises, highlighting when available."""

    def __init__(self, text: str = "", **kwargs: object) -> None:
        super().__init__(
            text,
            language="json" if highlighting_available() else None,
            tab_behavior="indent",
            soft_wrap=True,
            show_line_numbers=False,
            **kwargs,  # type: ignore[arg-type]
        )

    def on_focus(self, event: events.Focus) -> None:
        """Select a lone ``{}`` on focus, so what is typed or pasted replaces it.

        Why: a new partner entry's Detail starts as ``{}`` with the cursor before it; typing or
        pasting an object there gave ``{...}{}``, refused as "Extra data". Text fields select
        their text on focus (Textual's ``Input``), and this is the same for the one template.
        """
        if self.text.strip() == EMPTY_OBJECT:
            self.select_all()
