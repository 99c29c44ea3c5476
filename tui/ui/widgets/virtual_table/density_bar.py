"""DensityBar: one line above a VirtualTable, items per time bucket over the rows in view.

It shows itself once rows carry a time (``eventTime``…, see services/density.item_time) and
follows the table's view (filter and query): counts are kept per fine bin (services/density),
extended as pages land and rebuilt only when the view itself changes, so a frame costs the bins,
not the rows. Noting a few thousand new rows or recounting a small view is done on the UI
thread; more runs as a thread job through the UI's one work path (tui/ui/work.py), one at a time,
and a job over rows the table has since dropped is cancelled and its late result dropped.
It is given the table's model and two of its methods, never the widget itself.
``[``/``]`` move a bucket cursor; ``z`` jumps the table to the bucket's first row
and posts ``ZoomRequested`` (CodeCatalyst narrows its startTime/endTime and queries again).
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from rich.segment import Segment
from rich.style import Style
from textual.message import Message
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget

from tui.errors import EventdeckError
from tui.services.chunked import responsive
from tui.services.density import Bucket, Density, bar_text, error_marks, fmt_span, item_time
from tui.ui.widgets.virtual_table.model import TableModel
from tui.ui.work import Work

JsonSource = Callable[[Sequence[str]], Callable[[int], object]]
"""The table's ``json_source``: for column keys, a reader of loaded row ``i``'s JSON."""

SYNC_SECONDS = 0.25
INLINE_ROWS = 5_000
"""Up to this many rows are noted or counted on the UI thread (a few ms); more go to a thread job.

