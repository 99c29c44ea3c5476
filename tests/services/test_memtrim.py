"""The C heaps' free memory goes back to the OS off the caller's thread, at most every MIN_GAP s."""

from __future__ import annotations

import sys
import threading
from typing import Any

import pytest

from tui.services import memtrim


def _wait_idle() -> None:
    for thread in threading.enumerate():
        if thread.name == "eventdeck-memtrim":
            thread.join(10)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_trim_runs_in_its_own_thread_and_not_again_within_the_gap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert memtrim._trim is not None  # glibc has it: the test machines run Linux with glibc
    calls: list[tuple[int, str]] = []

    def fake_trim(pad: int) -> int:
        calls.append((pad, threading.current_thread().name))
        return 1

    _wait_idle()
    monkeypatch.setattr(memtrim, "_trim", fake_trim)
    monkeypatch.setattr(memtrim, "_last", float("-inf"))
    assert memtrim.trim_soon()
    _wait_idle()
    assert calls == [(0, "eventdeck-memtrim")]
    assert not memtrim.trim_soon()  # within MIN_GAP of the last one
    monkeypatch.setattr(memtrim, "_last", float("-inf"))
    assert memtrim.trim_soon()
    _wait_idle()
    assert len(calls) == 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_the_real_trim_returns_freed_heap_memory() -> None:
    """glibc keeps a freed allocation's pages until trimmed: the real call gives them back."""
    trim: Any = memtrim._find_trim()
    assert trim is not None
    blocks = [bytearray(100_000) for _ in range(300)]  # ~30 MB of 100 KB heap allocations
    for block in blocks:
        block[::4096] = b"x" * len(block[::4096])  # touched: resident
    keep = bytearray(10)  # a live allocation after them keeps the heap from shrinking by itself
    del blocks
    before = _rss_kib()
    trim(0)
    after = _rss_kib()
    del keep
    assert before - after > 10_000, (before, after)


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")
