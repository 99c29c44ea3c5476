"""CodeCatalyst sandbox backend through real boto3 (bearer token over HTTPS), including the 100k space."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.sandbox.wire import WireClient
from tui.sandbox.backends import codecatalyst


@pytest.fixture
def cc(sandbox_env: Any) -> Any:
    return boto3.client(
        "codecatalyst",
        endpoint_url=sandbox_env.endpoint,
        verify=sandbox_env.ca_bundle,
        region_name=sandbox_env.region,
    )


def _all(cc: Any, size: int, pages: int | None = None, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    token = None
    count = 0
    while pages is None or count < pages:
        response = cc.list_event_logs(
            maxResults=size, **params, **({"nextToken": token} if token else {})
        )
        assert len(response["items"]) <= size
        items.extend(response["items"])
        token = response.get("nextToken")
        count += 1
        if not token:
            break
    return items


NOW = datetime.now(UTC)
MONTH = {"startTime": NOW - timedelta(days=31), "endTime": NOW + timedelta(minutes=5)}


def test_spaces(cc: Any) -> None:
    names = {s["name"] for s in cc.list_spaces()["items"]}
    assert {"acme-platform", "demo-large", "hostile-space"} <= names
    assert all(s["regionName"] for s in cc.list_spaces()["items"])


@pytest.mark.parametrize("size", [7, 50, 250])
def test_small_space_pages_every_item_once_newest_first(cc: Any, size: int) -> None:
    reference = _all(cc, 250, spaceName="acme-platform", **MONTH)
    assert len(reference) == 420
    paged = _all(cc, size, spaceName="acme-platform", **MONTH)
    assert paged == reference
    times = [e["eventTime"] for e in paged]
    assert times == sorted(times, reverse=True)
    assert {e["operationType"] for e in paged} == {"READONLY", "MUTATION"}
    assert any("errorCode" in e for e in paged)
    for e in paged[:20]:
        assert e["requestPayload"]["contentType"] == "application/json"
        json.loads(e["requestPayload"]["data"])


def test_event_name_filter(cc: Any) -> None:
    everything = _all(cc, 250, spaceName="acme-platform", **MONTH)
    wanted = [e for e in everything if e["eventName"] == "CreateProject"]
    assert wanted
    assert _all(cc, 5, spaceName="acme-platform", eventName="CreateProject", **MONTH) == wanted
    day = {"startTime": NOW - timedelta(days=2), "endTime": NOW - timedelta(days=1)}
    large = _all(cc, 100, spaceName="demo-large", eventName="UpdateSpace", **day)
    assert large and all(e["eventName"] == "UpdateSpace" for e in large)


def test_large_space_time_ranges_are_exact_and_split_cleanly(cc: Any) -> None:
    start = NOW - timedelta(days=12, hours=3)
    middle, end = start + timedelta(hours=1), start + timedelta(hours=2)
    whole = _all(cc, 250, spaceName="demo-large", startTime=start, endTime=end)
    first = _all(cc, 250, spaceName="demo-large", startTime=start, endTime=middle)
    second = _all(
        cc, 250, spaceName="demo-large", startTime=middle + timedelta(milliseconds=1), endTime=end
    )
    assert 300 <= len(whole) <= 370  # one event every 21.6 s
    assert [e["id"] for e in second + first] == [e["id"] for e in whole]
    assert all(start <= e["eventTime"] <= end for e in whole)
    times = [e["eventTime"] for e in whole]
    assert times == sorted(times, reverse=True) and len(set(times)) == len(times)


def test_large_space_holds_a_month_and_pages_deep(cc: Any) -> None:
    oldest = _all(
        cc,
        10,
        pages=1,
        spaceName="demo-large",
        startTime=NOW - timedelta(days=30),
        endTime=NOW - timedelta(days=29, hours=23),
    )
    assert oldest, "events must reach back 30 days"
    deep = _all(cc, 250, pages=40, spaceName="demo-large", **MONTH)
    assert len(deep) == 10_000 and len({e["id"] for e in deep}) == 10_000
    day = _all(
        cc,
        250,
        spaceName="demo-large",
        startTime=NOW - timedelta(days=9),
        endTime=NOW - timedelta(days=8),
    )
    assert 3_900 <= len(day) <= 4_100  # about 4,000 a day: 120,000 over 30 days


@pytest.mark.parametrize(
    ("params", "code", "status"),
    [
        ({"spaceName": "no-such-space", **MONTH}, "ResourceNotFoundException", 404),
        (
            {"spaceName": "acme-platform", "startTime": NOW, "endTime": NOW - timedelta(days=1)},
            "ValidationException",
            400,
        ),
        ({"spaceName": "acme-platform", "maxResults": 251, **MONTH}, "ValidationException", 400),
        (
            {"spaceName": "acme-platform", "nextToken": "forged", **MONTH},
            "ValidationException",
            400,
        ),
    ],
)
def test_errors(cc: Any, params: dict[str, Any], code: str, status: int) -> None:
    with pytest.raises(ClientError) as info:
        cc.list_event_logs(**params)
    assert info.value.response["Error"]["Code"] == code
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert info.value.response["Error"]["Message"]


def test_missing_times_are_rejected_on_the_wire() -> None:
    status, headers, body = codecatalyst.handle(
        "POST", "/v1/spaces/acme-platform/eventLogs", {}, {}, b"{}"
    )
    assert status == 400 and headers["x-amzn-ErrorType"] == "ValidationException"
    assert "startTime" in json.loads(body)["message"]


def test_wire_times_are_rfc3339() -> None:
    client = WireClient("codecatalyst", codecatalyst)
    client.call("ListEventLogs", spaceName="mobile-team", maxResults=1, **MONTH)
    assert client.last_raw is not None
    raw_time = json.loads(client.last_raw[2])["items"][0]["eventTime"]
    assert raw_time.endswith("Z") and datetime.fromisoformat(raw_time)


def test_hostile_space_carries_control_characters(cc: Any) -> None:
    agents = {e["userAgent"] for e in _all(cc, 250, spaceName="hostile-space", **MONTH)}
    assert any("\x1b]52;c;ZXZpbA==\x07" in a for a in agents)
    assert any("\u202e" in a for a in agents)
