"""A stage session as a timeline: each participant's presence, publishing and subscribing spans.

Why: "who dropped, when, and what else happened then" takes one participant at a time in the
console and in the AWS CLI. Here a session's participants and every one of their events are
loaded through the one pager, fanned out over the call pool (bounded, cancellable, counted), and
folded into spans the UI draws side by side on one time axis.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from tui.services import ivs_realtime as ivs
from tui.services.paging import Pager
from tui.services.pool import CallPool
from tui.services.scan import ScanCancelled, fan_out

PAGE_SIZE = 100  # the model's maximum for both ListParticipants and ListParticipantEvents

# Span kinds, in drawing priority (a later kind is drawn over an earlier one).
PRESENT = "present"
SUBSCRIBING = "subscribing"
PUBLISHING = "publishing"
SPAN_KINDS = (PRESENT, SUBSCRIBING, PUBLISHING)

_OPENS = {"JOINED": PRESENT, "PUBLISH_STARTED": PUBLISHING, "SUBSCRIBE_STARTED": SUBSCRIBING}
_CLOSES = {"LEFT": PRESENT, "PUBLISH_STOPPED": PUBLISHING, "SUBSCRIBE_STOPPED": SUBSCRIBING}


@dataclass(frozen=True, slots=True)
class Span:
    """One stretch of a kind, in epoch seconds; ``open`` when no event has ended it yet."""

    kind: str
    start: float
    end: float
    open: bool = False


@dataclass(frozen=True)
class Track:
    """One participant's row: its events oldest first, its spans, or why they could not load."""

    participant: ivs.Participant
    events: tuple[ivs.ParticipantEvent, ...] = ()
    spans: tuple[Span, ...] = ()
    error: str | None = None

    @property
    def label(self) -> str:
        return self.participant.user_id or self.participant.participant_id

    @property
    def is_replica(self) -> bool:
        return self.participant.replication_type == "REPLICA"

    @property
    def error_events(self) -> tuple[ivs.ParticipantEvent, ...]:
        return tuple(event for event in self.events if event.is_error)

    @property
    def joins(self) -> int:
        return sum(1 for event in self.events if event.name == "JOINED")


@dataclass(frozen=True)
class Timeline:
    """A session's tracks on one axis from ``start`` to ``end`` (epoch seconds)."""

    stage_arn: str
    session_id: str
    start: float
    end: float
    live: bool
    tracks: tuple[Track, ...] = field(default=())

    @property
    def error_count(self) -> int:
        return sum(len(track.error_events) for track in self.tracks)


def epoch(value: datetime | None) -> float | None:
    """Seconds since the epoch for an AWS timestamp (naive ones are UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def build_spans(events: Iterable[ivs.ParticipantEvent], end: float) -> tuple[Span, ...]:
    """Fold events (any order) into spans; a span no event closed runs to ``end``, marked open.

    Subscribing is one span while at least one subscription is open (per remote participant);
    LEFT closes everything, so a reconnect shows as a gap between two presence spans.
    """
    timed = sorted(
        ((t, event) for event in events if (t := epoch(event.event_time)) is not None),
        key=lambda pair: pair[0],
    )
    opened: dict[str, float] = {}
    remotes: set[str] = set()
    spans: list[Span] = []

    def close(kind: str, at: float) -> None:
        start = opened.pop(kind, None)
        if start is not None:
            spans.append(Span(kind, start, max(at, start)))

    for at, event in timed:
        if event.name == "LEFT":
            remotes.clear()
            for open_kind in list(opened):
                close(open_kind, at)
            continue
        opens = _OPENS.get(event.name)
        if opens is not None:
            if opens != PRESENT:
                opened.setdefault(PRESENT, at)  # an event implies presence (a missed JOINED)
            if opens == SUBSCRIBING:
                remotes.add(event.remote_participant_id or "")
            opened.setdefault(opens, at)
            continue
        closes = _CLOSES.get(event.name)
        if closes == SUBSCRIBING:
            remotes.discard(event.remote_participant_id or "")
            if remotes:
                continue
        if closes is not None:
            close(closes, at)
    for kind, start in opened.items():
        spans.append(Span(kind, start, max(end, start), open=True))
    order = {kind: n for n, kind in enumerate(SPAN_KINDS)}
    spans.sort(key=lambda span: (order[span.kind], span.start))
    return tuple(spans)


def load_timeline(
    factory: Any,
    pool: CallPool,
    stage_arn: str,
    session_id: str,
    *,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
    now: float | None = None,
) -> Timeline:
    """Every participant of the session and all their events, as a Timeline.

    Runs in a worker thread (it blocks); calls go through the pool's slots, at most the pool's
    size at once. One participant whose events fail to load keeps its row with the error; the
    others fill in. ``cancel`` stops the scan (ScanCancelled) between calls.
    """
    cancel = cancel or threading.Event()
    with pool.slot():
        session = ivs.get_stage_session(factory, stage_arn, session_id)
    participants: list[ivs.Participant] = []
    with pool.slot():
        fetch = partial(
            ivs.list_participants, factory, stage_arn, session_id, max_results=PAGE_SIZE
        )
        for page in Pager(fetch):
            participants.extend(page.items)
            if cancel.is_set():
                raise ScanCancelled
    start = epoch(session.start_time)
    end = epoch(session.end_time)
    live = end is None
    if end is None:
        end = now if now is not None else datetime.now(UTC).timestamp()

    def events_of(participant: ivs.Participant) -> list[ivs.ParticipantEvent]:
        fetch = partial(
            ivs.list_participant_events,
            factory,
            stage_arn,
            session_id,
            participant.participant_id,
            max_results=PAGE_SIZE,
        )
        found: list[ivs.ParticipantEvent] = []
        for page in Pager(fetch):
            found.extend(page.items)
            if cancel.is_set():
                raise ScanCancelled
        return found

    if progress is not None:
        progress(0, len(participants))
    outcomes = fan_out(pool, events_of, participants, cancel=cancel, progress=progress)
    tracks: list[Track] = []
    for outcome in outcomes:
        if outcome.error is not None:
            tracks.append(Track(outcome.item, error=str(outcome.error) or "events not loaded"))
            continue
        events = tuple(
            sorted(outcome.result or [], key=lambda event: epoch(event.event_time) or 0.0)
        )
        tracks.append(Track(outcome.item, events, build_spans(events, end)))
    first_times = [epoch(t.events[0].event_time) for t in tracks if t.events]
    if start is None:
        start = min((t for t in first_times if t is not None), default=end - 60)
    tracks.sort(key=lambda track: (_first_time(track) or end, track.label))
    return Timeline(stage_arn, session_id, start, max(end, start + 1), live, tuple(tracks))


def _first_time(track: Track) -> float | None:
    return epoch(track.events[0].event_time) if track.events else None


def events_between(track: Track, start: float, end: float) -> list[ivs.ParticipantEvent]:
    """The track's events with start ≤ time < end, oldest first."""
    out = []
    for event in track.events:
        at = epoch(event.event_time)
        if at is not None and start <= at < end:
            out.append(event)
    return out
