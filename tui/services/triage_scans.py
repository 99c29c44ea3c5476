"""Scans across many resources: every error of a session's participants, every flagged event stream.

Why here and not in the panes: a scan is many calls. Fanned out through ``scan.fan_out`` they are
bounded by the call pool (the header's in-flight count stays true) and check a cancel event between
calls, so leaving the scan stops it within the calls already on the wire (at most the pool's size).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from tui.services import ivs_realtime as ivs
from tui.services.paging import Page, Pager
from tui.services.pool import CallPool
from tui.services.scan import ScanCancelled, fan_out

# Customer Profiles is imported where its scan runs: the IVS pane imports this module for the
# first screen of a launch, which must not pay for another service's types (~4 ms).
if TYPE_CHECKING:
    from tui.services import customer_profiles as cp

PageFetch = Callable[[str | None], Page[Any]]


@dataclass(frozen=True)
class SessionError:
    """One error event found by scanning a session's participants, or a participant the scan could not read.

    Why ``failure``: one participant whose events fail to load must not hide every other
    participant's errors; it gets its own row saying what went wrong.
    """

    participant: ivs.Participant
    event: ivs.ParticipantEvent | None
    failure: str | None = None

    @property
    def time(self) -> datetime | None:
        return self.event.event_time if self.event is not None else None

    @property
    def line(self) -> str:
        """The error column: the event's code and meaning, or why the scan failed."""
        if self.event is not None:
            return self.event.error_line
        return f"could not read events: {self.failure}"

    @property
    def raw(self) -> dict[str, Any]:
        if self.event is None:
            return {"participant": self.participant.raw, "scanError": self.failure}
        return {"participant": self.participant.raw, "event": self.event.raw}


def all_items(fetch: PageFetch, cancel: threading.Event) -> list[Any]:
    """Every item of a paged list through the one Pager, stopping between pages on ``cancel``."""
    found: list[Any] = []
    for page in Pager(fetch):
        found.extend(page.items)
        if cancel.is_set():
            raise ScanCancelled
    return found


def session_errors(
    pool: CallPool,
    participants: PageFetch,
    events_of: Callable[[str], PageFetch],
    cancel: threading.Event,
) -> list[SessionError]:
    """Every error event of every participant, oldest first; a participant that fails gets a row.

    ``participants`` pages ListParticipants; ``events_of(participant_id)`` pages that participant's
    ListParticipantEvents (the pane passes its own, which may take a prefetched first page).
    Runs in a worker thread; raises ScanCancelled once ``cancel`` is set.
    """
    with pool.slot():
        everyone = all_items(participants, cancel)

    def errors_of(participant: ivs.Participant) -> list[ivs.ParticipantEvent]:
        events = all_items(events_of(participant.participant_id), cancel)
        return [e for e in events if ivs.is_error_event(e)]

    found: list[SessionError] = []
    for outcome in fan_out(pool, errors_of, everyone, cancel=cancel):
        if outcome.error is not None:
            failure = str(outcome.error).replace("\n", " — ")
            found.append(SessionError(outcome.item, None, failure))
            continue
        found.extend(SessionError(outcome.item, e) for e in outcome.result or [])
    found.sort(key=lambda f: f.time or datetime.max.replace(tzinfo=UTC))
    return found


def flagged_streams(
    factory: Any, pool: CallPool, cancel: threading.Event
) -> list[cp.EventStreamSummary]:
    """Every STOPPED or UNHEALTHY event stream of every domain, domain by domain.

    A domain whose streams cannot be listed fails the scan with that error, as one call would.
    Runs in a worker thread; raises ScanCancelled once ``cancel`` is set.
    """
    from tui.services import customer_profiles as cp

    with pool.slot():
        domains = all_items(partial(cp.list_domains, factory), cancel)

    def streams_of(domain: cp.Domain) -> list[cp.EventStreamSummary]:
        streams = all_items(partial(cp.list_event_streams, factory, domain.name), cancel)
        return [s for s in streams if s.health.flagged]

    flagged: list[cp.EventStreamSummary] = []
    for outcome in fan_out(pool, streams_of, domains, cancel=cancel):
        if outcome.error is not None:
            raise outcome.error
        flagged.extend(outcome.result or [])
    return flagged
