"""The cyclic garbage that drawing makes, collected after a frame while something draws often.

Why: every frame leaves cyclic garbage (Textual's strips keep themselves in their own caches).
Left to the automatic gen-2 collection it piles up and is freed in one go: while pages landed,
17 ms typical and 86–314 ms at worst; while a query's matches came in at a million rows, 9–19 ms
of CPU for 5,000–12,000 objects a collection, 94 ms on a loaded machine. Collected every few
frames' worth of work, right after the frame that showed it (so it delays no paint), a
collection costs a walk of what is not frozen (1–2 ms) plus a little garbage. Then the C heaps'
free memory goes back to the OS, in a thread of its own (``tui/services/memtrim.py``).
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from tui.services import memtrim

AfterRefresh = Callable[[Callable[[], None]], object]
"""A widget's ``call_after_refresh``: run a callable once the next frame is drawn."""


def collect_garbage() -> None:
    """A full collection now, then the freed C heap memory handed back (off this thread)."""
    gc.collect()
    memtrim.trim_soon()


class GarbagePacer:
    """Counts drawing work (rows landed, chunks of matches shown); every ``every``, collects.

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
