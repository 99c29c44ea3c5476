"""CodeCatalyst: payload decoding, time ranges, and every operation and error against the sandbox."""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui.errors import (
    AccessDeniedError,
    BearerTokenMissingError,
    InputError,
    NotFoundError,
    ValidationError,
)
from tui.services import codecatalyst as cc
from tui.services.auth import bearer_token_source, sso_cache_path
from tui.services.options import ConnectionOptions
from tui.services.paging import Pager
from tui.services.session import ClientFactory

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


# -- pure ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "payload,expected",
    [
        ({"contentType": "application/json", "data": '{"a": [1, 2]}'}, {"a": [1, 2]}),
        ({"contentType": "application/x-amz-json-1.1", "data": "[1]"}, [1]),
        ({"contentType": "APPLICATION/JSON; charset=utf-8", "data": '"s"'}, "s"),
        ({"contentType": "application/json", "data": "{broken"}, "{broken"),
        ({"contentType": "text/plain", "data": '{"a": 1}'}, '{"a": 1}'),
        ({"data": "plain"}, "plain"),
        (None, None),
        ({}, None),
    ],
)
def test_decode_payload(payload: dict[str, str] | None, expected: object) -> None:
    assert cc.decode_payload(payload) == expected


def test_decoded_item_keeps_raw_untouched() -> None:
    log = cc.EventLog.from_api(
        {
            "id": "1",
            "eventName": "CreateProject",
            "eventTime": NOW,
            "operationType": "MUTATION",
            "userIdentity": {"userType": "USER", "principalId": "p1", "userName": "ana"},
            "requestPayload": {"contentType": "application/json", "data": '{"name": "x"}'},
        }
    )
    assert log.is_mutation and not log.is_error and log.user_name == "ana"
    decoded = cc.decoded_item(log)
    assert decoded["requestPayload"]["data"] == {"name": "x"}
    assert log.raw["requestPayload"]["data"] == '{"name": "x"}'
    assert log.raw["eventTime"] == "2025-06-01T12:00:00+00:00"


@pytest.mark.parametrize(
    "preset,delta",
    [
        ("1h", timedelta(hours=1)),
        ("24h", timedelta(days=1)),
        ("7d", timedelta(days=7)),
        ("30d", timedelta(days=30)),
    ],
)
def test_time_range_presets(preset: str, delta: timedelta) -> None:
    start, end = cc.time_range(preset, now=NOW)
    assert end == NOW and end - start == delta and start.tzinfo is not None


def test_time_range_unknown_preset() -> None:
    with pytest.raises(InputError, match="1h"):
        cc.time_range("2w", now=NOW)


def test_parse_range_rfc3339() -> None:
    start, end = cc.parse_range("2025-05-01T00:00:00Z", "2025-05-02T00:00:00+02:00")
    assert start == datetime(2025, 5, 1, tzinfo=UTC)
    assert end == datetime(2025, 5, 1, 22, tzinfo=UTC)
    rel_start, rel_end = cc.parse_range("-2h", "now", now=NOW)
    assert (rel_start, rel_end) == (NOW - timedelta(hours=2), NOW)


def test_parse_range_rejects_backwards_and_garbage() -> None:
    with pytest.raises(InputError, match="before"):
        cc.parse_range("2025-05-02T00:00:00Z", "2025-05-01T00:00:00Z")
    with pytest.raises(InputError):
        cc.parse_range("yesterday-ish", "now")


# -- against the sandbox ------------------------------------------------------------------------
@pytest.fixture
def factory(sandbox_options: ConnectionOptions) -> ClientFactory:
    return ClientFactory(sandbox_options)


def test_round_trip(factory: ClientFactory) -> None:
    spaces = list(Pager(functools.partial(cc.list_spaces, factory)).items())
    assert spaces and all(s.name and s.region_name for s in spaces)
    start, end = cc.time_range("30d")
    page = cc.list_event_logs(factory, spaces[0].name, start, end, max_results=50)
    assert page.items
    for log in page.items:
        assert log.event_time is not None and start <= log.event_time <= end
        assert log.operation_type in ("READONLY", "MUTATION")
        json.dumps(log.raw)
        json.dumps(cc.decoded_item(log))
    assert any(
        isinstance(cc.decode_payload(log.raw.get("requestPayload")), (dict, list))
        for log in page.items
    )


def test_time_range_and_event_name_are_honoured(factory: ClientFactory) -> None:
    space = cc.list_spaces(factory).items[0].name
    start, end = cc.time_range("30d")
    logs = list(
        Pager(
            functools.partial(cc.list_event_logs, factory, space, start, end, max_results=250)
        ).items()
    )
    name = logs[0].event_name
    fetch = functools.partial(
        cc.list_event_logs, factory, space, start, end, max_results=100, event_name=name
    )
    named = list(Pager(fetch).items())
    assert named and all(log.event_name == name for log in named)
    assert [log.id for log in named] == [log.id for log in logs if log.event_name == name]
    narrow_start, narrow_end = cc.time_range("24h")
    narrow = list(
        Pager(
            functools.partial(cc.list_event_logs, factory, space, narrow_start, narrow_end)
        ).items()
    )
    assert all(narrow_start <= log.event_time <= narrow_end for log in narrow if log.event_time)
    assert len(narrow) < len(logs)


def test_unknown_space_is_not_found(factory: ClientFactory) -> None:
    start, end = cc.time_range("1h")
    with pytest.raises(NotFoundError, match="no-such-space"):
        cc.list_event_logs(factory, "no-such-space", start, end)


def test_backwards_range_is_validation_error(factory: ClientFactory) -> None:
    start, end = cc.time_range("1h")
    with pytest.raises(ValidationError, match="startTime"):
        cc.list_event_logs(factory, "acme-platform", end, start)


def test_missing_bearer_token(
    sandbox_options: ConnectionOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_BEARER_TOKEN_CODECATALYST")
    with pytest.raises(BearerTokenMissingError):
        bearer_token_source(sandbox_options)
    with pytest.raises(BearerTokenMissingError) as info:
        cc.list_spaces(ClientFactory(sandbox_options))
    assert "AWS_BEARER_TOKEN_CODECATALYST" in (info.value.hint or "")


def test_wrong_bearer_token_is_access_denied(
    sandbox_options: ConnectionOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_BEARER_TOKEN_CODECATALYST", "not-the-token")
    with pytest.raises(AccessDeniedError) as info:
        cc.list_spaces(ClientFactory(sandbox_options))
    assert "codecatalyst:ListSpaces" in info.value.message


def test_bearer_token_from_sso_cache(
    sandbox_env,
    sandbox_options: ConnectionOptions,
    isolated_dirs: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    """A profile with an sso_session and a cached token works with no environment token."""
    import botocore.tokens

    monkeypatch.delenv("AWS_BEARER_TOKEN_CODECATALYST")
    (isolated_dirs / ".aws" / "config").write_text(
        "[profile cc]\nsso_session = corp\n\n[sso-session corp]\n"
        "sso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n"
    )
    path = sso_cache_path("corp")
    path.parent.mkdir(parents=True)
    expires = (datetime.now(UTC) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    path.write_text(json.dumps({"accessToken": sandbox_env.bearer_token, "expiresAt": expires}))
    # botocore fixes its cache directory at import time; point it at the isolated HOME.
    monkeypatch.setattr(botocore.tokens.SSOTokenProvider, "_SSO_TOKEN_CACHE_DIR", str(path.parent))
    options = sandbox_options.with_(profile="cc")
    bearer_token_source(options)
    spaces = cc.list_spaces(ClientFactory(options))
    assert spaces.items
