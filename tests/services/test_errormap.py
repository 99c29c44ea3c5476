"""botocore/urllib3 exceptions become typed errors naming the action, the resource and the fix."""

from __future__ import annotations

from typing import Any

import pytest
import urllib3.exceptions
from botocore import exceptions as bce

from tui import errors
from tui.services.errormap import CallContext, aws_call, translate, translate_aws
from tui.services.options import ConnectionOptions

ARN = "arn:aws:ivs:us-east-1:123456789012:stage/abcdEFGH1234"


def client_error(code: str, message: str, status: int, retries: int = 0, op: str = "Op") -> Any:
    return bce.ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {
                "HTTPStatusCode": status,
                "RetryAttempts": retries,
                "MaxAttemptsReached": retries > 0,
            },
        },
        op,
    )


def raise_in_call(exc: BaseException, **kwargs: Any) -> errors.EventdeckError:
    call = aws_call("ivs-realtime", "ListParticipantEvents", **kwargs)
    with pytest.raises(errors.EventdeckError) as info, call:
        raise exc
    assert info.value.__cause__ is exc
    return info.value


@pytest.mark.parametrize(
    "exc",
    [
        bce.SSOTokenLoadError(error_msg="Token for x does not exist"),
        bce.UnauthorizedSSOTokenError(),
        bce.TokenRetrievalError(provider="sso", error_msg="Token has expired and refresh failed"),
    ],
)
def test_sso_token_problems_name_the_login_command(exc: Exception) -> None:
    err = raise_in_call(exc, profile="ops")
    assert type(err) is errors.SsoTokenExpiredError
    assert err.hint is not None and "`aws sso login --profile ops`" in err.hint
    assert "ops" in err.message


def test_sso_hint_uses_aws_profile_env_when_no_profile_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "envprof")
    err = raise_in_call(bce.UnauthorizedSSOTokenError())
    assert "`aws sso login --profile envprof`" in (err.hint or "")


def test_no_credentials() -> None:
    err = raise_in_call(bce.NoCredentialsError(), profile="dev")
    assert type(err) is errors.AuthError
    assert "dev" in err.message and "aws configure --profile dev" in (err.hint or "")


def test_profile_not_found_is_config_error() -> None:
    err = raise_in_call(bce.ProfileNotFound(profile="nope"))
    assert type(err) is errors.ConfigError
    assert "'nope'" in err.message and "list-profiles" in (err.hint or "")


def test_no_region() -> None:
    err = raise_in_call(bce.NoRegionError())
    assert type(err) is errors.ConfigError and "--region" in (err.hint or "")


def test_no_auth_token_is_bearer_missing() -> None:
    with (
        pytest.raises(errors.BearerTokenMissingError) as info,
        aws_call("codecatalyst", "ListSpaces"),
    ):
        raise bce.NoAuthTokenError()
    assert "AWS_BEARER_TOKEN_CODECATALYST" in (info.value.hint or "")


@pytest.mark.parametrize("code", ["AccessDeniedException", "AccessDenied", "UnauthorizedException"])
def test_access_denied_names_action_and_resource(code: str) -> None:
    exc = client_error(code, "User: arn:aws:iam::1:user/x is not authorized", 403)
    err = raise_in_call(exc, resource=ARN)
    assert type(err) is errors.AccessDeniedError
    assert "ivs:ListParticipantEvents" in err.message
    assert ARN in err.message
    assert "is not authorized" in err.message  # AWS's own words are kept


def test_bare_403_is_access_denied() -> None:
    err = raise_in_call(client_error("SomethingNew", "", 403))
    assert type(err) is errors.AccessDeniedError


@pytest.mark.parametrize(
    "code,status", [("ThrottlingException", 400), ("TooManyRequestsException", 429), ("Weird", 429)]
)
def test_throttled_after_retries_says_how_many_attempts(code: str, status: int) -> None:
    err = raise_in_call(client_error(code, "Rate exceeded", status, retries=4))
    assert type(err) is errors.ThrottledError
    assert "5 attempts" in err.message and "exhausted" in err.message


def test_not_found() -> None:
    err = raise_in_call(
        client_error("ResourceNotFoundException", "Stage not found", 404), resource=ARN
    )
    assert type(err) is errors.NotFoundError
    assert ARN in err.message and "Stage not found" in err.message


def test_validation_keeps_aws_message() -> None:
    err = raise_in_call(client_error("ValidationException", "maxResults must be <= 100", 400))
    assert type(err) is errors.ValidationError
    assert "maxResults must be <= 100" in err.message


