"""Items per time bucket for the density line above time-ordered tables, kept incrementally.

Why incremental: a frame must cost the same at 10k and 1M rows, so counts live in a fixed number
of fine bins (``FINE``) that grow by doubling their width (merging neighbours) when a time falls
outside them; adding a page costs the page, and drawing aggregates the fine bins to the screen's
width, whatever was loaded. This module never imports textual or rich.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

FINE = 1024
"""Fine bins kept; drawing aggregates them to the width on screen."""

TIME_KEYS = ("eventTime", "sentAt", "timestamp", "time")
"""Where an item's time is found: at the top level, or under ``event`` (session errors)."""

LEVELS = " ▁▂▃▄▅▆▇█"
ERROR_GLYPH = "!"


def parse_time(value: object) -> float | None:
    """Seconds since the epoch for a datetime or an ISO 8601 string (None if neither)."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.timestamp()
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-":
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
    return None


def item_time(item: object) -> float | None:
    """The time of an AWS item (its ``eventTime``, ``sentAt``…; or its ``event``'s), epoch seconds."""
    if not isinstance(item, Mapping):
        return None
    for key in TIME_KEYS:
        if key in item:
            return parse_time(item[key])
    inner = item.get("event")
    if isinstance(inner, Mapping):
        return item_time(inner)
    return None


@dataclass(frozen=True)
class Bucket:
    """One drawn bucket: its time span [start, end), items and error items in it."""

    start: float
    end: float
    count: int
    errors: int


class Density:
    """Counts of items (and error items) per fine time bin, widened by doubling as times arrive."""

    def __init__(self, resolution: float = 1.0) -> None:
        self.resolution = resolution
        self.clear()

    def clear(self) -> None:
        """Forget every item."""
        self.origin: float | None = None
        self.width = self.resolution
        self.counts = array("q", bytes(8 * FINE))
        self.errors = array("q", bytes(8 * FINE))
        self.total = 0
        self.version = 0  # bumped on every change: a renderer's cache key

    def _grow(self, moment: float) -> None:
        """Double the bin width (merging pairs) until ``moment`` falls inside the bins."""
        assert self.origin is not None
        while not self.origin <= moment < self.origin + FINE * self.width:
            left = moment < self.origin
            half = FINE // 2
            counts, errors = array("q", bytes(8 * FINE)), array("q", bytes(8 * FINE))
            shift = half if left else 0
            for i in range(FINE):
                counts[shift + i // 2] += self.counts[i]
                errors[shift + i // 2] += self.errors[i]
            if left:
                self.origin -= FINE * self.width
            self.width *= 2
            self.counts, self.errors = counts, errors

    def add(self, moment: float, error: bool = False) -> None:
        """Count one item at ``moment`` (epoch seconds)."""
        if math.isnan(moment):
            return
        if self.origin is None:
            self.origin = math.floor(moment / self.width) * self.width
        elif not self.origin <= moment < self.origin + FINE * self.width:
            self._grow(moment)
        i = int((moment - self.origin) // self.width)
        self.counts[i] += 1
        if error:
            self.errors[i] += 1
        self.total += 1
        self.version += 1

    def add_many(self, items: Iterable[tuple[float, bool]]) -> None:
        """Count many items (a page, or a view being rebuilt)."""
        for moment, error in items:
            self.add(moment, error)

    def span(self) -> tuple[float, float] | None:
        """The time from the first occupied bin's start to the last one's end (None: empty)."""
        if self.origin is None or not self.total:
            return None
        occupied = [i for i in range(FINE) if self.counts[i]]
        return (
            self.origin + occupied[0] * self.width,
            self.origin + (occupied[-1] + 1) * self.width,
        )

    def buckets(self, n: int) -> list[Bucket]:
        """At most ``n`` buckets over the occupied span (fewer when there are fewer fine bins)."""
        if n <= 0 or self.origin is None or not self.total:
            return []
        occupied = [i for i in range(FINE) if self.counts[i]]
        lo, hi = occupied[0], occupied[-1] + 1
        bins = hi - lo
        shown = min(n, bins)
        out = []
        for k in range(shown):
            a = lo + k * bins // shown
            b = lo + (k + 1) * bins // shown
            out.append(
                Bucket(
                    self.origin + a * self.width,
                    self.origin + b * self.width,
                    sum(self.counts[a:b]),
                    sum(self.errors[a:b]),
                )
            )
        return out


SPIKE = 2.0
"""Where errors are everywhere, a bucket is marked when its error share is this many times the view's."""


def error_marks(buckets: list[Bucket]) -> list[bool]:
    """Which buckets are drawn as errors: every one holding an error, while errors are rare.

    Why not always every one: over a long range of busy logs nearly every bucket holds an
    error, and a line of ``!`` says nothing. Once more than a quarter of the non-empty buckets
    (and at least 8 of them) hold errors, only those whose error share is at least ``SPIKE``
    times the view's are marked: the line then shows where errors cluster (the cursor's label
    still counts every error).
    """
    holding = sum(1 for b in buckets if b.errors)
    busy = sum(1 for b in buckets if b.count)
    if holding < 8 or holding * 4 <= busy:
        return [b.errors > 0 for b in buckets]
    total = sum(b.count for b in buckets)
    share = sum(b.errors for b in buckets) / total if total else 0.0
    return [b.errors > 0 and b.errors >= SPIKE * share * b.count for b in buckets]


def bar_text(buckets: list[Bucket], marks: list[bool] | None = None) -> str:
    """The one-line bars, heights scaled to the largest bucket; a marked error bucket is ``!``.

    The glyph, not only a colour, marks errors, so 16-colour terminals and NO_COLOR show them
    too. ``marks`` defaults to ``error_marks(buckets)``.
    """
    if marks is None:
        marks = error_marks(buckets)
    peak = max((b.count for b in buckets), default=0)
    chars = []
    for bucket, marked in zip(buckets, marks, strict=True):
        if marked:
            chars.append(ERROR_GLYPH)
        elif bucket.count == 0:
            chars.append(LEVELS[0])
        else:
            chars.append(LEVELS[max(1, math.ceil(bucket.count * (len(LEVELS) - 1) / peak))])
    return "".join(chars)


def fmt_span(seconds: float) -> str:
    """A bucket width as a person says it: '1s', '5m', '2h', '3d'."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.3g}{unit}"
    return f"{seconds:.3g}s"
