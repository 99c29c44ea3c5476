"""Pages fetched ahead: the launch's page (used once, only if it worked) and a view's read-ahead."""

from __future__ import annotations

import time
from typing import Any

from tui.services.paging import Page
from tui.services.prefetch import Prefetch, ReadAhead


def test_a_prefetched_result_is_taken_once() -> None:
    prefetch = Prefetch()
    prefetch.start(("k",), lambda: (time.sleep(0.05), "page")[1])
    assert prefetch.take(("k",)) == "page"  # waits for the fetch in flight
    assert prefetch.take(("k",)) is None
    assert prefetch.take(("other",)) is None


def test_a_failed_prefetch_falls_back_to_a_real_call() -> None:
    prefetch = Prefetch()

    def boom() -> str:
        raise RuntimeError("throttled")

    prefetch.start(("k",), boom)
    assert prefetch.take(("k",)) is None


def test_take_ready_never_waits_and_leaves_a_page_in_flight() -> None:
    import threading

    prefetch = Prefetch()
    gate = threading.Event()
    prefetch.start(("k",), lambda: (gate.wait(30), "page")[1])
    assert prefetch.take_ready(("k",)) is None  # still on its way: left for take
    gate.set()
    assert prefetch.wait(("k",))
    assert prefetch.take_ready(("k",)) == "page"
    assert prefetch.take_ready(("k",)) is None and prefetch.take(("k",)) is None  # once


def _pages(count: int, calls: list[str | None], fail_at: int | None = None) -> Any:
    """A fake paged call: ``count`` pages of two items, tokens "t1", "t2"…; page ``fail_at`` raises."""

    def fetch(token: str | None) -> Page[int]:
        calls.append(token)
        n = 0 if token is None else int(token[1:])
        if n == fail_at:
            raise RuntimeError("throttled")
        return Page([2 * n, 2 * n + 1], f"t{n + 1}" if n + 1 < count else None)

    return fetch


def _settled(chain: ReadAhead, held: int) -> None:
    """Wait until ``held`` pages are asked for and all of them are in (no sleep: polls the chain)."""
    deadline = time.monotonic() + 30
    while not (chain.held == held and chain.in_flight == 0):
        assert time.monotonic() < deadline, f"held {chain.held}, in flight {chain.in_flight}"
        time.sleep(0.001)


def test_a_read_ahead_stays_within_its_window_and_hands_pages_over_in_order() -> None:
    calls: list[str | None] = []
    chain = ReadAhead(_pages(10, calls), None)
    chain.wanted = True  # the UI waits for page 0: page 1 is read ahead too, no more
    chain.pump()
    _settled(chain, 2)
    assert calls == [None, "t1"]
    chain.wanted = False
    first = chain.take()
    assert first is not None and first.result().items == [0, 1]
    _settled(chain, 1)  # one page ahead (the window) after one was taken: page 2 not asked yet
    assert calls == [None, "t1"]
    chain.grow()
    chain.grow()  # asked for again and again: three ahead now
    chain.pump()
    _settled(chain, 3)
    assert calls == [None, "t1", "t2", "t3"]
    items = []
    for _ in range(3):
        future = chain.take()
        assert future is not None
        items.extend(future.result().items)
    assert items == [2, 3, 4, 5, 6, 7]


def test_a_read_ahead_makes_no_call_past_the_last_page_nor_once_stopped() -> None:
    calls: list[str | None] = []
    chain = ReadAhead(_pages(2, calls), None, window=4)
    chain.pump()
    _settled(chain, 2)
    assert calls == [None, "t1"]  # the last page said no more: nothing else asked
    chain.take()
    chain.take()
    chain.pump()
    assert calls == [None, "t1"] and chain.held == 0
    stopped: list[str | None] = []
    chain = ReadAhead(_pages(10, stopped), "t5", window=4)
    chain.stop()
    chain.pump()
    assert stopped == [] and chain.take() is None


def test_a_failed_page_is_handed_over_in_its_turn_and_nothing_is_asked_after_it() -> None:
    calls: list[str | None] = []
    chain = ReadAhead(_pages(10, calls, fail_at=2), None, window=4)
    chain.pump()
    _settled(chain, 3)
    assert calls == [None, "t1", "t2"]
    outcomes = [chain.take() for _ in range(3)]
    assert [f.exception() is None for f in outcomes if f is not None] == [True, True, False]
    assert chain.take() is None and calls == [None, "t1", "t2"]
