"""Keymap: validation and normalisation of [keymap], then Textual's own set_keymap applies it."""

from __future__ import annotations

import string

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.keys import Keys, _character_to_key
from textual.widgets import Static

from tui.keymap import (
    NAMED_KEYS,
    PUNCTUATION_NAMES,
    apply_keymap,
    character_key_name,
    normalize_key,
    normalize_keys,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("ctrl+r", "ctrl+r"),
        ("Ctrl+R", "ctrl+r"),
        ("shift+ctrl+up", "ctrl+shift+up"),
        ("F5", "f5"),
        ("?", "question_mark"),
        ("ctrl+?", "ctrl+question_mark"),
        ("/", "slash"),
        ("ctrl++", "ctrl+plus"),
        ("+", "plus"),
        ("esc", "escape"),
        ("PgDn", "pagedown"),
        ("control+option+x", "alt+ctrl+x"),
        ("R", "R"),
        ("comma", "comma"),
        (" space ", "space"),
    ],
)
def test_normalize_key(given: str, expected: str) -> None:
    assert normalize_key(given) == expected


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ("ctrl+shfit+r", "unknown modifier"),
        ("ctrl+ctrl+r", "twice"),
        ("pgdwn", "unknown key"),
        ("escpe", "did you mean 'escape'"),
        ("", "empty"),
        ("\x07", "printable"),
    ],
)
def test_bad_keys_are_rejected(given: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        normalize_key(given)


def test_normalize_keys_list() -> None:
    assert normalize_keys("ctrl+R, f5 ,?") == "ctrl+r,f5,question_mark"
    assert normalize_keys("f5,F5") == "f5"
    with pytest.raises(ValueError, match="comma"):
        normalize_keys("a,,b")
    with pytest.raises(ValueError):
        normalize_keys("  ")


def test_our_key_names_are_textuals() -> None:
    textual_keys = {k.value for k in Keys}
    for name in NAMED_KEYS:
        assert name in textual_keys, name
    for char in string.punctuation:
        assert character_key_name(char) == _character_to_key(char)
    assert {_character_to_key(c) for c in string.punctuation} == PUNCTUATION_NAMES


def test_apply_keymap_reports_unknown_ids_once_and_bad_keys_each() -> None:
    known = {"app.quit": "ctrl+q", "pane.refresh": "r", "app.help": "f1"}
    overrides, warnings = apply_keymap(
        known,
        {
            "app.quit": "Ctrl+Q",
            "pane.refresh": "ctrl+shfit+r",
            "app.hlep": "f2",
            "nope": "x",
            "app.help": "F1,?",
        },
    )
    assert overrides == {"app.quit": "ctrl+q", "app.help": "f1,question_mark"}
    unknown = [w for w in warnings if "unknown binding id" in w]
    assert len(unknown) == 1
    assert "'app.hlep' (did you mean 'app.help'?)" in unknown[0] and "'nope'" in unknown[0]
    assert any(w.startswith("keymap.pane.refresh") and "shfit" in w for w in warnings)
    assert len(warnings) == 2


def test_apply_keymap_accepts_an_iterable_of_ids_and_warns_on_clashes() -> None:
    overrides, warnings = apply_keymap(["a", "b"], {"a": "f5", "b": "F5"})
    assert overrides == {"a": "f5", "b": "f5"}
    assert len(warnings) == 1 and "'f5'" in warnings[0] and "a, b" in warnings[0]


def test_apply_keymap_empty() -> None:
    assert apply_keymap({"x": "y"}, {}) == ({}, [])


class _KeyApp(App[None]):
    BINDINGS = [
        Binding("r", "count('refresh')", "Refresh", id="pane.refresh"),
        Binding("f1", "count('help')", "Help", id="app.help"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pressed: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("keys")

    def action_count(self, name: str) -> None:
        self.pressed.append(name)


async def test_overrides_drive_textuals_set_keymap() -> None:
    app = _KeyApp()
    ids = {b.id: b.key for b in app.BINDINGS if isinstance(b, Binding) and b.id}
    overrides, warnings = apply_keymap(ids, {"pane.refresh": "ctrl+R, F5", "app.help": "?"})
    assert warnings == []
    async with app.run_test() as pilot:
        app.set_keymap(overrides)
        await pilot.press("r", "ctrl+r", "f5", "f1", "question_mark")
        await pilot.pause()
    assert app.pressed == ["refresh", "refresh", "help"]
