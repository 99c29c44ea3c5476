"""SSO device sign-in against a local SSO-OIDC fake, the shared token cache, and the MFA prompter.

The cache file must be the one botocore and the AWS CLI read, so these tests read it back with
botocore's own loaders (in process and in a fresh interpreter) and use it as a bearer token against
the sandbox's CodeCatalyst. MFA runs against moto's STS on loopback.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.tokens import SSOTokenProvider, TokenProviderChain, _sso_json_dumps
from botocore.utils import JSONFileCache, SSOTokenLoader

from tests.fake_sso import FakeSso
from tui.errors import ConfigError, MfaRequiredError
from tui.logsetup import clear_registered_secrets, contains_registered_secret
from tui.services.auth import bearer_token_source, sso_cache_dir
from tui.services.mfa import install_mfa_prompter, mfa_serial_from_prompt
from tui.services.options import ConnectionOptions
from tui.services.signin import (
    GRANT_TYPE,
    PollState,
    SsoLogin,
    SsoLoginCancelledError,
    SsoLoginDeniedError,
    SsoLoginError,
    SsoLoginExpiredError,
)
from tui.services.sso_cache import (
    SsoTarget,
    needs_sign_in,
    sso_target,
)

CONFIG = """
[profile dev]
sso_session = corp
region = us-west-2

