"""Fan a per-item job out over the call pool: bounded, cancellable, with a progress count.

Why: a scan (every participant of a session, every stream of every domain) is many independent
calls. Made one after another they take the sum of their latencies; made through this module they
take the pool's share of it, never more calls at once than the pool allows (the header's in-flight
count stays true), and the user's escape stops the scan between calls.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
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


def fan_out(
    pool: CallPool,
    job: Callable[[T], R],
    items: Sequence[T],
    *,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome[T, R]]:
    """Run ``job(item)`` for every item, each inside a pool slot; outcomes in input order.

    At most ``pool.size`` jobs run at once. ``cancel`` is checked before each job starts (a job
    already calling AWS finishes its call); when set, ScanCancelled is raised once the running jobs
    are done. ``progress(done, total)`` is called from the scan's threads after each job.
    """
    cancel = cancel or threading.Event()
    total = len(items)
    outcomes: list[Outcome[T, R] | None] = [None] * total
    lock = threading.Lock()
    next_index = 0
    done = 0

    def worker() -> None:
        nonlocal next_index, done
        while True:
            with lock:
                if cancel.is_set() or next_index >= total:
                    return
                index = next_index
                next_index += 1
            item = items[index]
            try:
                with pool.slot():
                    outcome: Outcome[T, R] = Outcome(item, result=job(item))
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

    threads = [
        threading.Thread(target=worker, name=f"eventdeck-scan-{n}", daemon=True)
        for n in range(min(pool.size, total))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if cancel.is_set():
        raise ScanCancelled
    return [outcome for outcome in outcomes if outcome is not None]
