"""The clipboard mechanism: the exact OSC 52 bytes written, tmux wrapping, and the size cap."""

from __future__ import annotations

import base64

import pytest
from textual.app import App

from tui.textsafe import UNSAFE
from tui.ui import clipboard
from tui.ui.clipboard import (
    DEFAULT_MAX_BASE64,
    copy_and_notify,
    copy_text,
    human_size,
    osc52,
    tmux_passthrough,
)


def _decoded(sequence: str) -> str:
    return base64.b64decode(sequence[len("\x1b]52;c;") : -1]).decode("utf-8")


def _osc(out: list[str]) -> list[str]:
    return [data for data in out if "52;c;" in data]


def test_osc52_and_passthrough_sequences() -> None:
    assert osc52("aGk=") == "\x1b]52;c;aGk=\x07"
    wrapped = tmux_passthrough(osc52("aGk="))
    assert wrapped == "\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"


def test_human_size() -> None:
    assert human_size(812) == "812 B"
    assert human_size(74_994) == "75.0 kB"
    assert human_size(1_234_567) == "1.2 MB"
    assert human_size(3_000_000_000) == "3.0 GB"


async def test_copy_writes_osc52_outside_tmux(written: list[str]) -> None:
    app: App[None] = App()
    async with app.run_test(size=(80, 24)):
        result = copy_text(app, "héllo\x1b", "the thing")
    expected = base64.b64encode("héllo\\e".encode()).decode()
    assert _osc(written) == [f"\x1b]52;c;{expected}\x07"]
    assert result.ok
    assert result.message == "Copied the thing (8 B)"
    assert app.clipboard == "héllo\\e"  # the ESC is copied as visible text


async def test_copy_inside_tmux_also_writes_the_passthrough(
    written: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,1234,0")
    app: App[None] = App()
    async with app.run_test(size=(80, 24)):
        result = copy_text(app, '{"a": 1}', "item JSON")
    payload = base64.b64encode(b'{"a": 1}').decode()
    assert result.ok
    assert _osc(written) == [
        f"\x1b]52;c;{payload}\x07",
        f"\x1bPtmux;\x1b\x1b]52;c;{payload}\x07\x1b\\",
    ]


async def test_cap_boundary_and_too_large(written: list[str]) -> None:
    assert clipboard.ClipboardSettings().max_base64 == DEFAULT_MAX_BASE64 == 74_994
    fits = "a" * 56_244  # base64: 74,992 bytes
    too_big = "a" * 56_245  # base64: 74,996 bytes
    app: App[None] = App()
    async with app.run_test(size=(80, 24)):
        assert copy_text(app, fits, "item JSON").ok
        assert len(_osc(written)) == 1
        result = copy_text(app, too_big, "item JSON")
    assert not result.ok
    assert result.message == (
        "Item JSON is too large to copy (56.2 kB); press w to write it to a file"
    )
    assert len(_osc(written)) == 1  # nothing more was written
    assert app.clipboard == fits


async def test_cap_is_configurable(written: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    app: App[None] = App()
    app.clipboard_settings = clipboard.ClipboardSettings(max_base64=8)  # type: ignore[attr-defined]
    async with app.run_test(size=(80, 24)):
        assert copy_text(app, "abcdef", "x").ok  # 8 bytes of base64
        assert not copy_text(app, "abcdefg", "x").ok  # 12 bytes
    assert len(_osc(written)) == 1


async def test_lone_surrogate_does_not_crash(written: list[str]) -> None:
    app: App[None] = App()
    async with app.run_test(size=(80, 24)):
        assert copy_text(app, "a\ud800b", "text").ok
    (sequence,) = _osc(written)
    decoded = base64.b64decode(sequence[len("\x1b]52;c;") : -1]).decode("utf-8")
    assert decoded == "a\\ud800b"


async def test_copy_and_notify_tells_the_user(
    written: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app: App[None] = App()
    app.clipboard_settings = clipboard.ClipboardSettings(max_base64=8)  # type: ignore[attr-defined]
    notes: list[tuple[str, str]] = []

    def notify(message: str, **kwargs: object) -> None:
        notes.append((message, str(kwargs.get("severity", "information"))))

    async with app.run_test(size=(80, 24)):
        monkeypatch.setattr(app, "notify", notify)
        copy_and_notify(app, "ab", "[red]arn[/]\x1b")
        copy_and_notify(app, "x" * 100, "payload")
    assert notes[0] == ("Copied [red]arn[/]\\e (2 B)", "information")
    assert notes[1][1] == "warning" and "too large to copy (100 B)" in notes[1][0]
    assert all("xxxx" not in message for message, _ in notes)  # the text itself is never shown


HOSTILE_ID = "p1\ntouch x\x03\x04\x1b[201~\x9b31m\u202e\u2066\u2069\u206a\U0001d173"


async def test_copied_text_never_carries_a_control_character(written: list[str]) -> None:
    app: App[None] = App()
    async with app.run_test(size=(80, 24)):
        assert copy_text(app, HOSTILE_ID, "id").ok
        single = app.clipboard
        assert copy_text(app, '{\n  "a": "\x9b"\n}', "JSON", multiline=True).ok
        document = app.clipboard
    assert single == (
        "p1\\ntouch x\\x03\\x04\\e[201~\\x9b31m\\u202e\\u2066\\u2069\\u206a\\U0001d173"
    )
    assert document == '{\n  "a": "\\x9b"\n}'  # a document keeps its own line breaks
    for payload in _osc(written):
        decoded = _decoded(payload)
        assert not UNSAFE.search(decoded.replace("\n", ""))
    assert "\n" not in _decoded(_osc(written)[0])
