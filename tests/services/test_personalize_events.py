"""PutEvents through real boto3 against the sandbox: eventIds fixed before the first attempt."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from tui.errors import ReadOnlyError, ServiceError, ThrottledError
from tui.services.outbox import Outbox
from tui.services.personalize_events import prepare_events, prepare_request, put_events
from tui.services.session import ClientFactory


def request(*events: dict[str, Any]) -> dict[str, Any]:
    return {"trackingId": "tracker-1", "userId": "user-1", "sessionId": "session-1",
            "eventList": list(events)}  # fmt: skip


def test_prepare_events_fills_and_keeps_ids() -> None:
    events = [{"eventType": "click"}, {"eventType": "view", "eventId": "mine"}, {"eventId": "  "}]
    prepared = prepare_events(events)
    assert prepared[1]["eventId"] == "mine"
    assert uuid.UUID(prepared[0]["eventId"]).version == 4
    assert prepared[2]["eventId"].strip() and prepared[0]["eventId"] != prepared[2]["eventId"]
    assert "eventId" not in events[0]  # the input is not mutated
    assert prepare_events(prepared) == prepared  # idempotent: a re-send keeps the ids
    assert prepare_request(request(*events))["eventList"][1]["eventId"] == "mine"


def test_send_with_properties_as_json_string(sandbox_options, sandbox_env, tmp_path: Path):  # type: ignore[no-untyped-def]
    outbox = Outbox(tmp_path / "outbox")
    prepared = prepare_request(request(
        {"eventType": "rating", "sentAt": "-1m", "eventValue": "4.5", "itemId": "movie-1",
         "properties": {"numberOfRatings": "12"}, "impression": "movie-1\nmovie-2"},
        {"eventType": "click", "sentAt": "2024-05-01T12:00:00Z", "metricAttribution": "web"},
    ))  # fmt: skip
    result = put_events(ClientFactory(sandbox_options), prepared, outbox=outbox)
    assert result.sent and result.error is None
    assert list(result.event_ids) == [e["eventId"] for e in prepared["eventList"]]
    received = sandbox_env.received()["personalize-events"]
    assert [r["eventId"] for r in received] == list(result.event_ids)
    first = received[0]
    assert json.loads(first["properties"]) == {"numberOfRatings": "12"}
    assert first["eventValue"] == 4.5 and first["impression"] == ["movie-1", "movie-2"]
    assert first["userId"] == "user-1" and first["sessionId"] == "session-1"
    record = outbox.get(result.batch_id or "")
    assert record is not None and record.results == {
        "sent": True, "unconfirmed": False, "event_ids": list(result.event_ids),
        "error": None}  # fmt: skip
    assert [e["eventId"] for e in record.request["eventList"]] == list(result.event_ids)


def test_retries_do_not_change_ids(sandbox_options, sandbox_env):  # type: ignore[no-untyped-def]
    # Throttling and 500s are retried by botocore; every attempt carries the same eventIds.
    sandbox_env.set_faults("throttle=0.3,error=0.2,seed=3")
    factory = ClientFactory(sandbox_options.with_(max_attempts=10))
    sent_ids: list[str] = []
    for i in range(10):
        result = put_events(
            factory, request({"eventType": "click", "sentAt": "now", "itemId": str(i)})
        )
        assert result.sent, result.error
        sent_ids += result.event_ids
    sandbox_env.set_faults(None)
    received = [r["eventId"] for r in sandbox_env.received()["personalize-events"]]
    assert sorted(received) == sorted(sent_ids)


def test_failure_is_returned_not_raised(sandbox_options, sandbox_env, tmp_path: Path):  # type: ignore[no-untyped-def]
    outbox = Outbox(tmp_path / "outbox")
    sandbox_env.set_faults("error=1.0,seed=1")
    result = put_events(
        ClientFactory(sandbox_options.with_(max_attempts=1)),
        request({"eventType": "click", "sentAt": "now"}), outbox=outbox,
    )  # fmt: skip
    sandbox_env.set_faults(None)
    assert not result.sent
    assert isinstance(result.error, (ServiceError, ThrottledError))
    record = outbox.get(result.batch_id or "")
    assert record is not None and record.results["sent"] is False  # type: ignore[index]
    assert sandbox_env.received()["personalize-events"] == []


def test_read_only_refuses(sandbox_options, sandbox_env, tmp_path: Path):  # type: ignore[no-untyped-def]
    outbox = Outbox(tmp_path / "outbox")
    with pytest.raises(ReadOnlyError):
        put_events(ClientFactory(sandbox_options.with_(read_only=True)),
                   request({"eventType": "click", "sentAt": "now"}), outbox=outbox)  # fmt: skip
    assert outbox.history() == [] and sandbox_env.received()["personalize-events"] == []
