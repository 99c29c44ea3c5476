"""How VirtualTable stores a row's cells: one joined string instead of a tuple of strings.

A million rows of six short cells take ~150 bytes each this way instead of ~450 (a tuple and six
string objects), and the filter searches the stored string as it is, without joining cells.
"""

from __future__ import annotations

from collections.abc import Sequence

Cells = str | tuple[str, ...]
"""A stored row's cells: joined by ``SEP``, or the tuple itself when joining would be ambiguous."""

SEP = "\x1f"
"""Joins a row's cells in storage (and in the filter's haystack): a control character, so rare in
data and never typed into the filter; a row whose cells contain it is stored as a tuple instead."""


def pack_cells(cells: Sequence[str]) -> Cells:
    """``cells`` as stored: one joined string, or a tuple when that could not be split back exactly."""
    if not cells:
        return ()
    try:
        joined = SEP.join(cells)
    except TypeError:  # a non-string cell: keep it as given
        return tuple(cells)
    if joined.count(SEP) != len(cells) - 1:
        return tuple(cells)
    return joined


def unpack_cells(stored: Cells) -> tuple[str, ...]:
    """The cells of a stored row."""
    if type(stored) is str:
        return tuple(stored.split(SEP))
    return stored  # type: ignore[return-value]


def cell_at(stored: Cells, column: int) -> str:
    """One cell of a stored row ('' past the last), without splitting the cells after it."""
    if type(stored) is str:
        parts = stored.split(SEP, column + 1)
        return parts[column] if column < len(parts) else ""
    return stored[column] if column < len(stored) else ""


def haystack(stored: Cells) -> str:
    """The text the filter searches: every cell, separated so a match cannot span two cells."""
    return stored if type(stored) is str else SEP.join(map(str, stored))  # type: ignore[arg-type]