[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 123456789012
sso_role_name = Ops

[profile plain]
region = us-east-1

[profile dangling]
sso_session = ghost

[profile half]
sso_session = half

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = codecatalyst:read_write, sso:account:access

[sso-session half]
sso_region = us-east-1
"""

TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture
def aws_home(isolated_dirs: Path) -> Path:
    (isolated_dirs / ".aws" / "config").write_text(CONFIG)
    return isolated_dirs


@pytest.fixture
def fake() -> Iterator[FakeSso]:
    server = FakeSso()
    yield server
    server.stop()


def no_wait(delays: list[float]):  # type: ignore[no-untyped-def]
    """A sleeper that records the requested delay and returns at once (not cancelled)."""

    def sleeper(cancel: threading.Event, seconds: float) -> bool:
        delays.append(seconds)
        return cancel.is_set()

    return sleeper


def corp(aws_home: Path) -> SsoTarget:
    target = sso_target(profile="dev")
    assert target is not None
    return target


# -- reading the config ---------------------------------------------------------------------------
def test_targets_are_read_as_the_cli_reads_them(aws_home: Path) -> None:
    target = sso_target(ConnectionOptions(profile="dev"))
    assert target == SsoTarget(
        profile="dev",
        session_name="corp",
        start_url="https://corp.awsapps.com/start",
        region="us-east-1",
        scopes=("codecatalyst:read_write", "sso:account:access"),
    )
    assert target.cache_path == sso_cache_dir() / (hashlib.sha1(b"corp").hexdigest() + ".json")
    assert target.cli_command == "aws sso login --sso-session corp --use-device-code"
    legacy = sso_target(profile="legacy")
    assert legacy is not None and legacy.session_name is None
    assert legacy.region == "eu-west-1"
    key = hashlib.sha1(b"https://legacy.awsapps.com/start").hexdigest()
    assert legacy.cache_path.name == f"{key}.json"
    assert sso_target(profile="plain") is None
    with pytest.raises(ConfigError, match="ghost"):
        sso_target(profile="dangling")
    with pytest.raises(ConfigError, match="sso_start_url"):
        sso_target(profile="half")


def test_profile_from_environment(aws_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "dev")
    target = sso_target(ConnectionOptions())
    assert target is not None and target.session_name == "corp"


# -- the device flow ------------------------------------------------------------------------------
def test_pending_then_slow_down_then_token_writes_the_cli_cache(
    aws_home: Path, fake: FakeSso
) -> None:
    fake.state.outcomes = ["pending", "slow_down", "pending", "ok"]
    fake.state.interval = 2
    target = corp(aws_home)
    assert needs_sign_in(target)
    delays: list[float] = []
    polls: list[PollState] = []
    login = SsoLogin(
        target, endpoint_url=fake.endpoint, sleeper=no_wait(delays), on_poll=polls.append
    )
    code = login.start()
    assert code.user_code == "ABCD-EFGH"
    assert code.verification_uri_complete.endswith("user_code=ABCD-EFGH")
    assert 590 <= code.seconds_left() <= 600
    info = login.wait(threading.Event())

    # interval honoured, +5 s after slow_down and kept after it
    assert delays == [2.0, 7.0, 7.0]
    assert [p.status for p in polls] == ["pending", "slow_down", "pending"]
    register = fake.state.calls("/client/register")
    assert register == [
        {
            "clientName": "eventdeck",
            "clientType": "public",
            "scopes": ["codecatalyst:read_write", "sso:account:access"],
        }
    ]
    (start,) = fake.state.calls("/device_authorization")
    assert start["startUrl"] == "https://corp.awsapps.com/start"
    tokens = fake.state.calls("/token")
    assert len(tokens) == 4
    assert {t["grantType"] for t in tokens} == {GRANT_TYPE}
    assert {t["deviceCode"] for t in tokens} == {fake.state.device_code}

    path = target.cache_path
    assert info.cache_path == path and info.refreshable
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    token = json.loads(path.read_text())
    assert list(token) == [
        "startUrl",
        "region",
        "accessToken",
        "expiresAt",
        "clientId",
        "clientSecret",
        "registrationExpiresAt",
        "refreshToken",
    ]
    assert token["startUrl"] == "https://corp.awsapps.com/start"
    assert token["region"] == "us-east-1"
    assert token["accessToken"] == fake.state.access_token
    assert token["refreshToken"] == fake.state.refresh_token
    assert token["clientSecret"] == fake.state.client_secret
    assert token["clientId"] == fake.state.clients[0]
    assert TIME_RE.match(token["expiresAt"]) and TIME_RE.match(token["registrationExpiresAt"])
    expires = datetime.fromisoformat(token["expiresAt"].replace("Z", "+00:00"))
    assert abs((expires - datetime.now(UTC)) - timedelta(hours=8)) < timedelta(seconds=30)
    assert info.expires_at == expires
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert not needs_sign_in(target)


def test_each_wait_reports_its_polls_to_its_own_listener(aws_home: Path, fake: FakeSso) -> None:
    """A wait's polls go to the listener given to that wait, not to one shared on the login.

    Why: the sign-in screen starts a new wait when the user asks for a new code; the old wait,
    finishing its last poll, must not report into the new wait's progress.
    """
    fake.state.outcomes = ["pending", "pending", "ok"]
    shared: list[PollState] = []
    login = SsoLogin(
        corp(aws_home), endpoint_url=fake.endpoint, sleeper=no_wait([]), on_poll=shared.append
    )
    login.start()
    mine: list[PollState] = []
    login.wait(threading.Event(), on_poll=mine.append)
    assert [p.attempt for p in mine] == [1, 2]
    assert shared == []


def test_botocore_reads_the_token_and_codecatalyst_accepts_it(
    aws_home: Path, fake: FakeSso, sandbox: Any
) -> None:
    fake.state.access_token = sandbox.bearer_token
    target = corp(aws_home)
    login = SsoLogin(target, endpoint_url=fake.endpoint, sleeper=no_wait([]))
    login.start()
    login.wait(threading.Event())

    # botocore's own loader and provider (its cache dir is fixed at import: point it at ours)
    cache = JSONFileCache(str(sso_cache_dir()), dumps_func=_sso_json_dumps)
    loaded = SSOTokenLoader(cache)(target.start_url, session_name="corp")
    assert loaded["accessToken"] == sandbox.bearer_token
    session = boto3.Session(profile_name="dev")
    provider = SSOTokenProvider(session._session, cache=cache, profile_name="dev")
    assert provider.load_token().get_frozen_token().token == sandbox.bearer_token
    session._session.register_component("token_provider", TokenProviderChain([provider]))
    client = session.client("codecatalyst", endpoint_url=sandbox.endpoint, verify=sandbox.ca_bundle)
    assert client.list_spaces()["items"]

    # and eventdeck's own bearer-token check agrees
    source = bearer_token_source(ConnectionOptions(profile="dev"))
    assert source.kind == "sso" and source.cache_path == target.cache_path


def test_a_fresh_botocore_with_default_paths_loads_it(aws_home: Path, fake: FakeSso) -> None:
    """In a new interpreter botocore's default SSOTokenProvider finds the file under this HOME."""
    for profile in ("dev", "legacy"):
        target = sso_target(profile=profile)
        assert target is not None
        fake.state.access_token = f"AT-for-{profile}-0123456789"
        login = SsoLogin(target, endpoint_url=fake.endpoint, sleeper=no_wait([]))
        login.start()
        login.wait(threading.Event())
    script = (
        "import boto3\n"
        "s = boto3.Session(profile_name='dev')\n"
        "t = s._session.get_component('token_provider').load_token()\n"
        "print(t.get_frozen_token().token)\n"
        "from botocore.utils import SSOTokenLoader, JSONFileCache\n"
        "from botocore.tokens import SSOTokenProvider\n"
        "c = JSONFileCache(SSOTokenProvider._SSO_TOKEN_CACHE_DIR)\n"
        "print(SSOTokenLoader(c)('https://legacy.awsapps.com/start')['accessToken'])\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") or "FILE" in k}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=30
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["AT-for-dev-0123456789", "AT-for-legacy-0123456789"]


