"""Pages fetched before they are asked for: the launch's first page, and a paged view's read-ahead.

Why: launched with AWS CLI words (`eventdeck ivs-realtime list-participant-events …`), the first
request can go out before Textual has even painted; the pane then takes the answer instead of
asking again. A prefetched page is used once, for exactly the same call, and only if it
succeeded; anything else falls back to a normal call.

``ReadAhead`` keeps the same kind of slot for the pages after the one the user is looking at:
once the user pages, each page's call starts as soon as the previous page's answer is in, a
bounded window ahead, so the network overlaps the UI's landing and painting.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from tui.services.chunked import responsive
from tui.services.paging import Page
from tui.services.scan import spawn

if TYPE_CHECKING:
    from tui.services.pool import CallPool


class Prefetch:
    """Pages fetched ahead of time, keyed by the call that would fetch them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._futures: dict[Hashable, Future[Any]] = {}

    def start(self, key: Hashable, fetch: Callable[[], Any], name: str = "prefetch") -> Future[Any]:
        """Run ``fetch`` in a background thread; its result waits under ``key``."""
        future: Future[Any] = Future()

        def run() -> None:
            try:
                future.set_result(fetch())
            except BaseException as exc:  # the real call will report it
                future.set_exception(exc)

        with self._lock:
            self._futures[key] = future
        spawn(name, run)
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

    def take_done(self, key: Hashable) -> Future[Any] | None:
        """The finished fetch under ``key``, error included, once; None while it is in flight.

        Why: a page read ahead that failed must fail where the user reaches it, exactly as a
        page asked for then would, so the read-ahead takes the outcome, not only a success.
        """
        with self._lock:
            future = self._futures.get(key)
            if future is None or not future.done():
                return None
            del self._futures[key]
        return future

    def done(self, key: Hashable) -> bool:
        """Whether the fetch under ``key`` has finished (succeeded or failed), without taking it."""
        with self._lock:
            future = self._futures.get(key)
        return future is not None and future.done()

    def clear(self) -> None:
        """Forget every fetch (one still in flight finishes into nothing)."""
        with self._lock:
            self._futures.clear()

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


class ReadAhead:
    """A paged view's next pages, each call started as soon as the one before it answered.

    Why: paging through the UI made a page's call, then landed and painted it, then made the
    next call: the UI's time per page added to the network's. Here the calls follow one another
    off the UI thread (each in a pool slot, like every call), at most ``window`` pages ahead of
    what was taken (plus the one the UI waits for, while ``wanted``), so the UI lands pages that
    are already in. The window starts at one page and grows (``grow``) only while pages keep
    being asked for; ``stop`` ends it when the view changes. A failed page stops the chain and
    is handed over as it failed, in its turn.
    """

    def __init__(
        self,
        fetch: Callable[[str | None], Page[Any]],
        token: str | None,
        *,
        prepare: Callable[[Page[Any]], Any] | None = None,
        pool: CallPool | None = None,
        on_ready: Callable[[ReadAhead], None] | None = None,
        window: int = 1,
        max_window: int = 8,
    ) -> None:
        self._fetch = fetch
        self._prepare = prepare
        self._pool = pool
        self._on_ready = on_ready
        self._pages = Prefetch()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._token = token
        self._seen: set[str] = set() if token is None else {token}
        self._asked = 0  # pages whose call was started
        self._finished = 0  # pages fetched (or failed) and made ready
        self._taken = 0  # pages handed over, in order
        self._calling = False
        self._end = False  # the last page said there are no more, or a page failed
        self.window = max(1, window)
        self.max_window = max(self.window, max_window)
        self.wanted = False  # the UI waits for the next page: it does not count in the window

    @property
    def in_flight(self) -> int:
        """Pages asked for whose outcome is not in yet."""
        with self._lock:
            return self._asked - self._finished

    @property
    def held(self) -> int:
        """Pages asked for and not taken yet (in flight or ready)."""
        with self._lock:
            return self._asked - self._taken

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def grow(self) -> None:
        """The user asked for another page: read one more ahead, up to ``max_window``."""
        with self._lock:
            self.window = min(self.max_window, self.window + 1)

    def pump(self) -> None:
        """Start the next page's call if none is on its way and the window has room (thread-safe)."""
        with self._lock:
            limit = self.window + (1 if self.wanted else 0)
            if (
                self._stop.is_set()
                or self._calling
                or self._end
                or self._asked - self._taken >= limit
            ):
                return
            number = self._asked
            self._asked += 1
            self._calling = True
            token = self._token
        future = self._pages.start(number, lambda: self._page(token), name="read-ahead")
        future.add_done_callback(self._done)

    def ready(self) -> bool:
        """Whether the next page's outcome is in (``take`` would hand it over)."""
        with self._lock:
            number = self._taken
        return self._pages.done(number)

    def take(self) -> Future[Any] | None:
        """The next page's outcome if it is in (in the order asked), once; None while it is not."""
        with self._lock:
            number = self._taken
        future = self._pages.take_done(number)
        if future is None:
            return None
        with self._lock:
            self._taken += 1
        self.pump()
        return future

    def stop(self) -> None:
        """The view changed: no more calls; pages on their way finish into nothing."""
        self._stop.set()
        self._pages.clear()

    def _page(self, token: str | None) -> Any:
        """One page's call (in a pool slot), then the next page's start, then this page's preparing."""
        try:
            if self._pool is None:
                page = self._call(token)
            else:
                with self._pool.slot():
                    page = self._call(token)
        except BaseException:
            with self._lock:
                self._calling = False
                self._end = True  # what follows a failed page is asked for again on retry
            raise
        next_token = page.next_token or None
        with self._lock:
            if next_token is not None and next_token in self._seen:
                next_token = None  # a service echoing an old token would page forever
            if next_token is not None:
                self._seen.add(next_token)
            self._token = next_token
            self._end = next_token is None
            self._calling = False
        if next_token != page.next_token:
            page = Page(page.items, next_token)
        self.pump()  # the next call goes out now, while this page is made ready and landed
        return page if self._prepare is None else self._prepare(page)

    def _call(self, token: str | None) -> Page[Any]:
        """The call, with a short switch interval: its thread gets the GIL back soon after its I/O.

        Why: each call waits on its socket several times; with the default 5 ms interval every
        wake-up could wait that long for the UI thread's frame to give the GIL back, and the calls
        took 10.6 ms of wall time for 3.8 ms of CPU (7.1 ms with the short interval).
        """
        if self._stop.is_set():  # left while waiting for a pool slot: no call
            raise ReadAheadStopped
        with responsive():
            return self._fetch(token)

    def _done(self, _future: Future[Any]) -> None:
        with self._lock:
            self._finished += 1
        if self._on_ready is not None and not self._stop.is_set():
            self._on_ready(self)


class ReadAheadStopped(Exception):
    """The view a read-ahead served was left before its call went out."""
