"""Density bins: incremental growth keeps every item, buckets cover the occupied span, times parse."""

from __future__ import annotations

import random

from tui.services.density import FINE, Density, bar_text, error_marks, fmt_span, item_time


def test_growth_keeps_counts_and_errors() -> None:
    density = Density()
    rng = random.Random(7)
    times = [1_700_000_000 + rng.uniform(-86400 * 40, 86400 * 40) for _ in range(5000)]
    for i, t in enumerate(times):
        density.add(t, error=i % 10 == 0)
    assert density.total == 5000
    assert sum(density.counts) == 5000 and sum(density.errors) == 500
    assert density.width * FINE >= max(times) - min(times)
    span = density.span()
    assert span is not None and span[0] <= min(times) and span[1] > max(times)
    buckets = density.buckets(60)
    assert len(buckets) <= 60
    assert sum(b.count for b in buckets) == 5000
    assert sum(b.errors for b in buckets) == 500
    assert buckets[0].start <= min(times) and buckets[-1].end > max(times)


def test_few_bins_give_few_buckets_and_bars() -> None:
    density = Density()
    for t, err in [(100.0, False), (100.5, False), (101.2, True), (103.0, False)]:
        density.add(t, err)
    buckets = density.buckets(80)
    assert [b.count for b in buckets] == [2, 1, 0, 1]
    assert bar_text(buckets) == "█! ▄"


def test_item_time_reads_iso_and_nested() -> None:
    assert item_time({"eventTime": "2024-01-01T00:00:00Z"}) == 1704067200.0
    assert item_time({"event": {"eventTime": "2024-01-01T00:00:01+00:00"}}) == 1704067201.0
    assert item_time({"name": "x"}) is None
    assert item_time({"eventTime": "garbage"}) is None


def test_fmt_span() -> None:
    assert fmt_span(1) == "1s" and fmt_span(300) == "5m" and fmt_span(86400 * 2) == "2d"


def test_errors_everywhere_mark_only_where_they_cluster() -> None:
    """Rare errors: every bucket holding one is ``!``. Errors in most buckets: only the spikes.

    Why: over a day of busy logs nearly every bucket holds an error; a line of ``!`` would hide
    both the counts and where errors cluster.
    """
    density = Density()
    for second in range(40):  # 40 buckets of 10 items, one error in each…
        for i in range(10):
            density.add(1000.0 + second + i / 10, i == 0)
    for i in range(1, 6):  # …and five more in bucket 7: 6 of 10 there, against ~1 in 10 overall
        density.add(1007.0 + i / 10 + 0.01, True)
    buckets = density.buckets(40)
    assert len(buckets) == 40 and all(b.errors for b in buckets)
    assert error_marks(buckets) == [i == 7 for i in range(40)]
    bars = bar_text(buckets)
    assert bars[7] == "!" and bars.count("!") == 1
    assert sum(b.errors for b in buckets) == 45  # still counted, only not all drawn as ``!``
    # Rare: one error among 40 buckets is marked wherever it is.
    rare = Density()
    for second in range(40):
        rare.add(2000.0 + second, second == 30)
    assert bar_text(rare.buckets(40)).index("!") == 30