def test_registration_is_reused_and_renewed_when_refused(aws_home: Path, fake: FakeSso) -> None:
    target = corp(aws_home)
    for _ in range(2):
        login = SsoLogin(target, endpoint_url=fake.endpoint, sleeper=no_wait([]))
        login.start()
        login.wait(threading.Event())
    assert len(fake.state.clients) == 1  # the second sign-in reused the cached registration
    first = fake.state.clients[0]
    fake.state.refuse_start_for.add(first)
    login = SsoLogin(target, endpoint_url=fake.endpoint, sleeper=no_wait([]))
    login.start()
    login.wait(threading.Event())
    assert len(fake.state.clients) == 2
    assert json.loads(target.cache_path.read_text())["clientId"] == fake.state.clients[1]
    registrations = [p for p in sso_cache_dir().iterdir() if p != target.cache_path]
    assert len(registrations) == 1
    assert stat.S_IMODE(registrations[0].stat().st_mode) == 0o600


def test_cancel_stops_polling_at_once(aws_home: Path, fake: FakeSso) -> None:
    fake.state.outcomes = ["pending"]
    fake.state.interval = 300  # uncancelled, the next poll is minutes away: join() tells
    target = corp(aws_home)
    login = SsoLogin(target, endpoint_url=fake.endpoint)  # the real, event-based sleeper
    login.start()
    cancel = threading.Event()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            login.wait(cancel)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 5
    while not fake.state.calls("/token") and time.monotonic() < deadline:
        time.sleep(0.01)
    cancel.set()
    thread.join(60)  # a hang guard only: without the cancel the thread sleeps 300 s
    assert not thread.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], SsoLoginCancelledError)
    polled = len(fake.state.calls("/token"))
    time.sleep(0.2)
    assert len(fake.state.calls("/token")) == polled == 1
    assert not target.cache_path.exists()


@pytest.mark.parametrize(
    ("outcome", "error", "words"),
    [
        ("denied", SsoLoginDeniedError, "refused"),
        ("expired", SsoLoginExpiredError, "expired"),
    ],
)
def test_denied_and_expired_are_typed(
    aws_home: Path, fake: FakeSso, outcome: str, error: type[Exception], words: str
) -> None:
    fake.state.outcomes = ["pending", outcome]
    target = corp(aws_home)
    login = SsoLogin(target, endpoint_url=fake.endpoint, sleeper=no_wait([]))
    login.start()
    with pytest.raises(error, match=words) as info:
        login.wait(threading.Event())
    assert isinstance(info.value, SsoLoginError)
    assert info.value.hint
    assert not target.cache_path.exists()


