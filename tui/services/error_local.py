"""botocore's own errors (credentials, profile, region, TLS, network) as eventdeck's typed errors.

Why apart: these failures happen before or instead of an answer from AWS; each message names what
was in force locally (profile, endpoint, CA bundle, attempts) and the command that fixes it.
"""

from __future__ import annotations

from typing import Any

from botocore import exceptions as bce

from tui.errors import (
    AuthError,
    BearerTokenMissingError,
    ConfigError,
    EndpointError,
    EventdeckError,
    ServiceError,
    SsoTokenExpiredError,
    ValidationError,
)
from tui.services import regions
from tui.services.auth import credential_kind
from tui.services.error_context import CallContext, attempts_note, endpoint_of


def from_botocore_error(exc: bce.BotoCoreError, ctx: CallContext) -> EventdeckError:
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
    url = endpoint_of(ctx, exc)
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
            f"Timed out connecting to {url}{attempts_note(ctx)}.",
            hint="Check the network, --region and --endpoint-url; raise --cli-connect-timeout.",
        )
    if isinstance(exc, bce.ProxyConnectionError):
        return EndpointError(
            f"Could not connect to the proxy {exc.kwargs.get('proxy_url', '')} for {url}.",
            hint="Check HTTPS_PROXY / HTTP_PROXY.",
        )
    if isinstance(exc, bce.EndpointConnectionError):
        return EndpointError(
            f"Could not connect to {url}{attempts_note(ctx)}.",
            hint="Check the network, --region and --endpoint-url.",
        )
    if isinstance(exc, bce.ReadTimeoutError):
        return EndpointError(
            f"{url} did not answer {ctx.operation} in time{attempts_note(ctx)}.",
            hint="Retry, or raise --cli-read-timeout.",
        )
    if isinstance(exc, bce.ConnectionClosedError):
        return EndpointError(
            f"{url} closed the connection during {ctx.operation}{attempts_note(ctx)}.",
            hint="Retry; check proxies or load balancers between you and the endpoint.",
        )
    if isinstance(exc, (bce.ConnectionError, bce.HTTPClientError)):
        return EndpointError(f"Network error talking to {url}: {exc}", hint="Retry.")
    return ServiceError(f"{ctx.service} {ctx.operation} failed: {exc}")


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
