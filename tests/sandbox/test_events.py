"""PutPartnerEvents against the sandbox over real HTTPS: results per entry, validation, markers."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

SOURCE = "aws.partner/example.com/orders"


def _client(sb: Any, **config: Any) -> Any:
    return boto3.client(
        "events",
        endpoint_url=sb.endpoint,
        verify=sb.ca_bundle,
        region_name=sb.region,
        config=Config(**config) if config else None,
    )


def _entry(detail: dict[str, Any] | str, **extra: Any) -> dict[str, Any]:
    text = detail if isinstance(detail, str) else json.dumps(detail)
    return {"Source": SOURCE, "DetailType": "OrderPlaced", "Detail": text, **extra}


def test_round_trip_gives_one_result_per_entry_and_records_them(sandbox_env: Any) -> None:
    client = _client(sandbox_env)
    entries = [_entry({"order": n}, Resources=[f"arn:aws:x:::{n}"]) for n in range(3)]
    response = client.put_partner_events(Entries=entries)
    assert response["FailedEntryCount"] == 0
    ids = [result["EventId"] for result in response["Entries"]]
    assert len(ids) == 3 and len(set(ids)) == 3
    got = sandbox_env.received()["events"]
    assert [item["EventId"] for item in got] == ids
    assert [json.loads(item["Detail"]) for item in got] == [{"order": n} for n in range(3)]
    assert got[1]["Resources"] == ["arn:aws:x:::1"]


def test_sandbox_fail_marker_fails_only_that_entry(sandbox_env: Any) -> None:
    client = _client(sandbox_env)
    response = client.put_partner_events(
        Entries=[
            _entry({"n": 1}),
            _entry({"sandbox_fail": "ThrottlingException"}),
            _entry({"n": 3}),
        ]
    )
    assert response["FailedEntryCount"] == 1
    first, failed, third = response["Entries"]
    assert "EventId" in first and "EventId" in third
    assert failed["ErrorCode"] == "ThrottlingException"
    assert "EventId" not in failed and failed["ErrorMessage"]
    got = sandbox_env.received()["events"]
    assert [item["EventId"] for item in got] == [first["EventId"], third["EventId"]]


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        (_entry("{not json"), "MalformedDetail"),
        (_entry("[1, 2]"), "MalformedDetail"),
        ({"Source": SOURCE, "Detail": "{}"}, "InvalidArgument"),
        ({"Source": SOURCE, "DetailType": "t" * 129, "Detail": "{}"}, "InvalidArgument"),
    ],
    ids=["malformed", "not-object", "no-detail-type", "detail-type-too-long"],
)
def test_per_entry_errors(sandbox_env: Any, entry: dict[str, Any], code: str) -> None:
    response = _client(sandbox_env).put_partner_events(Entries=[_entry({"ok": True}), entry])
    assert response["FailedEntryCount"] == 1
    assert "EventId" in response["Entries"][0]
    assert response["Entries"][1]["ErrorCode"] == code
    assert len(sandbox_env.received()["events"]) == 1


@pytest.mark.parametrize(
    ("entries", "needle"),
    [
        ([], "greater than or equal to 1"),
        ([_entry({"n": n}) for n in range(21)], "less than or equal to 20"),
        ([{**_entry({}), "Source": "aws.partner/only-one"}], "regular expression pattern"),
        ([{**_entry({}), "Source": "com.example/a/b"}], "regular expression pattern"),
        ([{**_entry({}), "Resources": ["r" * 2049]}], "less than or equal to 2048"),
        ([{"Source": SOURCE}, {"Detail": "{}"}], "required"),
    ],
    ids=["empty", "21-entries", "one-segment", "not-partner", "resource-too-long", "none-complete"],
)
def test_request_validation_errors(sandbox_env: Any, entries: list[Any], needle: str) -> None:
    # Client-side validation is off so the sandbox, not botocore, is what rejects the request.
    client = _client(sandbox_env, parameter_validation=False)
    with pytest.raises(ClientError) as caught:
        client.put_partner_events(Entries=entries)
    error = caught.value.response
    assert error["Error"]["Code"] == "ValidationException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert needle in error["Error"]["Message"]
    assert sandbox_env.received()["events"] == []


def test_other_operations_are_served_by_moto(sandbox_env: Any) -> None:
    buses = _client(sandbox_env).list_event_buses()["EventBuses"]
    assert any(bus["Name"] == "default" for bus in buses)


@pytest.mark.parametrize(
    "entries",
    [
        [_entry({"big": "x" * (200 * 1024)}) for _ in range(20)],  # each fits, together 4 MB
        [_entry({"big": "x" * (130 * 1024)}) for _ in range(2)],  # just over in all
        [_entry({"big": "x" * (256 * 1024)})],  # one entry alone over the limit
    ],
    ids=["20x200KB", "2x130KB", "one-too-big"],
)
def test_the_size_rule_is_on_the_whole_request(
    sandbox_env: Any, entries: list[dict[str, Any]]
) -> None:
    # EventBridge sums the entry sizes of a request and rejects the request as a whole.
    with pytest.raises(ClientError) as caught:
        _client(sandbox_env).put_partner_events(Entries=entries)
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Error"]["Code"] == "ValidationException"
    assert "Total size of the entries" in error["Error"]["Message"]
    assert sandbox_env.received()["events"] == []
    # Just under the limit in all is accepted.
    fits = [_entry({"f": "x" * (120 * 1024)}) for _ in range(2)]
    assert _client(sandbox_env).put_partner_events(Entries=fits)["FailedEntryCount"] == 0
