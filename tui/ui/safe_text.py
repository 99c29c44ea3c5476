"""Make untrusted strings (anything that came back from AWS) safe to put on a terminal.

Every field from AWS is shown as a plain ``rich.text.Text`` (never parsed as markup) and its
control characters are made visible first, so a value holding ``\\x1b]52;...`` or a bidi override
is shown as text and changes nothing on the terminal.
"""

from __future__ import annotations

import re

from rich.text import Text

# C0 controls, DEL, C1 controls, and the invisible format characters that reorder or hide text.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value: object) -> str:
    """``str(value)`` with every control or invisible formatting character shown as an escape."""
    text = value if isinstance(value, str) else str(value)
    return _UNSAFE.sub(_escape, text)


def safe_text(value: object, style: str = "") -> Text:
    """A rich Text holding ``value`` literally: no markup parsing, control characters visible."""
    return Text(visible(value), style=style, no_wrap=False)
