"""Translate botocore and urllib3 exceptions into eventdeck's typed errors.

The UI must never inspect botocore types, and a person at 3 a.m. needs the next step, not a stack
trace: every service call runs inside ``aws_call(...)``, which turns what boto3 raised into an
``EventdeckError`` naming the action, the resource and the fix, with the original as ``__cause__``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
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
from tui.logsetup import current_log_path
from tui.services import regions
from tui.services.auth import credential_kind, source_profile
from tui.services.options import ConnectionOptions
from tui.services.resolve import Resolved

_log = logging.getLogger(__name__)

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
    {"ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired"}
)
# The request's signing time is too far from AWS's: the computer's clock is wrong, not the keys.
CLOCK_SKEW_CODES = frozenset({"RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture"})
CLOCK_SKEW_PHRASES = ("signature expired", "signature not yet current", "too skewed")
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
    region: str | None = None
    ca_bundle: str | None = None  # "PATH (from SOURCE)": what TLS verification used, if known

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

    def who(self) -> str:
        profile = self.profile or os.environ.get("AWS_PROFILE")
        return f"profile '{profile}'" if profile else "the current profile"


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
    resolved: Resolved | None = None,
) -> Iterator[CallContext]:
    """Run one AWS call; re-raise anything boto3 raises as a typed, actionable EventdeckError.

    ``resolved`` (else ``options``) fills in profile, region, endpoint, attempts and CA bundle
    when they are not given, so the advice names what was really in force (AWS_PROFILE,
    AWS_MAX_ATTEMPTS, AWS_CA_BUNDLE…). Exceptions that are not from botocore/urllib3
    (programming errors) pass through untouched.
    """
    if resolved is not None:
        bundle = resolved.ca_bundle
        ctx = CallContext(
            service=service,
            operation=operation,
            resource=resource,
            profile=profile if profile is not None else resolved.profile.value,
            endpoint=endpoint if endpoint is not None else resolved.endpoint(service).value,
            max_attempts=resolved.max_attempts.value,
            region=resolved.region.value,
            ca_bundle=bundle.describe() if bundle.value else None,
        )
    else:
        ctx = CallContext(
            service=service,
            operation=operation,
            resource=resource,
            profile=profile if profile is not None else (options.profile if options else None),
            endpoint=endpoint
            if endpoint is not None
            else (options.endpoint_url if options else None),
            max_attempts=options.max_attempts if options else None,
            region=options.region if options else None,
        )
    try:
        yield ctx
    except EventdeckError:
        raise
    except Exception as exc:
        mapped = translate_aws(exc, ctx)
        if mapped is None:
            raise
        # INFO: into the --debug log, never onto the terminal (no handler prints below WARNING)
        _log.info(
            "%s %s failed (%s, request id %s): %s",
            service,
            operation,
            type(exc).__name__,
            mapped.request_id or "none",
            mapped.message,
        )
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
    _log.error(
        "unexpected error (a bug in eventdeck): %s: %s",
        type(exc).__name__,
        exc,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    log = current_log_path()
    where = f"its traceback is in {log}" if log else "run with --debug to log its traceback"
    return EventdeckError(f"{type(exc).__name__}: {exc}", hint=f"A bug in eventdeck: {where}.")


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
            sso_sign_in=credential_kind(ctx.profile) == "sso",
            hint="Use a profile with an sso_session and run `aws sso login --sso-session NAME`,"
            " or set AWS_BEARER_TOKEN_CODECATALYST.",
        )
    if isinstance(exc, bce.NoCredentialsError):
        if credential_kind(ctx.profile) == "sso":
            return SsoTokenExpiredError(
                f"No AWS credentials for {who}: its SSO sign-in is missing or expired.",
                hint=f"Run `aws sso login{flag}`, then retry.",
            )
        return AuthError(
            f"No AWS credentials found for {who}.",
            hint=f"Run `aws configure{flag}`, pass --profile, or set"
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
        checked = (
            f"Verified against {ctx.ca_bundle}; pass --ca-bundle PATH for another CA"
            if ctx.ca_bundle
            else "Pass --ca-bundle PATH for a private CA (or set AWS_CA_BUNDLE)"
        )
        return EndpointError(
            f"TLS certificate verification failed for {url}: {exc.kwargs.get('error', exc)}",
            hint=f"{checked}; --no-verify-ssl skips the check (insecure).",
        )
    missing = _unavailable_region(exc, ctx)
    if missing is not None:
        return missing
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


@cache
def _error_message_members(service: str, code: str) -> tuple[str, ...]:
    """The members of ``service``'s error shape ``code`` that carry its text, from the model.

    Why: botocore fills ``Error.Message`` only from a body key named ``message``/``Message``;
    IVS Real-Time declares ``exceptionMessage`` instead, which botocore parses into the
    response's top level (the modeled error fields) while ``Error.Message`` stays empty.
    """
    import botocore.loaders
    from botocore.model import ServiceModel

    try:
        data = botocore.loaders.Loader().load_service_model(service, "service-2")
        shape = ServiceModel(data, service).shape_for_error_code(code)
    except Exception:  # an unknown service or model: no declared members
        return ()
    if shape is None:
        return ()
    return tuple(
        name
        for name, member in shape.members.items()
        if member.type_name == "string"
        and "message" in name.lower()
        and member.serialization.get("location") != "header"
    )


def service_message(response: dict[str, Any], service: str) -> str:
    """The service's own text for an error response: Error.Message, else a declared member."""
    error = response.get("Error") or {}
    message = str(error.get("Message") or "").strip()
    if message:
        return message
    code = str(error.get("Code") or "")
    names = _error_message_members(service, code) if code else ()
    # undeclared fallbacks: the keys botocore's modeled parse would produce for common shapes
    for name in (*names, "message", "Message", "exceptionMessage", "errorMessage"):
        value = response.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def request_id_of(response: dict[str, Any]) -> str | None:
    """AWS's request id for a response (ResponseMetadata.RequestId, else the raw headers)."""
    meta = response.get("ResponseMetadata") or {}
    rid = meta.get("RequestId")
    if not rid:
        headers = {str(k).lower(): v for k, v in (meta.get("HTTPHeaders") or {}).items()}
        rid = headers.get("x-amzn-requestid") or headers.get("x-amz-request-id")
    return str(rid) if rid else None


