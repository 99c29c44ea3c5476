"""Errors through real botocore clients: the service's own text, the request id, the region, advice.

Every call goes to the sandbox over HTTPS on loopback; the region test blocks DNS for everything
but loopback, so a client built for AWS fails the way it would in a region without the service,
without the suite ever reaching the internet.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Any

import pytest
from botocore import exceptions as bce

from tui import errors
from tui.services import codecatalyst as cc
from tui.services import ivs_realtime as ivs
from tui.services import regions
from tui.services.errormap import aws_call
from tui.services.options import ConnectionOptions
from tui.services.session import ClientFactory

MISSING_STAGE = "arn:aws:ivs:us-east-1:123456789012:stage/nOsUcHsTaGe12"
UUID = r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"  # the sandbox's request ids, as AWS's


def test_ivs_error_text_from_exception_message_and_request_id(
    sandbox_options: ConnectionOptions, debug_log: Path
) -> None:
    """IVS puts its text in exceptionMessage (Error.Message empty): the message still shows it."""
    factory = ClientFactory(sandbox_options)
    client = factory.client("ivs-realtime")
    with pytest.raises(bce.ClientError) as raw:
        client.list_stage_sessions(stageArn=MISSING_STAGE)
    assert raw.value.response["Error"]["Message"] == ""  # as AWS answers: the trap is real
    wire_id = raw.value.response["ResponseMetadata"]["RequestId"]
    assert re.fullmatch(UUID, wire_id)

    with pytest.raises(errors.NotFoundError) as info:
        ivs.list_stage_sessions(factory, MISSING_STAGE)
    err = info.value
    assert f"Stage not found: {MISSING_STAGE}" in err.message
    assert err.request_id and re.fullmatch(UUID, err.request_id)
    assert f"(request id {err.request_id})" in str(err)
    log = debug_log.read_text()
    assert err.request_id in log
    assert "ListStageSessions failed" in log


@pytest.mark.parametrize(
    "service,call",
    [
        ("customer-profiles", lambda c: c.get_event_stream(DomainName="nope", EventStreamName="x")),
        ("events", lambda c: c.describe_event_bus(Name="nope")),
        (
            "codecatalyst",
            lambda c: c.list_event_logs(
                spaceName="no-such-space",
                startTime="2024-01-01T00:00:00Z",
                endTime="2024-01-02T00:00:00Z",
            ),
        ),
    ],
)
def test_every_service_answers_with_a_request_id_and_its_text(
    sandbox_options: ConnectionOptions, service: str, call: Any
) -> None:
    factory = ClientFactory(sandbox_options)
    with (
        pytest.raises(errors.EventdeckError) as info,
        aws_call(service, "Op", options=sandbox_options),
    ):
        call(factory.client(service))
    err = info.value
    assert err.request_id, err
    assert err.request_id in err.message
    said = err.message.split("(request id")[0].rsplit("): ", 1)
    assert len(said) == 2 and said[1].strip(), f"no service text in {err.message!r}"


def test_sandbox_success_responses_carry_request_ids(sandbox_options: ConnectionOptions) -> None:
    factory = ClientFactory(sandbox_options)
    for service, op in (
        ("ivs-realtime", "list_stages"),
        ("customer-profiles", "list_domains"),
        ("codecatalyst", "list_spaces"),
        ("events", "list_event_buses"),
        ("sts", "get_caller_identity"),
    ):
        response = getattr(factory.client(service), op)()
        assert response["ResponseMetadata"].get("RequestId"), service
        headers = response["ResponseMetadata"]["HTTPHeaders"]
        assert headers.get("x-amzn-requestid") == response["ResponseMetadata"]["RequestId"]


@pytest.fixture
def no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolve only loopback names: an AWS hostname fails as an unknown host would."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in ("127.0.0.1", "localhost", "::1"):
            raise socket.gaierror(socket.EAI_NONAME, f"blocked in tests: {name}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    for var in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)


def test_region_without_the_service_says_where_it_is(sandbox_env: Any, no_dns: None) -> None:
    options = ConnectionOptions(region="sa-east-1", max_attempts=1, connect_timeout=2)
    with pytest.raises(errors.EventdeckError) as info:
        ivs.list_stages(ClientFactory(options))
    message = info.value.message
    assert "ivs-realtime is not available in sa-east-1" in message
    assert "available in:" in message and "eu-west-1" in message and "us-east-1" in message
    assert "Could not connect" not in message
    assert "sa-east-1" not in message.split("available in:")[1]


def test_a_region_that_does_not_exist_says_so(
    sandbox_env: Any, no_dns: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = ConnectionOptions(region="eu-west1", max_attempts=1, connect_timeout=2)
    with pytest.raises(errors.ConfigError) as info:
        ivs.list_stages(ClientFactory(options))
    assert "'eu-west1' is not an AWS region" in info.value.message
    assert "eu-west-1" in info.value.message
    monkeypatch.setenv("AWS_REGION", "eu-west1")  # the region from the environment
    with pytest.raises(errors.ConfigError) as info:
        ivs.list_stages(ClientFactory(ConnectionOptions(max_attempts=1, connect_timeout=2)))
    assert "'eu-west1' is not an AWS region" in info.value.message


def test_region_with_the_service_still_reports_the_connection(
    sandbox_env: Any, no_dns: None
) -> None:
    options = ConnectionOptions(region="eu-west-1", max_attempts=1, connect_timeout=2)
    with pytest.raises(errors.EndpointError) as info:
        ivs.list_stages(ClientFactory(options))
    assert "Could not connect" in info.value.message
    assert "not available" not in info.value.message


def test_region_availability_comes_from_botocore() -> None:
    assert regions.available_in("ivs-realtime", "eu-west-1") is True
    assert regions.available_in("ivs-realtime", "sa-east-1") is False
    assert regions.available_in("customer-profiles", "eu-west-2") is True
    assert regions.available_in("customer-profiles", "eu-west-1") is False
    assert regions.available_in("personalize-events", "sa-east-1") is False
    assert regions.available_in("codecatalyst", "sa-east-1") is None  # one global endpoint
    assert regions.region_of_aws_endpoint("https://127.0.0.1:4566/") is None
    assert regions.region_of_aws_endpoint("https://profile.ap-south-1.amazonaws.com") == (
        "ap-south-1"
    )


# -- advice that matches the profile -----------------------------------------------------------
def _profiles(home: Path) -> None:
    (home / ".aws" / "config").write_text(
        "[profile ssoprof]\nsso_session = corp\nregion = us-east-1\n\n"
        "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
        "sso_region = us-east-1\n\n"
        "[profile keys]\nregion = us-east-1\n"
    )
    (home / ".aws" / "credentials").write_text(
        "[keys]\naws_access_key_id = AKIAEXAMPLEKEY00\naws_secret_access_key = abc/def\n"
    )


def _expired(profile: str | None) -> errors.EventdeckError:
    exc = bce.ClientError(
        {
            "Error": {"Code": "ExpiredTokenException", "Message": "The token is expired"},
            "ResponseMetadata": {"HTTPStatusCode": 403, "RequestId": "rid-1"},
        },
        "ListStages",
    )
    with (
        pytest.raises(errors.EventdeckError) as info,
        aws_call("ivs-realtime", "ListStages", profile=profile),
    ):
        raise exc
    return info.value


def test_sso_and_static_profiles_get_different_advice(isolated_dirs: Path) -> None:
    from tui.ui.panes.browse import BrowsePane

    _profiles(isolated_dirs)
    sso = _expired("ssoprof")
    keys = _expired("keys")
    assert "aws sso login --profile ssoprof" in (sso.hint or "")
    assert sso.sso_sign_in and "press L" in BrowsePane.error_text(sso)
    assert "sso" not in (keys.hint or "").lower()
    assert "aws configure --profile keys" in (keys.hint or "")
    assert not keys.sso_sign_in and "press L" not in BrowsePane.error_text(keys)
    assert "rid-1" in keys.message


def test_sso_profile_with_expired_token_through_botocore(
    isolated_dirs: Path, sandbox_options: ConnectionOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real client on an SSO profile whose cached token is gone: sign in, and L works."""
    _profiles(isolated_dirs)
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    factory = ClientFactory(sandbox_options.with_(profile="ssoprof"))
    with pytest.raises(errors.EventdeckError) as info:
        ivs.list_stages(factory)
    assert "aws sso login --profile ssoprof" in (info.value.hint or "")
    assert info.value.sso_sign_in
    static = ClientFactory(sandbox_options.with_(profile="nokeys-here"))
    (isolated_dirs / ".aws" / "config").write_text("[profile nokeys-here]\nregion = us-east-1\n")
    with pytest.raises(errors.AuthError) as info2:
        ivs.list_stages(static)
    assert "sso" not in (info2.value.hint or "").lower()
    assert not info2.value.sso_sign_in


