"""The one place that decides which characters of untrusted text may reach a terminal, and how not.

Everything eventdeck shows, copies or writes may hold text from AWS, and any of it can end up on a
terminal: on screen, pasted from the clipboard into a shell, or ``head`` of an export. A value
holding ``\\x1b]52;…`` rewrites the clipboard, a C1 ``\\x9b`` is a CSI on some terminals, ``\\x03``
in a pasted command interrupts the line and runs what follows, and bidi controls make text read
differently from what it is. So every path neutralises the same set of characters (controls,
invisible format characters, line separators, lone surrogates), each in its own format's way:
visible escapes for text and CSV (``visible``), JSON's ``\\uXXXX`` for JSON (``json_text``), and
ANSI-C quoting for shell words (``shell_quote``). This module is pure (no UI, no I/O), below both
``tui.services`` and ``tui.ui``, so the table, the inspector, the clipboard, the exporter and the
copy-as-CLI command all use it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

_C0_BUT_NEWLINE = "\x00-\x09\x0b-\x1f"
_REST = (
    "\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e007f"
)
UNSAFE_CLASS = "\n" + _C0_BUT_NEWLINE + _REST
"""Every character of Unicode categories Cc, Cf, Cs, Zl and Zp (checked against unicodedata by
the tests): C0, DEL and C1 controls; soft hyphen, zero-width and bidi controls, invisible
operators, BOM and tag characters; line and paragraph separators; lone surrogates."""

UNSAFE = re.compile(f"[{UNSAFE_CLASS}]")
"""Matches one character that must never reach a terminal as itself."""
_UNSAFE_BUT_NEWLINE = re.compile(f"[{_C0_BUT_NEWLINE}{_REST}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}
_SHELL_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Characters that are printable but need care inside $'...': the quote itself, the backslash
# (ANSI-C escapes), and "!" (interactive bash's history expansion looks inside some quotes).
_SHELL_SPECIAL = re.compile(f"[{UNSAFE_CLASS}'\\\\!]")
_SHELL_PLAIN = re.compile(r"[A-Za-z0-9@%+=:,./_-]+")


def escape_char(char: str) -> str:
    """The visible escape of one character: ``\\n``, ``\\e``, ``\\x9b``, ``\\u202e``, ``\\U0001d173``."""
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _escape_match(match: re.Match[str]) -> str:
    return escape_char(match.group(0))


def visible(value: object, *, keep_newlines: bool = False) -> str:
    """``str(value)`` with every control or invisible formatting character shown as an escape.

    ``keep_newlines`` leaves ``\\n`` itself alone, for multi-line text (a JSON document, an error
    report) whose line breaks are its own; a single value (an id) escapes it too.
    """
    text = value if isinstance(value, str) else str(value)
    pattern = _UNSAFE_BUT_NEWLINE if keep_newlines else UNSAFE
    return pattern.sub(_escape_match, text)


def has_unsafe(text: str) -> bool:
    """True when ``text`` holds any character ``visible`` would escape."""
    return UNSAFE.search(text) is not None


def _json_escape_match(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON writes a character beyond the BMP as a UTF-16 surrogate pair.
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_escape(text: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` with every unsafe character escaped.

    ``json.dumps`` escapes only C0 controls; DEL, C1, bidi and the other invisible characters (and
    lone surrogates, which cannot be encoded) stay raw. Raw ones can only sit inside strings, where
    a ``\\uXXXX`` escape means the same character, so the value is unchanged. ``\\n`` is kept:
    ``json.dumps`` writes it raw only as indentation.
    """
    return _UNSAFE_BUT_NEWLINE.sub(_json_escape_match, text)


def json_text(
    value: object,
    *,
    indent: int | None = None,
    default: Callable[[object], object] | None = None,
) -> str:
    """``value`` as JSON that keeps readable non-ASCII text but holds no terminal control."""
    return json_escape(json.dumps(value, indent=indent, ensure_ascii=False, default=default))


def _shell_escape_match(match: re.Match[str]) -> str:
    char = match.group(0)
    named = _SHELL_NAMED.get(char)
    if named is not None:
        return named
    if char == "\\":
        return "\\\\"
    # Bytes, not \\u: bash turns \\u into a character only in a UTF-8 locale; \\xHH is exact.
    raw = char.encode("utf-8", errors="surrogatepass")
    return "".join(f"\\x{byte:02x}" for byte in raw)


def shell_quote(word: str) -> str:
    """``word`` as one shell word that, pasted into bash or zsh, is exactly ``word`` and nothing more.

    Plain words stay as they are and printable ones are single-quoted (like ``shlex.quote``). A word
    holding any unsafe character is ANSI-C quoted (``$'a\\nb\\x03'``) so the pasted text itself holds
    no control character: no newline to end the command, no ^C or ^D for the terminal, no ESC to
    close a bracketed paste, no bidi override to hide what runs.
    """
    if _SHELL_PLAIN.fullmatch(word):
        return word
    if not has_unsafe(word):
        return "'" + word.replace("'", "'\"'\"'") + "'"
    return "$'" + _SHELL_SPECIAL.sub(_shell_escape_match, word) + "'"
