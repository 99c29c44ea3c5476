"""The browse pane's paging: a level's first page asked for, the next ones read ahead, landed in order.

Why a part of its own: what is in flight, what is read ahead and when it lands is one concern
with its own state; the pane owns one ``Paging`` and calls it, so the stack, columns and
inspector code never touch that state. The read-ahead itself (the calls, the window) is
``tui.services.prefetch.ReadAhead``: no Textual in it.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Protocol

from textual.app import App
from textual.message import Message
from textual.timer import Timer

from tui.errors import EventdeckError
from tui.services.prefetch import ReadAhead
from tui.ui.garbage import GarbagePacer
from tui.ui.panes.level import Level, PreparedPage
from tui.ui.widgets.virtual_table import VirtualTable
from tui.ui.work import Work, as_eventdeck_error

GARBAGE_ROWS = 1_000  # rows landed between the young collections paging makes (4 pages of logs)
LANDING_GAP = 1 / 30  # seconds at least between landings of pages that arrive while the user waits
KEY_LANDING_GAP = 1 / 60  # … and between a landing and one a key asks for with the pages already in
LANDING_ROWS = 500  # rows at most in one landing (one frame); a page bigger than that lands alone


def keep_out_of_gc() -> None:
    """Collect the young generations, then move every surviving object out of the cyclic GC's reach.

    Why: a full (gen-2) collection walks every tracked object: the app, Textual and botocore's
    models alone made it 100–200 ms on the UI thread, at unpredictable moments. When a level's
    first page lands, what survives is long-lived; ``gc.freeze`` puts it in the permanent
    generation, so later collections only look at newer objects (loaded items add none: they
    are kept as bytes). Called once per level, not per page: a frozen cycle is never freed
    (a finished worker still holding its page is one), so freezing every page kept them all.
    Young cyclic garbage is collected first (a cheap gen-1 collection) so it is not frozen.
    """
    gc.collect(1)
    gc.freeze()


class ReadAheadReady(Message, bubble=False, namespace="browse_pane"):
    """A page read ahead is in (or failed): paging lands it if the user is waiting for one.

    Posted from the read-ahead's thread; the pane hands it to ``Paging.read_ahead_ready``.
    """

    def __init__(self, chain: ReadAhead) -> None:
        super().__init__()
        self.chain = chain


class PagingHost(Protocol):
    """What paging needs of its pane (BrowsePane has it all), so it never imports the pane."""

    last_error: EventdeckError | None

    @property
    def app(self) -> App[object]: ...
    @property
    def level(self) -> Level | None: ...
    @property
    def table(self) -> VirtualTable: ...
    @property
    def work(self) -> Work: ...
    @property
    def time_mode(self) -> str: ...
    @property
    def following(self) -> bool: ...
    def post_message(self, message: Message) -> bool: ...
    def set_timer(self, delay: float, callback: Callable[[], None]) -> Timer: ...
    def call_after_refresh(self, callback: Callable[[], None]) -> bool: ...
    def update_status(self) -> None: ...
    def page_shown(self, level: Level) -> None: ...
    def error_text(self, error: EventdeckError) -> str: ...
    def cancel_calls(self) -> None: ...


class Paging:
    """The pages of the pane's open level: the first asked for, the next ones read ahead.

    A level's first page (and a scan's one page) is fetched when shown. Once the user pages (a
    page asked for beyond the first), a ``ReadAhead`` fetches the next pages one after another
    off the UI thread, a few ahead; a page the user asks for lands from there if it is in, or
    as soon as it is. Leaving the level, refresh or leaving the pane stops it.
    """

    def __init__(self, pane: PagingHost) -> None:
        self.pane = pane
        self.searching = 0  # empty pages in a row that said "more" (esc stops looking)
        self.wanted = False  # the table asked for rows: show the next page when it is in
        self.chain: ReadAhead | None = None  # the open level's pages read ahead
        self.chain_level: Level | None = None
        # Pages fetched one by one (a level's first, a scan's) land in the order asked for.
        self.flights = 0  # pages being fetched or prepared
        self.seq = 0  # the number the next page asked for gets
        self.due = 0  # the number of the next outcome to handle
        self.held: dict[int, Callable[[], None]] = {}  # outcomes that overtook an earlier one
        # A young collection every GARBAGE_ROWS rows landed, after the frame that shows them
        # (tui/ui/garbage.py): what a landing's workers leave is freed before it grows old.
        self.garbage = GarbagePacer(GARBAGE_ROWS)
        self.landed_at = 0.0  # when pages last landed (time.monotonic)
        self.pacing: Timer | None = None  # a landing put off to keep LANDING_GAP
        self.pacing_due = 0.0  # when it lands (time.monotonic)

    @property
    def fetching(self) -> bool:
        """A page of the open level is on its way (asked for, or read ahead)."""
        chain = self.chain
        return self.flights > 0 or (chain is not None and chain.in_flight > 0)

    def reset(self) -> None:
        """A level is shown afresh: nothing is wanted or read ahead for it yet."""
        self.stop_read_ahead()
        self.searching = 0
        self.wanted = False

    def stop_read_ahead(self) -> None:
        """Stop reading ahead (the view changed, or the pane was left); its pages are dropped."""
        if self.chain is not None:
            self.chain.stop()
        self.chain = None
        self.chain_level = None
        if self.pacing is not None:
            self.pacing.stop()
            self.pacing = None

    def load_more(self) -> None:
        """Show the next page: one read ahead that is in, else the one on its way, or a new one."""
        pane = self.pane
        level = pane.level
        if level is None or (level.started and level.done):
            return
        if (
            level.started
            and level.next_token is not None
            and level.scan is None
            and not self.flights
        ):
            self.read_more(level)
            return
        if self.flights:
            if not self.wanted and level.started:
                self.wanted = True
                pane.table.set_loading(True)
            return
        self.wanted = True
        self.fetch(level)

    def read_more(self, level: Level) -> None:
        """The user asked for a page beyond the first: land what is read ahead, or wait for it."""
        chain = self.chain
        if chain is None or self.chain_level is not level or chain.stopped:
            self.stop_read_ahead()
            pane = self.pane

            def ready(chain: ReadAhead) -> None:  # in the read-ahead's thread
                pane.post_message(ReadAheadReady(chain))

            chain = ReadAhead(
                level.fetch,
                level.next_token,
                prepare=lambda page: level.prepare(page, pane.time_mode),
                pool=pane.work.pool,
                on_ready=ready,
            )
            self.chain, self.chain_level = chain, level
        else:
            chain.grow()
        self.wanted = True
        if not self.land_soon(level, KEY_LANDING_GAP):
            self.pane.last_error = None
            self.pane.table.set_error(None)
            self.pane.table.set_loading(True)
            chain.wanted = True
            chain.pump()
            self.pane.update_status()

    def land_ready(self) -> bool:
        """Land the open level's pages read ahead that are in, if any (the table's ``land_ready``).

        Why: ``G`` then shows them and moves onto the last row in one frame, not two. The pages
        that are in land together, not one: they were read ahead because the user keeps paging,
        and one frame for several pages costs less than a frame each (up to ``LANDING_ROWS``).
        """
        level = self.pane.level
        chain = self.chain
        if level is None or chain is None or self.chain_level is not level or not chain.ready():
            return False
        self.wanted = True
        self.land_soon(level, KEY_LANDING_GAP)
        chain.grow()
        return True

    def read_ahead_ready(self, chain: ReadAhead) -> None:
        """A page read ahead is in: it lands if the user is waiting for one (paced, see below)."""
        level = self.pane.level
        if chain is not self.chain or level is None or self.chain_level is not level:
            return
        if self.wanted:
            self.land_soon(level)

    def land_soon(self, level: Level, gap: float | None = None) -> bool:
        """Land the pages read ahead that are in, now or ``gap`` after the last landing; False: none.

        Why not always now: landing each page as it came made a frame a page, and the UI
        thread's frames and the read-ahead's calls then took turns with the GIL, a page each (a
        page of 100 participant events cost 3× boto3's time). Pages that come in while the user
        waits land at most every ``LANDING_GAP`` (30 times a second, as smooth to the eye), the
        pages that came in meanwhile in the same frame (up to ``LANDING_ROWS``), and the calls
        run between frames. A key that asks for pages already in (``G``) waits only
        ``KEY_LANDING_GAP`` (a 60 Hz frame): held to the 1/30 s, a ``G`` pressed just after a
        landing took 45 ms to show anything at a million rows, most of it that wait.
        """
        chain = self.chain
        if chain is None or not chain.ready():
            return False
        due = self.landed_at + (LANDING_GAP if gap is None else gap)
        if self.pacing is not None:
            if self.pacing_due <= due:
                return True  # it lands no later than asked
            self.pacing.stop()  # a key asked for it sooner
            self.pacing = None
        wait = due - time.monotonic()
        if wait > 0:
            self.pacing, self.pacing_due = self.pane.set_timer(wait, self.land_paced), due
            return True
        return self.land_read_ahead(level)

    def land_paced(self) -> None:
        """The end of a landing gap: land what came in, if the user still waits for it."""
        self.pacing = None
        level = self.pane.level
        if level is not None and self.chain_level is level and self.wanted:
            self.land_read_ahead(level)

    def land_read_ahead(self, level: Level) -> bool:
        """Land the pages read ahead that are in, in order, up to a failed one; False: none was in.

        At most ``LANDING_ROWS`` rows land at once (at least one page): eight pages of 250 event
        logs in one frame held the event loop up to 41 ms at a million rows; the pages left stay
        read ahead for the next ``G`` or the next landing. A failed page shows its error where
        the user reached it, as a page asked for then would.
        """
        chain = self.chain
        if chain is None:
            return False
        pages: list[PreparedPage] = []
        error: BaseException | None = None
        rows = 0
        while rows < LANDING_ROWS and (future := chain.take()) is not None:
            error = future.exception()
            if error is not None:
                break
            page = future.result()
            pages.append(page)
            rows += len(page.rows)
        if not pages and error is None:
            return False
        chain.wanted = False
        if pages:
            self.land(level, pages)
        if error is not None:
            self.stop_read_ahead()  # retry (r) reads ahead again from the failed page's token
            self.wanted = True
            self.page_failed(level, as_eventdeck_error(error))
        return True

    def fetch(self, level: Level) -> None:
        """Ask for the page at ``level.next_token`` in a worker that also makes it ready to land."""
        pane = self.pane
        seq = self.seq
        self.seq += 1
        self.flights += 1
        pane.last_error = None
        level.started = True
        pane.table.set_error(None)
        pane.table.set_loading(True)
        token = level.next_token
        fetch, scan, stop = level.fetch, level.scan, pane.work.stop
        ready = level.ready() if token is None and level.ready else None
        if ready is not None:  # the launch's first page is already here: it lands now
            prepared = level.prepare(ready, pane.time_mode)
            self.in_order(level, seq, lambda: self.page_loaded(level, prepared))
            pane.update_status()
            return

        def fetch_and_prepare() -> PreparedPage:
            # The worker makes the rows and packs the items: the UI thread only appends them.
            page = scan(stop) if scan is not None else fetch(token)
            # The format is read before the rows are made: a change from here on remakes them.
            return level.prepare(page, pane.time_mode)

        pane.work.run(
            fetch_and_prepare,
            lambda page: self.in_order(level, seq, lambda: self.page_loaded(level, page)),
            lambda err: self.in_order(level, seq, lambda: self.page_failed(level, err)),
            key=f"load {level.crumb}",
            pooled=scan is None,  # a scan takes a pool slot per call itself
        )
        pane.update_status()

    def forget_flights(self) -> None:
        """The query was left: its pages on their way are dropped, in any order."""
        self.flights = 0
        self.due = self.seq
        self.held = {}
        self.stop_read_ahead()

    def in_order(self, level: Level, seq: int, handle: Callable[[], None]) -> None:
        """Handle a page's outcome after those of the pages asked for before it."""
        if level is not self.pane.level:
            return
        if seq != self.due:
            self.held[seq] = handle
            return
        while True:
            self.due += 1
            self.flights -= 1
            handle()
            if self.due not in self.held:
                return
            handle = self.held.pop(self.due)

    def page_loaded(self, level: Level, page: PreparedPage) -> None:
        """A page fetched one by one (a level's first, a scan's) is in: it lands."""
        if level is not self.pane.level:
            return
        self.land(level, [page])

    def land(self, level: Level, pages: list[PreparedPage]) -> None:
        """Keep ``pages`` and show their rows in one append (one frame), then collect garbage."""
        pane = self.pane
        first = not level.items  # a level's first page alone asks for nothing more: no extra call
        rows = []
        for page in pages:
            level.next_token = page.next_token
            level.done = page.next_token is None
            rows.extend(level.land(page, pane.time_mode))
            # A finished worker keeps its result in a reference cycle, freed only by a full GC:
            # emptied, the page's rows go now (by refcount) instead of waiting for gen-2 collections.
            page.release()
        if not rows and not level.done:
            # Empty pages that say "more": the next one may hold rows; keep looking by itself.
            self.searching += len(pages)
            self.wanted = False
            self.load_more()
            return
        self.wanted = False
        self.searching = 0
        self.landed_at = time.monotonic()
        pane.table.set_loading(False)
        pane.table.append_rows(rows, more=not level.done)
        pane.update_status()
        if first:  # a level's first page: what lives now is the app, long-lived
            keep_out_of_gc()
            self.garbage.reset()
        else:
            self.garbage.drew(len(rows), pane.call_after_refresh)
        pane.page_shown(level)

    def page_failed(self, level: Level, error: EventdeckError) -> None:
        pane = self.pane
        if level is not pane.level:
            return
        self.wanted = False
        self.searching = 0
        pane.last_error = error
        pane.table.set_loading(False)
        pane.table.set_error(pane.error_text(error))
        pane.update_status()

    def stop_searching(self) -> None:
        """Escape during a run of empty pages: stop asking; G asks for the next page again."""
        pane = self.pane
        pages = self.searching
        pane.cancel_calls()
        self.searching = 0
        self.wanted = False
        pane.table.set_loading(False)
        pane.table.append_rows([], more=True)
        pane.app.notify(f"Stopped after {pages:,} empty pages; G looks further.", markup=False)
        pane.update_status()
