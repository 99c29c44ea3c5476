"""The pickers read the AWS config (and botocore's region data) in a worker, never on the loop.

Why: those reads take tens of milliseconds, far longer on the NFS homes of jump hosts, and the
event loop must keep drawing while they run. The reads are recorded with the thread they ran on;
the event loop runs on the main thread.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from tests.ui.helpers import idle, showing, wait_for
from tui.app import EventdeckApp
from tui.services import regions
from tui.ui.screens.choice import ChoiceScreen
from tui.ui.screens.settings import SettingsScreen


def _record_profile_reads(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record, for every read of the profile list, whether it ran on the main thread."""
    on_main: list[bool] = []
    real = botocore.session.Session.available_profiles

    def available_profiles(self: botocore.session.Session) -> list[str]:
        on_main.append(threading.current_thread() is threading.main_thread())
        return list(real.fget(self))  # type: ignore[attr-defined]

    monkeypatch.setattr(
        botocore.session.Session, "available_profiles", property(available_profiles)
    )
    return on_main


@pytest.mark.parametrize(
    "action,screen_type", [("pick_profile", ChoiceScreen), ("settings", SettingsScreen)]
)
async def test_profile_list_is_read_in_a_worker(
    app_ctx: Any,
    isolated_dirs: Path,
    monkeypatch: pytest.MonkeyPatch,
    action: str,
    screen_type: type,
) -> None:
    """The profile picker and the settings screen (profile completions) both list profiles."""
    (isolated_dirs / ".aws" / "config").write_text("[profile ops]\n[profile dev]\n")
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        on_main = _record_profile_reads(monkeypatch)
        await app.run_action(action)
        await wait_for(pilot, lambda: showing(app, screen_type))
        await pilot.pause()  # let the screen finish mounting before the app exits
        if isinstance(app.screen, ChoiceScreen):
            assert app.screen.choices == ["dev", "ops"]
    assert on_main and not any(on_main)


async def test_region_picker_works_out_its_regions_in_a_worker(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_main: list[bool] = []
    real = regions.picker_regions

    def picker_regions(*args: Any, **kwargs: Any) -> list[str]:
        on_main.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        monkeypatch.setattr(regions, "picker_regions", picker_regions)
        app.action_pick_region()
        await wait_for(pilot, lambda: showing(app, ChoiceScreen))
        assert isinstance(app.screen, ChoiceScreen) and "us-east-1" in app.screen.choices
    assert on_main and not any(on_main)


async def test_an_unreadable_aws_config_is_a_notification_not_a_crash(
    app_ctx: Any, isolated_dirs: Path
) -> None:
    app = EventdeckApp(app_ctx)
    notes: list[tuple[str, object]] = []
    notify = app.notify

    def record(message: str, **kwargs: Any) -> None:
        notes.append((message, kwargs.get("severity")))
        notify(message, **kwargs)

    app.notify = record  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        (isolated_dirs / ".aws" / "config").write_text("[profile ops\nregion = \n")
        app.action_pick_profile()
        await wait_for(pilot, lambda: any("AWS config cannot be read" in m for m, _ in notes))
        assert not isinstance(app.screen, ChoiceScreen)
    assert "error" in {severity for _, severity in notes}


async def test_switching_profile_resolves_it_in_a_worker(
    app_ctx: Any, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (isolated_dirs / ".aws" / "config").write_text("[profile ops]\nregion = us-east-1\n")
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        on_main = _record_profile_reads(monkeypatch)
        app.switch_connection(profile="ops")
        await wait_for(pilot, lambda: app_ctx.options.profile == "ops")
        assert app_ctx.resolved.profile.value == "ops"
    assert on_main and not any(on_main)


async def test_a_profile_that_does_not_resolve_is_not_switched_to(app_ctx: Any) -> None:
    app = EventdeckApp(app_ctx)
    notes: list[tuple[str, object]] = []
    notify = app.notify

    def record(message: str, **kwargs: Any) -> None:
        notes.append((message, kwargs.get("title")))
        notify(message, **kwargs)

    app.notify = record  # type: ignore[method-assign]
    before = app_ctx.factory
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        app.switch_connection(profile="no-such-profile")
        await wait_for(pilot, lambda: any(title == "Not switched" for _, title in notes))
    assert app_ctx.factory is before and app_ctx.options.profile != "no-such-profile"


async def test_sign_in_reads_the_profiles_sso_settings_in_a_worker(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.shell.flows

    on_main: list[bool] = []
    real = tui.shell.flows.sso_target

    def sso_target(*args: Any, **kwargs: Any) -> Any:
        on_main.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(tui.shell.flows, "sso_target", sso_target)
    app = EventdeckApp(app_ctx)
    notes: list[str] = []
    notify = app.notify

    def record(message: str, **kwargs: Any) -> None:
        notes.append(message)
        notify(message, **kwargs)

    app.notify = record  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        await pilot.press("L")
        await wait_for(pilot, lambda: any("does not use SSO" in n for n in notes))
    assert on_main == [False]
