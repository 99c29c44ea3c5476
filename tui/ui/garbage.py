"""The cyclic garbage that drawing makes: made as little as possible, collected after a frame.

Why: every frame left cyclic garbage (Textual's lines kept themselves in their own caches, and
a cleared line cache dropped its ring of links whole). Left to the automatic gen-2 collection it
piled up and was freed in one go: while pages landed, 17 ms typical and 86–314 ms at worst; while
a query's matches came in at a million rows, 9–19 ms of CPU for 5,000–12,000 objects a
collection, 94 ms on a loaded machine. Paced full collections after frames (the step before)
walked every object not frozen each time (2–4 ms of CPU, 20–40 ms on a loaded machine).

Now ``keep_frames_acyclic`` stops those cycles being made at all, and what little remains (a
finished worker's, a page landing's) is freed young: every few frames' worth of work, right
after the frame that showed it, a collection of the young generations (well under 1 ms), then
the C heaps' free memory goes back to the OS in a thread of its own
(``tui/services/memtrim.py``). Paging 100,000 event logs: 96 full collections (210 ms of CPU,
531 objects freed) became 3 automatic ones (7 ms); a 1M query's 31 full ones, each freeing
nothing, became 2."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rich.style import Style
from textual.cache import LRUCache
from textual.strip import Strip

from tui.services import memtrim

AfterRefresh = Callable[[Callable[[], None]], object]
"""A widget's ``call_after_refresh``: run a callable once the next frame is drawn."""


def collect_garbage() -> None:
    """Collect the young generations now, then hand the freed C heap memory back (off thread).

    Young only: what is old was there before the work began, and walking it is the whole
    cost of a full collection. Old cyclic garbage is the automatic gen-2 collection's (rare:
    frames make none).
    """
    gc.collect(1)
    memtrim.trim_soon()


class GarbagePacer:
    """Counts drawing work (rows landed, chunks of matches shown); every ``every``, collects young.

    One per kind of work that draws often (paging, a query's scan); ``reset`` when that work
    starts afresh.
    """

    def __init__(self, every: int) -> None:
        self.every = every
        self.count = 0

    def reset(self) -> None:
        self.count = 0

    def drew(self, units: int, after_refresh: AfterRefresh) -> None:
        """``units`` of work were drawn (or will be in the next frame): collect after it if due."""
        self.count += units
        if self.count >= self.every:
            self.count = 0
            after_refresh(lambda: collect_garbage())  # looked up when it runs: tests replace it


_ACYCLIC = "_eventdeck_acyclic"


def keep_frames_acyclic() -> None:
    """Stop three Textual structures leaving reference cycles behind each frame (once, at init).

    Why: a cycle is freed only by a collection, and the app draws new lines in every frame.
    - The compositor divides every line it draws at the cuts of the regions over it
      (``Strip.divide``); a line one region covers comes back as ``[itself]``, kept in the
      line's own divide cache.
    - ``Strip.crop_extend`` to the size a line already has keeps the line itself the same way.
    - ``LRUCache.clear`` (a table's or a widget's line cache, on every change of what it shows)
      drops its ring of ``[prev, next, key, value]`` links whole, a cycle holding every line.
    A query at 1M rows made 1,000–1,600 such objects between its paced collections, and its
    first collection freed 9,400 (16 ms of CPU, 40–53 ms on a loaded machine); a filter or sort
    made 500–1,400. Now the two ``Strip`` methods hand the line back without caching it in
    itself (the same result), and ``clear`` empties the links before dropping them.
    """
    if getattr(Strip, _ACYCLIC, False):
        return
    divide, crop_extend, clear = Strip.divide, Strip.crop_extend, LRUCache.clear

    def divide_acyclic(self: Strip, cuts: Iterable[int]) -> Sequence[Strip]:
        cuts = [cut for cut in cuts if cut <= self.cell_length]  # as ``divide`` does first
        if cuts == [self.cell_length]:
            return [self]  # ``divide`` would keep ``[self]`` in self's cache
        return divide(self, cuts)

    def crop_extend_acyclic(self: Strip, start: int, end: int, style: Style | None) -> Strip:
        if start <= 0 and end == self.cell_length:
            return self  # ``crop_extend`` would keep self in self's cache
        return crop_extend(self, start, end, style)

    def clear_acyclic(self: LRUCache[Any, Any]) -> None:
        for link in getattr(self, "_cache", {}).values():
            link.clear()  # each link referred to its neighbours: the ring was one cycle
        clear(self)

    setattr(Strip, "divide", divide_acyclic)  # noqa: B010  (patched on purpose, once)
    setattr(Strip, "crop_extend", crop_extend_acyclic)  # noqa: B010
    setattr(LRUCache, "clear", clear_acyclic)  # noqa: B010
    setattr(Strip, _ACYCLIC, True)
