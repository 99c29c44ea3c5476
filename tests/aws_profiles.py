"""Several AWS profiles, written as a user keeps them, signing for different sandbox accounts.

Why a helper: the scope tests (sandbox, services, UI) configure the way users do: an
``~/.aws/config`` with ``[profile …]`` sections and a credentials file (the conftest's isolated
AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE), plus the sandbox's export lines for the endpoint.
"""

from __future__ import annotations

from pathlib import Path

# profile -> (account its key signs for, home region)
PROFILES: dict[str, tuple[str, str]] = {
    "prod": ("123456789012", "us-east-1"),
    "staging": ("210987654321", "us-west-2"),
    "eu": ("345678901234", "eu-central-1"),
}
SSO_EXPIRED = "sso-expired"


def write_profiles(home: Path, *, expired_sso: bool = False, extra: int = 0) -> list[str]:
    """Write PROFILES (and an SSO profile with no cached token) into ``home``'s AWS files.

    ``extra`` adds profiles ``acct-1``… for accounts 400000000001… (the benchmark's). Returns
    the profile names, sorted.
    """
    from tui.sandbox.demo_scopes import access_key_for

    profiles = dict(PROFILES)
    for n in range(1, extra + 1):
        profiles[f"acct-{n}"] = (f"4000000000{n:02d}", "us-east-1")
    config, credentials = [], []
    for name, (account, region) in profiles.items():
        config += [f"[profile {name}]", f"region = {region}", ""]
        credentials += [
            f"[{name}]",
            f"aws_access_key_id = {access_key_for(account)}",
            "aws_secret_access_key = sandbox-secret",
            "",
        ]
    if expired_sso:
        config += [
            f"[profile {SSO_EXPIRED}]",
            "sso_session = corp",
            "sso_account_id = 999999999999",
            "sso_role_name = ReadOnly",
            "region = us-east-1",
            "",
            "[sso-session corp]",
            "sso_start_url = https://corp.awsapps.com/start",
            "sso_region = us-east-1",
            "",
        ]
        profiles[SSO_EXPIRED] = ("999999999999", "us-east-1")
    (home / ".aws" / "config").write_text("\n".join(config))
    (home / ".aws" / "credentials").write_text("\n".join(credentials))
    return sorted(profiles)
