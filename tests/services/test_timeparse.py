"""The fast timestamp parser agrees with botocore's default on every format AWS (or anyone) sends."""

from __future__ import annotations

import json
from datetime import datetime

import boto3
import botocore.session
import pytest

from tui.services.timeparse import (
    default_timestamp_parser,
    fast_parse_timestamp,
    install_fast_timestamp_parser,
)

SAMPLES: list[object] = [
    "2024-01-02T03:04:05Z",
    "2024-01-02T03:04:05.1Z",
    "2024-01-02T03:04:05.123Z",
    "2024-01-02T03:04:05.123456Z",
    "2024-01-02T03:04:05.1234567Z",
    "2024-01-02T03:04:05.123456789Z",
    "2024-01-02T03:04:05.999999999Z",
    "2024-01-02T03:04:05+00:00",
    "2024-01-02T03:04:05-00:00",
    "2024-01-02T03:04:05+05:30",
    "2024-01-02T03:04:05-0800",
    "2024-01-02T03:04:05.5+0530",
    "2024-01-02T03:04:05+05",
    "2024-01-02T03:04:05",
    "2024-01-02 03:04:05",
    "2024-01-02T03:04Z",
    "2024-02-29T23:59:59Z",
    "1999-12-31T23:59:59.000001Z",
    "2024-01-02",
    "20240102T030405Z",
    "2024-01-02T03:04:05z",
    "Tue, 02 Jan 2024 03:04:05 GMT",
    "Tuesday, 02-Jan-24 03:04:05 GMT",
    "1700000000",
    "1700000000.5",
    "0",
    "-86400",
    1700000000,
    1700000000.25,
    0,
    1.5e9,
]

BAD: list[object] = ["not a time", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z", ""]


def _same(a: datetime, b: datetime) -> bool:
    if (a.tzinfo is None) != (b.tzinfo is None):
        return False
    return a == b


@pytest.mark.parametrize("value", SAMPLES, ids=[repr(v) for v in SAMPLES])
def test_agrees_with_botocore(value: object) -> None:
    expected = default_timestamp_parser(value)
    got = fast_parse_timestamp(value)
    assert isinstance(got, datetime)
    assert _same(got, expected), (got, expected)
    if got.tzinfo is not None:
        assert got.utcoffset() is not None


@pytest.mark.parametrize("value", BAD, ids=[repr(v) for v in BAD])
def test_rejects_what_botocore_rejects(value: object) -> None:
    with pytest.raises(ValueError):
        default_timestamp_parser(value)
    with pytest.raises(ValueError):
        fast_parse_timestamp(value)


def test_epoch_is_utc_aware() -> None:
    got = fast_parse_timestamp(1700000000)
    assert got.utcoffset() is not None and got.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert got.isoformat() == "2023-11-14T22:13:20+00:00"


def test_offset_is_kept() -> None:
    got = fast_parse_timestamp("2024-01-02T03:04:05+05:30")
    assert got.utcoffset().total_seconds() == 19800  # type: ignore[union-attr]


def test_installed_parser_is_used_by_response_parsing() -> None:
    """A rest-json response parsed through the session's factory goes through the fast parser."""
    session = boto3.session.Session(region_name="us-east-1")
    install_fast_timestamp_parser(session)
    factory = session._session.get_component("response_parser_factory")
    parser = factory.create_parser("rest-json")
    assert parser._timestamp_parser is fast_parse_timestamp
    model = session._session.get_service_model("ivs-realtime")
    op = model.operation_model("ListStageSessions")
    body = {
        "stageSessions": [
            {"sessionId": "st-abcdefghijklm", "startTime": "2024-01-02T03:04:05.123456789Z"}
        ]
    }
    parsed = parser.parse(
        {"status_code": 200, "headers": {}, "body": json.dumps(body).encode()},
        op.output_shape,
    )
    start = parsed["stageSessions"][0]["startTime"]
    assert start == default_timestamp_parser("2024-01-02T03:04:05.123456789Z")
    # botocore's default would have given dateutil's tzlocal; ours is the stdlib's UTC.
    assert type(start.tzinfo).__module__ == "datetime"


def test_clients_from_a_fresh_session_use_default() -> None:
    """Without install, the factory keeps botocore's parser (so the install is what changes it)."""
    session = botocore.session.get_session()
    parser = session.get_component("response_parser_factory").create_parser("rest-json")
    assert parser._timestamp_parser is not fast_parse_timestamp


def test_client_factory_installs_it() -> None:
    from tui.services.options import ConnectionOptions
    from tui.services.session import ClientFactory

    factory = ClientFactory(ConnectionOptions(region="us-east-1"))
    client = factory.client("ivs-realtime")
    # The endpoint builds a parser from the factory for every response it parses.
    parser = client._endpoint._response_parser_factory.create_parser("rest-json")
    assert parser._timestamp_parser is fast_parse_timestamp
