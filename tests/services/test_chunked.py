"""Chunked work for worker threads: the same results as the one big call, in small pieces."""

from __future__ import annotations

import random
import sys
import threading
from array import array

import pytest

from tui.services import chunked
from tui.services.chunked import (
    Pacer,
    copy_indices,
    position_in_sorted,
    responsive,
    sort_indices,
)


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiny runs and pieces, so a few hundred items go through every branch of the merge."""
    monkeypatch.setattr(chunked, "STEP", 5)
    monkeypatch.setattr(chunked, "RUN", 7)
    monkeypatch.setattr(chunked, "PIECE", 4)


def _cases(seed: int) -> list[tuple[list[object], array[int]]]:
    rnd = random.Random(seed)
    cases = []
    for n, distinct in [(0, 1), (1, 1), (50, 1), (300, 3), (300, 40), (500, 500), (777, 9000)]:
        texts: list[object] = [f"k{rnd.randrange(distinct):05}" for _ in range(n)]
        floats: list[object] = [float(rnd.randrange(distinct)) - 3.5 for _ in range(n)]
        for keys in (texts, floats):
            everything = array("q", range(n))
            some = array("q", sorted(rnd.sample(range(n), n // 3)))
            cases += [(keys, everything), (keys, some)]
    return cases


@pytest.mark.parametrize("few", [0, 4096], ids=["merge", "buckets"])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_indices_equals_sorted_with_ties_in_order(
    small_pieces: None, monkeypatch: pytest.MonkeyPatch, few: int, descending: bool
) -> None:
    monkeypatch.setattr(chunked, "FEW", few)
    for keys, view in _cases(7):
        expected = array("q", sorted(view, key=keys.__getitem__, reverse=descending))
        assert sort_indices(view, keys.__getitem__, descending) == expected


def test_position_in_sorted_finds_every_row_and_only_those() -> None:
    rnd = random.Random(3)
    keys = [rnd.choice("abcde") for _ in range(2000)]
    view = array("q", sorted(rnd.sample(range(2000), 700)))
    for descending in (False, True):
        ordered = sort_indices(view, keys.__getitem__, descending)
        for index in range(2000):
            expected = ordered.index(index) if index in view else None
            assert position_in_sorted(ordered, index, keys.__getitem__, descending) == expected


def test_copy_indices_copies_ranges_and_arrays(small_pieces: None) -> None:
    assert copy_indices(range(3, 103)) == array("q", range(3, 103))
    source = array("q", [5, 1, 9] * 41)
    assert copy_indices(source) == source and copy_indices(source) is not source
    assert copy_indices(range(0)) == array("q")


def test_a_stopped_sort_raises_at_the_next_piece(small_pieces: None) -> None:
    calls: list[int] = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) > 3

    keys = list(range(1000, 0, -1))
    with pytest.raises(LookupError):
        sort_indices(array("q", range(1000)), keys.__getitem__, False, Pacer(stop, LookupError))
    assert len(calls) == 4  # stopped at the first check after it said so


def test_responsive_lowers_the_switch_interval_while_work_runs_and_restores_it() -> None:
    before = sys.getswitchinterval()
    seen: list[float] = []
    release = threading.Event()

    def other() -> None:
        with responsive():
            release.wait(5)

    with responsive():
        seen.append(sys.getswitchinterval())
        thread = threading.Thread(target=other)
        thread.start()
    seen.append(sys.getswitchinterval())  # the other thread's work still runs
    release.set()
    thread.join()
    assert seen == [min(before, chunked.SWITCH_INTERVAL)] * 2
    assert sys.getswitchinterval() == before
