"""A TextArea for JSON: highlighted when tree-sitter is installed, plain otherwise.

Why: Detail and properties are JSON objects the user types by hand; highlighting helps, but
Textual only highlights with its optional tree-sitter extra, and the editor must work without it.
"""

from __future__ import annotations

from importlib.util import find_spec

from textual.widgets import TextArea


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
