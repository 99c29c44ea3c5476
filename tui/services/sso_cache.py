"""Where an SSO sign-in goes and what the token cache holds, read and written as the AWS CLI does.

The cache file (``~/.aws/sso/cache/<sha1>.json``) is shared with the AWS CLI and botocore, so
its keys, time format and 0600 mode follow theirs; the token itself is never logged or shown.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.errors import ConfigError
from tui.fsutil import atomic_write_bytes
from tui.services.auth import effective_profile, sso_cache_dir
from tui.services.options import ConnectionOptions
from tui.services.resolve import read_aws_config

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # what botocore and the AWS CLI write (UTC, no fraction)


@dataclass(frozen=True)
class SsoTarget:
    """What to sign in to: an ``[sso-session]`` (or a legacy profile's start URL) and its region."""

    profile: str | None
    session_name: str | None
    start_url: str
    region: str
    scopes: tuple[str, ...] = ()

    @property
    def cache_key(self) -> str:
        """sha1 of the session name, or of the start URL for legacy profiles (botocore's key)."""
        source = self.session_name if self.session_name is not None else self.start_url
        return hashlib.sha1(source.encode("utf-8")).hexdigest()

    @property
    def cache_path(self) -> Path:
        return sso_cache_dir() / f"{self.cache_key}.json"

    @property
    def label(self) -> str:
        """How to name this sign-in to a person."""
        if self.session_name is not None:
            return f"sso-session {self.session_name}"
        return f"profile {self.profile}" if self.profile else self.start_url

    @property
    def cli_command(self) -> str:
        """The AWS CLI command that does the same sign-in."""
        if self.session_name is not None:
            return f"aws sso login --sso-session {self.session_name} --use-device-code"
        return f"aws sso login --profile {self.profile or 'default'} --use-device-code"


def format_time(value: datetime) -> str:
    """A datetime as the cache writes it: UTC, ``YYYY-MM-DDTHH:MM:SSZ``."""
    return value.astimezone(UTC).strftime(TIME_FORMAT)


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_scopes(raw: str | None) -> tuple[str, ...]:
    """``sso_registration_scopes`` as the CLI reads it: comma-separated, blanks dropped."""
    return tuple(s.strip() for s in (raw or "").split(",") if s.strip())


def sso_target(
    options: ConnectionOptions | None = None, *, profile: str | None = None
) -> SsoTarget | None:
    """The SSO sign-in for a profile, read as the AWS CLI reads ``~/.aws/config``; None if not SSO.

    Raises ConfigError when the profile names a missing or incomplete ``[sso-session]``.
    """
    name = profile or effective_profile(options or ConnectionOptions())
    config = read_aws_config()
    section: dict[str, Any] = config.get("profiles", {}).get(name, {})
    session_name = section.get("sso_session")
    if session_name:
        sso = config.get("sso_sessions", {}).get(session_name)
        if not sso:
            raise ConfigError(
                f"Profile '{name}' names sso_session '{session_name}', but ~/.aws/config has no "
                f"[sso-session {session_name}] section.",
                hint=f"Run `aws configure sso-session` to create '{session_name}'.",
            )
        _require(sso, f"[sso-session {session_name}]")
        return SsoTarget(
            profile=name,
            session_name=session_name,
            start_url=sso["sso_start_url"],
            region=sso["sso_region"],
            scopes=parse_scopes(sso.get("sso_registration_scopes")),
        )
    if "sso_start_url" in section or "sso_region" in section:
        _require(section, f"[profile {name}]")
        return SsoTarget(
            profile=name,
            session_name=None,
            start_url=section["sso_start_url"],
            region=section["sso_region"],
        )
    return None


def _require(section: dict[str, Any], where: str) -> None:
    missing = [key for key in ("sso_start_url", "sso_region") if not section.get(key)]
    if missing:
        raise ConfigError(
            f"{where} is missing {', '.join(missing)}.",
            hint="Run `aws configure sso` to complete it.",
        )


def cached_token(target: SsoTarget) -> dict[str, Any] | None:
    """The cached token dict for ``target`` (None when absent or unreadable)."""
    try:
        data = json.loads(target.cache_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def needs_sign_in(target: SsoTarget, *, now: datetime | None = None) -> bool:
    """True when no usable token is cached: missing, expired and not refreshable by botocore."""
    now = now or datetime.now(UTC)
    token = cached_token(target)
    if not token or "accessToken" not in token:
        return True
    expires = parse_time(token.get("expiresAt"))
    if expires is not None and expires > now:
        return False
    registration = parse_time(token.get("registrationExpiresAt"))
    refreshable = bool(token.get("refreshToken") and token.get("clientSecret"))
    return not (refreshable and registration is not None and registration > now)


def write_private_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` to ``path`` atomically with mode 0600 (temp file, fsync, rename)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    atomic_write_bytes(path, json.dumps(data).encode("utf-8"))
