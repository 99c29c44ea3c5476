"""Fan a per-item job out over the call pool: bounded, cancellable, with a progress count.

This module is also the one place the services start threads (``spawn``): the scans, the bulk
sender, the start-up prefetch and the client prewarm all go through it.

Why: a scan (every participant of a session, every stream of every domain) is many independent
calls. Made one after another they take the sum of their latencies; made through this module they
take the pool's share of it, never more calls at once than the pool allows (the header's in-flight
count stays true), and the user's escape stops the scan between calls.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass
from typing import Generic, TypeVar

from tui.services.pool import CallPool

T = TypeVar("T")
R = TypeVar("R")


class ScanCancelled(Exception):
    """The user left the scan; results gathered so far are dropped by the caller."""


@dataclass(frozen=True)
class Outcome(Generic[T, R]):
    """One item's result, or the error its job raised (a scan never fails for one item)."""

    item: T
    result: R | None = None
    error: BaseException | None = None


def spawn(name: str, target: Callable[[], None]) -> threading.Thread:
    """Start ``target`` in a daemon thread named ``eventdeck-<name>``.

    Why one helper: every thread the services start is then named alike (a thread dump or the
    debug log says whose it is) and daemonic (a stuck AWS call never keeps the app from exiting).
    """
    thread = threading.Thread(target=target, name=f"eventdeck-{name}", daemon=True)
    thread.start()
    return thread


def fan_out(
    pool: CallPool,
    job: Callable[[T], R],
    items: Iterable[T],
    *,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    hold_slot: bool = True,
    name: str = "scan",
) -> list[Outcome[T, R]]:
    """Run ``job(item)`` for every item, each inside a pool slot; outcomes in input order.

    At most ``pool.size`` jobs run at once (fewer with ``workers``). ``cancel`` is checked before
    each job starts (a job already calling AWS finishes its call); when set, ScanCancelled is
    raised once the running jobs are done. ``progress(done, total)`` is called from the scan's
    threads after each job (``total`` is 0 when ``items`` has no length). ``items`` may be a lazy
    iterator: it is pulled one item at a time, under a lock, so it may block (a paused sender).
    ``hold_slot=False`` is for jobs that take their own slots (a send with retries).
    """
    cancel = cancel or threading.Event()
    total = len(items) if isinstance(items, Sized) else 0
    iterator = iter(items)
    outcomes: dict[int, Outcome[T, R]] = {}
    lock = threading.Lock()
    next_index = 0
    done = 0
    exhausted = False

    def worker() -> None:
        nonlocal next_index, done, exhausted
        while True:
            with lock:
                if cancel.is_set() or exhausted:
                    return
                try:
                    item = next(iterator)
                except StopIteration:
                    exhausted = True
                    return
                index = next_index
                next_index += 1
            try:
                if hold_slot:
                    with pool.slot():
                        outcome: Outcome[T, R] = Outcome(item, result=job(item))
                else:
                    outcome = Outcome(item, result=job(item))
            except ScanCancelled:
                return
            except Exception as exc:  # one failed item is reported, the others go on
                outcome = Outcome(item, error=exc)
            with lock:
                outcomes[index] = outcome
                done += 1
                count = done
            if progress is not None:
                progress(count, total)

    count = min(pool.size, workers or pool.size)
    if isinstance(items, Sized):
        count = min(count, total)
    threads = [spawn(f"{name}-{n}", worker) for n in range(count)]
    for thread in threads:
        thread.join()
    if cancel.is_set():
        raise ScanCancelled
    return [outcomes[index] for index in sorted(outcomes)]
