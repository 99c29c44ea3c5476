"""IVS Real-Time: pure helpers (jump, error codes, durations) and every operation against the sandbox."""

from __future__ import annotations

import functools
import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import botocore
import pytest

from tui.errors import NotFoundError, ValidationError
from tui.services import ivs_realtime as ivs
from tui.services.options import ConnectionOptions
from tui.services.paging import Pager
from tui.services.session import ClientFactory

ARN = "arn:aws:ivs:us-west-2:123456789012:stage/abcdEFGH1234"
SID = "st-a1b2c3d4e5f6g"
PID = "abCDEf12GHIj"


def _model_enum(shape: str) -> list[str]:
    path = Path(botocore.__file__).parent / "data/ivs-realtime/2020-07-14/service-2.json.gz"
    with gzip.open(path) as fh:
        model = json.loads(fh.read())
    return list(model["shapes"][shape]["enum"])


# -- pure ---------------------------------------------------------------------------------------
def test_every_error_code_in_the_model_has_a_meaning() -> None:
    codes = _model_enum("EventErrorCode")
    assert set(codes) == set(ivs.ERROR_CODE_MEANINGS)
    for code in codes:
        meaning = ivs.explain_error_code(code)
        assert meaning and "\n" not in meaning and "Unrecognised" not in meaning


def test_seed_meanings() -> None:
    assert "token" in ivs.explain_error_code("INSUFFICIENT_CAPABILITIES")
    assert "quota" in ivs.explain_error_code("QUOTA_EXCEEDED")
    assert "publisher that does not exist" in ivs.explain_error_code("PUBLISHER_NOT_FOUND")
    assert ivs.explain_error_code(None) == ""
    assert "NEW_CODE" in ivs.explain_error_code("NEW_CODE")


@pytest.mark.parametrize(
    "event,expected",
    [
        ({"name": "PUBLISH_ERROR", "errorCode": "QUOTA_EXCEEDED"}, True),
        ({"name": "JOIN_ERROR"}, True),
        ({"name": "SUBSCRIBE_ERROR"}, True),
        ({"name": "JOINED"}, False),
        ({"name": "LEFT", "errorCode": "INTERNAL_SERVER_EXCEPTION"}, True),
        ({"name": "TOKEN_EXCHANGED"}, False),
    ],
)
def test_is_error_event(event: dict[str, str], expected: bool) -> None:
    assert ivs.is_error_event(event) is expected
    typed = ivs.ParticipantEvent.from_api({"participantId": PID, **event})
    assert typed.is_error is expected


def test_event_from_api_keeps_jsonable_raw() -> None:
    when = datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=UTC)
    ev = ivs.ParticipantEvent.from_api(
        {
            "name": "PUBLISH_ERROR",
            "participantId": PID,
            "eventTime": when,
            "errorCode": "B_FRAME_PRESENT",
        }
    )
    assert ev.event_time == when and ev.error_code == "B_FRAME_PRESENT"
    assert "B-frames" in ev.error_meaning
    assert json.loads(json.dumps(ev.raw))["eventTime"] == "2024-05-01T12:00:00.123000+00:00"


def test_session_duration_and_format() -> None:
    start = datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
    ended = ivs.StageSession.from_api(
        {
            "sessionId": SID,
            "startTime": start,
            "endTime": start + timedelta(hours=1, minutes=2, seconds=3),
        }
    )
    assert not ended.is_active
    assert ivs.format_duration(ended.duration()) == "1h 02m 03s"
    live = ivs.StageSession.from_api({"sessionId": SID, "startTime": start})
    assert live.is_active
    assert live.duration(now=start + timedelta(seconds=65)) == timedelta(seconds=65)
    assert ivs.format_duration(timedelta(seconds=65)) == "1m 05s"
    assert ivs.format_duration(timedelta(seconds=7)) == "7s"
    assert ivs.format_duration(timedelta(days=2, hours=3, minutes=4)) == "2d 03h 04m"
    assert ivs.format_duration(None) == ""
    assert ivs.StageSession.from_api({"sessionId": SID}).duration() is None


def test_newest_first() -> None:
    t = datetime(2024, 1, 1, tzinfo=UTC)
    sessions = [
        ivs.StageSession.from_api(
            {"sessionId": f"st-{i:013d}", "startTime": t + timedelta(hours=i)}
        )
        for i in (2, 5, 1)
    ]
    assert [s.session_id for s in ivs.newest_first(sessions)] == [
        "st-0000000000005",
        "st-0000000000002",
        "st-0000000000001",
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        (ARN, ivs.Jump("stage", ARN)),
        (f"  {ARN}\n", ivs.Jump("stage", ARN)),
        (SID, ivs.Jump("session", None, SID)),
        (PID, ivs.Jump("participant", None, None, PID)),
        (f"{ARN} {SID}", ivs.Jump("session", ARN, SID)),
        (f"{ARN} {SID} {PID}", ivs.Jump("participant", ARN, SID, PID)),
        (f"{SID}/{PID}", ivs.Jump("participant", None, SID, PID)),
        (
            f"aws ivs-realtime list-participant-events --stage-arn {ARN} --session-id {SID} "
            f"--participant-id {PID}",
            ivs.Jump("participant", ARN, SID, PID),
        ),
        (f"--stage-arn {ARN} --session-id {SID}", ivs.Jump("session", ARN, SID)),
        (
            json.dumps({"stageArn": ARN, "sessionId": SID, "participantId": PID}),
            ivs.Jump("participant", ARN, SID, PID),
        ),
        ("", None),
        ("two words", None),
    ],
)
def test_resolve_jump(text: str, expected: ivs.Jump | None) -> None:
    assert ivs.resolve_jump(text) == expected


