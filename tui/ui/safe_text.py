"""Make untrusted strings (anything that came back from AWS) safe to put on a terminal.

Every field from AWS is shown as a plain ``rich.text.Text`` (never parsed as markup) and its
control characters are made visible first, so a value holding ``\\x1b]52;...`` or a bidi override
is shown as text and changes nothing on the terminal. Which characters are escaped, and how, is
decided in one place, ``tui.textsafe``, shared with the clipboard, the exporter and copy-as-CLI.
"""

from __future__ import annotations

from rich.text import Text

from tui.textsafe import visible

__all__ = ["safe_text", "visible"]


def safe_text(value: object, style: str = "") -> Text:
    """A rich Text holding ``value`` literally: no markup parsing, control characters visible."""
    return Text(visible(value), style=style, no_wrap=False)
