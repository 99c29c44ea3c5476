"""The table's columns: their declaration, the user's layout (hidden, widths) and the fit to a width.

Pure (no Textual): the widget changes a ``ColumnSet`` from its keys, the body reads it to draw,
and a layout round-trips through config.toml as text ("-ip event=30").
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Align = Literal["left", "right", "center"]


@dataclass(frozen=True)
class Column:
    """One table column: fixed ``width`` or a ``ratio`` share of the free space, never below ``min_width``."""

    key: str
    label: str
    width: int | None = None
    min_width: int = 4
    ratio: int = 1
    align: Align = "left"


class ColumnSet:
    """The columns shown, which are hidden, and the widths the user set (by column key).

    One object the widget changes and the body reads, so both always see the same columns.
    """

    def __init__(self, columns: Sequence[Column] = ()) -> None:
        self.columns: list[Column] = list(columns)
        self.hidden: set[str] = set()
        self.widths: dict[str, int] = {}

    def replace(self, columns: Sequence[Column]) -> None:
        """New columns: hidden columns and set widths reset."""
        self.columns = list(columns)
        self.hidden = set()
        self.widths = {}

    @property
    def shown(self) -> list[int]:
        """The indexes of the columns not hidden, in order."""
        return [i for i, c in enumerate(self.columns) if c.key not in self.hidden]

    def apply_layout(self, layout: str) -> None:
        """Apply a remembered layout ("-ip event=30": hide ``ip``, ``event`` 30 cells wide)."""
        keys = {column.key for column in self.columns}
        self.hidden = set()
        self.widths = {}
        for item in layout.split():
            key, _, width = item.partition("=")
            if item.startswith("-") and item[1:] in keys:
                self.hidden.add(item[1:])
            elif width.isdigit() and key in keys:
                self.widths[key] = max(3, int(width))
        if self.hidden >= keys:  # never hide every column
            self.hidden.clear()

    @property
    def layout_text(self) -> str:
        """The layout as remembered in config.toml ("-ip event=30"; "" for the declared one)."""
        order = [column.key for column in self.columns]
        hidden = [f"-{key}" for key in order if key in self.hidden]
        widths = [f"{key}={self.widths[key]}" for key in order if key in self.widths]
        return " ".join(hidden + widths)

    def step(self, cursor: int, step: int) -> int:
        """The column ``step`` shown columns along from ``cursor`` (hidden ones skipped, wrapping)."""
        count = len(self.columns)
        for _ in range(count):
            cursor = (cursor + step) % count
            if self.columns[cursor].key not in self.hidden:
                break
        return cursor

    def resize(self, index: int, current: int, step: int) -> None:
        """Set column ``index`` to ``current + step`` cells (3 to 200)."""
        self.widths[self.columns[index].key] = max(3, min(200, current + step))

    def fit(self, width: int, gap: int) -> list[int]:
        """Every column's width for ``width`` cells (see ``layout_widths``)."""
        return layout_widths(self.columns, width, gap, self.hidden, self.widths)


def layout_widths(
    columns: Sequence[Column],
    width: int,
    gap: int = 1,
    hidden: Collection[str] = (),
    widths: Mapping[str, int] | None = None,
) -> list[int]:
    """Column widths for ``width`` cells, columns taken in priority order (the order declared).

    Each shown column first gets its floor (its fixed width, a width the user set, or its
    min_width) while that fits; the first that does not fit, and every one after it, keeps its
    floor past the right edge (the table scrolls sideways to it). The space left is shared by
    ratio among the flexible columns on screen. A hidden column gets 0.
    """
    chosen = widths or {}

    def fixed(column: Column) -> int | None:
        return chosen.get(column.key) or column.width

    out = [0] * len(columns)
    shown = [i for i, column in enumerate(columns) if column.key not in hidden]
    used = 0
    fit: list[int] = []
    for n, i in enumerate(shown):
        column = columns[i]
        floor = fixed(column) or column.min_width
        need = floor + (gap if n else 0)
        out[i] = floor
        if n and used + need > width:
            for j in shown[n + 1 :]:
                out[j] = fixed(columns[j]) or columns[j].min_width
            break
        used += need
        fit.append(i)
    flexible = [i for i in fit if fixed(columns[i]) is None]
    free = width - used + sum(out[i] for i in flexible)
    # Share the flexible space by ratio; pin a column whose share is below its minimum, repeat.
    remaining = list(flexible)
    while remaining:
        total_ratio = sum(max(columns[i].ratio, 1) for i in remaining)
        pinned = [
            i
            for i in remaining
            if free * max(columns[i].ratio, 1) / total_ratio < columns[i].min_width
        ]
        if not pinned:
            break
        for i in pinned:
            out[i] = columns[i].min_width
            free -= columns[i].min_width
            remaining.remove(i)
    if remaining:
        total_ratio = sum(max(columns[i].ratio, 1) for i in remaining)
        given = 0
        for i in remaining:
            share = free * max(columns[i].ratio, 1) // total_ratio
            out[i] = share
            given += share
        for i in remaining[: free - given]:
            out[i] += 1
    return out
