"""Make untrusted strings (anything that came back from AWS) safe to put on a terminal.

Every field from AWS is shown as a plain ``rich.text.Text`` (never parsed as markup) and its
control characters are made visible first, so a value holding ``\\x1b]52;...`` or a bidi override
is shown as text and changes nothing on the terminal.
"""

from __future__ import annotations

import re

from rich.text import Text

# C0 controls, DEL, C1 controls, the invisible format characters that reorder or hide text
# (soft hyphen, Arabic letter mark, Mongolian vowel separator, zero-width and bidi controls, line
# and paragraph separators, word joiner and invisible operators, BOM, tag characters), and lone
# surrogates, which cannot even be encoded for the terminal.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\ud800-\udfff\U000e0000-\U000e007f]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(value: object) -> str:
    """``str(value)`` with every control or invisible formatting character shown as an escape."""
    text = value if isinstance(value, str) else str(value)
    return _UNSAFE.sub(_escape, text)


def safe_text(value: object, style: str = "") -> Text:
    """A rich Text holding ``value`` literally: no markup parsing, control characters visible."""
    return Text(visible(value), style=style, no_wrap=False)


def safe_lines(lines: list[str], style: str = "") -> Text:
    """Lines shown one under the other, each literally (safe_text shows a newline as \\n)."""
    return Text("\n", style=style).join(safe_text(line, style) for line in lines)
