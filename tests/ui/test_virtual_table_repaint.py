"""VirtualTable repaints only what a change touched, and what is on screen is never stale.

Appending under the screen skips the body repaint (the cost that dominated loading 25,000 rows);
these tests read the lines through Textual's own line cache (``render_lines``), so a line that
should have been repainted and was not would show its old text here.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.geometry import Region

from tests.ui.helpers import StyledApp
from tests.ui.test_virtual_table import COLUMNS, make_rows
from tui.ui.widgets.virtual_table import Row, VirtualTable


class _App(StyledApp):
    def compose(self) -> ComposeResult:
        yield VirtualTable(COLUMNS)

    def on_mount(self) -> None:
        self.query_one(VirtualTable).focus()


def _screen_lines(table: VirtualTable) -> list[str]:
    """The body's lines as the compositor would get them (Textual's cached lines included)."""
    body = table.body
    crop = Region(0, 0, body.size.width, body.size.height)
    return [strip.text.rstrip() for strip in body.render_lines(crop)]


async def test_appends_in_view_repaint_rows_and_trailer() -> None:
    app = _App()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        table.append_rows(make_rows(0, 5), more=True)
        await pilot.pause()
        lines = _screen_lines(table)
        assert "user-4" in lines[5] and lines[6] == ""
        table.set_loading(True)
        await pilot.pause()
        assert _screen_lines(table)[6].startswith("loading…")
        table.set_loading(False)
        table.append_rows(make_rows(5, 8), more=False)
        await pilot.pause()
        lines = _screen_lines(table)
        assert ["user-5" in lines[6], "user-7" in lines[8]] == [True, True]
        assert lines[9].startswith("— end of results —")
        assert "loading" not in "\n".join(lines)
        assert table.query_one(".virtual-table--status").render().plain == "8 · all loaded"


async def test_appends_below_the_screen_then_scrolling_shows_them() -> None:
    app = _App()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        table.append_rows(make_rows(0, 50), more=True)
        await pilot.pause()
        before = _screen_lines(table)
        table.set_loading(True)
        await pilot.pause()
        table.set_loading(False)
        table.append_rows(make_rows(50, 300), more=False)
        await pilot.pause()
        assert _screen_lines(table) == before  # nothing on screen changed
        assert table.body.virtual_size.height == 300 + 2  # header + rows + end marker
        assert table.body.max_scroll_y > 250
        # The scrollbar knows the new height even when its thumb looked the same and was not repainted.
        assert table.body.vertical_scrollbar.window_virtual_size == 302
        assert table.query_one(".virtual-table--status").render().plain == "300 · all loaded"
        await pilot.press("G")
        await pilot.pause()
        lines = _screen_lines(table)
        assert "user-299" in lines[-2] and lines[-1].startswith("— end of results —")
        await pilot.press("g")
        await pilot.pause()
        assert _screen_lines(table) == before


async def test_clear_then_new_rows_never_show_cached_old_ones() -> None:
    app = _App()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        table.append_rows(make_rows(0, 10), more=False)
        await pilot.pause()
        table.clear()
        table.append_rows(
            [Row(f"k{i}", ("t", f"fresh-{i}", "K", "1")) for i in range(3)], more=False
        )
        await pilot.pause()
        lines = _screen_lines(table)
        assert "fresh-0" in lines[1] and "fresh-2" in lines[3]
        assert "user-" not in "\n".join(lines)
