"""The settings screen driven from the keyboard: checks at the field, atomic 0600 saves, refusals."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select, Static

from tests.ui.helpers import StyledApp, wait_for
from tui.context import AppContext
from tui.logsetup import clear_registered_secrets, register_secret
from tui.services.options import ConnectionOptions
from tui.settings import Settings, load_settings, update
from tui.themes import load_themes
from tui.ui.screens.settings import FIELDS, SettingsSaved, SettingsScreen


class HostApp(StyledApp):
    """A bare app with eventdeck's themes registered, recording what the screen dismissed with."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.results: list[SettingsSaved | None] = []
        themes, _ = load_themes()
        for theme in themes.values():
            self.register_theme(theme)

    def open(self) -> SettingsScreen:
        screen = SettingsScreen(self.ctx)
        self.push_screen(screen, self.results.append)
        return screen


@pytest.fixture
def config(isolated_dirs: Path) -> Path:
    return isolated_dirs / "config" / "eventdeck" / "config.toml"


def make_ctx(config: Path, settings: Settings | None = None) -> AppContext:
    return AppContext(
        options=ConnectionOptions(), settings=settings or Settings(), settings_path=config
    )


def error_text(screen: SettingsScreen, key: str) -> str:
    field = next(f for f in FIELDS if f.key == key)
    return screen.query_one(f"#{field.dom_id}-error").message  # type: ignore[attr-defined]


async def retype(pilot: Any, screen: SettingsScreen, key: str, text: str) -> None:
    """Focus a field, clear it and type ``text`` key by key."""
    field = next(f for f in FIELDS if f.key == key)
    widget = screen.query_one(f"#{field.dom_id}", Input)
    widget.focus()
    await pilot.pause()
    await pilot.press("end", *(["backspace"] * len(widget.value)))
    await pilot.press(*[{" ": "space", "/": "slash", ".": "full_stop"}.get(c, c) for c in text])
    await pilot.pause()


async def test_fits_80x24_and_keyboard_reaches_every_field(config: Path) -> None:
    keymap = {"app.help": "f1", "app.quit": "ctrl+q\x1b[2J"}
    app = HostApp(make_ctx(config, update(Settings(), keymap=keymap)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.open()
        await pilot.pause()
        dialog = screen.query_one("#settings-dialog")
        assert dialog.region.right <= 80 and dialog.region.bottom <= 24
        focused = [app.focused.id if app.focused else None]
        for _ in range(len(FIELDS) - 1):
            await pilot.press("tab")
            focused.append(app.focused.id if app.focused else None)
        assert focused == [f.dom_id for f in FIELDS]
        # every field is on screen when focused (scrolled into view), the hint is always visible
        assert app.focused is not None and app.focused.region.bottom <= 24
        assert "ctrl+s save" in str(screen.query_one("#settings-hint", Static).render())
        shown = str(screen.query_one("#settings-keymap", Static).render())
        assert "read-only" in shown and "config.toml" in shown
        assert shown.splitlines()[1:] == ["  app.help = f1", "  app.quit = ctrl+q\\e[2J"]
        assert "\x1b" not in shown


async def test_bad_values_are_explained_at_the_field_and_not_saved(config: Path) -> None:
    ctx = make_ctx(config)
    app = HostApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.open()
        await pilot.pause()
        await retype(pilot, screen, "pages.ivs", "500")
        assert error_text(screen, "pages.ivs") == "pages.ivs must be an integer from 1 to 100"
        await retype(pilot, screen, "codecatalyst.default_range", "45d")
        assert "at most 30 days" in error_text(screen, "codecatalyst.default_range")
        await retype(pilot, screen, "workers.pool_size", "lots")
        assert "integer from 1 to 32" in error_text(screen, "workers.pool_size")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen and app.results == []
        assert "3 fields to fix" in screen.status
        assert not config.exists()
        # the focus goes to the first field to fix
        assert app.focused is not None and app.focused.id == "setting-pages-ivs"
        # fixing one clears its message at once
        await retype(pilot, screen, "pages.ivs", "50")
        assert error_text(screen, "pages.ivs") == ""
        assert not screen.query_one("#setting-pages-ivs").has_class("-bad")
        assert screen.query_one("#setting-workers-pool_size").has_class("-bad")
    assert ctx.settings == Settings()


async def test_save_writes_0600_atomically_and_dismisses_with_the_changes(config: Path) -> None:
    config.parent.mkdir(parents=True)
    config.write_text('# mine\n[ui]\ncolor = "auto"\n\n[future]\nkept = 1\n')
    config.chmod(0o644)
    ctx = make_ctx(config)
    app = HostApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.open()
        await pilot.pause()
        await retype(pilot, screen, "aws.profile", "ops")
        await retype(pilot, screen, "pages.codecatalyst", "250")
        await retype(pilot, screen, "export.directory", "~/exports")
        # the theme with the keyboard: open the list, move down once, choose
        theme = screen.query_one("#setting-ui-theme", Select)
        before_theme = theme.value
        theme.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert theme.value != before_theme
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: bool(app.results))
    (saved,) = app.results
    assert saved is not None
    assert saved.changed == {"aws.profile", "pages.codecatalyst", "export.directory", "ui.theme"}
    assert saved.before == Settings() and saved.after is ctx.settings
    assert ctx.settings.aws.profile == "ops" and ctx.settings.pages.codecatalyst == 250
    assert ctx.settings.ui.theme == theme.value
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert not [p for p in config.parent.iterdir() if p.name.endswith(".tmp")]
    document = tomllib.loads(config.read_text())
    assert document["aws"] == {"profile": "ops"}
    assert document["pages"] == {"codecatalyst": 250}
    assert document["export"] == {"directory": "~/exports"}
    assert document["future"] == {"kept": 1}  # the user's unknown table is theirs
    loaded, warnings = load_settings(config)
    assert loaded.pages.codecatalyst == 250 and loaded.ui.theme == ctx.settings.ui.theme
    assert [w for w in warnings if "future" not in w] == []


async def test_escape_discards_edits(config: Path) -> None:
    ctx = make_ctx(config)
    app = HostApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.open()
        await pilot.pause()
        await retype(pilot, screen, "aws.region", "eu-west-1")
        await pilot.press("escape")
        await wait_for(pilot, lambda: bool(app.results))
    assert app.results == [None]
    assert ctx.settings == Settings() and not config.exists()


async def test_nothing_changed_saves_nothing(config: Path) -> None:
    app = HostApp(make_ctx(config))
    async with app.run_test(size=(80, 24)) as pilot:
        app.open()
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: bool(app.results))
    (saved,) = app.results
    assert saved is not None and saved.changed == frozenset()
    assert not config.exists()


