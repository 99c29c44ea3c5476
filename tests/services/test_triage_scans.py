"""The scans over many resources: bounded by the pool, cancellable, one failure is one row."""

from __future__ import annotations

import threading
import time
from functools import partial
from typing import Any

import pytest

from tui.errors import EventdeckError
from tui.services import ivs_realtime as ivs
from tui.services.paging import Page, Pager
from tui.services.pool import CallPool
from tui.services.scan import ScanCancelled
from tui.services.session import ClientFactory
from tui.services.triage_scans import flagged_streams, session_errors


def _all_hands(factory: ClientFactory) -> tuple[str, str]:
    stage = next(
        s
        for s in Pager(partial(ivs.list_stages, factory)).items()
        if s.name == "quarterly-all-hands"
    )
    session = next(iter(Pager(partial(ivs.list_stage_sessions, factory, stage.arn)).items()))
    return stage.arn, session.session_id


def _scan_args(factory: ClientFactory, arn: str, sid: str) -> tuple[Any, Any]:
    participants = partial(ivs.list_participants, factory, arn, sid)

    def events_of(participant_id: str) -> Any:
        return partial(ivs.list_participant_events, factory, arn, sid, participant_id)

    return participants, events_of


def test_one_failing_participant_is_a_row_and_the_others_are_listed(sandbox_options) -> None:  # type: ignore[no-untyped-def]
    pool = CallPool(size=4)
    factory = ClientFactory(sandbox_options, pool)
    arn, sid = _all_hands(factory)
    participants, events_of = _scan_args(factory, arn, sid)
    whole = session_errors(pool, participants, events_of, threading.Event())
    assert whole and all(f.event is not None and ivs.is_error_event(f.event) for f in whole)
    assert [f.time for f in whole] == sorted(f.time for f in whole if f.time is not None)
    broken = whole[0].participant.participant_id

    def failing_events_of(participant_id: str) -> Any:
        if participant_id == broken:

            def fail(token: str | None) -> Page[Any]:
                raise EventdeckError("AccessDenied: not allowed")

            return fail
        return events_of(participant_id)

    found = session_errors(pool, participants, failing_events_of, threading.Event())
    failed = [f for f in found if f.event is None]
    assert [f.participant.participant_id for f in failed] == [broken]
    assert "not allowed" in failed[0].line
    others = {
        (f.participant.participant_id, f.time)
        for f in whole
        if f.participant.participant_id != broken
    }
    assert others == {(f.participant.participant_id, f.time) for f in found if f.event is not None}


def test_after_cancel_at_most_the_pool_size_of_calls_finish(sandbox_env, sandbox_options) -> None:  # type: ignore[no-untyped-def]
    pool = CallPool(size=3)
    factory = ClientFactory(sandbox_options, pool)
    arn, sid = _all_hands(factory)
    participants, events_of = _scan_args(factory, arn, sid)
    sandbox_env.set_faults("latency=150ms")
    cancel = threading.Event()
    raised: list[BaseException] = []

    def run() -> None:
        try:
            session_errors(pool, participants, events_of, cancel)
        except BaseException as exc:
            raised.append(exc)

    scan = threading.Thread(target=run)
    scan.start()
    deadline = time.monotonic() + 60
    while pool.stats().calls < 4 and time.monotonic() < deadline:  # listed, and fanned out
        time.sleep(0.01)
    cancel.set()
    at_cancel = pool.stats()
    scan.join(60)
    assert not scan.is_alive()
    assert raised and isinstance(raised[0], ScanCancelled)
    finished_after = pool.stats().calls - (at_cancel.calls - at_cancel.in_flight)
    assert finished_after <= pool.size
    # 30+ participants: without the cancel check every one of them would still be asked.
    assert pool.stats().calls < 30


def test_flagged_streams_scan_finds_stopped_and_unhealthy(sandbox_options) -> None:  # type: ignore[no-untyped-def]
    pool = CallPool(size=4)
    factory = ClientFactory(sandbox_options, pool)
    found = flagged_streams(factory, pool, threading.Event())
    assert {s.health.level for s in found} == {"unhealthy", "stopped"}
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ScanCancelled):
        flagged_streams(factory, pool, cancel)
