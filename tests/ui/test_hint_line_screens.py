"""The hint line never stops the app when its screen goes away with a rebuild still queued."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Input

from tests.ui.helpers import StyledApp
from tui.ui.widgets.hint_line import HintLine


class _Pushed(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Input()
        yield HintLine()


async def test_a_rebuild_queued_as_its_screen_is_dismissed_is_dropped() -> None:
    """A burst of binding changes (a focus move) queues a rebuild after the next refresh; the
    screen is dismissed before that refresh (escape from the inspector): the queued rebuild must
    not ask a screen-less widget for its screen (NoScreen stopped the app)."""
    app: App[None] = StyledApp()
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(5):
            screen = _Pushed()
            await app.push_screen(screen)
            await pilot.pause()
            hint = screen.query_one(HintLine)
            app.pop_screen()
            hint._bindings_changed(screen)  # the signal fires as focus leaves the screen
            await pilot.pause()
            await pilot.pause()
            # However late the queued rebuild runs, a widget cut off from its screen skips it.
            hint.rebuild()
        assert app.is_running and app.return_code is None