# -- against the sandbox ------------------------------------------------------------------------
@pytest.fixture
def factory(sandbox_options: ConnectionOptions) -> ClientFactory:
    return ClientFactory(sandbox_options)


def _first_participant(
    factory: ClientFactory,
) -> tuple[ivs.Stage, ivs.StageSession, ivs.Participant]:
    for stage in Pager(functools.partial(ivs.list_stages, factory)).items():
        for session in Pager(
            functools.partial(ivs.list_stage_sessions, factory, stage.arn)
        ).items():
            page = ivs.list_participants(factory, stage.arn, session.session_id)
            if page.items:
                return stage, session, page.items[0]
    raise AssertionError("the sandbox has no participants")


def test_round_trip_every_operation(factory: ClientFactory) -> None:
    stages = list(Pager(functools.partial(ivs.list_stages, factory)).items())
    assert stages and all(s.arn.startswith("arn:aws:ivs:") for s in stages)
    json.dumps([s.raw for s in stages])
    stage, session, participant = _first_participant(factory)
    events = list(
        Pager(
            functools.partial(
                ivs.list_participant_events,
                factory,
                stage.arn,
                session.session_id,
                participant.participant_id,
            )
        ).items()
    )
    assert events and all(e.participant_id == participant.participant_id for e in events)
    assert all(isinstance(e.event_time, datetime) for e in events)
    json.dumps([e.raw for e in events])
    assert ivs.get_stage(factory, stage.arn).arn == stage.arn
    assert (
        ivs.get_stage_session(factory, stage.arn, session.session_id).session_id
        == session.session_id
    )
    got = ivs.get_participant(factory, stage.arn, session.session_id, participant.participant_id)
    assert got.participant_id == participant.participant_id


def test_sessions_come_newest_first(factory: ClientFactory) -> None:
    for stage in ivs.list_stages(factory).items:
        sessions = list(
            Pager(
                functools.partial(ivs.list_stage_sessions, factory, stage.arn, max_results=2)
            ).items()
        )
        assert ivs.newest_first(sessions) == sessions


def test_error_events_exist_and_are_explained(factory: ClientFactory) -> None:
    """The demo data has PUBLISH_ERROR/JOIN_ERROR events; each code has a meaning."""

    def error_events():  # type: ignore[no-untyped-def]
        for stage in ivs.list_stages(factory).items:
            for session in Pager(
                functools.partial(ivs.list_stage_sessions, factory, stage.arn)
            ).items():
                for p in Pager(
                    functools.partial(ivs.list_participants, factory, stage.arn, session.session_id)
                ).items():
                    fetch = functools.partial(
                        ivs.list_participant_events,
                        factory,
                        stage.arn,
                        session.session_id,
                        p.participant_id,
                    )
                    yield from (ev for ev in Pager(fetch).items() if ev.is_error)

    found = []
    for ev in error_events():
        found.append(ev)
        if len(found) >= 3:
            break
    assert found
    for ev in found:
        assert ev.name.endswith("_ERROR") or ev.error_code
        if ev.error_code:
            assert "Unrecognised" not in ev.error_meaning


@pytest.mark.parametrize(
    "kwargs,check",
    [
        ({"filter_by_state": "CONNECTED"}, lambda p: p.state == "CONNECTED"),
        ({"filter_by_state": "DISCONNECTED"}, lambda p: p.state == "DISCONNECTED"),
        ({"filter_by_published": True}, lambda p: p.published),
        ({"filter_by_published": False}, lambda p: not p.published),
    ],
)
def test_participant_filters(factory: ClientFactory, kwargs: dict[str, object], check) -> None:  # type: ignore[no-untyped-def]
    stage, session, _ = _first_participant(factory)
    everyone = list(
        Pager(
            functools.partial(ivs.list_participants, factory, stage.arn, session.session_id)
        ).items()
    )
    fetch = functools.partial(
        ivs.list_participants, factory, stage.arn, session.session_id, **kwargs
    )
    filtered = list(Pager(fetch).items())
    assert filtered == [p for p in everyone if check(p)]


def test_filter_by_user_id(factory: ClientFactory) -> None:
    stage, session, participant = _first_participant(factory)
    page = ivs.list_participants(
        factory, stage.arn, session.session_id, filter_by_user_id=participant.user_id
    )
    assert page.items and all(p.user_id == participant.user_id for p in page.items)


def test_unknown_stage_is_not_found(factory: ClientFactory) -> None:
    missing = "arn:aws:ivs:us-east-1:123456789012:stage/doesNotExist1"
    with pytest.raises(NotFoundError) as info:
        ivs.list_stage_sessions(factory, missing)
    assert missing in info.value.message
    with pytest.raises(NotFoundError):
        ivs.get_stage(factory, missing)


def test_bad_params_are_validation_errors(factory: ClientFactory) -> None:
    with pytest.raises(ValidationError, match="maxResults"):
        ivs.list_stages(factory, max_results=1000)
    with pytest.raises(ValidationError, match="stageArn"):
        ivs.list_stage_sessions(factory, "not-an-arn")
    stage, session, _ = _first_participant(factory)
    with pytest.raises(ValidationError, match="Only one of"):
        ivs.list_participants(
            factory,
            stage.arn,
            session.session_id,
            filter_by_state="CONNECTED",
            filter_by_published=True,
        )
