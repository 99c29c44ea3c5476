"""The first screen loads only what it shows; the screens imported later still open and remap.

Why: every module imported before the first paint is launch time (tui/launch.py); the help,
settings, sign-in and picker screens, the inspector, the hand-over bundle and Textual's
TextArea are imported where they are first used, and must stay reachable from their keys, the
palette and the keymap.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.ui.helpers import idle, wait_for
from tui.app import EventdeckApp, all_binding_ids
from tui.ui.widgets.hint_line import is_text_field

ROOT = Path(__file__).resolve().parents[2]

# Loaded by the launch path (cli → launch → app → the launched pane) before the first paint.
FIRST_SCREEN = """
import json, sys
import tui.cli, tui.launch, tui.app, tui.ui.panes.ivs
print(json.dumps(sorted(sys.modules)))
"""

LATER = (
    "hashlib",
    "textual.widgets._text_area",
    "tomli_w",
    "tui.services.bundle",
    "tui.services.customer_profiles",
    "tui.services.sso_cache",
    "tui.shell.flows",
    "tui.services.signin",
    "tui.ui.screens.choice",
    "tui.ui.screens.help",
    "tui.ui.screens.inspector",
    "tui.ui.screens.settings",
    "tui.ui.screens.sso_login",
)


def test_the_first_screen_does_not_import_the_screens_opened_later() -> None:
    out = subprocess.run(
        [sys.executable, "-c", FIRST_SCREEN],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "tui.ui.panes.ivs" in loaded and "textual.app" in loaded  # the probe saw the imports
    assert sorted(loaded & set(LATER)) == []


def test_the_keymap_still_knows_the_bindings_of_screens_imported_later() -> None:
    ids = all_binding_ids()
    assert {"settings.save", "sso_login.copy", "app.help"} <= ids


def test_text_fields_are_recognised_without_importing_textarea() -> None:
    from textual.widgets import Input, Static

    from tui.ui.widgets.json_editor import JsonEditor

    assert is_text_field(Input())
    assert is_text_field(JsonEditor())  # a TextArea subclass
    assert not is_text_field(Static("x")) and not is_text_field(None)


async def test_help_and_settings_open_from_their_keys_and_the_palette(app_ctx) -> None:  # type: ignore[no-untyped-def]
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        await pilot.press("escape")
        await pilot.press("comma")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SettingsScreen")
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ != "SettingsScreen")
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        for title, screen in (("Help", "HelpScreen"), ("Settings", "SettingsScreen")):
            commands[title].callback()
            await wait_for(pilot, lambda s=screen: type(app.screen).__name__ == s)  # type: ignore[misc]
            await pilot.press("escape")
            await wait_for(pilot, lambda s=screen: type(app.screen).__name__ != s)  # type: ignore[misc]