def test_code_expiring_locally_stops_polling(aws_home: Path, fake: FakeSso) -> None:
    fake.state.outcomes = ["pending"]
    now = [datetime.now(UTC)]
    target = corp(aws_home)
    delays: list[float] = []

    def sleeper(cancel: threading.Event, seconds: float) -> bool:
        delays.append(seconds)
        now[0] += timedelta(seconds=seconds)
        return False

    login = SsoLogin(target, endpoint_url=fake.endpoint, sleeper=sleeper, clock=lambda: now[0])
    fake.state.expires_in = 3
    fake.state.interval = 2
    login.start()
    with pytest.raises(SsoLoginExpiredError):
        login.wait(threading.Event())
    assert delays == [2.0, 1.0]  # never sleeps past the expiry
    assert len(fake.state.calls("/token")) == 2


def test_wait_before_start_is_a_bug(aws_home: Path) -> None:
    with pytest.raises(RuntimeError):
        SsoLogin(corp(aws_home)).wait(threading.Event())


def test_unreachable_endpoint_is_a_typed_error(aws_home: Path) -> None:
    login = SsoLogin(corp(aws_home), endpoint_url="http://127.0.0.1:9")
    with pytest.raises(Exception) as info:
        login.start()
    assert type(info.value).__name__ == "EndpointError"


def test_no_secret_in_logs_and_all_registered_for_redaction(
    aws_home: Path, fake: FakeSso, caplog: pytest.LogCaptureFixture
) -> None:
    clear_registered_secrets()
    fake.state.outcomes = ["pending", "ok"]
    caplog.set_level(logging.DEBUG)
    target = corp(aws_home)
    login = SsoLogin(target, endpoint_url=fake.endpoint, sleeper=no_wait([]))
    code = login.start()
    info = login.wait(threading.Event())
    secrets = [
        fake.state.access_token,
        fake.state.refresh_token,
        fake.state.client_secret,
        fake.state.device_code,
    ]
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("tui"))
    assert "SSO token for sso-session corp cached until" in ours
    for secret in secrets:
        assert secret not in ours
        assert secret not in repr(code) and secret not in repr(info)
        assert contains_registered_secret(secret)  # the --debug log redacts botocore's lines
    clear_registered_secrets()


def test_needs_sign_in_allows_a_refreshable_expired_token(aws_home: Path) -> None:
    target = corp(aws_home)
    past = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    future = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    target.cache_path.parent.mkdir(parents=True)
    base = {"startUrl": target.start_url, "accessToken": "x", "expiresAt": past}
    target.cache_path.write_text(json.dumps(base))
    assert needs_sign_in(target)
    refreshable = dict(base, refreshToken="r", clientId="c", clientSecret="s")
    target.cache_path.write_text(json.dumps(dict(refreshable, registrationExpiresAt=future)))
    assert not needs_sign_in(target)
    target.cache_path.write_text(json.dumps(dict(refreshable, registrationExpiresAt=past)))
    assert needs_sign_in(target)


# -- MFA --------------------------------------------------------------------------------------------
MFA_CONFIG = """
[profile base]
region = us-east-1

[profile mfa]
role_arn = arn:aws:iam::123456789012:role/ops
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/alice
duration_seconds = {duration}
region = us-east-1
"""