def test_signature_expired_points_at_the_clock() -> None:
    exc = bce.ClientError(
        {
            "Error": {
                "Code": "InvalidSignatureException",
                "Message": "Signature expired: 20240101T000000Z is now earlier than "
                "20240101T001500Z (20240101T003000Z - 15 min.)",
            },
            "ResponseMetadata": {"HTTPStatusCode": 403},
        },
        "ListStages",
    )
    with pytest.raises(errors.AuthError) as info, aws_call("ivs-realtime", "ListStages"):
        raise exc
    assert "clock" in (info.value.hint or "")
    assert "sso" not in (info.value.hint or "").lower()


def test_codecatalyst_access_denied_names_space_roles(
    sandbox_options: ConnectionOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_BEARER_TOKEN_CODECATALYST", "not-the-sandbox-token")
    with pytest.raises(errors.AccessDeniedError) as info:
        cc.list_spaces(ClientFactory(sandbox_options))
    hint = info.value.hint or ""
    assert "space" in hint.lower() and "role" in hint.lower()
    assert "IAM" in hint and "Ask for permission to codecatalyst:" not in hint
    assert info.value.request_id


def test_advice_follows_where_the_credentials_come_from(
    isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _profiles(isolated_dirs)
    with (isolated_dirs / ".aws" / "config").open("a") as config:
        config.write(
            "\n[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = ssoprof\n"
            "\n[profile proc]\ncredential_process = /usr/local/bin/get-creds\n"
        )
    assert "aws sso login --profile ssoprof" in (_expired("role").hint or "")
    assert "credential_process" in (_expired("proc").hint or "")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENVKEY0000000000")
    monkeypatch.setenv("AWS_PROFILE", "ssoprof")  # keys in the environment win over AWS_PROFILE
    env = _expired(None)
    assert "AWS_ACCESS_KEY_ID" in (env.hint or "") and not env.sso_sign_in


def test_press_l_only_when_the_profile_has_an_sso_session(
    isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.services.auth import bearer_token_source
    from tui.ui.panes.browse import BrowsePane

    _profiles(isolated_dirs)
    monkeypatch.delenv("AWS_BEARER_TOKEN_CODECATALYST", raising=False)
    with pytest.raises(errors.BearerTokenMissingError) as keys:
        bearer_token_source(ConnectionOptions(profile="keys"))
    assert "press L" not in BrowsePane.error_text(keys.value)
    with pytest.raises(errors.BearerTokenMissingError) as sso:
        bearer_token_source(ConnectionOptions(profile="ssoprof"))  # no cached token yet
    assert "press L" in BrowsePane.error_text(sso.value)


def test_tls_failure_names_the_ca_bundle_in_force_and_where_it_came_from(
    sandbox_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A jump host's AWS_CA_BUNDLE wins over the profile's ca_bundle (as for the AWS CLI v2): the
    error must say which bundle was checked, and why, not only "pass --ca-bundle"."""
    import botocore

    system_bundle = str(Path(botocore.__file__).parent / "cacert.pem")
    monkeypatch.setenv("AWS_CA_BUNDLE", system_bundle)
    options = ConnectionOptions(
        region="us-east-1", endpoint_url=sandbox_env.endpoint, max_attempts=1
    )
    with pytest.raises(errors.EndpointError) as caught:
        ivs.list_stages(ClientFactory(options))
    error = caught.value
    assert "TLS certificate verification failed" in error.message
    assert f"Verified against {system_bundle} (from AWS_CA_BUNDLE)" in (error.hint or "")
