"""One-shot timers always fire (tui/ui/timers.py), every one in the app goes through them, and the
screens repaint at the app's frame rate."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import textual.screen
from textual.app import App

from tests.ui.helpers import wait_for
from tui.app import EventdeckApp
from tui.ui import timers
from tui.ui.timers import call_after

TUI = Path(__file__).resolve().parents[2] / "tui"


async def test_a_timer_late_at_its_start_still_fires_once_and_a_stopped_one_never() -> None:
    app: App[None] = App()
    fired: list[str] = []
    async with app.run_test() as pilot:
        call_after(app, 1e-9, lambda: fired.append("late"))
        stopped = call_after(app, 0.05, lambda: fired.append("stopped"))
        stopped.stop()
        await wait_for(pilot, lambda: fired == ["late"], timeout=20)
        await pilot.pause(0.2)
        assert fired == ["late"]


def test_set_timer_is_only_called_where_panes_route_it_through_call_after() -> None:
    """Textual's own ``set_timer`` can drop its only tick; panes override it with ``call_after``.

    A ``set_timer`` call outside tui/ui/panes would be Textual's: use ``call_after`` there.
    """
    outside = [
        f"{path.relative_to(TUI)}:{n}"
        for path in TUI.rglob("*.py")
        if "panes" not in path.relative_to(TUI).parts
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\bset_timer\(", line) and "def set_timer" not in line
    ]
    assert outside == []


async def test_screens_repaint_at_the_app_frame_rate_unless_the_user_set_textual_fps(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEXTUAL_FPS", raising=False)
    monkeypatch.setattr(textual.screen, "UPDATE_PERIOD", 1 / 60)  # Textual's default; restored
    app = EventdeckApp(app_ctx)
    assert textual.screen.UPDATE_PERIOD == 1 / timers.FRAME_RATE
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.screen._update_timer._interval == 1 / timers.FRAME_RATE
    monkeypatch.setenv("TEXTUAL_FPS", "30")  # Textual read it at import: eventdeck keeps out
    monkeypatch.setattr(textual.screen, "UPDATE_PERIOD", 1 / 30)
    timers.use_frame_rate()
    assert textual.screen.UPDATE_PERIOD == 1 / 30
