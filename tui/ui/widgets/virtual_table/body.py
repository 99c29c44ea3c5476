"""TableBody: the Line API renderer inside VirtualTable (sticky header, visible rows, trailer).

Only the lines on screen are rendered, each from a cached Strip, so a frame costs the visible
rows whatever is loaded. It draws what it is given (the model, the columns, the load state) and
knows nothing of the widget around it; a click becomes a ``RowClicked`` message.
"""

from __future__ import annotations

from math import ceil
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Offset, Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip

from tui.ui.safe_text import visible
from tui.ui.widgets.virtual_table.columns import ColumnSet
from tui.ui.widgets.virtual_table.load import LoadState
from tui.ui.widgets.virtual_table.model import TableModel

__all__ = ["TableBody", "fit_cell"]

ROW_STYLES = ("error", "warning", "mutation", "muted", "marked")
_GAP = " "


def fit_cell(text: str, width: int, align: str = "left") -> str:
    """``text`` padded or cut (with an ellipsis) to exactly ``width`` cells."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    pad = width - length
    if align == "right":
        return " " * pad + text
    if align == "center":
        return " " * (pad // 2) + text + " " * (pad - pad // 2)
    return text + " " * pad


class _NotingBarRender(ScrollBarRender):
    """Textual's scrollbar renderer, noting on its class the geometry it was last made with.

    Each TableBody makes its own subclass, so ``drawn`` is that body's bar's.
    """

    drawn: ClassVar[tuple[int, int, float] | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        type(self).drawn = (self.virtual_size, self.window_size, self.position)


def _bar_geometry(bar: ScrollBar) -> tuple[int, int, float]:
    """What ``bar`` would give its renderer now: virtual size, window size, position."""
    virtual = bar.window_virtual_size
    window = bar.window_size if bar.window_size < virtual else 0
    return ceil(virtual), ceil(window), bar.position


def _thumb(length: int, virtual: int, window: int, position: float) -> list[Segment]:
    """The segments Textual's scrollbar renderer draws for that geometry (colours aside)."""
    bar = ScrollBarRender.render_bar(
        size=length, virtual_size=virtual, window_size=window, position=position, vertical=True
    )
    return list(bar.segments)


