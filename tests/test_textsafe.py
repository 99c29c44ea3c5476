"""The one sanitizer: which characters never reach a terminal, and how each format escapes them."""

from __future__ import annotations

import json
import sys
import unicodedata

import pytest

from tui.textsafe import UNSAFE, json_escape, json_text, shell_quote, visible
from tui.ui.safe_text import visible as ui_visible
from tui.ui.widgets.json_view import JsonView, format_json

HOSTILE = "a\n\x03\x04\x1b[201~\x9b\x7f\u202e\u2066\u2069\u206a\U0001d173\ud800z"


def test_unsafe_is_every_control_format_and_separator_character() -> None:
    categories = {"Cc", "Cf", "Cs", "Zl", "Zp"}
    missing = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in categories and not UNSAFE.match(chr(code))
    ]
    assert missing == []
    assert not UNSAFE.search("plain ü 漢字 🙂 [bold]x[/] \\ ' \" !")


def test_one_sanitizer_for_tables_and_the_inspector() -> None:
    assert ui_visible is visible  # the UI's Text helpers build on the same function
    assert visible("\u206a") == "\\u206a"
    assert visible("\U0001d173") == "\\U0001d173"
    view = JsonView({"k": "\u206a\U0001d173\x9b"})
    assert view.lines[1] == '  "k": "\\u206a\\U0001d173\\x9b"'


def test_visible_escapes_everything_and_keeps_newlines_only_when_asked() -> None:
    shown = visible(HOSTILE)
    assert not UNSAFE.search(shown)
    assert shown == (
        "a\\n\\x03\\x04\\e[201~\\x9b\\x7f\\u202e\\u2066\\u2069\\u206a\\U0001d173\\ud800z"
    )
    assert visible("a\nb\x07", keep_newlines=True) == "a\nb\\x07"


def test_json_text_escapes_what_json_dumps_leaves_raw_and_round_trips() -> None:
    value = {"id": HOSTILE, "name": "café 漢字"}
    raw = json.dumps(value, ensure_ascii=False)
    assert "\x9b" in raw and "\u202e" in raw  # what json.dumps alone lets through
    text = json_text(value)
    assert not UNSAFE.search(text)
    assert "café 漢字" in text  # readable non-ASCII is kept
    assert "\\ud834\\udd73" in text  # beyond the BMP: JSON's surrogate pair
    assert json.loads(text) == value
    assert json.loads(format_json(value)) == value and not UNSAFE.search(
        format_json(value).replace("\n", "")
    )
    assert json_escape('[\n  "\x85"\n]') == '[\n  "\\u0085"\n]'


@pytest.mark.parametrize(
    ("word", "quoted"),
    [
        ("list-event-logs", "list-event-logs"),
        ("it's here", "'it'\"'\"'s here'"),
        ("a\nb", "$'a\\nb'"),
        ("x'\x03!\\", "$'x\\x27\\x03\\x21\\\\'"),
        ("\u202e", "$'\\xe2\\x80\\xae'"),
    ],
)
def test_shell_quote(word: str, quoted: str) -> None:
    assert shell_quote(word) == quoted