Why: noting a row parses its JSON for the time (~1.6 µs), counting one ~0.5 µs; 50,000 rows
appended at once took 56–82 ms on the event loop, over the 50 ms a step may take.
"""
JUMP_CHUNK = 20_000
"""Rows of the view ``jump_to`` searches in one turn of the event loop (a few ms)."""


def _clock(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%m-%d %H:%M:%S")


def recount(order: object, times: array[float], errors: bytearray) -> Density:
    """A fresh Density over the rows at ``order`` (indices into ``times``); pure, thread-safe."""
    density = Density()
    add = density.add
    for index in order:  # type: ignore[attr-defined]
        moment = times[index]
        if not math.isnan(moment):
            add(moment, bool(errors[index]))
    return density


def note_rows(
    source: Callable[[int], object], style: Callable[[int], str], start: int, stop: int
) -> tuple[array[float], bytearray]:
    """The times (NaN for none) and error flags of loaded rows ``[start, stop)``; thread-safe.

    ``source`` is a snapshot reader of the rows' JSON (``json_source``) and ``style`` reads a
    row's style: both only read lists the store extends or replaces, never changes in place.
    """
    times: array[float] = array("d")
    errors = bytearray()
    for index in range(start, stop):
        moment = item_time(source(index))
        times.append(math.nan if moment is None else moment)
        errors.append(style(index) == "error")
    return times, errors


class DensityBar(Widget):
    """The density line: bars, a bucket cursor, and the bucket width or the cursor's bucket."""

    COMPONENT_CLASSES = {"density-bar--error", "density-bar--cursor", "density-bar--label"}

    class ZoomRequested(Message):
        """``z`` on a bucket: its time span [start, end) (epoch seconds)."""

        def __init__(self, bar: DensityBar, start: float, end: float) -> None:
            super().__init__()
            self.bar = bar
            self.start = start
            self.end = end

        @property
        def control(self) -> DensityBar:
            return self.bar

    def __init__(
        self, model: TableModel, json_source: JsonSource, move_to: Callable[[int], None]
    ) -> None:
        super().__init__(classes="density-bar")
        self.model = model
        self._json_source = json_source
        self._move_to = move_to
        self.density = Density()
        self.times: array[float] = array("d")
        self.errors = bytearray()
        self.cursor: int | None = None
        self._seen = (-1, 0)  # (generation, visible count) counted
        self._epoch = -1  # the model's epoch the times belong to
        self.work = Work(self, group="density")
        """Noting many new rows and recounting a big view run here, one job at a time."""
        self.ticker: Timer | None = None
        self._strip_key: tuple[object, ...] | None = None
        self._strip: Strip | None = None
        self._jump_seq = 0  # the newest jump_to: an older one still searching stops
        self.display = False
        self.times_for: Callable[[int, int], Sequence[float] | None] | None = None
        """Loaded rows' times [start, stop) known to the table's owner (None: read each row's JSON)."""

    def on_mount(self) -> None:
        self.ticker = self.set_interval(SYNC_SECONDS, self.sync)

    # -- counting --------------------------------------------------------------------------
    def sync(self) -> None:
        """Bring the counts up to the table: new rows' times, then the view's growth or change.

        A few thousand rows are handled at once; more go to one thread job at a time (``work``),
        whose result continues the sync when it lands. A job of rows the table has since dropped
        (a new level: the model's epoch changed) is cancelled, and its late result dropped.
        """
        model = self.model
        loaded = model.loaded_count
        if model.epoch != self._epoch or loaded < len(self.times):  # cleared: a new level
            self.work.cancel()
            self._epoch = model.epoch
            self.times = array("d")
            self.errors = bytearray()
            self._seen = (-1, 0)
            self.cursor = None
        if self.work.busy:  # a job is counting: its result continues from where it ends
            return
        if loaded > len(self.times) and not self._note(len(self.times), loaded):
            return  # a job notes them; its result syncs on
        generation, visible = model.generation, model.visible_count
        seen_generation, seen_visible = self._seen
        if generation == seen_generation and visible == seen_visible:
            return
        if (
            generation != seen_generation
            or visible < seen_visible
            or model.sort_column is not None
            or visible - seen_visible > INLINE_ROWS
        ):
            self._rebuild()
            return
        # Same view, grown at its end (pages landing, query chunks): count only the new positions.
        times, errors, add = self.times, self.errors, self.density.add
        for position in range(seen_visible, visible):
            index = model.row_index(position)
            if not math.isnan(times[index]):
                add(times[index], bool(errors[index]))
        self._seen = (generation, visible)
        self._changed()

    def _note(self, start: int, stop: int) -> bool:
        """Note rows ``[start, stop)``: True when done now, False when a job notes them."""
        model = self.model
        known = self.times_for(start, stop) if self.times_for is not None else None
        if known is not None:
            self.times.extend(known)
            self.errors.extend(model.style(index) == "error" for index in range(start, stop))
            return True
        source = self._json_source(())  # payloads, or the pane's compact item store
        if stop - start <= INLINE_ROWS:
            times, errors = note_rows(source, model.style, start, stop)
            self.times.extend(times)
            self.errors.extend(errors)
            return True
        epoch = self._epoch

        def noted(result: tuple[array[float], bytearray]) -> None:
            if epoch != self._epoch or start != len(self.times):
                return
            self.times.extend(result[0])
            self.errors.extend(result[1])
            self.sync()

        def job() -> tuple[array[float], bytearray]:
            with responsive():  # JSON of many rows: the UI thread gets the GIL in ~1 ms
                return note_rows(source, model.style, start, stop)

        self.work.run(job, noted, self._failed, key="note", pooled=False)
        return False

    def _rebuild(self) -> None:
        model = self.model
        _rows, order = model.snapshot()
        seen = (model.generation, len(order))
        times, errors = self.times, self.errors
        if len(order) <= INLINE_ROWS:
            self._install(recount(order, times, errors), seen)
            return

        def counted(density: Density) -> None:
            self._install(density, seen)
            self.sync()  # the view may have moved on while the job ran

        def job() -> Density:
            with responsive():  # a million rows of Python: the UI thread gets the GIL in ~1 ms
                return recount(order, times, errors)

        self.work.run(job, counted, self._failed, key="recount", pooled=False)

    def _failed(self, error: EventdeckError) -> None:
        """A job that failed (rows dropped under it) is done again from scratch at the next tick."""
        self._seen = (-1, 0)

    def on_work_done(self, message: Work.Done) -> None:
        self.work.deliver(message)

    def on_work_failed(self, message: Work.Failed) -> None:
        self.work.deliver(message)

    def _install(self, density: Density, seen: tuple[int, int]) -> None:
        self.density = density
        self._seen = seen
        self._changed()

    def _changed(self) -> None:
        shown = self.density.total > 0 or any(not math.isnan(t) for t in self.times[:1])
        if shown != self.display:
            self.display = shown
        self.refresh()

    # -- drawing ---------------------------------------------------------------------------
    def buckets(self) -> list[Bucket]:
        """The buckets drawn at the current width."""
        return self.density.buckets(max(1, self.size.width - self._label_width()))

    def _label_width(self) -> int:
        return min(28, max(0, self.size.width // 3))

    def label(self, buckets: list[Bucket]) -> str:
        """The text after the bars: the cursor's bucket, or the bucket width and total."""
        if not buckets:
            return "no times in view"
        if self.cursor is not None and 0 <= self.cursor < len(buckets):
            b = buckets[self.cursor]
            text = f"{_clock(b.start)} {b.count:,}"
            return text + (f" {b.errors:,}!" if b.errors else "")
        return f"{fmt_span(buckets[0].end - buckets[0].start)}/col · {self.density.total:,}"

    def render_line(self, y: int) -> Strip:
        """The bars with error buckets and the cursor styled, then the label (cached per change)."""
        width = self.size.width
        key = (self.density.version, id(self.density), width, self.cursor)
        if key == self._strip_key and self._strip is not None:
            return self._strip
        buckets = self.buckets()
        marks = error_marks(buckets)
        bars = bar_text(buckets, marks)
        base = self.rich_style
        error = base + self.get_component_rich_style("density-bar--error")
        cursor = self.get_component_rich_style("density-bar--cursor")
        segments: list[Segment] = []
        for i, (char, marked) in enumerate(zip(bars, marks, strict=False)):
            style: Style = error if marked else base
            if i == self.cursor:
                style = style + cursor
            segments.append(Segment(char, style))
        label = self.label(buckets)
        pad = max(1, width - len(bars) - len(label))
        muted = base + self.get_component_rich_style("density-bar--label")
        segments.append(Segment(" " * pad + label, muted))
        strip = Strip(segments).crop(0, width)
        self._strip_key, self._strip = key, strip
        return strip

    # -- keys (bound on VirtualTable) --------------------------------------------------------
    def move_cursor(self, step: int) -> None:
        """Move the bucket cursor (it starts at the last bucket)."""
        buckets = self.buckets()
        if not buckets:
            return
        if self.cursor is None:
            self.cursor = len(buckets) - 1 if step < 0 else 0
        else:
            self.cursor = max(0, min(len(buckets) - 1, self.cursor + step))
        self.refresh()

    def zoom(self) -> None:
        """Jump the table to the cursor bucket's first row and ask the pane to zoom to it."""
        buckets = self.buckets()
        if self.cursor is None or not 0 <= self.cursor < len(buckets):
            self.notify("[ and ] pick a bucket first", markup=False)
            return
        bucket = buckets[self.cursor]
        self.jump_to(bucket.start, bucket.end)
        self.post_message(self.ZoomRequested(self, bucket.start, bucket.end))

    def jump_to(self, start: float, end: float) -> None:
        """Move the table's cursor to the first row in view whose time is in [start, end).

        The view is searched ``JUMP_CHUNK`` rows at a time, each piece its own turn of the event
        loop. Why: a bucket near the end of a million-row view took a ~250 ms walk on the loop;
        now keys and frames go between the pieces. A newer jump (or a changed view) stops an
        older one. A view of up to ``JUMP_CHUNK`` rows is searched at once, as before.
        """
        self._jump_seq += 1
        self._jump_piece(self._jump_seq, self.model.generation, start, end, 0)

    def _jump_piece(self, seq: int, generation: int, start: float, end: float, at: int) -> None:
        model = self.model
        if seq != self._jump_seq or model.generation != generation:
            return  # a newer jump, or the view changed under this one
        times = self.times
        known = len(times)
        stop = min(model.visible_count, at + JUMP_CHUNK)
        row_index = model.row_index
        for position in range(at, stop):
            index = row_index(position)
            if index < known and start <= times[index] < end:
                self._move_to(position)
                return
        if stop < model.visible_count:
            self.call_later(self._jump_piece, seq, generation, start, end, stop)