@pytest.fixture(scope="module")
def moto_sts() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def mfa_profile(home: Path, monkeypatch: pytest.MonkeyPatch, sts: str, duration: int) -> None:
    (home / ".aws" / "config").write_text(MFA_CONFIG.format(duration=duration))
    (home / ".aws" / "credentials").write_text(
        "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts)


def assume_role_bodies(session: boto3.Session) -> list[str]:
    bodies: list[str] = []

    def capture(request: Any, **_: Any) -> None:
        bodies.append(request.body.decode() if isinstance(request.body, bytes) else request.body)

    session._session.register("before-send.sts.AssumeRole", capture)
    return bodies


def test_mfa_prompter_code_reaches_assume_role(
    isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch, moto_sts: str
) -> None:
    mfa_profile(isolated_dirs, monkeypatch, moto_sts, duration=3600)
    session = boto3.Session(profile_name="mfa")
    bodies = assume_role_bodies(session)
    prompts: list[str] = []
    assert install_mfa_prompter(session, lambda p: (prompts.append(p), "123 456")[1])
    sts = session.client("sts")
    assert prompts == []  # nothing asked until a call needs credentials
    arn = sts.get_caller_identity()["Arn"]
    assert arn.startswith("arn:aws:sts::123456789012:assumed-role/ops/")
    sts.get_caller_identity()  # an hour left: no second prompt
    assert prompts == ["Enter MFA code for arn:aws:iam::123456789012:mfa/alice: "]
    assert mfa_serial_from_prompt(prompts[0]) == "arn:aws:iam::123456789012:mfa/alice"
    assert len(bodies) == 1
    assert "TokenCode=123456" in bodies[0]
    assert "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice" in bodies[0]


def test_expiring_role_credentials_ask_again_without_restart(
    isolated_dirs: Path,
    monkeypatch: pytest.MonkeyPatch,
    moto_sts: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """900 s credentials are inside botocore's refresh window at once: each call refreshes."""
    mfa_profile(isolated_dirs, monkeypatch, moto_sts, duration=900)
    codes = iter(["111111", "222222", "333333"])
    prompts: list[str] = []
    session = boto3.Session(profile_name="mfa")
    bodies = assume_role_bodies(session)
    install_mfa_prompter(session, lambda p: (prompts.append(p), next(codes))[1])
    sts = session.client("sts")
    for _ in range(3):
        sts.get_caller_identity()
    assert len(prompts) == 3
    assert [re.search(r"TokenCode=(\d+)", b).group(1) for b in bodies] == [  # type: ignore[union-attr]
        "111111",
        "222222",
        "333333",
    ]

    # botocore alone refuses the second refresh: that is what install_mfa_prompter fixes
    plain = boto3.Session(profile_name="mfa")
    asked: list[str] = []
    resolver = plain._session.get_component("credential_provider")
    resolver.get_provider("assume-role")._prompter = lambda p: (asked.append(p), "444444")[1]
    client = plain.client("sts")
    client.get_caller_identity()
    client.get_caller_identity()
    assert len(asked) == 1
    assert "RefreshWithMFAUnsupportedError" in caplog.text


def test_cancelled_prompt_is_mfa_required(
    isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch, moto_sts: str
) -> None:
    mfa_profile(isolated_dirs, monkeypatch, moto_sts, duration=3600)
    session = boto3.Session(profile_name="mfa")
    bodies = assume_role_bodies(session)
    install_mfa_prompter(session, lambda p: "")
    with pytest.raises(MfaRequiredError, match="mfa/alice"):
        session.client("sts").get_caller_identity()
    assert bodies == []


def test_shared_cache_spares_a_second_prompt(
    isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch, moto_sts: str
) -> None:
    mfa_profile(isolated_dirs, monkeypatch, moto_sts, duration=3600)
    cache: dict[str, Any] = {}
    prompts: list[str] = []
    for _ in range(2):  # two sessions, as after switching profile away and back
        session = boto3.Session(profile_name="mfa")
        install_mfa_prompter(session, lambda p: (prompts.append(p), "123456")[1], cache=cache)
        session.client("sts").get_caller_identity()
    assert len(prompts) == 1 and cache


def test_no_assume_role_provider_is_reported(isolated_dirs: Path) -> None:
    session = boto3.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x" * 20)
    session._session.register_component("credential_provider", _EmptyResolver())
    assert install_mfa_prompter(session, lambda p: "123456") is False


class _EmptyResolver:
    def get_provider(self, name: str) -> Any:
        from botocore.exceptions import UnknownCredentialError

        raise UnknownCredentialError(name=name)
