"""The session timeline screen: loads every participant's events, then shows them on one axis.

Why: it answers "who dropped, when, and what else happened then" on one screen. Loading a large
session takes many calls, so they run as one run of the UI's work path (tui/ui/work.py; the calls
take pool slots) whose count of participants done comes back as ``Work.Progress``, and escape
stops them (``Work.cancel``: no more calls, nothing more shown); enter on a participant opens
its events at the cursor's time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from tui.services.ivs_timeline import Timeline, load_timeline
from tui.services.pool import CallPool
from tui.services.scan import ScanCancelled
from tui.ui.safe_text import safe_text, visible
from tui.ui.widgets.timeline_view import TimelineView, describe
from tui.ui.work import Report, Work
from tui.words import count

LEGEND = "─ present  ░ subscribing  █ publishing  ¦ rejoined  ! error  ⇄ replica"


@dataclass(frozen=True)
class OpenAt:
    """The user chose a participant at a time: open its events there."""

    participant_id: str
    at: float
    until: float


class TimelineScreen(Screen[OpenAt | None]):
    """A full screen over the pane; dismisses with where to go, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="timeline.close"),
        Binding("enter", "open", "Open events here", id="timeline.open"),
    ]

    def __init__(
        self, factory: Any, pool: CallPool, stage_arn: str, session_id: str, title: str = ""
    ) -> None:
        super().__init__()
        self.factory = factory
        self.pool = pool
        self.stage_arn = stage_arn
        self.session_id = session_id
        self.title_text = title or session_id
        self.timeline: Timeline | None = None
        self.work = Work(self, group="timeline")

    def compose(self) -> ComposeResult:
        yield Static(safe_text(f"Timeline · {self.title_text}"), id="timeline-title")
        yield Static("Loading participants…", id="timeline-status")
        yield Static(LEGEND, id="timeline-legend")

    def on_mount(self) -> None:
        factory, pool, stage_arn, session_id = (
            self.factory, self.pool, self.stage_arn, self.session_id,
        )  # fmt: skip
        cancel = self.work.stop  # set when the screen is left: no more calls

        def load(report: Report) -> Timeline:
            return load_timeline(
                factory, pool, stage_arn, session_id, cancel=cancel,
                progress=lambda done, total: report((done, total)),
            )  # fmt: skip

        # fan_out takes the pool slots itself, per call: this run must not hold one.
        self.work.run(load, key="timeline", pooled=False, on_progress=self._progressed)

    def _progressed(self, progress: tuple[int, int]) -> None:
        """``done`` of ``total`` participants' events are loaded."""
        done, total = progress
        if self.timeline is None:
            self._status(f"Loading events… {done}/{total} participants")

    def on_work_progress(self, message: Work.Progress) -> None:
        self.work.deliver(message)

    def on_work_done(self, message: Work.Done) -> None:
        if self.work.deliver(message) and isinstance(message.result, Timeline):
            self._show(message.result)

    def on_work_failed(self, message: Work.Failed) -> None:
        if not self.work.deliver(message) or isinstance(message.cause, ScanCancelled):
            return
        self._status(f"Could not load the timeline: {visible(str(message.error))}")

    def _show(self, timeline: Timeline) -> None:
        self.timeline = timeline
        live = " · live" if timeline.live else ""
        title = (
            f"Timeline · {self.title_text} · {count(len(timeline.tracks), 'participant')} · "
            f"{count(timeline.error_count, 'error')}{live}"
        )
        self.query_one("#timeline-title", Static).update(safe_text(title))
        view = TimelineView(timeline, id="timeline-view")
        self.mount(view, before=self.query_one("#timeline-status"))
        view.focus()
        if not timeline.tracks:
            self._status("No participants in this session.")

    def on_timeline_view_cursor_moved(self, message: TimelineView.CursorMoved) -> None:
        if message.info is not None:
            self._status(describe(message.info))

    def _status(self, text: str) -> None:
        self.query_one("#timeline-status", Static).update(safe_text(text))

    def action_open(self) -> None:
        views = self.query(TimelineView)
        info = views.first().cursor_info() if views else None
        if info is None or info.track.error is not None:
            return
        self.dismiss(OpenAt(info.track.participant.participant_id, info.start, info.end))

    def action_close(self) -> None:
        self.work.cancel()  # the calls stop, and anything the load still reports is dropped
        self.dismiss(None)
