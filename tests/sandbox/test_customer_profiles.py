"""Customer Profiles sandbox backend through real boto3 over HTTPS, plus its raw wire format."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.sandbox.wire import WireClient
from tui.sandbox.backends import customer_profiles


@pytest.fixture
def cp(sandbox_env: Any) -> Any:
    return boto3.client(
        "customer-profiles",
        endpoint_url=sandbox_env.endpoint,
        verify=sandbox_env.ca_bundle,
        region_name=sandbox_env.region,
    )


def _all(call: Any, size: int, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    token = None
    while True:
        response = call(MaxResults=size, **params, **({"NextToken": token} if token else {}))
        items.extend(response.get("Items", []))
        token = response.get("NextToken")
        if not token:
            return items


def test_domains_streams_and_details_round_trip(cp: Any) -> None:
    domains = _all(cp.list_domains, 100)
    assert len(domains) >= 2
    assert _all(cp.list_domains, 1) == domains
    states: set[tuple[str, str]] = set()
    for domain in domains:
        streams = _all(cp.list_event_streams, 100, DomainName=domain["DomainName"])
        assert _all(cp.list_event_streams, 1, DomainName=domain["DomainName"]) == streams
        for summary in streams:
            detail = cp.get_event_stream(
                DomainName=domain["DomainName"], EventStreamName=summary["EventStreamName"]
            )
            assert detail["EventStreamArn"] == summary["EventStreamArn"]
            assert detail["DestinationDetails"]["Uri"].startswith("arn:aws:kinesis:")
            assert {
                k: v for k, v in detail["DestinationDetails"].items() if k != "Message"
            } == summary["DestinationSummary"]
            status = detail["DestinationDetails"]["Status"]
            states.add((detail["State"], status))
            assert ("StoppedSince" in detail) == (detail["State"] == "STOPPED")
            assert ("UnhealthySince" in detail["DestinationDetails"]) == (status == "UNHEALTHY")
            if status == "UNHEALTHY":
                assert detail["DestinationDetails"]["Message"]
    assert {s for s, _ in states} == {"RUNNING", "STOPPED"}
    assert {h for _, h in states} == {"HEALTHY", "UNHEALTHY"}


@pytest.mark.parametrize(
    ("params", "op", "code", "status"),
    [
        ({"DomainName": "no-such-domain"}, "list_event_streams", "ResourceNotFoundException", 404),
        (
            {"DomainName": "retail-customers", "EventStreamName": "nope"},
            "get_event_stream",
            "ResourceNotFoundException",
            404,
        ),
        ({"DomainName": "bad name!"}, "list_event_streams", "BadRequestException", 400),
        (
            {"DomainName": "retail-customers", "MaxResults": 101},
            "list_event_streams",
            "BadRequestException",
            400,
        ),
        ({"NextToken": "forged"}, "list_domains", "BadRequestException", 400),
    ],
)
def test_errors(cp: Any, params: dict[str, Any], op: str, code: str, status: int) -> None:
    with pytest.raises(ClientError) as info:
        getattr(cp, op)(**params)
    assert info.value.response["Error"]["Code"] == code
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert info.value.response["Error"]["Message"]


def test_wire_format_uses_epoch_seconds_and_model_names() -> None:
    customer_profiles.reset()
    try:
        customer_profiles.load_demo(5)
        client = WireClient("customer-profiles", customer_profiles)
        client.call(
            "GetEventStream", DomainName="retail-customers", EventStreamName="profile-changes"
        )
        assert client.last_raw is not None
        body = json.loads(client.last_raw[2])
        assert isinstance(body["CreatedAt"], float | int)
        assert isinstance(body["DestinationDetails"]["UnhealthySince"], float | int)
        with pytest.raises(ClientError):
            client.call("ListEventStreams", DomainName="missing")
        status, headers, raw = client.last_raw
        assert status == 404 and headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
        assert json.loads(raw)["Message"]
    finally:
        customer_profiles.reset()
        customer_profiles.load_demo(1)
