"""Keys at 80x24: the hint line fits and keeps help, `?` speaks the user's words, the palette lists actions."""

from __future__ import annotations

import contextlib

from compose_helpers import make_app, open_pane

from tests.ui.helpers import idle, open_screen, showing, wait_for
from tui.app import EventdeckApp
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.hint_line import Hint, HintLine, fit_hints


def hint_text(app: EventdeckApp) -> str:
    return app.screen.query_one(HintLine).text


def test_fit_hints_drops_whole_hints_and_keeps_help() -> None:
    hints = [Hint("enter", "Open"), Hint("esc", "Back"), Hint("/", "Filter")]
    chosen = fit_hints(hints, 28, always=[Hint("?", "Help")], tail=[Hint("q", "Quit")])
    assert [h.text for h in chosen] == ["enter Open", "esc Back", "? Help"]
    assert [h.text for h in fit_hints(hints, 3, always=[Hint("?", "Help")], tail=[])] == ["? Help"]


async def test_hint_line_fits_80_columns_with_help_and_whole_words(app_ctx) -> None:  # type: ignore[no-untyped-def]
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        await pilot.pause()
        text = hint_text(app)
        assert len(text) <= 78
        assert "? Help" in text
        # The table's own keys come first, and every hint shown is a whole binding description.
        assert text.startswith("enter Open  esc Back")
        described = {a.binding.description for a in app.screen.active_bindings.values()}
        for hint in text.split("  "):
            assert hint.split(" ", 1)[1] in described | {"Help", "Palette"}, hint


async def test_hint_line_in_a_text_field_shows_no_typing_keys(sandbox_env, sandbox_options) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        pane.query_one("#entry-field-Detail").focus()
        await pilot.pause()
        await pilot.pause()
        text = hint_text(app)
        assert "^s Send" in text and "^r Re-send failed" in text
        assert "f1 Help" in text and "? Help" not in text  # "?" would type a question mark
        await pilot.press("f1")
        await wait_for(pilot, lambda: showing(app, HelpScreen))


async def test_read_only_hint_line_has_no_send_keys(sandbox_env, sandbox_options) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options.with_(read_only=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot, "4")
        await pilot.pause()
        text = hint_text(app)
        assert "Send" not in text and "Re-send" not in text
        assert "^n Add" in text


async def test_help_groups_under_user_words_and_scrolls_with_j(app_ctx) -> None:  # type: ignore[no-untyped-def]
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, HelpScreen, "question_mark")
        screen = app.screen
        groups = [name for name, _ in screen.grouped()]
        assert groups[0] == "Tables"
        assert {"IVS Real-Time", "App", "Header"} <= set(groups)
        assert not {"VirtualTable", "IvsPane", "Screen", "EventdeckApp"} & set(groups)
        text = str(screen.query_one("#help-keys").render())
        assert "⇅" in text and "↻" in text  # the header's indicators are explained
        scroll = screen.query_one("VerticalScroll")
        assert scroll.max_scroll_y > 5
        await pilot.press("j", "j", "j")
        await pilot.pause()
        assert scroll.scroll_y == 3
        await pilot.press("k")
        await pilot.pause()
        assert scroll.scroll_y == 2


async def test_help_takes_two_columns_when_wide(app_ctx) -> None:  # type: ignore[no-untyped-def]
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: showing(app, HelpScreen))
        lines = str(app.screen.query_one("#help-keys").render()).splitlines()
        one_column = len(app.screen.rows) + 2 * len(app.screen.grouped()) - 1
        assert len(lines) < one_column * 0.7
        assert any(line.startswith("Tables") for line in lines)


async def test_palette_lists_actions_in_user_words_not_key_echoes(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        pane.query_one("#entry-field-Source").focus()
        await pilot.pause()
        commands = list(app.get_system_commands(app.screen))
        helps = [c.help for c in commands]
        assert not [h for h in helps if "Input" in h or "key backspace" in h]
        titles = {c.title for c in commands}
        assert "Delete character left" not in titles  # the text field's editing keys
        assert any(c.title == "Send" and c.help == "Compose · ctrl+s" for c in commands)


async def test_palette_pane_command_shows_that_pane(app_ctx) -> None:  # type: ignore[no-untyped-def]
    """Choosing "Pane 3: …" in the command palette shows pane 3, as the key 3 does."""
    from textual.command import CommandPalette

    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, CommandPalette, "ctrl+p")
        await pilot.press("P", "a", "n", "e", "space", "3")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.current_pane.id == "pane-profiles")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette))


async def test_header_error_badge_clears_when_the_next_call_succeeds(app_ctx) -> None:  # type: ignore[no-untyped-def]
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        pool_text = app.screen.query_one("StatusHeader #pool")

        def fail() -> None:
            raise RuntimeError("clipboard paste was not JSON")

        with contextlib.suppress(RuntimeError), app_ctx.pool.slot():
            fail()
        await wait_for(pilot, lambda: "✖" in str(pool_text.render()))
        with app_ctx.pool.slot():
            pass
        await wait_for(pilot, lambda: "✖" not in str(pool_text.render()))
        assert "DEMO" in str(app.screen.query_one("StatusHeader #identity").render())


async def test_palette_screenshot_saves_where_exports_go(app_ctx) -> None:  # type: ignore[no-untyped-def]
    from tui.settings import export_directory

    app = EventdeckApp(app_ctx)
    folder = export_directory(app_ctx.settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Screenshot")
        command.callback()
        await wait_for(pilot, lambda: folder.is_dir() and any(folder.glob("*.svg")), timeout=10)


async def test_region_picker_filters_as_you_type(app_ctx) -> None:  # type: ignore[no-untyped-def]
    from tui.ui.screens.choice import ChoiceScreen

    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        app.action_pick_region()
        await wait_for(pilot, lambda: showing(app, ChoiceScreen))
        screen = app.screen
        assert len(screen.shown) > 10
        await pilot.press(*"eu-we")
        await pilot.pause()
        shown = [screen.choices[i] for i in screen.shown]
        assert shown and all(r.startswith("eu-west-") for r in shown)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: app_ctx.options.region == shown[1])


async def test_compose_help_lists_the_panes_keys_apart_from_inherited_list_keys(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot, "4")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: showing(app, HelpScreen))
        groups = dict(app.screen.grouped())
        compose = {description for _, _, description in groups["Compose"]}
        assert {"Send", "Re-send failed", "Add"} <= compose
        assert not {"Scroll Left", "Page Up", "Up"} & compose
        assert "Next entry" in {d for rows in groups.values() for _, _, d in rows}
