"""One-shot timers always fire (tui/ui/timers.py), and every one in the app goes through them."""

from __future__ import annotations

import re
from pathlib import Path

from textual.app import App

from tests.ui.helpers import wait_for
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
