"""The browse pane's follow mode: poll for items newer than the newest shown, put them on top.

Why a part of its own: the timer, the poll in flight, the count of new rows and the last poll's
error are follow mode's state alone; the pane owns one ``Follow`` and asks it, so the paging and
stack code never read them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from textual.app import App
from textual.timer import Timer

from tui.errors import EventdeckError
from tui.services.paging import newer_items
from tui.ui.panes.level import Level
from tui.ui.widgets.virtual_table import VirtualTable
from tui.ui.work import ErrorHandler, ResultHandler

FOLLOW_SECONDS = 3.0
FOLLOW_MAX_PAGES = 50
RELATIVE_REFRESH_MAX = 20_000  # rows remade per follow poll in relative-time mode, at most


class FollowHost(Protocol):
    """What follow mode needs of its pane (BrowsePane has it all), so it never imports the pane."""

    @property
    def app(self) -> App[object]: ...
    @property
    def level(self) -> Level | None: ...
    @property
    def table(self) -> VirtualTable: ...
    @property
    def time_mode(self) -> str: ...
    @property
    def fetching(self) -> bool: ...
    def set_interval(self, interval: float, callback: Callable[[], None]) -> Timer: ...
    def call_aws(
        self,
        fn: Callable[[], Any],
        on_result: ResultHandler,
        on_error: ErrorHandler | None = None,
        *,
        description: str = "",
    ) -> object: ...
    def update_status(self) -> None: ...
    def rerender(self) -> None: ...
    def error_text(self, error: EventdeckError) -> str: ...


class Follow:
    """Follow mode of one pane's open level: a timer, one poll at a time, new rows on top."""

    def __init__(self, pane: FollowHost) -> None:
        self.pane = pane
        self.following = False
        self.seconds = FOLLOW_SECONDS
        self.timer: Any = None
        self.polling = False
        self.new_count = 0
        self.error: EventdeckError | None = None

    def toggle(self) -> None:
        pane = self.pane
        level = pane.level
        if self.following:
            self.stop()
            pane.app.notify("Follow mode off.", markup=False)
        elif level is None or level.newer is None:
            pane.app.notify("Follow mode works on participant events and event logs.", markup=False)
        else:
            self.following = True
            self.new_count = 0
            self.timer = pane.set_interval(self.seconds, self.tick)
            pane.app.notify(f"Following: new items every {self.seconds:g}s.", markup=False)
            self.tick()  # at once, not after the first interval
        pane.update_status()

    def stop(self) -> None:
        self.following = False
        self.polling = False
        self.new_count = 0
        self.error = None
        if self.timer is not None:
            self.timer.stop()
            self.timer = None

    def status(self) -> str | None:
        """The status line's note while following (None when not following)."""
        if not self.following:
            return None
        follow = "following: new items appear at the top"
        if self.new_count:
            follow += f" · {self.new_count:,} new"
        if self.error is not None:
            follow += f" · last poll failed: {self.pane.error_text(self.error)}"
        return follow + " (f stops)"

    def tick(self) -> None:
        """Ask for items newer than the newest shown, from the top of the list (never backwards)."""
        pane = self.pane
        level = pane.level
        if level is None or level.newer is None or self.polling:
            return
        if pane.fetching and not level.items:
            return  # the first page is on its way and holds the newest items
        fetch = level.newer(list(level.items[:1]))
        known = level.by_key  # membership only, O(1); a copy of a million keys paused the UI
        to_row = level.to_row
        self.polling = True
        pane.call_aws(
            lambda: newer_items(fetch, lambda item: to_row(item).key in known, FOLLOW_MAX_PAGES),
            lambda items: self.polled(level, items),
            lambda err: self.poll_failed(level, err),
            description=f"follow {level.crumb}",
        )

    def polled(self, level: Level, items: list[Any]) -> None:
        pane = self.pane
        if level is not pane.level:
            return
        self.polling = False
        self.error = None
        fresh = [item for item in items if not level.seen(item)]
        if fresh:
            if not level.started:
                level.started = True
            pane.table.prepend_rows(level.add(fresh, front=True))
            level.prepended += len(fresh)
            self.new_count += len(fresh)
        if pane.time_mode == "relative" and len(level.items) <= RELATIVE_REFRESH_MAX:
            pane.rerender()  # "3m ago" moves on with every poll
        pane.update_status()

    def poll_failed(self, level: Level, error: EventdeckError) -> None:
        """A failed poll is reported on the status line; the next tick tries again."""
        if level is not self.pane.level:
            return
        self.polling = False
        self.error = error
        self.pane.update_status()
