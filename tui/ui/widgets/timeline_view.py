"""TimelineView: a session's participants drawn across one time axis (Line API).

Each row is a participant; each column a slice of time. Shapes carry the meaning so 16 colours
and NO_COLOR read the same: ``─`` present, ``░`` subscribing, ``█`` publishing, ``¦`` left and
came back (drawn even when the gap is shorter than a column), ``!`` an error event in that slice,
blank absent. A cursor (row × time slice) names what happened there; only
the rows on screen are drawn, so a frame costs the visible rows whatever the session holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from tui.services.ivs_timeline import (
    PRESENT,
    PUBLISHING,
    SUBSCRIBING,
    Timeline,
    Track,
    epoch,
    events_between,
)
from tui.ui.safe_text import visible

GLYPHS = {None: " ", PRESENT: "─", SUBSCRIBING: "░", PUBLISHING: "█", "rejoin": "¦", "error": "!"}
LABEL_MAX = 22
MIN_SECONDS = 1.0  # the finest zoom: one second a column


@dataclass(frozen=True)
class CursorInfo:
    """What is under the cursor: the row's track and the slice's time range."""

    track: Track
    start: float
    end: float


def slice_states(track: Track, t0: float, dt: float, width: int) -> list[str | None]:
    """The dominant kind (or "error") for each of ``width`` slices of ``dt`` seconds from ``t0``.

    Sweeps spans and events once: cost is spans + events + width, not their product.
    """
    rank = {None: 0, PRESENT: 1, SUBSCRIBING: 2, PUBLISHING: 3, "rejoin": 4, "error": 5}
    out: list[str | None] = [None] * width
    t1 = t0 + dt * width
    for span in track.spans:
        if span.end < t0 or span.start >= t1:
            continue
        first = max(0, int((span.start - t0) // dt))
        last = min(width - 1, int((span.end - t0) // dt))
        for col in range(first, last + 1):
            if rank[span.kind] > rank[out[col]]:
                out[col] = span.kind
    presences = [span for span in track.spans if span.kind == PRESENT]
    for span in presences[1:]:  # each later presence began with a reconnect
        if t0 <= span.start < t1:
            out[int((span.start - t0) // dt)] = "rejoin"
    for event in track.error_events:
        at = epoch(event.event_time)
        if at is not None and t0 <= at < t1:
            out[int((at - t0) // dt)] = "error"
    return out


class TimelineView(Widget, can_focus=True):
    """The focusable timeline; the owning screen shows the status line from CursorMoved."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "timeline--axis",
        "timeline--label",
        "timeline--present",
        "timeline--subscribing",
        "timeline--publishing",
        "timeline--error",
        "timeline--rejoin",
        "timeline--cursor",
        "timeline--replica",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "move(1)", "Next participant", show=False, id="timeline.down"),
        Binding("k,up", "move(-1)", "Previous participant", show=False, id="timeline.up"),
        Binding("l,right", "step(1)", "Later", show=False, id="timeline.later"),
        Binding("h,left", "step(-1)", "Earlier", show=False, id="timeline.earlier"),
        Binding("L,shift+right", "page(1)", "Page later", show=False, id="timeline.page-later"),
        Binding("H,shift+left", "page(-1)", "Page earlier", show=False, id="timeline.page-earlier"),
        Binding("plus,equals_sign,z", "zoom(0.5)", "Zoom in", id="timeline.zoom-in"),
        Binding("minus,Z", "zoom(2)", "Zoom out", id="timeline.zoom-out"),
        Binding("0", "fit", "Whole session", id="timeline.fit"),
        Binding("n", "next_error(1)", "Next error", id="timeline.next-error"),
        Binding("N", "next_error(-1)", "Previous error", show=False, id="timeline.prev-error"),
        Binding("g,home", "edge(0)", "First", show=False, id="timeline.first"),
        Binding("G,end", "edge(1)", "Last", show=False, id="timeline.last"),
    ]

    class CursorMoved(Message):
        """The cursor now points at ``info`` (None: nothing loaded)."""

        def __init__(self, info: CursorInfo | None) -> None:
            super().__init__()
            self.info = info

    def __init__(self, timeline: Timeline, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.timeline = timeline
        self.row = 0
        self.col = 0
        self.top = 0
        self.t0 = timeline.start
        self.dt = 1.0  # seconds per column; set to fit on the first resize
        self._fitted = False

    # -- geometry ------------------------------------------------------------------------------
    @property
    def label_width(self) -> int:
        longest = max((cell_len(visible(t.label)) + 2 for t in self.timeline.tracks), default=8)
        return max(8, min(LABEL_MAX, longest, self.size.width // 3))

    @property
    def axis_width(self) -> int:
        return max(1, self.size.width - self.label_width - 1)

    @property
    def body_height(self) -> int:
        return max(1, self.size.height - 1)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.timeline.tracks) + 1

    def on_resize(self) -> None:
        if not self._fitted and self.size.width > 0:
            self._fitted = True
            self.action_fit()
        self._clamp()
        self.refresh()

    # -- state ---------------------------------------------------------------------------------
    def cursor_info(self) -> CursorInfo | None:
        if not self.timeline.tracks:
            return None
        start = self.t0 + self.col * self.dt
        return CursorInfo(self.timeline.tracks[self.row], start, start + self.dt)

    def _changed(self) -> None:
        self._clamp()
        self.refresh()
        self.post_message(self.CursorMoved(self.cursor_info()))

    def _clamp(self) -> None:
        rows = len(self.timeline.tracks)
        self.row = max(0, min(self.row, rows - 1))
        self.col = max(0, min(self.col, self.axis_width - 1))
        if self.row < self.top:
            self.top = self.row
        elif self.row >= self.top + self.body_height:
            self.top = self.row - self.body_height + 1
        self.top = max(0, min(self.top, max(0, rows - self.body_height)))

    def _move_time(self, seconds: float) -> None:
        """Put the cursor ``seconds`` later, scrolling the window when it leaves the screen."""
        at = self.t0 + (self.col + 0.5) * self.dt + seconds
        at = max(self.timeline.start, min(at, self.timeline.end - 1e-6))
        col = int((at - self.t0) // self.dt)
        if col < 0:
            self.t0 = at - 0.5 * self.dt
            col = 0
        elif col >= self.axis_width:
            self.t0 = at - (self.axis_width - 0.5) * self.dt
            col = self.axis_width - 1
        self.col = col

    def center_on(self, at: float) -> None:
        """Scroll so ``at`` is under the cursor in the middle of the axis."""
        half = self.axis_width // 2
        self.t0 = at - (half + 0.5) * self.dt
        self.col = half
        self._changed()

    # -- actions -------------------------------------------------------------------------------
    def action_move(self, delta: int) -> None:
        self.row += delta
        self._changed()

    def action_step(self, delta: int) -> None:
        self._move_time(delta * self.dt)
        self._changed()

    def action_page(self, delta: int) -> None:
        self._move_time(delta * self.dt * max(1, self.axis_width // 2))
        self._changed()

    def action_zoom(self, factor: float) -> None:
        """Zoom around the cursor's time (factor < 1 zooms in)."""
        at = self.t0 + (self.col + 0.5) * self.dt
        span = self.timeline.end - self.timeline.start
        widest = max(MIN_SECONDS, span / self.axis_width * 1.02)
        self.dt = max(MIN_SECONDS, min(self.dt * factor, widest))
        self.t0 = at - (self.col + 0.5) * self.dt
        self._changed()

    def action_fit(self) -> None:
        span = self.timeline.end - self.timeline.start
        self.dt = max(MIN_SECONDS / 10, span / self.axis_width * 1.02)
        self.t0 = self.timeline.start
        self._changed()

    def action_edge(self, last: int) -> None:
        self.row = len(self.timeline.tracks) - 1 if last else 0
        self._changed()

    def action_next_error(self, direction: int) -> None:
        """Move to the next (or previous) error event in time, on any participant."""
        here = self.t0 + (self.col + 0.5) * self.dt
        found: list[tuple[float, int]] = []
        for index, track in enumerate(self.timeline.tracks):
            for event in track.error_events:
                at = epoch(event.event_time)
                if at is not None:
                    found.append((at, index))
        found.sort()
        if direction > 0:
            after = [(at, i) for at, i in found if at >= here + self.dt / 2]
            target = after[0] if after else None
        else:
            before = [(at, i) for at, i in found if at < here - self.dt / 2]
            target = before[-1] if before else None
        if target is None:
            self.notify("No more error events that way.", timeout=2)
            return
        self.row = target[1]
        if not (self.t0 <= target[0] < self.t0 + self.dt * self.axis_width):
            self.center_on(target[0])
            return
        self.col = int((target[0] - self.t0) // self.dt)
        self._changed()

    # -- rendering -----------------------------------------------------------------------------
    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"timeline--{name}")

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            return self._axis_line(width)
        index = self.top + y - 1
        if index >= len(self.timeline.tracks):
            return Strip.blank(width, self.rich_style)
        return self._track_line(self.timeline.tracks[index], index == self.row, width)

    def _axis_line(self, width: int) -> Strip:
        label_width, axis = self.label_width, self.axis_width
        ticks = [" "] * axis
        step = max(12, axis // 4)
        for col in range(0, axis, step):
            text = _clock(self.t0 + col * self.dt, self.dt)
            if col + len(text) <= axis:
                ticks[col : col + len(text)] = list(text)
        head = set_cell_size(f"{_scale(self.dt)}/col", label_width)
        line = head + " " + "".join(ticks)
        return Strip([Segment(set_cell_size(line, width), self._style("axis"))], width)

    def _track_line(self, track: Track, is_cursor_row: bool, width: int) -> Strip:
        label_width, axis = self.label_width, self.axis_width
        mark = "⇄" if track.is_replica else " "
        label = set_cell_size(mark + visible(track.label), label_width)
        label_style = self._style("cursor" if is_cursor_row else "label")
        segments = [Segment(label, label_style), Segment(" ", self.rich_style)]
        if track.error is not None:
            text = set_cell_size("! events not loaded: " + visible(track.error), axis)
            segments.append(Segment(text, self._style("error")))
            return Strip(segments, width).adjust_cell_length(width)
        states = slice_states(track, self.t0, self.dt, axis)
        base = self._style("replica") if track.is_replica else Style()
        for col, state in enumerate(states):
            glyph = GLYPHS[state]
            style = base + self._style(state) if state else self.rich_style
            if is_cursor_row and col == self.col:
                style = style + self._style("cursor")
                glyph = glyph if state else "·"
            segments.append(Segment(glyph, style))
        return Strip(segments, width).adjust_cell_length(width)


def describe(info: CursorInfo) -> str:
    """The status line for the cursor: who, when, and the events in that slice."""
    track = info.track
    when = _clock(info.start, info.end - info.start)
    who = visible(track.label)
    if track.error is not None:
        return f"{who} · events not loaded: {visible(track.error)}"
    events = events_between(track, info.start, info.end)
    if not events:
        state = slice_states(track, info.start, info.end - info.start, 1)[0]
        doing = {
            None: "not in the session",
            PRESENT: "present",
            SUBSCRIBING: "subscribing",
            PUBLISHING: "publishing",
        }.get(state, "present")
        return f"{when} · {who} · {doing}"
    names = []
    for event in events[:4]:
        text = visible(event.name)
        if event.error_code:
            text += f" ({visible(event.error_line)})"
        names.append(text)
    more = f" +{len(events) - 4} more" if len(events) > 4 else ""
    return f"{when} · {who} · {', '.join(names)}{more}"


def _clock(at: float, resolution: float) -> str:
    moment = datetime.fromtimestamp(at, UTC)
    return moment.strftime("%H:%M:%S" if resolution < 60 else "%H:%M")


def _scale(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f}s" if seconds >= 1 else f"{seconds:.1f}s"
    if seconds < 3600:
        return f"{seconds / 60:.0f}m"
    return f"{seconds / 3600:.1f}h"
