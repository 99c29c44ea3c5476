"""IVS Real-Time sandbox backend through real boto3 over HTTPS: round trips, paging, filters, errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError

from tui.sandbox import demo


@pytest.fixture
def ivs(sandbox_env: Any) -> Any:
    return boto3.client(
        "ivs-realtime",
        endpoint_url=sandbox_env.endpoint,
        verify=sandbox_env.ca_bundle,
        region_name=sandbox_env.region,
    )


def _all(call: Any, key: str, page_size: int, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    token = None
    while True:
        response = call(maxResults=page_size, **params, **({"nextToken": token} if token else {}))
        assert len(response[key]) <= page_size
        items.extend(response[key])
        token = response.get("nextToken")
        if not token:
            return items


def _walk(ivs: Any) -> Iterator[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    for stage in _all(ivs.list_stages, "stages", 100):
        for session in _all(ivs.list_stage_sessions, "stageSessions", 100, stageArn=stage["arn"]):
            for p in _all(
                ivs.list_participants,
                "participants",
                100,
                stageArn=stage["arn"],
                sessionId=session["sessionId"],
            ):
                yield stage, session, p


def test_drill_down_round_trips_and_orders(ivs: Any) -> None:
    stages = ivs.list_stages()["stages"]
    assert len(stages) >= 5
    for stage in stages:
        assert stage["arn"].startswith("arn:aws:ivs:us-east-1:123456789012:stage/")
        full = ivs.get_stage(arn=stage["arn"])["stage"]
        assert full["name"] == stage["name"] and full["endpoints"]["events"].startswith("wss://")
        sessions = ivs.list_stage_sessions(stageArn=stage["arn"])["stageSessions"]
        starts = [s["startTime"] for s in sessions]
        assert starts == sorted(starts, reverse=True), "sessions must come newest first"
        assert all(s.get("endTime") for s in sessions[1:])
        if "activeSessionId" in stage:
            assert (
                sessions[0]["sessionId"] == stage["activeSessionId"]
                and "endTime" not in sessions[0]
            )
        for session in sessions:
            got = ivs.get_stage_session(stageArn=stage["arn"], sessionId=session["sessionId"])[
                "stageSession"
            ]
            assert got == session


def test_participant_events_follow_ivs_semantics(ivs: Any) -> None:
    names: set[str] = set()
    codes: set[str] = set()
    stage_arns = {s["arn"] for s in ivs.list_stages()["stages"]}
    replication: list[dict[str, Any]] = []
    for stage, session, p in _walk(ivs):
        events = _all(
            ivs.list_participant_events,
            "events",
            100,
            stageArn=stage["arn"],
            sessionId=session["sessionId"],
            participantId=p["participantId"],
        )
        assert events, p
        times = [e["eventTime"] for e in events]
        assert times == sorted(times, reverse=True), "events must come newest first"
        chronological = [e["name"] for e in reversed(events)]
        assert chronological[0] in ("JOINED", "JOIN_ERROR")
        if "LEFT" in chronological:
            assert chronological[-1] == "LEFT" and p["state"] == "DISCONNECTED"
        elif chronological[0] == "JOINED":
            assert p["state"] == "CONNECTED" and "endTime" not in session
        assert p["published"] == ("PUBLISH_STARTED" in chronological)
        for e in events:
            assert e["participantId"] == p["participantId"]
            names.add(e["name"])
            if e["name"].endswith("_ERROR"):
                assert e["errorCode"]
                codes.add(e["errorCode"])
            if e["name"].startswith("SUBSCRIBE_"):
                assert e["remoteParticipantId"]
            if e["name"] == "TOKEN_EXCHANGED":
                assert e["previousToken"]["capabilities"] == ["SUBSCRIBE"]
                assert e["newToken"]["capabilities"] == ["PUBLISH", "SUBSCRIBE"]
            if e["name"].startswith("REPLICATION_"):
                assert e["destinationStageArn"] in stage_arns
                replication.append(e)
    model = botocore.session.get_session().get_service_model("ivs-realtime")
    assert names == set(model.shape_for("EventName").enum)
    assert codes == set(model.shape_for("EventErrorCode").enum)
    started = next(e for e in replication if e["name"] == "REPLICATION_STARTED")
    replica = ivs.get_participant(
        stageArn=started["destinationStageArn"],
        sessionId=started["destinationSessionId"],
        participantId=started["participantId"],
    )["participant"]
    assert replica["replicationType"] == "REPLICA" and replica["sourceStageArn"] in stage_arns


def _flaky(ivs: Any) -> dict[str, str]:
    for stage, session, p in _walk(ivs):
        if p["userId"] == "viewer-flaky-wifi-042":
            return {
                "stageArn": stage["arn"],
                "sessionId": session["sessionId"],
                "participantId": p["participantId"],
            }
    raise AssertionError("the demo's many-events participant is missing")


@pytest.mark.parametrize("size", [13, 50, 99])
def test_paging_returns_every_event_once(ivs: Any, size: int) -> None:
    where = _flaky(ivs)
    reference = _all(ivs.list_participant_events, "events", 100, **where)
    assert len(reference) >= 300
    paged = _all(ivs.list_participant_events, "events", size, **where)
    assert paged == reference
    stages = _all(ivs.list_stages, "stages", 100)
    assert _all(ivs.list_stages, "stages", size % 4 + 1) == stages


def test_participant_filters(ivs: Any) -> None:
    checked = 0
    for stage in ivs.list_stages()["stages"]:
        for session in ivs.list_stage_sessions(stageArn=stage["arn"])["stageSessions"][:2]:
            where = {"stageArn": stage["arn"], "sessionId": session["sessionId"]}
            everyone = _all(ivs.list_participants, "participants", 100, **where)
            for member, field, values in [
                ("filterByState", "state", ["CONNECTED", "DISCONNECTED"]),
                ("filterByPublished", "published", [True, False]),
                ("filterByRecordingState", "recordingState", ["ACTIVE", "STOPPED"]),
                ("filterByUserId", "userId", [everyone[0]["userId"]]),
            ]:
                for value in values:
                    got = _all(ivs.list_participants, "participants", 3, **where, **{member: value})
                    assert got == [p for p in everyone if p[field] == value]
                    checked += len(got)
    assert checked > 50
    with pytest.raises(ClientError) as info:
        ivs.list_participants(**where, filterByState="CONNECTED", filterByPublished=True)
    assert info.value.response["Error"]["Code"] == "ValidationException"


def test_errors_have_real_codes_and_statuses(ivs: Any) -> None:
    stage = ivs.list_stages()["stages"][0]
    session = ivs.list_stage_sessions(stageArn=stage["arn"])["stageSessions"][0]
    unknown = "arn:aws:ivs:us-east-1:123456789012:stage/NoSuchStage1"
    cases = [
        (lambda: ivs.get_stage(arn=unknown), "ResourceNotFoundException", 404),
        (lambda: ivs.list_stage_sessions(stageArn=unknown), "ResourceNotFoundException", 404),
        (
            lambda: ivs.list_participants(stageArn=stage["arn"], sessionId="st-000000000000X"),
            "ResourceNotFoundException",
            404,
        ),
        (
            lambda: ivs.list_participant_events(
                stageArn=stage["arn"], sessionId=session["sessionId"], participantId="nobody"
            ),
            "ResourceNotFoundException",
            404,
        ),
        (
            lambda: ivs.list_stage_sessions(stageArn="arn:aws:s3:::bucket"),
            "ValidationException",
            400,
        ),
        (
            lambda: ivs.list_participants(stageArn=stage["arn"], sessionId="st-bad_session!!"),
            "ValidationException",
            400,
        ),
        (lambda: ivs.list_stages(maxResults=101), "ValidationException", 400),
        (lambda: ivs.list_stages(nextToken="garbage"), "ValidationException", 400),
    ]
    for call, code, status in cases:
        with pytest.raises(ClientError) as info:
            call()
        assert info.value.response["Error"]["Code"] == code
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
        # as AWS sends it: the text in the modeled member exceptionMessage, Error.Message empty
        assert info.value.response["exceptionMessage"]
        assert info.value.response["Error"]["Message"] == ""
        assert info.value.response["ResponseMetadata"]["RequestId"]


def test_hostile_strings_live_in_their_own_stage(ivs: Any) -> None:
    stage = next(s for s in ivs.list_stages()["stages"] if s["name"] == "hostile-strings")
    session = ivs.list_stage_sessions(stageArn=stage["arn"])["stageSessions"][0]
    p = ivs.get_participant(
        stageArn=stage["arn"], sessionId=session["sessionId"], participantId="hostileParticipant1"
    )
    attributes = p["participant"]["attributes"]
    assert attributes["displayName"] == "[bold red]x[/]"
    assert attributes["note"] == "\x1b]52;c;ZXZpbA==\x07"
    assert "\u202e" in p["participant"]["userId"]


def test_demo_is_deterministic_per_seed() -> None:
    now = datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert demo.ivs_realtime(3, now) == demo.ivs_realtime(3, now)
    assert demo.ivs_realtime(3, now) != demo.ivs_realtime(4, now)


def test_demo_times_are_whole_seconds_and_live_viewers_only_on_the_clock() -> None:
    """IVS shows event times in whole seconds; only the clock-driven demo has live participants."""
    import re

    now = datetime(2024, 5, 1, 12, tzinfo=UTC)
    pattern = re.compile(r"[a-zA-Z0-9-_.,:;\s]*")  # the model's pattern for ispName
    live = []
    for stage in demo.ivs_realtime(1, now, live=True)["stages"]:
        for session in stage["sessions"]:
            for p in session["participants"]:
                assert all(e["eventTime"].microsecond == 0 for e in p["events"])
                assert pattern.fullmatch(p.get("ispName", ""))
                if "_live" in p:
                    live.append((stage["name"], "endTime" in session))
    assert live and all(not ended for _name, ended in live)
    pinned = demo.ivs_realtime(1, now)
    assert not any(
        "_live" in p for s in pinned["stages"] for ss in s["sessions"] for p in ss["participants"]
    )
    assert "hostile-strings" not in {s["name"] for s in pinned["stages"]}
