"""Personalize PutEvents against the sandbox over real HTTPS: round trip and the server's checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError


def _client(sb: Any, validate: bool = True) -> Any:
    return boto3.client(
        "personalize-events",
        endpoint_url=sb.endpoint,
        verify=sb.ca_bundle,
        region_name=sb.region,
        config=Config(parameter_validation=validate),
    )


def _event(**extra: Any) -> dict[str, Any]:
    return {"eventType": "click", "sentAt": datetime(2024, 5, 1, tzinfo=UTC), **extra}


def test_round_trip_records_every_event_with_its_session(sandbox_env: Any) -> None:
    response = _client(sandbox_env).put_events(
        trackingId="tracker-1",
        userId="user-7",
        sessionId="session-9",
        eventList=[
            _event(itemId="item-1", properties=json.dumps({"rating": "5"}), eventId="e1"),
            _event(eventType="purchase", eventValue=9.5, impression=["a", "b"]),
        ],
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    got = sandbox_env.received()["personalize-events"]
    assert [item["eventType"] for item in got] == ["click", "purchase"]
    assert {(item["trackingId"], item["sessionId"], item["userId"]) for item in got} == {
        ("tracker-1", "session-9", "user-7")
    }
    assert got[0]["eventId"] == "e1" and got[1]["eventId"]  # generated when absent
    assert json.loads(got[0]["properties"]) == {"rating": "5"}
    assert got[0]["sentAt"] == datetime(2024, 5, 1, tzinfo=UTC).timestamp()
    assert got[1]["impression"] == ["a", "b"]


@pytest.mark.parametrize(
    ("kwargs", "code", "needle"),
    [
        ({"eventList": []}, "ValidationException", "eventList"),
        ({"eventList": [_event() for _ in range(11)]}, "ValidationException", "less than or equal to 10"),
        ({"trackingId": "t" * 257}, "ValidationException", "'trackingId'"),
        ({"sessionId": ""}, "ValidationException", "'sessionId'"),
        ({"eventList": [{"sentAt": 1}]}, "ValidationException", "eventList.1.member.eventType"),
        ({"eventList": [{"eventType": "x"}]}, "ValidationException", "eventList.1.member.sentAt"),
        ({"eventList": [_event(recommendationId="r" * 41)]}, "ValidationException", "recommendationId"),
        ({"eventList": [_event(impression=[])]}, "ValidationException", "impression"),
        ({"eventList": [_event(properties="x" * 1025)]}, "ValidationException", "properties"),
        ({"eventList": [_event(properties="{nope")]}, "InvalidInputException", "not valid JSON"),
        ({"eventList": [_event(properties="[1]")]}, "InvalidInputException", "JSON object"),
        ({"eventList": [_event(properties='{"UserId": "x"}')]}, "InvalidInputException", "reserved"),
    ],
    ids=[
        "empty-list", "11-events", "tracking-too-long", "session-empty", "no-event-type",
        "no-sent-at", "recommendation-too-long", "empty-impression", "properties-too-long",
        "properties-not-json", "properties-not-object", "properties-reserved",
    ],
)  # fmt: skip
def test_server_rejects_invalid_requests(
    sandbox_env: Any, kwargs: dict[str, Any], code: str, needle: str
) -> None:
    request = {"trackingId": "t", "sessionId": "s", "eventList": [_event()], **kwargs}
    with pytest.raises(ClientError) as caught:
        _client(sandbox_env, validate=False).put_events(**request)
    error = caught.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (code, 400)
    assert needle in error["Error"]["Message"]
    assert sandbox_env.received()["personalize-events"] == []


def test_one_bad_event_rejects_the_whole_batch(sandbox_env: Any) -> None:
    with pytest.raises(ClientError):
        _client(sandbox_env, validate=False).put_events(
            trackingId="t", sessionId="s", eventList=[_event(), {"eventType": "x"}]
        )
    assert sandbox_env.received()["personalize-events"] == []


def test_invalid_input_is_the_modeled_exception(sandbox_env: Any) -> None:
    client = _client(sandbox_env)
    with pytest.raises(client.exceptions.InvalidInputException):
        client.put_events(trackingId="t", sessionId="s", eventList=[_event(properties="[]")])
