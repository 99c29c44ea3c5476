"""``G`` through pages: the next page lands and the cursor goes onto its last row in one frame.

Why these tests: paging under a held ``G`` drew two frames a page (the cursor's jump, then the
page below it), and the scrollbar repainted every frame although its one-cell thumb stayed put.
They check what the user sees: where the cursor is once a page has landed, that no row is
repeated or lost, and that the scrollbar as drawn always matches the bar's state.
"""

from __future__ import annotations

from textual.geometry import Region
from textual.theme import Theme

from tests.ui.test_virtual_table import TableApp, make_rows, screen_lines
from tui.ui.widgets.virtual_table import VirtualTable
from tui.ui.widgets.virtual_table.body import _bar_geometry, _thumb

PAGE = 40


class HostApp(TableApp):
    """A table whose host holds the next page ready (``land_ready``), as the browse panes do."""

    def __init__(self, pages: int) -> None:
        super().__init__(rows=PAGE, more=True)
        self.pages = pages
        self.next = PAGE
        self.ready = True  # the next page is here (fetched ahead)

    def on_mount(self) -> None:  # Textual runs TableApp's on_mount too (rows, focus)
        self.query_one(VirtualTable).land_ready = self.land_ready

    def land(self) -> None:
        table = self.query_one(VirtualTable)
        stop = self.next + PAGE
        table.append_rows(make_rows(self.next, stop), more=stop < self.pages * PAGE)
        self.next = stop

    def land_ready(self) -> bool:
        if not self.ready:
            return False
        self.land()
        return True


def drawn_thumb_matches(table: VirtualTable) -> bool:
    """The bar as drawn (Textual's cached lines) is the bar its current state would draw."""
    bar = table.body.vertical_scrollbar
    crop = Region(0, 0, bar.size.width, bar.size.height)
    drawn = [strip.text for strip in bar.render_lines(crop)]
    expected = [segment.text for segment in _thumb(bar.size.height, *_bar_geometry(bar))]
    return drawn == expected


async def test_g_lands_the_page_held_ready_and_moves_onto_its_last_row() -> None:
    app = HostApp(pages=5)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        for page in range(2, 6):
            await pilot.press("G")
            # In the key's own handler: the page is in and the cursor on its last row.
            assert table.loaded_count == page * PAGE
            assert table.cursor_row == page * PAGE - 1
            assert table.current_row is not None
            assert table.current_row.key == f"arn:row/{page * PAGE - 1}"
            await pilot.pause()
            assert drawn_thumb_matches(table)
        assert app.of(VirtualTable.MoreRowsRequested) == []  # what was held landed, none asked
        assert [row.key for row in (table.model.visible_row(i) for i in range(200))] == [
            f"arn:row/{i}" for i in range(200)
        ]
        await pilot.press("G")  # all loaded: G stays on the last row
        assert (table.loaded_count, table.cursor_row) == (200, 199)


async def test_g_with_no_page_ready_asks_and_the_page_takes_the_cursor_along() -> None:
    app = HostApp(pages=3)
    app.ready = False
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("G")
        assert table.cursor_row == PAGE - 1  # at the end now, the page asked for
        assert len(app.of(VirtualTable.MoreRowsRequested)) == 1
        table.set_loading(True)
        await pilot.press("G")  # held: the page is on its way, nothing asked again
        assert len(app.of(VirtualTable.MoreRowsRequested)) == 1
        app.land()
        assert table.cursor_row == 2 * PAGE - 1  # the page landed and took the cursor along
        await pilot.pause()
        assert drawn_thumb_matches(table)
        # The cursor moved away meanwhile: the page lands below it and leaves it there.
        await pilot.press("G")
        await pilot.press("k")
        app.land()
        assert table.cursor_row == 2 * PAGE - 2
        assert table.loaded_count == 3 * PAGE


async def test_the_scrollbar_drawn_follows_every_append_and_scroll() -> None:
    app = TableApp(rows=30, more=True)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        for start in range(30, 330, 30):
            table.set_loading(True)
            await pilot.pause()
            assert drawn_thumb_matches(table)
            table.append_rows(make_rows(start, start + 30), more=True)
            await pilot.pause()
            assert drawn_thumb_matches(table)
        for key in ("G", "g", "pagedown", "G", "k"):
            await pilot.press(key)
            await pilot.pause()
            assert drawn_thumb_matches(table)


async def test_loading_on_the_last_row_takes_the_blank_line_kept_for_it_without_scrolling() -> None:
    app = TableApp(rows=100, more=True)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("G")
        await pilot.pause()
        top = table.body.scroll_offset.y
        lines = screen_lines(table)
        assert "user-99" in lines[-2] and lines[-1].strip() == ""  # kept for "loading…"
        table.set_loading(True)
        await pilot.pause()
        assert table.body.scroll_offset.y == top  # no scroll: one line repainted, not all
        lines = screen_lines(table)
        assert "user-99" in lines[-2] and lines[-1].startswith("loading…")
        table.append_rows(make_rows(100, 110), more=False)
        table.move_to(table.row_count - 1)
        await pilot.pause()
        lines = screen_lines(table)
        assert "user-109" in lines[-2] and lines[-1].startswith("— end of results —")


async def test_row_styles_follow_focus_and_theme_changes() -> None:
    """The body looks component styles up once (a frame asked ~10 times); a change still shows."""
    app = TableApp(rows=30, more=False)
    app.register_theme(Theme("paging-test-light", primary="#004578", dark=False))

    def cursor_style() -> str:
        table = app.query_one(VirtualTable)
        strip = table.body.render_line(1 + table.cursor_row - round(table.body.scroll_offset.y))
        return str(next(iter(strip)).style)

    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        focused = cursor_style()
        table.body.blur()
        await pilot.pause()
        blurred = cursor_style()
        assert blurred != focused
        table.focus()
        await pilot.pause()
        assert cursor_style() == focused
        app.theme = "paging-test-light"
        await pilot.pause()
        assert cursor_style() != focused
