"""Untrusted strings become visible, inert text."""

from __future__ import annotations

import pytest

from tui.ui.safe_text import safe_text, visible


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b]52;c;ZXZpbA==\x07", "\\e]52;c;ZXZpbA==\\x07"),
        ("a\nb\tc\r", "a\\nb\\tc\\r"),
        ("\x9b31m", "\\x9b31m"),
        ("\x7f", "\\x7f"),
        ("\u202eevil", "\\u202eevil"),
        ("line\u2028sep", "line\\u2028sep"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("lone\ud800", "lone\\ud800"),
        ("soft\xadhyphen", "soft\\xadhyphen"),
        ("plain ü 漢字 [bold]x[/]", "plain ü 漢字 [bold]x[/]"),
    ],
)
def test_visible_escapes_controls_and_keeps_text(raw: str, shown: str) -> None:
    assert visible(raw) == shown


def test_safe_text_is_never_markup() -> None:
    text = safe_text("[bold red]x[/] \x1b[31m", style="bold")
    assert text.plain == "[bold red]x[/] \\e[31m"
    assert not text.spans
    text.plain.encode("utf-8")  # encodable: nothing the terminal writer would choke on
