"""CodeCatalyst bearer token: where botocore will find it, and a clear error when it will not.

CodeCatalyst authenticates with a bearer token, not SigV4. botocore looks for it first in
AWS_BEARER_TOKEN_CODECATALYST, then in the SSO token cache of the profile's ``sso_session``
(``~/.aws/sso/cache/<sha1 of the session name>.json``). When neither is usable botocore only says
"Unable to locate authorization token"; this module checks the same places beforehand and names
the exact fix (which profile lacks ``sso_session``, which ``aws sso login`` to run).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.errors import BearerTokenMissingError, ConfigError, SsoTokenExpiredError
from tui.services.options import ConnectionOptions
from tui.services.resolve import read_aws_config, resolve_profile
from tui.services.timeparse import fast_parse_timestamp

SIGNING_NAME = "codecatalyst"
ENV_VAR = "AWS_BEARER_TOKEN_CODECATALYST"
_SSO_CONFIG_VARS = ("sso_start_url", "sso_region")
_REFRESH_KEYS = ("refreshToken", "clientId", "clientSecret", "registrationExpiresAt")


@dataclass(frozen=True)
class BearerTokenSource:
    """Where the bearer token comes from: ``"env"``, ``"sso"`` or None (nowhere)."""

    kind: str | None
    profile: str
    session_name: str | None = None
    expires_at: datetime | None = None
    cache_path: Path | None = None
    refreshable: bool = False


def sso_cache_dir() -> Path:
    """The SSO token cache directory (read now, so a changed HOME is honoured)."""
    return Path(os.path.expanduser(os.path.join("~", ".aws", "sso", "cache")))


def sso_cache_path(session_name: str) -> Path:
    """The cache file botocore reads for ``session_name`` (sha1 of the name, as botocore keys it)."""
    key = hashlib.sha1(session_name.encode("utf-8")).hexdigest()
    return sso_cache_dir() / f"{key}.json"


def effective_profile(options: ConnectionOptions) -> str:
    """The profile boto3 will use (the resolver's answer: flag, env, eventdeck config, default)."""
    return str(resolve_profile(options).value)


def env_bearer_token(options: ConnectionOptions) -> str | None:
    """The token from the environment (or the options' extra environment, used by the demo)."""
    if options.isolated:  # the demo's own token only, never the environment's
        return dict(options.extra).get(ENV_VAR) or None
    from botocore.utils import get_token_from_environment  # here: the first paint needs none

    token = get_token_from_environment(SIGNING_NAME) or dict(options.extra).get(ENV_VAR)
    return token or None


def bearer_token_source(
    options: ConnectionOptions, *, now: datetime | None = None
) -> BearerTokenSource:
    """Find the bearer token the way botocore does; raise a typed error naming the fix if none.

    Raises BearerTokenMissingError (no token anywhere), SsoTokenExpiredError (cached token expired
    and not refreshable) or ConfigError (broken sso-session configuration).
    """
    profile = effective_profile(options)
    if env_bearer_token(options):
        return BearerTokenSource(kind="env", profile=profile)
    config = read_aws_config()
    profiles: dict[str, Any] = config.get("profiles", {})
    if options.profile and profile not in profiles:
        raise ConfigError(
            f"The AWS profile '{profile}' is not in ~/.aws/config.",
            hint="List profiles with `aws configure list-profiles`, or pass another --profile.",
        )
    session_name = profiles.get(profile, {}).get("sso_session")
    if not session_name:
        raise BearerTokenMissingError(
            f"CodeCatalyst needs a bearer token: profile '{profile}' has no sso_session and "
            f"{ENV_VAR} is not set.",
            hint=f"Add `sso_session = NAME` to [profile {profile}] with an [sso-session NAME] "
            f"section, then run `aws sso login --sso-session NAME`; or set {ENV_VAR}.",
        )
    sso_config = config.get("sso_sessions", {}).get(session_name)
    if not sso_config:
        raise ConfigError(
            f"Profile '{profile}' names sso_session '{session_name}', but ~/.aws/config has no "
            f"[sso-session {session_name}] section.",
            hint=f"Run `aws configure sso-session` to create '{session_name}'.",
        )
    missing = [var for var in _SSO_CONFIG_VARS if var not in sso_config]
    if missing:
        raise ConfigError(
            f"[sso-session {session_name}] is missing {', '.join(missing)}.",
            hint=f"Run `aws configure sso-session` to complete '{session_name}'.",
        )
    return _cached_token(profile, session_name, now or datetime.now(UTC))


def _cached_token(profile: str, session_name: str, now: datetime) -> BearerTokenSource:
    path = sso_cache_path(session_name)
    login = f"`aws sso login --sso-session {session_name}`"
    try:
        token = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BearerTokenMissingError(
            f"No cached SSO token for sso-session '{session_name}' (profile '{profile}').",
            hint=f"Run {login}, or set {ENV_VAR}.",
            sso_sign_in=True,
        ) from None
    except (OSError, ValueError) as exc:
        raise BearerTokenMissingError(
            f"The cached SSO token for sso-session '{session_name}' is unreadable: {exc}",
            hint=f"Run {login} to write a fresh one.",
            sso_sign_in=True,
        ) from exc
    if not isinstance(token, dict) or "accessToken" not in token or "expiresAt" not in token:
        raise BearerTokenMissingError(
            f"The cached SSO token for sso-session '{session_name}' is incomplete.",
            hint=f"Run {login} to write a fresh one.",
            sso_sign_in=True,
        )
    expires_at = _parse_time(token["expiresAt"])
    refreshable = _refreshable(token, now)
    if expires_at is not None and expires_at <= now and not refreshable:
        raise SsoTokenExpiredError(
            f"The SSO token for sso-session '{session_name}' (profile '{profile}') expired at "
            f"{expires_at.isoformat()}.",
            hint=f"Run {login} (or `aws sso login --profile {profile}`).",
        )
    return BearerTokenSource(
        kind="sso",
        profile=profile,
        session_name=session_name,
        expires_at=expires_at,
        cache_path=path,
        refreshable=refreshable,
    )


def _parse_time(value: Any) -> datetime | None:
    try:
        parsed = fast_parse_timestamp(value)
    except (ValueError, TypeError, OverflowError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _refreshable(token: dict[str, Any], now: datetime) -> bool:
    """botocore refreshes an expired token itself when the client registration is still valid."""
    if any(key not in token for key in _REFRESH_KEYS):
        return False
    registration = _parse_time(token["registrationExpiresAt"])
    return registration is not None and registration > now


def sso_token_status(
    options: ConnectionOptions, *, now: datetime | None = None
) -> tuple[str | None, datetime | None]:
    """(sso-session name, token expiry) for the header; (None, None) when no SSO token applies.

    Never raises for a missing or expired token: the header shows the state, the call fails later.
    """
    profile = effective_profile(options)
    profiles: dict[str, Any] = read_aws_config().get("profiles", {})
    session_name = profiles.get(profile, {}).get("sso_session")
    if not session_name:
        return None, None
    try:
        token = json.loads(sso_cache_path(session_name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return session_name, None
    if not isinstance(token, dict):
        return session_name, None
    return session_name, _parse_time(token.get("expiresAt"))


def credential_kind(profile: str | None) -> str:
    """How botocore gets credentials for ``profile`` (None: not given explicitly), as one word.

    One of ``env``, ``sso``, ``assume-role``, ``web-identity``, ``process``, ``static`` or
    ``unknown``. Why: the fix for an expired or refused credential depends on where it came from;
    `aws sso login` is wrong advice for access keys, and keys in the environment win over a profile
    named only by AWS_PROFILE (botocore skips them only for an explicit --profile).
    """
    if profile is None and os.environ.get("AWS_ACCESS_KEY_ID"):
        return "env"
    name = profile or os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE")
    name = name or "default"
    try:
        section: dict[str, Any] = dict(read_aws_config().get("profiles", {}).get(name, {}))
        section.update(_shared_credentials().get(name, {}))
    except Exception:  # an unreadable config: the advice falls back to the generic one
        return "unknown"
    if section.get("sso_session") or section.get("sso_start_url"):
        return "sso"
    if section.get("role_arn") and section.get("web_identity_token_file"):
        return "web-identity"
    if section.get("role_arn"):
        return "assume-role"
    if section.get("credential_process"):
        return "process"
    if section.get("aws_access_key_id"):
        return "static"
    return "unknown"


def source_profile(profile: str | None) -> str | None:
    """The ``source_profile`` of an assume-role profile (whose credentials sign AssumeRole)."""
    name = profile or os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE")
    section = read_aws_config().get("profiles", {}).get(name or "default", {})
    value = section.get("source_profile")
    return str(value) if value else None


def _shared_credentials() -> dict[str, dict[str, Any]]:
    """The shared credentials file's sections (static keys live there, not in ~/.aws/config)."""
    from botocore.configloader import raw_config_parse

    path = os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or os.path.join("~", ".aws", "credentials")
    path = os.path.expanduser(path)
    if not os.path.isfile(path):
        return {}
    parsed: dict[str, dict[str, Any]] = raw_config_parse(path)
    return parsed
