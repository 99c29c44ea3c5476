"""The CodeCatalyst bearer-token check finds the token where botocore does and names the fix."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from botocore.utils import SSOTokenLoader

from tui.errors import BearerTokenMissingError, ConfigError, SsoTokenExpiredError
from tui.services.auth import (
    bearer_token_source,
    sso_cache_path,
    sso_token_status,
)
from tui.services.options import ConnectionOptions

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

CONFIG = """
[profile dev]
sso_session = corp
region = us-west-2

[profile plain]
region = us-east-1

[profile dangling]
sso_session = ghost

[profile half]
sso_session = half

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = codecatalyst:read_write

[sso-session half]
sso_region = us-east-1
"""


@pytest.fixture
def aws_home(isolated_dirs: Path) -> Path:
    (isolated_dirs / ".aws" / "config").write_text(CONFIG)
    return isolated_dirs


def write_token(home: Path, session: str, **token: object) -> Path:
    path = sso_cache_path(session)
    assert str(path).startswith(str(home))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(token))
    return path


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_cache_key_matches_botocore(aws_home: Path) -> None:
    key = SSOTokenLoader()._generate_cache_key("https://x/start", "corp")
    assert sso_cache_path("corp").name == f"{key}.json"
    assert sso_cache_path("corp").parent == aws_home / ".aws" / "sso" / "cache"


def test_env_token_wins(aws_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_BEARER_TOKEN_CODECATALYST", "tok")
    source = bearer_token_source(ConnectionOptions(profile="plain"), now=NOW)
    assert source.kind == "env"


def test_extra_env_token_counts(aws_home: Path) -> None:
    opts = ConnectionOptions(profile="plain", extra=(("AWS_BEARER_TOKEN_CODECATALYST", "t"),))
    bearer_token_source(opts, now=NOW)


def test_profile_without_sso_session_names_profile_and_both_fixes(aws_home: Path) -> None:
    with pytest.raises(BearerTokenMissingError) as info:
        bearer_token_source(ConnectionOptions(profile="plain"), now=NOW)
    err = info.value
    assert "'plain'" in err.message and "sso_session" in err.message
    assert "aws sso login --sso-session" in (err.hint or "")
    assert "AWS_BEARER_TOKEN_CODECATALYST" in (err.hint or "")


def test_default_profile_used_when_none_given(aws_home: Path) -> None:
    with pytest.raises(BearerTokenMissingError) as info:
        bearer_token_source(ConnectionOptions(), now=NOW)
    assert "'default'" in info.value.message


def test_aws_profile_env_is_honoured(aws_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "dev")
    write_token(aws_home, "corp", accessToken="a", expiresAt=iso(NOW + timedelta(hours=1)))
    source = bearer_token_source(ConnectionOptions(), now=NOW)
    assert (source.kind, source.profile, source.session_name) == ("sso", "dev", "corp")


def test_unknown_profile_is_config_error(aws_home: Path) -> None:
    with pytest.raises(ConfigError, match="'nope'"):
        bearer_token_source(ConnectionOptions(profile="nope"), now=NOW)


def test_missing_sso_session_section(aws_home: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[sso-session ghost\]"):
        bearer_token_source(ConnectionOptions(profile="dangling"), now=NOW)


def test_incomplete_sso_session_section(aws_home: Path) -> None:
    with pytest.raises(ConfigError, match="sso_start_url"):
        bearer_token_source(ConnectionOptions(profile="half"), now=NOW)


def test_never_logged_in(aws_home: Path) -> None:
    with pytest.raises(BearerTokenMissingError) as info:
        bearer_token_source(ConnectionOptions(profile="dev"), now=NOW)
    assert "`aws sso login --sso-session corp`" in (info.value.hint or "")


def test_valid_cached_token(aws_home: Path) -> None:
    expires = NOW + timedelta(hours=3)
    path = write_token(aws_home, "corp", accessToken="a", expiresAt=iso(expires))
    source = bearer_token_source(ConnectionOptions(profile="dev"), now=NOW)
    assert source.expires_at == expires and source.cache_path == path
    assert sso_token_status(ConnectionOptions(profile="dev")) == ("corp", expires)


def test_expired_cached_token(aws_home: Path) -> None:
    expired = NOW - timedelta(minutes=1)
    write_token(aws_home, "corp", accessToken="a", expiresAt=iso(expired))
    with pytest.raises(SsoTokenExpiredError) as info:
        bearer_token_source(ConnectionOptions(profile="dev"), now=NOW)
    assert "`aws sso login --sso-session corp`" in (info.value.hint or "")
    assert "corp" in info.value.message
    # The header still gets the expiry, without an exception.
    assert sso_token_status(ConnectionOptions(profile="dev")) == ("corp", expired)


def test_expired_but_refreshable_is_left_to_botocore(aws_home: Path) -> None:
    write_token(
        aws_home,
        "corp",
        accessToken="a",
        expiresAt=iso(NOW - timedelta(minutes=1)),
        refreshToken="r",
        clientId="c",
        clientSecret="s",
        registrationExpiresAt=iso(NOW + timedelta(days=30)),
    )
    source = bearer_token_source(ConnectionOptions(profile="dev"), now=NOW)
    assert source.refreshable


def test_expired_with_expired_registration(aws_home: Path) -> None:
    write_token(
        aws_home,
        "corp",
        accessToken="a",
        expiresAt=iso(NOW - timedelta(minutes=1)),
        refreshToken="r",
        clientId="c",
        clientSecret="s",
        registrationExpiresAt=iso(NOW - timedelta(days=1)),
    )
    with pytest.raises(SsoTokenExpiredError):
        bearer_token_source(ConnectionOptions(profile="dev"), now=NOW)


@pytest.mark.parametrize(
    "content", ["{not json", json.dumps({"expiresAt": "2030-01-01T00:00:00Z"})]
)
def test_unreadable_or_incomplete_cache(aws_home: Path, content: str) -> None:
    path = sso_cache_path("corp")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    with pytest.raises(BearerTokenMissingError, match="corp"):
        bearer_token_source(ConnectionOptions(profile="dev"), now=NOW)


def test_status_without_sso(aws_home: Path) -> None:
    assert sso_token_status(ConnectionOptions(profile="plain")) == (None, None)
    assert sso_token_status(ConnectionOptions(profile="dev")) == ("corp", None)
