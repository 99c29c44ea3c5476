"""The browse pane's paging: pages asked for one ahead, landed in order, garbage kept small.

Why a part of its own: the page-ahead bookkeeping (what is in flight, what overtook what, the
page kept until the table asks) is one concern with its own state; the pane owns one ``Paging``
and calls it, so the stack, columns and inspector code never touch that state.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Protocol

from textual.app import App
from textual.message import Message

from tui.errors import EventdeckError
from tui.ui.panes.level import Level, PreparedPage
from tui.ui.widgets.virtual_table import VirtualTable
from tui.ui.work import Work

GARBAGE_ROWS = 1_000  # rows landed between the full collections paging makes (4 pages of logs)


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


def collect_a_page_of_garbage() -> None:
    """A full collection now, while it holds a few pages' worth of cyclic garbage (~3 ms).

    Why: drawing makes cyclic garbage (Textual's strips keep themselves in their own caches),
    and paging draws a frame a page; left to the automatic gen-2 collection it piled up and was
    freed in one go: 17 ms typical, 86–314 ms at worst while pages arrived. Collected every
    ``GARBAGE_ROWS`` rows it costs a walk of what is not frozen (1–2 ms) plus that garbage.
    Every 1,000 rows rather than every 250: the walk was most of the cost, and the garbage
    collector's time while paging 25,000 logs fell from ~420 to ~215 ms (the same runs,
    collections of every generation), its longest pause not longer.
    """
    gc.collect()


class PageFetched(Message, bubble=False, namespace="browse_pane"):
    """A page's call answered (its worker now prepares it): the next page can be asked for.

    The pane hands it to ``Paging.page_fetched`` (``BrowsePane.on_browse_pane_page_fetched``).
    """

    def __init__(self, level: Level, seq: int, next_token: str) -> None:
        super().__init__()
        self.level = level
        self.seq = seq
        self.next_token = next_token


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
    def update_status(self) -> None: ...
    def page_shown(self, level: Level) -> None: ...
    def error_text(self, error: EventdeckError) -> str: ...
    def cancel_calls(self) -> None: ...


class Paging:
    """The pages of the pane's open level: fetched one ahead, landed in the order asked for."""

    def __init__(self, pane: PagingHost) -> None:
        self.pane = pane
        self.fetching = False
        self.searching = 0  # empty pages in a row that said "more" (esc stops looking)
        # Paging fetches one page ahead: the next page is on its way while this one is drawn.
        self.ahead: tuple[Level, PreparedPage] | None = None  # fetched, not yet asked for
        self.wanted = False  # the table asked for rows: show the page in flight when it lands
        # Pages on their way land in the order they were asked for: a page's worker posts its next
        # token as soon as its call answers, so the next call overlaps this page's preparing.
        self.flights = 0  # pages being fetched or prepared
        self.seq = 0  # the number the next page asked for gets
        self.due = 0  # the number of the next outcome to handle
        self.held: dict[int, Callable[[], None]] = {}  # outcomes that overtook an earlier one
        self.rows_since_gc = 0  # rows landed since paging's last full collection

    def reset(self) -> None:
        """A level is shown afresh: nothing is wanted or kept ahead for it yet."""
        self.fetching = False
        self.searching = 0
        self.ahead = None
        self.wanted = False

    def load_more(self, ahead: bool = False) -> None:
        """Show the next page: the one fetched ahead, the one in flight, or a new one (``ahead``: fetch only)."""
        pane = self.pane
        level = pane.level
        if level is None or (level.started and level.done):
            return
        if not ahead and self.ahead is not None and self.ahead[0] is level:
            page, self.ahead = self.ahead[1], None
            self.wanted = True
            self.page_loaded(level, page)
            return
        if self.fetching:
            if not ahead and not self.wanted and level.started:
                self.wanted = True
                pane.table.set_loading(True)
            return
        self.wanted = not ahead
        self.fetch(level, ahead)

    def land_ready(self) -> bool:
        """Land the open level's page fetched ahead, if one is here (the table's ``land_ready``).

        Why: ``G`` then shows it and moves onto its last row in one frame, not two.
        """
        level = self.pane.level
        if level is None or self.ahead is None or self.ahead[0] is not level:
            return False
        self.load_more()
        return True

    def fetch(self, level: Level, ahead: bool) -> None:
        """Ask for the page at ``level.next_token`` in a worker that also makes it ready to land."""
        pane = self.pane
        seq = self.seq
        self.seq += 1
        self.flights += 1
        self.fetching = True
        pane.last_error = None
        level.started = True
        if not ahead:
            pane.table.set_error(None)
            pane.table.set_loading(True)
        token = level.next_token
        fetch, scan, stop = level.fetch, level.scan, pane.work.stop
        ready = level.ready() if token is None and not ahead and level.ready else None
        if ready is not None:  # the launch's first page is already here: it lands now
            prepared = level.prepare(ready, pane.time_mode)
            self.in_order(level, seq, lambda: self.page_loaded(level, prepared))
            pane.update_status()
            return

        def fetch_and_prepare() -> PreparedPage:
            # The worker makes the rows and packs the items: the UI thread only appends them.
            page = scan(stop) if scan is not None else fetch(token)
            if scan is None and page.next_token:
                pane.post_message(PageFetched(level, seq, page.next_token))
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
            self.fetching = self.flights > 0
            handle()
            if self.due not in self.held:
                return
            handle = self.held.pop(self.due)

    def page_fetched(self, level: Level, seq: int, next_token: str) -> None:
        """The page the user waits for is on its way: ask for the next one now, not when it lands.

        Why: preparing a page (rows, packing) then overlaps the next call instead of following
        it. Only for a page that is wanted and not the level's first, so no more pages are
        fetched than before: the one after a shown page, ahead.
        """
        if (
            level is not self.pane.level
            or seq != self.due  # the page the user waits for is the next to land…
            or self.flights != 1  # …and nothing is on its way behind it
            or not self.wanted
            or not level.items
            or self.ahead is not None
        ):
            return
        level.next_token = next_token
        self.fetch(level, ahead=True)

    def page_loaded(self, level: Level, page: PreparedPage) -> None:
        pane = self.pane
        if level is not pane.level:
            return
        if not self.wanted:  # fetched ahead: kept until the table asks for it
            self.ahead = (level, page)
            return
        self.wanted = False
        ahead = bool(level.items)  # the first page alone asks for nothing more: no extra call
        level.next_token = page.next_token
        level.done = page.next_token is None
        rows = level.land(page, pane.time_mode)
        # A finished worker keeps its result in a reference cycle, freed only by a full GC:
        # emptied, the page's rows go now (by refcount) instead of waiting for gen-2 collections.
        page.release()
        if not rows and not level.done:
            # An empty page that says "more": the next one may hold rows; keep looking by itself.
            self.searching += 1
            self.load_more()
            return
        self.searching = 0
        pane.table.set_loading(False)
        pane.table.append_rows(rows, more=not level.done)
        pane.update_status()
        if not ahead:  # a level's first page: what lives now is the app, long-lived
            keep_out_of_gc()
            self.rows_since_gc = 0
        else:
            self.rows_since_gc += len(rows)
            if self.rows_since_gc >= GARBAGE_ROWS:
                self.rows_since_gc = 0
                collect_a_page_of_garbage()
        if ahead:
            self.load_more(ahead=True)  # the next page comes while this one is drawn
        pane.page_shown(level)

    def page_failed(self, level: Level, error: EventdeckError) -> None:
        pane = self.pane
        if level is not pane.level:
            return
        if not self.wanted and level.items and not pane.following:
            return  # a page fetched ahead failed: when asked for, it is fetched again (and shown)
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
        self.fetching = False
        self.searching = 0
        pane.table.set_loading(False)
        pane.table.append_rows([], more=True)
        pane.app.notify(f"Stopped after {pages:,} empty pages; G looks further.", markup=False)
        pane.update_status()
