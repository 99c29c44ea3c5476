"""A SelectionList whose unticked boxes are empty, so ticks read without colour.

Why: Textual draws the same "X" in every box and tells ticked from unticked by colour alone; in
NO_COLOR, monochrome or a washed-out 16-colour palette every row then looks ticked. Here an
unticked box shows a blank, a ticked one the "X".
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList

_INNER = 1  # the segment after BUTTON_LEFT in SelectionList.render_line


class TickList(SelectionList[str]):
    """SelectionList with blank boxes for unticked options (same keys, messages and API)."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        index = self.scroll_offset.y + y
        if index >= self.option_count:
            return strip
        if self.get_option_at_index(index).value in self.selected:
            return strip
        segments = list(strip)
        if len(segments) > _INNER and segments[_INNER].text == Checkbox.BUTTON_INNER:
            inner = segments[_INNER]
            segments[_INNER] = Segment(" " * len(inner.text), inner.style, inner.control)
            return Strip(segments, strip.cell_length)
        return strip
