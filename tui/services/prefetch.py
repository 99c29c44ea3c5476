"""Start-up prefetch: the launch target's first page, fetched while the UI is still loading.

Why: launched with AWS CLI words (`eventdeck ivs-realtime list-participant-events …`), the first
request can go out before Textual has even painted; the pane then takes the answer instead of
asking again. A prefetched page is used once, for exactly the same call, and only if it
succeeded; anything else falls back to a normal call.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Any

from tui.services.scan import spawn


class Prefetch:
    """Pages fetched ahead of time, keyed by the call that would fetch them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._futures: dict[Hashable, Future[Any]] = {}

    def start(self, key: Hashable, fetch: Callable[[], Any]) -> Future[Any]:
        """Run ``fetch`` in a background thread; its result waits under ``key``."""
        future: Future[Any] = Future()

        def run() -> None:
            try:
                future.set_result(fetch())
            except BaseException as exc:  # the real call will report it
                future.set_exception(exc)

        with self._lock:
            self._futures[key] = future
        spawn("prefetch", run)
        return future

    def wait(self, key: Hashable, timeout: float = 60.0) -> bool:
        """Wait until the page under ``key`` has been fetched (or failed); False if none started.

        Why: a caller that must know the page is in (a test of the start-up path) waits here
        instead of reaching into the futures.
        """
        with self._lock:
            future = self._futures.get(key)
        if future is None:
            return False
        with contextlib.suppress(Exception):
            future.exception(timeout=timeout)
        return future.done()

    def take_ready(self, key: Hashable) -> Any | None:
        """The prefetched result for ``key`` if it is already in, once; else None, never waiting.

        Why: a page that is already here lands on the UI thread at once, in the first frame; one
        still in flight is left for ``take`` in the pane's worker (the call is not made twice).
        """
        with self._lock:
            future = self._futures.get(key)
            if future is None or not future.done():
                return None
            del self._futures[key]
        if future.exception() is not None:
            return None
        return future.result()

    def take(self, key: Hashable, timeout: float = 60.0) -> Any | None:
        """The prefetched result for ``key`` (waiting for it if still in flight), once; else None."""
        with self._lock:
            future = self._futures.pop(key, None)
        if future is None:
            return None
        try:
            return future.result(timeout=timeout)
        except Exception:
            return None