def test_param_validation_error() -> None:
    err = raise_in_call(bce.ParamValidationError(report="Missing required parameter: stageArn"))
    assert type(err) is errors.ValidationError and "stageArn" in err.message


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_service_error(status: int) -> None:
    err = raise_in_call(client_error("InternalServerException", "boom", status, retries=2))
    assert type(err) is errors.ServiceError
    assert str(status) in err.message and "3 attempts" in err.message


def test_unknown_4xx_is_service_error_with_code() -> None:
    err = raise_in_call(client_error("ConflictException", "busy", 409))
    assert type(err) is errors.ServiceError and "ConflictException" in err.message


@pytest.mark.parametrize("code", ["ExpiredTokenException", "ExpiredToken"])
def test_expired_credentials(code: str) -> None:
    err = raise_in_call(
        client_error(code, "The security token included in the request is expired", 400),
        profile="p",
    )
    # profile "p" is not configured for SSO: no `aws sso login` advice (test_error_details has both)
    assert type(err) is errors.AuthError and "aws sso login" not in (err.hint or "")
    assert "--profile p" in (err.hint or "")


def test_rejected_credentials() -> None:
    err = raise_in_call(client_error("UnrecognizedClientException", "bad", 403))
    assert type(err) is errors.AuthError and not isinstance(err, errors.AccessDeniedError)


def test_endpoint_connection_error_names_endpoint() -> None:
    url = "https://127.0.0.1:9/ListStages"
    err = raise_in_call(bce.EndpointConnectionError(endpoint_url=url))
    assert type(err) is errors.EndpointError and url in err.message


def test_connect_and_read_timeouts() -> None:
    opts = ConnectionOptions(endpoint_url="https://x.example", max_attempts=4)
    err = raise_in_call(bce.ConnectTimeoutError(endpoint_url="https://x.example/"), options=opts)
    assert type(err) is errors.EndpointError and "4 attempts" in err.message
    err = raise_in_call(bce.ReadTimeoutError(endpoint_url="https://x.example/"), options=opts)
    assert type(err) is errors.EndpointError and "--cli-read-timeout" in (err.hint or "")


def test_ssl_error_suggests_ca_bundle() -> None:
    err = raise_in_call(bce.SSLError(endpoint_url="https://h/", error="CERTIFICATE_VERIFY_FAILED"))
    assert type(err) is errors.EndpointError
    assert "--ca-bundle" in (err.hint or "") and "--no-verify-ssl" in (err.hint or "")
    assert "CERTIFICATE_VERIFY_FAILED" in err.message


def test_connection_closed() -> None:
    err = raise_in_call(bce.ConnectionClosedError(endpoint_url="https://h/"))
    assert type(err) is errors.EndpointError


def test_raw_urllib3_error() -> None:
    err = raise_in_call(urllib3.exceptions.ProtocolError("Connection aborted."))
    assert type(err) is errors.EndpointError


def test_programming_errors_pass_through() -> None:
    with pytest.raises(KeyError), aws_call("ivs-realtime", "ListStages"):
        raise KeyError("x")


def test_eventdeck_errors_pass_through_unchanged() -> None:
    original = errors.NotFoundError("already typed")
    with pytest.raises(errors.NotFoundError) as info, aws_call("ivs-realtime", "ListStages"):
        raise original
    assert info.value is original


def test_options_fill_context() -> None:
    opts = ConnectionOptions(profile="p1", endpoint_url="https://e", max_attempts=7)
    with aws_call("codecatalyst", "ListSpaces", options=opts) as ctx:
        pass
    assert (ctx.profile, ctx.endpoint, ctx.max_attempts) == ("p1", "https://e", 7)
    assert ctx.action == "codecatalyst:ListSpaces"


def test_translate_aws_returns_none_for_foreign() -> None:
    assert translate_aws(ValueError("x"), CallContext("s", "o")) is None


def test_translate_without_context_always_gives_an_eventdeck_error() -> None:
    """The UI's last-resort path: any worker exception becomes something it can show."""
    err = translate(ValueError("bad thing"))
    assert type(err) is errors.EventdeckError and "ValueError: bad thing" in err.message
    typed = translate(client_error("ResourceNotFoundException", "gone", 404))
    assert type(typed) is errors.NotFoundError and "gone" in typed.message
    original = errors.ThrottledError("x")
    assert translate(original) is original