def _is_clock_skew(code: str, message: str) -> bool:
    lowered = message.lower()
    return code in CLOCK_SKEW_CODES or any(p in lowered for p in CLOCK_SKEW_PHRASES)


def _credential_error(
    ctx: CallContext, text: str, *, expired: bool, request_id: str | None
) -> EventdeckError:
    """An expired or refused credential, with the fix for where that credential comes from."""
    flag = ctx.profile_flag()
    kind = credential_kind(ctx.profile)
    if ctx.service == "codecatalyst" and os.environ.get("AWS_BEARER_TOKEN_CODECATALYST"):
        return AuthError(
            text,
            hint="The token comes from AWS_BEARER_TOKEN_CODECATALYST: set a fresh one, or unset "
            "it to use the profile's sso_session.",
            request_id=request_id,
        )
    if ctx.service == "codecatalyst":
        # CodeCatalyst signs with the sso-session's bearer token, whatever the profile's keys
        return SsoTokenExpiredError(
            text,
            hint="Run `aws sso login --sso-session NAME` (the profile's sso_session) or set "
            "AWS_BEARER_TOKEN_CODECATALYST, then retry.",
            request_id=request_id,
        )
    if kind == "sso":
        return SsoTokenExpiredError(
            text, hint=f"Run `aws sso login{flag}`, then retry.", request_id=request_id
        )
    if kind == "env":
        hint = (
            "The keys come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN in "
            "the environment: export fresh ones, or unset them to use a profile."
        )
    elif kind == "assume-role":
        source = source_profile(ctx.profile)
        src_kind = credential_kind(source) if source else "unknown"
        hint = f"The role's source credentials ({'profile ' + repr(source) if source else 'source_profile'})"
        if src_kind == "sso":
            hint += f" come from SSO: run `aws sso login --profile {source}`, then retry."
        else:
            hint += f" are {'expired' if expired else 'refused'}: fix them with `aws configure --profile {source}`."
    elif kind == "process":
        hint = f"The profile's credential_process returned them: check that command ({ctx.who()})."
    elif kind == "web-identity":
        hint = f"Check the web_identity_token_file of {ctx.who()}."
    elif kind == "static":
        hint = (
            f"{ctx.who().capitalize()} uses access keys: "
            + ("get fresh temporary keys" if expired else "check or rotate its keys")
            + f" (`aws configure{flag}`), and `aws sts get-caller-identity{flag}`."
        )
    else:
        hint = f"Check the credentials of {ctx.who()} (`aws sts get-caller-identity{flag}`)."
    return AuthError(text, hint=hint, request_id=request_id)


