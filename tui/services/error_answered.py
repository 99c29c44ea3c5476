"""AWS's error answers (botocore's ClientError) as eventdeck's typed errors, with the next step.

Why apart: an answer carries a code, a status, the service's text and a request id; the code's
family picks the typed error, and a refused credential gets the fix for where that credential
comes from (SSO, environment, role, process, keys).
"""

from __future__ import annotations

import os
from typing import Any

from botocore import exceptions as bce

from tui.errors import (
    AccessDeniedError,
    AuthError,
    EventdeckError,
    NotFoundError,
    ServiceError,
    SsoTokenExpiredError,
    ThrottledError,
    ValidationError,
)
from tui.services.auth import credential_kind, source_profile
from tui.services.error_codes import (
    ACCESS_DENIED_CODES,
    EXPIRED_CREDENTIAL_CODES,
    NOT_FOUND_CODES,
    REJECTED_CREDENTIAL_CODES,
    THROTTLE_CODES,
    VALIDATION_CODES,
    is_clock_skew,
)
from tui.services.error_context import CallContext
from tui.services.error_response import request_id_of, service_message


def from_client_error(exc: bce.ClientError, ctx: CallContext) -> EventdeckError:
    response: dict[str, Any] = exc.response or {}
    error = response.get("Error") or {}
    meta = response.get("ResponseMetadata") or {}
    code = str(error.get("Code") or "Unknown")
    message = service_message(response, ctx.service)
    rid = request_id_of(response)
    status = int(meta.get("HTTPStatusCode") or 0)
    attempts = int(meta.get("RetryAttempts") or 0) + 1
    said = f": {message}" if message else ""

    if is_clock_skew(code, message):
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
