"""Make untrusted strings (anything that came back from AWS) safe to put on a terminal.

Every field from AWS is shown as a plain ``rich.text.Text`` (never parsed as markup) and its
control characters are made visible first, so a value holding ``\\x1b]52;...`` or a bidi override
is shown as text and changes nothing on the terminal. Which characters are escaped, and how, is
decided in one place, ``tui.textsafe``, shared with the clipboard, the exporter and copy-as-CLI.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from tui.textsafe import visible

__all__ = ["safe_text", "visible"]


def safe_text(value: object, style: str | Style = "") -> Text:
    """A rich Text holding ``value`` literally: no markup parsing, control characters visible."""
    return Text(visible(value), style=style, no_wrap=False)


def safe_lines(value: object, style: str | Style = "") -> Text:
    """Like ``safe_text``, but line breaks stay line breaks (each line made safe on its own).

    ``value`` is one text or a list of lines. Why: eventdeck's own multi-line text (pretty JSON,
    an error with its hint on the next line, a tally) would otherwise show a literal ``\\n``;
    every other control character is still made visible.
    """
    if isinstance(value, list):
        value = "\n".join(str(line) for line in value)
    text = value if isinstance(value, str) else str(value)
    lines = text.replace("\r\n", "\n").split("\n")
    return Text("\n".join(visible(line) for line in lines), style=style, no_wrap=False)
