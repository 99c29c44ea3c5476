"""Ticked and unticked boxes differ in their text, not only in colour (NO_COLOR, monochrome)."""

from __future__ import annotations

from textual.app import ComposeResult

from tests.ui.helpers import StyledApp
from tui.ui.widgets.tick_list import TickList


class _Host(StyledApp):
    def compose(self) -> ComposeResult:
        yield TickList(("alpha", "alpha", True), ("beta", "beta", False))


async def test_unticked_boxes_are_blank_and_space_ticks() -> None:
    app = _Host()
    async with app.run_test(size=(40, 6)) as pilot:
        ticks = app.query_one(TickList)
        ticks.focus()
        await pilot.pause()

        def line(y: int) -> str:
            return "".join(segment.text for segment in ticks.render_line(y))

        assert "X" in line(0) and "alpha" in line(0)
        assert "X" not in line(1) and "beta" in line(1)
        await pilot.press("down", "space")
        assert "X" in line(1)
        assert ticks.selected == ["alpha", "beta"]