def _unavailable_region(exc: bce.BotoCoreError, ctx: CallContext) -> EventdeckError | None:
    """A connection failure to an AWS endpoint in a region where the service does not exist."""
    if not isinstance(exc, (bce.EndpointConnectionError, bce.ConnectTimeoutError)):
        return None
    url = (getattr(exc, "kwargs", None) or {}).get("endpoint_url")
    if not regions.is_aws_endpoint(url):
        return None
    region = regions.region_of_aws_endpoint(url)
    typo = ctx.region or regions.region_label(url)
    if region is None and typo and typo not in regions.known_regions():
        region = typo  # a typo ("eu-west1"): no such region at all
    elif region is None or regions.available_in(ctx.service, region) is not False:
        return None
    return ConfigError(
        regions.unavailable_message(ctx.service, region),
        hint="Pick one of those regions (the region picker, or --region).",
    )


def _from_client_error(exc: bce.ClientError, ctx: CallContext) -> EventdeckError:
    response: dict[str, Any] = exc.response or {}
    error = response.get("Error") or {}
    meta = response.get("ResponseMetadata") or {}
    code = str(error.get("Code") or "Unknown")
    message = service_message(response, ctx.service)
    rid = request_id_of(response)
    status = int(meta.get("HTTPStatusCode") or 0)
    attempts = int(meta.get("RetryAttempts") or 0) + 1
    said = f": {message}" if message else ""

    if _is_clock_skew(code, message):
        return AuthError(
            f"AWS refused the request's time ({code}){said}",
            hint="This computer's clock is wrong: compare `date -u` with the real UTC time and "
            "sync it (NTP: `timedatectl set-ntp true` or chrony), then retry.",
            request_id=rid,
        )
    if code in EXPIRED_CREDENTIAL_CODES:
        return _credential_error(
            ctx, f"Your AWS credentials have expired ({code}){said}", expired=True, request_id=rid
        )
    if code in REJECTED_CREDENTIAL_CODES:
        return _credential_error(
            ctx, f"AWS rejected the credentials ({code}){said}", expired=False, request_id=rid
        )
    if code in THROTTLE_CODES or status == 429:
        return ThrottledError(
            f"{ctx.service} {ctx.operation} was still throttled after {attempts} "
            f"attempt{'s' if attempts != 1 else ''}; retries were exhausted ({code}){said}",
            hint="Wait a little and retry, or raise the retry attempts (max_attempts).",
            request_id=rid,
        )
    if code in ACCESS_DENIED_CODES or status == 403:
        hint = f"Ask for permission to {ctx.action}{ctx.where}, or use another --profile."
        if ctx.service == "codecatalyst":
            hint = (
                "CodeCatalyst access comes from your role in the space (Space administrator, "
                "Power user, Limited access…), not from IAM policies: ask a space administrator "
                f"for a role that allows {ctx.operation} (event logs need Space administrator). "
                "If the token itself is stale: `aws sso login --sso-session NAME`."
            )
        where = "" if ctx.resource and ctx.resource in message else ctx.where
        return AccessDeniedError(
            f"Access denied: {ctx.action}{where}{said}", hint=hint, request_id=rid
        )
    if code in NOT_FOUND_CODES or status == 404:
        if ctx.resource and ctx.resource in message:  # the service named it already: say it once
            return NotFoundError(f"Not found ({ctx.operation}){said}", request_id=rid)
        target = ctx.resource or "the requested resource"
        return NotFoundError(f"Not found: {target} ({ctx.operation}){said}", request_id=rid)
    if code in VALIDATION_CODES or status == 400:
        return ValidationError(
            f"{ctx.operation} rejected the request ({code}){said}", request_id=rid
        )
    if status >= 500:
        return ServiceError(
            f"{ctx.service} {ctx.operation} failed on the service side "
            f"(HTTP {status} {code}) after {attempts} attempt{'s' if attempts != 1 else ''}{said}",
            hint="Retry later.",
            request_id=rid,
        )
    return ServiceError(f"{ctx.service} {ctx.operation} failed ({code}){said}", request_id=rid)


def _resolved(factory: Any) -> Resolved | None:
    """The factory's resolved destination, or None when it cannot say (the call then reports why)."""
    try:
        resolved = factory.resolved
    except Exception:  # an unknown profile: building the client raises the real error
        return None
    return resolved if isinstance(resolved, Resolved) else None


def call(
    factory: Any, service: str, operation: str, *, resource: str | None = None, **params: Any
) -> dict[str, Any]:
    """Call ``operation`` (API name, e.g. ``"ListStages"``) on ``factory``'s shared client.

    Parameters whose value is None are left out (boto3 rejects None); the client is fetched inside
    ``aws_call`` because building it can fail too (unknown profile, no region).
    """
    kwargs = {key: value for key, value in params.items() if value is not None}
    with aws_call(
        service, operation, resource=resource, options=factory.options, resolved=_resolved(factory)
    ):
        client = factory.client(service)
        response: dict[str, Any] = getattr(client, xform_name(operation))(**kwargs)
    return response