class TableBody(ScrollView, can_focus=True, inherit_bindings=False):
    """The scrolling, focusable part of a VirtualTable: sticky header, rows, trailer line.

    It inherits no scrolling bindings, so every key reaches the VirtualTable's (remappable) ones.
    """

    COMPONENT_CLASSES = {
        "virtual-table--header",
        "virtual-table--header-cursor",
        "virtual-table--cursor",
        "virtual-table--trailer",
        *(f"virtual-table--{name}" for name in ROW_STYLES),
    }

    class RowClicked(Message):
        """A click on the row at view position ``position``."""

        def __init__(self, position: int) -> None:
            super().__init__()
            self.position = position

    def __init__(self, model: TableModel, columns: ColumnSet, load: LoadState) -> None:
        super().__init__()
        self.model = model
        self.columns = columns
        self.load = load
        self.cursor_row = 0
        self.column_cursor = 0
        self.widths: list[int] = []
        self.shown: list[int] = []  # the indexes of the columns not hidden, in order
        # A few screens of lines: each cached Strip brings ~10 objects the cyclic GC walks
        # (its own caches), so 1,024 of them made every gen-2 collection tens of ms longer.
        self._cache: LRUCache[tuple[int, bool], Strip] = LRUCache(256)
        self._styles: dict[str, Style] = {}  # component styles by name (``_style``)
        # This body's own subclass of the scrollbar renderer: it notes what the bar last drew.
        self._bar_render: type[_NotingBarRender] = type("BarRender", (_NotingBarRender,), {})
        self._bar_stale = False  # the bar's size or position changed since the last sync

    # -- geometry -------------------------------------------------------------------------
    @property
    def page_height(self) -> int:
        """Data rows that fit on screen (the header takes one line)."""
        return max(1, self.scrollable_content_region.height - 1)

    def relayout(self) -> None:
        """Recompute column widths for the current width and drop cached lines."""
        self.widths = self.columns.fit(self.scrollable_content_region.width, len(_GAP))
        self.shown = self.columns.shown
        self._cache.clear()
        self.update_size()
        self.sync_scrollbar()
        self.refresh()

    def update_size(self) -> None:
        """Set the virtual size from the visible rows (+ header + trailer).

        When only the height changes and the vertical scrollbar is always shown, nothing around
        the table can move, so the size is set without the relayout and whole-body repaint that
        assigning ``virtual_size`` triggers; the scrollbar is told, and repaints only if what it
        would draw changed (``sync_scrollbar``, which the caller runs once the scroll is final).
        Appending a page under the screen then costs no body repaint at all.
        """
        total = self.total_width
        lines = self.model.visible_count + 1 + (1 if self.has_trailer else 0)
        size = Size(total, lines)
        current = self.virtual_size
        if size == current:
            return
        if (
            size.width == current.width
            and self.is_mounted
            and self.styles.overflow_y == "scroll"
            and self.show_vertical_scrollbar
        ):
            self.set_reactive(TableBody.virtual_size, size)
            self._bar().set_reactive(ScrollBar.window_virtual_size, size.height)
            self._bar_stale = True
            if self.scroll_y > self.max_scroll_y:
                self.scroll_to(y=self.max_scroll_y, animate=False, force=True)
            return
        self.virtual_size = size

    @property
    def trailer_text(self) -> str:
        """The line after the last row (loading, the error, the end marker; '' for none)."""
        return self.load.trailer_text(self.model)

    @property
    def has_trailer(self) -> bool:
        """Whether a line follows the last row: its text, or (blank) where more rows can come.

        Why blank where more can come: "loading…" then takes a line that is already there, so
        a page asked for with the cursor on the last row repaints that one line instead of
        growing the table and scrolling it by a line (a whole-body repaint, once a page).
        """
        return self.load.has_more or bool(self.trailer_text)

    @property
    def total_width(self) -> int:
        """Cells the shown columns take, gaps included."""
        return sum(self.widths) + len(_GAP) * max(0, len(self.shown) - 1)

    def _bar(self) -> ScrollBar:
        """The vertical scrollbar, drawn by a renderer that notes what it drew."""
        bar = self.vertical_scrollbar
        if bar.renderer is not self._bar_render:
            bar.renderer = self._bar_render  # type: ignore[misc]  # Textual's documented hook
        return bar

    def sync_scrollbar(self) -> None:
        """Repaint the vertical scrollbar if its thumb now differs from the one it last drew.

        Why: with thousands of rows the thumb is one cell that a page appended or a scroll
        mostly leaves in place, and a needless repaint of the full-height bar was the largest
        single cost of a frame (~1.4 ms), and dirtied a full-height column that Textual then
        recomposes. The comparison is with what was drawn, not with the bar's last state:
        a page landing under ``G`` first adds a line (the thumb leaves the bottom), then
        scrolls (it is back): compared step by step, both steps looked like changes.
        """
        if not self._bar_stale:
            return
        self._bar_stale = False
        bar = self._bar()
        drawn = self._bar_render.drawn
        now = _bar_geometry(bar)
        length = bar.size.height
        if drawn == now or (
            drawn is not None and length and _thumb(length, *drawn) == _thumb(length, *now)
        ):
            return
        bar.refresh()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Scroll; the vertical scrollbar repaints only when its thumb moves (``sync_scrollbar``)."""
        if self.show_vertical_scrollbar:
            self._bar().set_reactive(ScrollBar.position, new_value)
            self._bar_stale = True
            self.sync_scrollbar()
        if round(old_value) != round(new_value):
            self.refresh(self.size.region)

    def refresh_from(self, position: int) -> None:
        """Repaint the lines from view position ``position`` to the bottom, if any is on screen."""
        y = max(1, position - round(self.scroll_offset.y) + 1)
        height = self.scrollable_content_region.height
        if y < height:
            self.refresh(Region(0, y, self.scrollable_content_region.width, height - y))

    def on_resize(self, event: events.Resize) -> None:
        self.relayout()
        self.scroll_to_cursor()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.clear_cache()

    def on_focus(self) -> None:
        self.clear_cache()
        self.refresh()

    def on_blur(self) -> None:
        self.clear_cache()
        self.refresh()

    def clear_cache(self) -> None:
        """Forget every rendered line (rows changed order or style) and the styles looked up."""
        self._cache.clear()
        self._styles.clear()

    # -- cursor ---------------------------------------------------------------------------
    def move_cursor(self, position: int) -> bool:
        """Put the cursor on view position ``position`` (clamped); True if it moved."""
        count = self.model.visible_count
        position = max(0, min(position, count - 1)) if count else 0
        old = self.cursor_row
        self.cursor_row = position
        if old != position:
            self.refresh_line(old + 1)
            self.refresh_line(position + 1)
        self.scroll_to_cursor()
        return old != position

    def scroll_to_cursor(self) -> None:
        """Scroll just enough for the cursor row to be visible below the header."""
        top = round(self.scroll_offset.y)
        height = self.page_height
        bottom = self.cursor_row
        if bottom == self.model.visible_count - 1 and self.has_trailer:
            bottom += 1  # on the last row, keep the loading/error/end line in sight too
        if self.cursor_row < top:
            top = self.cursor_row
        elif bottom >= top + height:
            top = min(self.cursor_row, bottom - height + 1)
        if top != round(self.scroll_offset.y):
            self.scroll_to(y=top, animate=False, force=True)

    def scroll_to_column(self) -> None:
        """Scroll sideways so the column under the column cursor is visible."""
        if not self.widths or self.column_cursor not in self.shown:
            return
        before = [i for i in self.shown if i < self.column_cursor]
        left = sum(self.widths[i] for i in before) + len(_GAP) * len(before)
        right = left + self.widths[self.column_cursor]
        view = self.scrollable_content_region.width
        x = round(self.scroll_offset.x)
        if left < x:
            self.scroll_to(x=left, animate=False, force=True)
        elif right > x + view:
            self.scroll_to(x=right - view, animate=False, force=True)

    # -- rendering ------------------------------------------------------------------------
    _frame: tuple[Offset, int, Style] | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines of one frame, with the scroll offset, width and base style looked up once.

        Why: ``rich_style`` walks the ancestors and ``scroll_offset`` is a reactive; looked up
        for every line they were half of the body's render time while paging with a key held.
        """
        self._frame = (self.scroll_offset, self.scrollable_content_region.width, self.rich_style)
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        """One screen line: the sticky header at 0, then rows from the scroll offset, then the trailer."""
        frame = self._frame
        if frame is None:
            frame = (self.scroll_offset, self.scrollable_content_region.width, self.rich_style)
        (scroll_x, scroll_y), width, base = frame
        if y == 0:
            strip = self._header_strip(base)
        else:
            position = scroll_y + y - 1
            count = self.model.visible_count
            if position < count:
                strip = self._row_strip(position, base)
            elif position == count and self.trailer_text:
                strip = self._trailer_strip(base)
            else:
                return Strip.blank(width, base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _style(self, name: str) -> Style:
        """A component class's style, looked up once until the styles or the focus change.

        Why: Textual's lookup walks the ancestors (~0.1 ms); a page's new lines asked it
        about ten times a frame.
        """
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(
                f"virtual-table--{name}", partial=True
            )
        return style

    def _header_strip(self, base: Style) -> Strip:
        model, columns = self.model, self.columns.columns
        header = base + self._style("header")
        cursor = header + self._style("header-cursor")
        segments: list[Segment] = []
        for n, index in enumerate(self.shown):
            column, width = columns[index], self.widths[index]
            label = visible(column.label)
            if model.sort_column == index:
                label += " ▼" if model.descending else " ▲"
            if n:
                segments.append(Segment(_GAP, header))
            segments.append(
                Segment(
                    fit_cell(label, width, column.align),
                    cursor if index == self.column_cursor else header,
                )
            )
        return Strip(segments)

    def _row_strip(self, position: int, base: Style) -> Strip:
        model = self.model
        index = model.row_index(position)
        is_cursor = position == self.cursor_row
        key = (index, is_cursor)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        row_style = model.style(index)
        style = base
        if row_style in ROW_STYLES:
            style = style + self._style(row_style)
        if is_cursor:
            style = style + self._style("cursor")
        cells = model.cells(index)
        columns, widths = self.columns.columns, self.widths
        parts = [
            fit_cell(visible(cells[i]) if i < len(cells) else "", widths[i], columns[i].align)
            for i in self.shown
            if i < len(widths)
        ]
        text = _GAP.join(parts)
        strip = Strip([Segment(text, style)], cell_len(text))
        self._cache[key] = strip
        return strip

    def _trailer_strip(self, base: Style) -> Strip:
        text = self.trailer_text
        name = "error" if self.load.error is not None else "trailer"
        style = base + self._style(name)
        width = max(self.total_width, 1)
        return Strip([Segment(fit_cell(text, width), style)], width)

    def on_click(self, event: events.Click) -> None:
        """Clicking a row moves the cursor there (the keyboard stays the main way in)."""
        if event.y >= 1:
            self.post_message(self.RowClicked(round(self.scroll_offset.y) + event.y - 1))
