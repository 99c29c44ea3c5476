"""The session timeline: spans folded from events, and a whole session loaded through the pool."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from tui.services import ivs_realtime as ivs
from tui.services.ivs_timeline import (
    PRESENT,
    PUBLISHING,
    SUBSCRIBING,
    Span,
    build_spans,
    load_timeline,
)
from tui.services.paging import Pager
from tui.services.pool import CallPool
from tui.services.scan import ScanCancelled, fan_out
from tui.services.session import ClientFactory


def _event(name: str, at: float, **extra: Any) -> ivs.ParticipantEvent:
    item = {"name": name, "participantId": "p1", "eventTime": datetime.fromtimestamp(at, UTC)}
    return ivs.ParticipantEvent.from_api({**item, **extra})


def test_spans_follow_joins_publishing_and_a_reconnect() -> None:
    events = [
        _event("JOINED", 100),
        _event("PUBLISH_STARTED", 102),
        _event("LEFT", 150),  # dropped while publishing: LEFT closes everything
        _event("JOINED", 170),
        _event("PUBLISH_STARTED", 171),
        _event("PUBLISH_STOPPED", 190),
    ]
    spans = build_spans(reversed(events), end=300)  # the API's newest-first order
    assert [s for s in spans if s.kind == PRESENT] == [
        Span(PRESENT, 100, 150),
        Span(PRESENT, 170, 300, open=True),
    ]
    assert [s for s in spans if s.kind == PUBLISHING] == [
        Span(PUBLISHING, 102, 150),
        Span(PUBLISHING, 171, 190),
    ]


def test_subscribing_lasts_while_any_subscription_is_open() -> None:
    events = [
        _event("JOINED", 0),
        _event("SUBSCRIBE_STARTED", 10, remoteParticipantId="a"),
        _event("SUBSCRIBE_STARTED", 20, remoteParticipantId="b"),
        _event("SUBSCRIBE_STOPPED", 30, remoteParticipantId="a"),
        _event("SUBSCRIBE_STOPPED", 40, remoteParticipantId="b"),
        _event("LEFT", 50),
    ]
    subscribing = [s for s in build_spans(events, end=60) if s.kind == SUBSCRIBING]
    assert subscribing == [Span(SUBSCRIBING, 10, 40)]


def test_fan_out_is_bounded_by_the_pool_and_keeps_going_past_a_failure() -> None:
    pool = CallPool(size=3)
    running, peak = 0, 0
    lock = threading.Lock()
    release = threading.Event()

    def job(n: int) -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        release.wait(0.05)
        with lock:
            running -= 1
        if n == 4:
            raise RuntimeError("boom")
        return n * 2

    outcomes = fan_out(pool, job, list(range(10)))
    assert peak <= 3
    assert [o.item for o in outcomes] == list(range(10))
    assert [o.result for o in outcomes if o.error is None] == [n * 2 for n in range(10) if n != 4]
    assert str(outcomes[4].error) == "boom"
    assert pool.stats().calls == 10


def test_fan_out_stops_when_cancelled() -> None:
    pool = CallPool(size=2)
    cancel = threading.Event()
    started: list[int] = []

    def job(n: int) -> int:
        started.append(n)
        if n == 1:
            cancel.set()
        return n

    with pytest.raises(ScanCancelled):
        fan_out(pool, job, list(range(50)), cancel=cancel)
    assert len(started) < 50


def _all_hands(factory: ClientFactory) -> tuple[str, str]:
    stage = next(
        s
        for s in Pager(lambda t: ivs.list_stages(factory, t)).items()
        if s.name == "quarterly-all-hands"
    )
    session = next(iter(Pager(lambda t: ivs.list_stage_sessions(factory, stage.arn, t)).items()))
    return stage.arn, session.session_id


def test_the_demo_all_hands_session_loads_whole(sandbox_options) -> None:  # type: ignore[no-untyped-def]
    pool = CallPool(size=4)
    factory = ClientFactory(sandbox_options, pool)
    arn, sid = _all_hands(factory)
    seen: list[tuple[int, int]] = []
    timeline = load_timeline(factory, pool, arn, sid, progress=lambda d, t: seen.append((d, t)))
    assert len(timeline.tracks) >= 30
    assert not timeline.live
    assert seen[-1] == (len(timeline.tracks), len(timeline.tracks))
    assert any(track.is_replica for track in timeline.tracks)
    assert any(track.joins >= 2 for track in timeline.tracks), "someone reconnects"
    assert timeline.error_count >= 3
    # Every call went through the pool: the header's counts are true.
    assert pool.stats().calls >= len(timeline.tracks) + 2
    for track in timeline.tracks:
        assert track.error is None
        assert all(timeline.start - 60 <= s.start <= s.end <= timeline.end for s in track.spans)


def test_one_participant_failing_keeps_its_row_with_the_error(  # type: ignore[no-untyped-def]
    sandbox_options, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = CallPool(size=4)
    factory = ClientFactory(sandbox_options, pool)
    arn, sid = _all_hands(factory)
    participants = list(Pager(lambda t: ivs.list_participants(factory, arn, sid, t)).items())
    broken = participants[3].participant_id
    real = ivs.list_participant_events

    def flaky(factory: Any, stage: str, session: str, pid: str, *args: Any, **kw: Any) -> Any:
        if pid == broken:
            raise RuntimeError("simulated failure")
        return real(factory, stage, session, pid, *args, **kw)

    monkeypatch.setattr(ivs, "list_participant_events", flaky)
    timeline = load_timeline(factory, pool, arn, sid)
    failed = [t for t in timeline.tracks if t.error is not None]
    assert [t.participant.participant_id for t in failed] == [broken]
    assert "simulated failure" in (failed[0].error or "")
    assert sum(1 for t in timeline.tracks if t.events) == len(participants) - 1
