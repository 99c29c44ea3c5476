"""The shell: help, keymap, themes, monochrome, profile switching, quit with sends in flight."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.ui.helpers import idle, open_screen, showing, wait_for
from tui.app import EventdeckApp, all_binding_ids
from tui.settings import load_settings
from tui.ui.screens.choice import ChoiceScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.help import HelpScreen


async def test_help_lists_the_bindings_of_the_focused_pane(app_ctx) -> None:  # type: ignore[no-untyped-def]
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, HelpScreen, "question_mark")
        described = {description for _, _, description in app.screen.rows}
        assert {"Filter", "Sort", "Export", "Copy JSON", "Follow", "Help", "Quit"} <= described
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_keymap_from_settings_remaps_a_binding(app_ctx) -> None:  # type: ignore[no-untyped-def]
    assert "table.filter" in all_binding_ids()
    app_ctx.settings = replace(app_ctx.settings, keymap={"table.filter": "ctrl+f", "no.such": "x"})
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        await pilot.press("ctrl+f", *"town", "enter")
        await wait_for(pilot, lambda: pane.table.row_count == 1)
    assert any("no.such" in w for w in app_ctx.warnings)


async def test_theme_choice_is_remembered(app_ctx) -> None:  # type: ignore[no-untyped-def]
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == "eventdeck-dark"
        app.theme = "eventdeck-light"
        await pilot.pause(0.1)
    settings, warnings = load_settings(app_ctx.settings_path)
    assert settings.ui.theme == "eventdeck-light" and not warnings
    assert oct(app_ctx.settings_path.stat().st_mode & 0o777) == "0o600"


async def test_an_unknown_theme_falls_back_and_config_toml_is_left_as_it_was(
    app_ctx,
) -> None:  # type: ignore[no-untyped-def]
    """A fallback is for this run only: the user's config.toml is byte for byte the same after."""
    path: Path = app_ctx.settings_path
    path.parent.mkdir(parents=True, exist_ok=True)
    original = (
        b'# my settings\n[ui]\ntheme = "solarized-nosuch"  # not installed here\n\n'
        b'[aws]\nregion = "eu-west-1"\n'
    )
    path.write_bytes(original)
    settings, warnings = load_settings(path)
    assert settings.ui.theme == "solarized-nosuch" and not warnings
    app_ctx.settings = settings
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        assert app.theme == "eventdeck-dark"
    assert any('Unknown theme "solarized-nosuch"' in w for w in app_ctx.warnings)
    assert path.read_bytes() == original


async def test_no_color_gives_the_monochrome_theme(
    app_ctx, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NO_COLOR", "1")
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.1)
        assert app.theme == "eventdeck-mono"


async def test_switching_profile_rebuilds_clients_and_reloads(app_ctx, isolated_dirs: Path) -> None:  # type: ignore[no-untyped-def]
    (isolated_dirs / ".aws" / "config").write_text(
        "[profile ops]\nregion = us-east-1\n[profile dev]\nregion = us-east-1\n"
    )
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        old_factory = app_ctx.factory
        app.action_pick_profile()
        await wait_for(pilot, lambda: showing(app, ChoiceScreen))
        assert app.screen.choices == ["dev", "ops"]
        await pilot.press("down", "enter")  # the filter has the focus: arrows move
        await wait_for(pilot, lambda: app_ctx.options.profile == "ops")
        assert app_ctx.factory is not old_factory
        await wait_for(pilot, idle(pane))
        header = str(app.query_one("StatusHeader #identity").render())
        assert "ops" in header


async def test_quit_asks_first_while_sends_are_in_flight(app_ctx) -> None:  # type: ignore[no-untyped-def]
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await pilot.pause(0.2)
        pane = app.current_pane
        pane.sends_in_flight = 1
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: showing(app, ConfirmScreen))
        await pilot.press("n")
        assert app.is_running
        pane.sends_in_flight = 0


async def test_palette_offers_the_focused_pane_actions(app_ctx) -> None:  # type: ignore[no-untyped-def]
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert {"Filter", "Sort", "Export", "Copy JSON", "Follow", "Switch profile"} <= set(
            commands
        )
        await commands["Filter"].callback()
        await pilot.pause(0.1)
        assert pane.table.query_one("Input").has_focus


async def test_textual_builtin_themes_work_too(app_ctx) -> None:  # type: ignore[no-untyped-def]
    """A theme without eventdeck's row variables (Textual's own) falls back to defaults."""
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        app.theme = "nord"
        await pilot.pause(0.2)
        assert app.theme == "nord"
        assert app.current_pane.table.row_count > 0


def test_pane_table_matches_the_pane_classes() -> None:
    """The shell's pane table (used before a pane's module is imported) agrees with each class."""
    from tui.app import PANES

    for info in PANES:
        cls = info.load()
        assert (info.pane_id, info.key, info.title) == (cls.PANE_ID, cls.KEY, cls.TITLE)
        assert (cls.SHORT_TITLE or cls.TITLE) == info.short_title


@pytest.mark.parametrize(
    "theme", ["eventdeck-dark", "eventdeck-high-contrast", "eventdeck-light", "eventdeck-16"]
)
async def test_the_stylesheet_is_parsed_once_at_start_in_the_chosen_theme(
    app_ctx, monkeypatch: pytest.MonkeyPatch, theme: str
) -> None:  # type: ignore[no-untyped-def]
    """A dark truecolor theme costs one parse before the first paint, and every theme shows."""
    from textual.color import Color
    from textual.css.stylesheet import Stylesheet

    reparsed: list[str] = []
    reparse = Stylesheet.reparse

    def counted(self: Stylesheet) -> None:
        reparsed.append(app.theme)
        reparse(self)

    monkeypatch.setattr(Stylesheet, "reparse", counted)
    app_ctx.settings = replace(app_ctx.settings, ui=replace(app_ctx.settings.ui, theme=theme))
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        assert app.theme == theme and app.has_class(f"-theme-{theme}")
        assert app.has_class("-dark-mode") is app.current_theme.dark
        background = app.get_css_variables()["background"]
        assert app.screen.styles.background == Color.parse(background)
    if theme in ("eventdeck-dark", "eventdeck-high-contrast"):  # as dark as Textual's default
        assert reparsed == []
