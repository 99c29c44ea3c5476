"""The small modal screens: prompt (with a validator), confirm, and the error modal."""

from __future__ import annotations

from typing import Any

import pytest
from textual.drivers.headless_driver import HeadlessDriver
from textual.screen import Screen
from textual.widgets import Input, Static

from tests.ui.helpers import StyledApp
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.error_modal import ErrorModal
from tui.ui.screens.prompt import PromptScreen


class ModalApp(StyledApp):
    """An app that records what each modal it pushes is dismissed with."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[object] = []

    def open(self, screen: Screen[Any]) -> None:
        self.push_screen(screen, self.results.append)


def _text(widget: Static) -> str:
    return str(widget.render())


def _fits(screen: Screen[Any], selector: str, min_height: int = 3) -> None:
    region = screen.query_one(selector).region
    assert region.x >= 0 and region.y >= 0
    assert region.right <= 80 and region.bottom <= 24
    assert region.height >= min_height


def _not_empty(value: str) -> str | None:
    return None if value.strip() else "A value is required."


def _no_spaces(value: str) -> str | None:
    return "No spaces, please." if " " in value else None


async def test_prompt_submits_the_value() -> None:
    app = ModalApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open(PromptScreen("Jump", "Stage ARN:", value="arn:", placeholder="arn:aws:..."))
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        _fits(app.screen, "#prompt-dialog")
        await pilot.press("x", "y", "enter")
        await pilot.pause()
    assert app.results == ["arn:xy"]


async def test_prompt_validator_keeps_it_open_until_fixed() -> None:
    app = ModalApp()
    async with app.run_test(size=(80, 24)) as pilot:
        prompt = PromptScreen("Path", "Write to:", value="a b", validator=_no_spaces)
        app.open(prompt)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is prompt and app.results == []
        assert prompt.error == "No spaces, please."
        error = prompt.query_one("#prompt-error", Static)
        assert error.display and _text(error) == "No spaces, please."
        # Editing clears the message; a valid value closes the modal.
        prompt.query_one(Input).value = "ab"
        await pilot.pause()
        assert prompt.error == "" and not error.display
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not prompt
    assert app.results == ["ab"]


async def test_prompt_escape_cancels_with_none() -> None:
    app = ModalApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open(PromptScreen("Range", "Start:", validator=_not_empty))
        await pilot.pause()
        await pilot.press("t", "escape")
        await pilot.pause()
    assert app.results == [None]


@pytest.mark.parametrize(
    ("keys", "expected"), [("y", True), ("enter", True), ("n", False), ("escape", False)]
)
async def test_confirm_keys(keys: str, expected: bool) -> None:
    app = ModalApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open(ConfirmScreen("Send 3 events?", ["to bus default"], confirm_label="Send"))
        await pilot.pause()
        _fits(app.screen, "#confirm-dialog")
        await pilot.press(keys)
        await pilot.pause()
    assert app.results == [expected]


async def test_confirm_body_is_plain_text_and_danger_is_marked() -> None:
    app = ModalApp()
    body = ["[bold]x[/]", "evil\x1b]52;c;ZXZpbA==\x07", "\u202eright-to-left"]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = ConfirmScreen("[red]Quit[/]?", body, confirm_label="Quit", danger=True)
        app.open(screen)
        await pilot.pause()
        lines = [_text(s) for s in screen.query(".confirm-line").results(Static)]
        assert lines == ["[bold]x[/]", "evil\\e]52;c;ZXZpbA==\\x07", "\\u202eright-to-left"]
        assert screen.has_class("-danger")
        assert "y/enter Quit" in _text(screen.query_one("#confirm-hint", Static))
        # The title getter returns markup: escaped brackets mean the text is shown literally.
        assert screen.query_one("#confirm-dialog").border_title == "\\[red]Quit\\[/]?"


async def test_confirm_long_body_still_fits() -> None:
    app = ModalApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open(ConfirmScreen("Send?", [f"entry {i}" for i in range(60)]))
        await pilot.pause()
        _fits(app.screen, "#confirm-dialog")
        _fits(app.screen, "#confirm-hint", min_height=1)


async def test_error_modal_shows_plain_text_closes_and_copies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    written: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: written.append(data))
    app = ModalApp()
    async with app.run_test(size=(80, 24)) as pilot:
        modal = ErrorModal("Unexpected error", "boom [b]x[/b]\x9b", hint="Run `aws sso login`")
        app.open(modal)
        await pilot.pause()
        _fits(modal, "#error-dialog")
        assert _text(modal.query_one("#error-message", Static)) == "boom [b]x[/b]\\x9b"
        assert _text(modal.query_one("#error-hint", Static)) == "Run `aws sso login`"
        await pilot.press("y")
        await pilot.pause()
        # The C1 CSI is copied as a visible escape, never raw; the lines stay lines.
        assert app.clipboard == "Unexpected error\nboom [b]x[/b]\\x9b\nRun `aws sso login`"
        assert any("52;c;" in data for data in written)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not modal
    assert app.results == [None]


async def test_error_modal_without_hint() -> None:
    app = ModalApp()
    async with app.run_test(size=(80, 24)) as pilot:
        modal = ErrorModal("Oops", "x" * 3000)
        app.open(modal)
        await pilot.pause()
        assert not modal.query("#error-hint")
        _fits(modal, "#error-dialog")
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [None]
