"""The bounded call gate and the live statistics the header shows (calls in flight, retries, errors).

Textual thread workers each get their own thread, so the *pool* bound is a semaphore every AWS call
passes through; retries are observed through botocore's ``request-created`` event, where the retry
context says which attempt a request is.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class PoolStats:
    """A snapshot of the pool for the header."""

    size: int
    in_flight: int
    waiting: int
    calls: int
    retries: int
    errors: int
    last_error: str | None
    last_retry_at: float | None


class CallPool:
    """Bound concurrent AWS calls to ``size`` and count what happens to them.

    Thread-safe; the UI reads ``stats()`` when it redraws the header (no callbacks from worker
    threads).
    """

    def __init__(self, size: int = 4) -> None:
        self.size = max(1, size)
        self._gate = threading.BoundedSemaphore(self.size)
        self._lock = threading.Lock()
        self._in_flight = 0
        self._waiting = 0
        self._calls = 0
        self._retries = 0
        self._errors = 0
        self._last_error: str | None = None
        self._last_retry_at: float | None = None
        self._held = threading.local()

    def stats(self) -> PoolStats:
        with self._lock:
            return PoolStats(
                self.size,
                self._in_flight,
                self._waiting,
                self._calls,
                self._retries,
                self._errors,
                self._last_error,
                self._last_retry_at,
            )

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one of the pool's slots for the duration of a call.

        Re-entrant per thread: a worker that already holds a slot (a UI send job) and calls a
        service that takes one (the sending path) keeps its one slot instead of deadlocking.
        """
        if getattr(self._held, "depth", 0):
            self._held.depth += 1
            try:
                yield
            finally:
                self._held.depth -= 1
            return
        with self._lock:
            self._waiting += 1
        self._gate.acquire()
        with self._lock:
            self._waiting -= 1
            self._in_flight += 1
            self._calls += 1
        self._held.depth = 1
        try:
            yield
        except Exception as exc:
            with self._lock:
                self._errors += 1
                self._last_error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise
        else:
            with self._lock:  # the header's error badge is about now: a success clears it
                self._last_error = None
        finally:
            self._held.depth = 0
            with self._lock:
                self._in_flight -= 1
            self._gate.release()

    def watch_client(self, client: Any) -> None:
        """Count retries of ``client``'s requests (attempt > 1 in botocore's retry context)."""
        client.meta.events.register("request-created", self._on_request_created)

    def _on_request_created(self, request: Any = None, **_: Any) -> None:
        context = getattr(request, "context", None) or {}
        attempt = context.get("retries", {}).get("attempt", 1)
        if attempt > 1:
            with self._lock:
                self._retries += 1
                self._last_retry_at = time.monotonic()
