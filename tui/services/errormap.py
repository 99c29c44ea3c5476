"""Translate botocore and urllib3 exceptions into eventdeck's typed errors.

The UI must never inspect botocore types, and a person at 3 a.m. needs the next step, not a stack
trace: every service call runs inside ``aws_call(...)``, which turns what boto3 raised into an
``EventdeckError`` naming the action, the resource and the fix, with the original as ``__cause__``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import urllib3.exceptions
from botocore import exceptions as bce
from botocore import xform_name

from tui.errors import (
    AccessDeniedError,
    AuthError,
    BearerTokenMissingError,
    ConfigError,
    EndpointError,
    EventdeckError,
    NotFoundError,
    ServiceError,
    SsoTokenExpiredError,
    ThrottledError,
    ValidationError,
)
from tui.services.options import ConnectionOptions

# botocore's standard retry mode treats these as throttling (retries/standard.py), plus S3's.
THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
ACCESS_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedException",
        "Forbidden",
        "ForbiddenException",
        "AuthorizationError",
    }
)
EXPIRED_CREDENTIAL_CODES = frozenset(
    {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
)
REJECTED_CREDENTIAL_CODES = frozenset(
    {
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "MissingAuthenticationToken",
        "MissingAuthenticationTokenException",
        "InvalidAccessKeyId",
    }
)
NOT_FOUND_CODES = frozenset(
    {"ResourceNotFoundException", "NotFoundException", "NotFound", "NoSuchEntity"}
)
VALIDATION_CODES = frozenset(
    {
        "ValidationException",
        "ValidationError",
        "BadRequestException",
        "InvalidParameterException",
        "InvalidParameterValue",
        "InvalidRequestException",
        "InvalidInputException",
        "SerializationException",
    }
)


@dataclass(frozen=True)
class CallContext:
    """What was being attempted when the error happened: named in every message."""

    service: str
    operation: str
    resource: str | None = None
    profile: str | None = None
    endpoint: str | None = None
    max_attempts: int | None = None

    @property
    def action(self) -> str:
        """The IAM-style action name, e.g. ``ivs:ListParticipantEvents``."""
        prefix = _IAM_PREFIX.get(self.service, self.service)
        return f"{prefix}:{self.operation}"

    @property
    def where(self) -> str:
        return f" on {self.resource}" if self.resource else ""

    def profile_flag(self) -> str:
        profile = self.profile or os.environ.get("AWS_PROFILE")
        return f" --profile {profile}" if profile else ""


_IAM_PREFIX = {
    "ivs-realtime": "ivs",
    "customer-profiles": "profile",
    "personalize-events": "personalize",
    "codecatalyst": "codecatalyst",
    "events": "events",
}


@contextmanager
def aws_call(
    service: str,
    operation: str,
    *,
    resource: str | None = None,
    profile: str | None = None,
    endpoint: str | None = None,
    options: ConnectionOptions | None = None,
) -> Iterator[CallContext]:
    """Run one AWS call; re-raise anything boto3 raises as a typed, actionable EventdeckError.

    ``options`` fills in profile, endpoint and max_attempts when they are not given. Exceptions
    that are not from botocore/urllib3 (programming errors) pass through untouched.
    """
    ctx = CallContext(
        service=service,
        operation=operation,
        resource=resource,
        profile=profile if profile is not None else (options.profile if options else None),
        endpoint=endpoint if endpoint is not None else (options.endpoint_url if options else None),
        max_attempts=options.max_attempts if options else None,
    )
    try:
        yield ctx
    except EventdeckError:
        raise
    except Exception as exc:
        mapped = translate_aws(exc, ctx)
        if mapped is None:
            raise
        raise mapped from exc


def translate(exc: BaseException, ctx: CallContext | None = None) -> EventdeckError:
    """Any exception as an EventdeckError the UI can show (the UI's last-resort path).

    AWS and transport errors get their typed translation; anything else (a bug) is wrapped as a
    plain EventdeckError naming its type, so a worker failure is an error row, not a crash.
    """
    if isinstance(exc, EventdeckError):
        return exc
    mapped = translate_aws(exc, ctx or CallContext(service="aws", operation="the call"))
    if mapped is not None:
        return mapped
    return EventdeckError(f"{type(exc).__name__}: {exc}")


def translate_aws(exc: BaseException, ctx: CallContext) -> EventdeckError | None:
    """The EventdeckError for ``exc`` in ``ctx``, or None when it is not an AWS/transport error."""
    if isinstance(exc, bce.ClientError):
        return _from_client_error(exc, ctx)
    if isinstance(exc, bce.BotoCoreError):
        return _from_botocore_error(exc, ctx)
    if isinstance(exc, urllib3.exceptions.HTTPError):
        return EndpointError(
            f"Network error talking to {_endpoint(ctx)} during {ctx.operation}: {exc}",
            hint="Check the network and --endpoint-url, then retry.",
        )
    if isinstance(exc, OSError) and "CA certificate bundle" in str(exc):
        return ConfigError(
            f"The CA bundle could not be used: {exc}",
            hint="Pass --ca-bundle with the path of a PEM file, or unset AWS_CA_BUNDLE.",
        )
    return None


def _endpoint(ctx: CallContext, exc: BaseException | None = None) -> str:
    kwargs = getattr(exc, "kwargs", None) or {}
    url = kwargs.get("endpoint_url") or ctx.endpoint
    return str(url) if url else f"the {ctx.service} endpoint"


def _attempts(ctx: CallContext) -> str:
    return f" after {ctx.max_attempts} attempts" if ctx.max_attempts else ""


def _from_botocore_error(exc: bce.BotoCoreError, ctx: CallContext) -> EventdeckError:
    kwargs: dict[str, Any] = getattr(exc, "kwargs", {}) or {}
    flag = ctx.profile_flag()
    who = f"profile '{ctx.profile}'" if ctx.profile else "the current profile"
    if isinstance(exc, (bce.SSOTokenLoadError, bce.UnauthorizedSSOTokenError)):
        return SsoTokenExpiredError(
            f"The SSO token for {who} is missing or expired.",
            hint=f"Run `aws sso login{flag}`, then retry.",
        )
    if isinstance(exc, bce.TokenRetrievalError):
        return SsoTokenExpiredError(
            f"Could not get a token for {who}: {kwargs.get('error_msg', exc)}",
            hint=f"Run `aws sso login{flag}`, then retry.",
        )
    if isinstance(exc, bce.SSOError):
        return SsoTokenExpiredError(
            f"SSO failed for {who}: {exc}", hint=f"Run `aws sso login{flag}`, then retry."
        )
    if isinstance(exc, bce.NoAuthTokenError):
        return BearerTokenMissingError(
            f"{ctx.service} needs a bearer token and none was found.",
            hint="Use a profile with an sso_session and run `aws sso login --sso-session NAME`,"
            " or set AWS_BEARER_TOKEN_CODECATALYST.",
        )
    if isinstance(exc, bce.NoCredentialsError):
        return AuthError(
            f"No AWS credentials found for {who}.",
            hint=f"Run `aws configure{flag}` or `aws sso login{flag}`, pass --profile, or set"
            " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
        )
    if isinstance(exc, bce.PartialCredentialsError):
        return AuthError(
            f"Incomplete AWS credentials for {who}: {exc}",
            hint=f"Fix them with `aws configure{flag}`.",
        )
    if isinstance(exc, bce.CredentialRetrievalError):
        return AuthError(
            f"Could not get credentials for {who}: {exc}",
            hint="Check the profile's credential_process / role settings in ~/.aws/config.",
        )
    if isinstance(exc, bce.ProfileNotFound):
        name = kwargs.get("profile", ctx.profile)
        return ConfigError(
            f"The AWS profile '{name}' is not in ~/.aws/config or ~/.aws/credentials.",
            hint="List profiles with `aws configure list-profiles`, or pass another --profile.",
        )
    if isinstance(exc, bce.NoRegionError):
        return ConfigError(
            "No AWS region is set.",
            hint="Pass --region, set AWS_REGION, or add `region = ...` to the profile.",
        )
    if isinstance(exc, bce.InvalidRegionError):
        return ConfigError(f"{exc}", hint="Pass a valid --region (e.g. us-east-1).")
    if isinstance(exc, bce.ParamValidationError):
        report = kwargs.get("report", str(exc))
        return ValidationError(f"{ctx.operation}: invalid parameters: {report}")
    if isinstance(exc, bce.InvalidConfigError):
        return ConfigError(f"Invalid AWS configuration: {exc}")
    return _from_transport_error(exc, ctx)


def _from_transport_error(exc: bce.BotoCoreError, ctx: CallContext) -> EventdeckError:
    url = _endpoint(ctx, exc)
    if isinstance(exc, bce.SSLError):
        return EndpointError(
            f"TLS certificate verification failed for {url}: {exc.kwargs.get('error', exc)}",
            hint="Pass --ca-bundle PATH for a private CA (or set AWS_CA_BUNDLE); "
            "--no-verify-ssl skips the check (insecure).",
        )
    if isinstance(exc, bce.ConnectTimeoutError):
        return EndpointError(
            f"Timed out connecting to {url}{_attempts(ctx)}.",
            hint="Check the network, --region and --endpoint-url; raise --cli-connect-timeout.",
        )
    if isinstance(exc, bce.ProxyConnectionError):
        return EndpointError(
            f"Could not connect to the proxy {exc.kwargs.get('proxy_url', '')} for {url}.",
            hint="Check HTTPS_PROXY / HTTP_PROXY.",
        )
    if isinstance(exc, bce.EndpointConnectionError):
        return EndpointError(
            f"Could not connect to {url}{_attempts(ctx)}.",
            hint="Check the network, --region and --endpoint-url.",
        )
    if isinstance(exc, bce.ReadTimeoutError):
        return EndpointError(
            f"{url} did not answer {ctx.operation} in time{_attempts(ctx)}.",
            hint="Retry, or raise --cli-read-timeout.",
        )
    if isinstance(exc, bce.ConnectionClosedError):
        return EndpointError(
            f"{url} closed the connection during {ctx.operation}{_attempts(ctx)}.",
            hint="Retry; check proxies or load balancers between you and the endpoint.",
        )
    if isinstance(exc, (bce.ConnectionError, bce.HTTPClientError)):
        return EndpointError(f"Network error talking to {url}: {exc}", hint="Retry.")
    return ServiceError(f"{ctx.service} {ctx.operation} failed: {exc}")


def _from_client_error(exc: bce.ClientError, ctx: CallContext) -> EventdeckError:
    response: dict[str, Any] = exc.response or {}
    error = response.get("Error") or {}
    meta = response.get("ResponseMetadata") or {}
    code = str(error.get("Code") or "Unknown")
    message = str(error.get("Message") or "").strip()
    status = int(meta.get("HTTPStatusCode") or 0)
    attempts = int(meta.get("RetryAttempts") or 0) + 1
    said = f": {message}" if message else ""
    flag = ctx.profile_flag()

    if code in EXPIRED_CREDENTIAL_CODES:
        return AuthError(
            f"Your AWS credentials have expired ({code}){said}",
            hint=f"Refresh them (e.g. `aws sso login{flag}`), then retry.",
        )
    if code in REJECTED_CREDENTIAL_CODES:
        return AuthError(
            f"AWS rejected the credentials ({code}){said}",
            hint=f"Check the profile (`aws sts get-caller-identity{flag}`) and its region.",
        )
    if code in THROTTLE_CODES or status == 429:
        return ThrottledError(
            f"{ctx.service} {ctx.operation} was still throttled after {attempts} "
            f"attempt{'s' if attempts != 1 else ''}; retries were exhausted ({code}){said}",
            hint="Wait a little and retry, or raise the retry attempts (max_attempts).",
        )
    if code in ACCESS_DENIED_CODES or status == 403:
        hint = f"Ask for permission to {ctx.action}{ctx.where}, or use another --profile."
        if ctx.service == "codecatalyst":
            hint = (
                "CodeCatalyst refused the bearer token or the user lacks access: run "
                "`aws sso login --sso-session NAME` or set AWS_BEARER_TOKEN_CODECATALYST; " + hint
            )
        return AccessDeniedError(f"Access denied: {ctx.action}{ctx.where}{said}", hint=hint)
    if code in NOT_FOUND_CODES or status == 404:
        target = ctx.resource or "the requested resource"
        return NotFoundError(f"Not found: {target} ({ctx.operation}){said}")
    if code in VALIDATION_CODES or status == 400:
        return ValidationError(f"{ctx.operation} rejected the request ({code}){said}")
    if status >= 500:
        return ServiceError(
            f"{ctx.service} {ctx.operation} failed on the service side "
            f"(HTTP {status} {code}) after {attempts} attempt{'s' if attempts != 1 else ''}{said}",
            hint="Retry later.",
        )
    return ServiceError(f"{ctx.service} {ctx.operation} failed ({code}){said}")


def call(
    factory: Any, service: str, operation: str, *, resource: str | None = None, **params: Any
) -> dict[str, Any]:
    """Call ``operation`` (API name, e.g. ``"ListStages"``) on ``factory``'s shared client.

    Parameters whose value is None are left out (boto3 rejects None); the client is fetched inside
    ``aws_call`` because building it can fail too (unknown profile, no region).
    """
    kwargs = {key: value for key, value in params.items() if value is not None}
    with aws_call(service, operation, resource=resource, options=factory.options):
        client = factory.client(service)
        response: dict[str, Any] = getattr(client, xform_name(operation))(**kwargs)
    return response
