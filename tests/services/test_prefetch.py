"""Start-up prefetch: a page fetched ahead is used once, for the same call, and only if it worked."""

from __future__ import annotations

import time

from tui.services.prefetch import Prefetch


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