async def test_broken_config_is_not_overwritten_and_the_reason_is_shown(config: Path) -> None:
    config.parent.mkdir(parents=True)
    broken = b'[ui]\ntheme = "eventdeck-light\n'
    config.write_bytes(broken)
    ctx = make_ctx(config)
    app = HostApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.open()
        await pilot.pause()
        await retype(pilot, screen, "aws.max_attempts", "7")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.status.startswith("Not saved"))  # saved in a worker
        assert app.screen is screen and app.results == []
        assert screen.status.startswith("Not saved: not saving settings:")
        assert "not valid TOML" in screen.status and str(config) in screen.status
        shown = str(screen.query_one("#settings-status", Static).render())
        assert "never overwrites a broken config" in shown
    assert config.read_bytes() == broken
    assert ctx.settings == Settings()  # a failed save changes nothing


async def test_a_secret_typed_into_a_field_is_refused(config: Path) -> None:
    secret = "AKIAsecret/value+1234567890"
    register_secret(secret)
    try:
        ctx = make_ctx(config)
        app = HostApp(ctx)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.open()
            await pilot.pause()
            await retype(pilot, screen, "export.directory", f"/tmp/{secret}")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: screen.status.startswith("Not saved"))  # in a worker
            assert app.results == []
            assert "contains a secret value" in screen.status
            assert secret not in screen.status
    finally:
        clear_registered_secrets()
    assert not config.exists()


async def test_save_runs_in_a_worker_and_a_second_ctrl_s_meanwhile_saves_nothing(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The save writes and fsyncs (slow on NFS homes): off the event loop, and only once."""
    import threading

    import tui.settings

    gate = threading.Event()
    on_main: list[bool] = []
    real = tui.settings.save_settings

    def save_settings(settings: Settings, path: Path) -> None:
        on_main.append(threading.current_thread() is threading.main_thread())
        gate.wait(10)  # held until the test has pressed ctrl+s again (10 s: a hang guard)
        real(settings, path)

    monkeypatch.setattr(tui.settings, "save_settings", save_settings)
    ctx = make_ctx(config)
    app = HostApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.open()
        await pilot.pause()
        await retype(pilot, screen, "aws.max_attempts", "7")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: bool(on_main))
        await pilot.press("ctrl+s")
        await pilot.pause()
        gate.set()
        await wait_for(pilot, lambda: bool(app.results))
    assert on_main == [False]
    assert ctx.settings.aws.max_attempts == 7 and config.exists()
