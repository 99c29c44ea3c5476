"""No secret ever lands on disk: known fake secrets go through sign-in, browse, a hand-over bundle
and send, then every file eventdeck wrote is scanned for them.

The app runs for real (launch path with ``--debug``, Pilot, real boto3 over HTTPS to the sandbox,
SSO device sign-in against the fake SSO-OIDC endpoint), and the test first proves the secrets were
really used (the requests carried them), so a clean scan means "redacted", not "never seen".
Only the files that are meant to hold a secret are left out: the SSO token cache (where the AWS CLI
keeps the token) and the AWS config files this test wrote.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import boto3
import botocore.tokens
import pytest
from botocore.exceptions import ClientError

import tui.services.session as session_module
from tests.fake_sso import FakeSso
from tests.ui.compose_helpers import fill, open_pane, send_confirmed, to_list, wait_until
from tests.ui.helpers import idle, showing, wait_for
from tui.app import EventdeckApp
from tui.args import build_args
from tui.launch import build_context
from tui.logsetup import clear_registered_secrets, stop_debug_log
from tui.services.auth import sso_cache_dir
from tui.settings import export_directory
from tui.ui.screens.inspector import InspectorScreen
from tui.ui.screens.prompt import PromptScreen
from tui.ui.screens.sso_login import SsoLoginScreen

# Long, distinctive, and with characters whose URL-encoded and JSON-escaped forms differ.
SECRET_ACCESS_KEY = "nsTestSecretKey/" + secrets.token_hex(12) + "+EvEnTdEcK="
SESSION_TOKEN = (
    "FwoGZXIvYXdzEnoSecretsSessionToken/" + secrets.token_urlsafe(48) + "+tail/" + 'Zz=="q\\'
)
ACCESS_KEY_ID = "AKIAEVENTDECKNOSECRT"  # an id, not a secret (it is shown by sts, like the CLI)
PROFILE = "nosecrets"
AWS_CONFIG = f"""
[profile {PROFILE}]
sso_session = corp
region = us-east-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = codecatalyst:read_write
"""


def forms(secret: str) -> set[str]:
    """The ways a secret can be written: raw, URL-encoded (both styles) and JSON-escaped."""
    return {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}


@pytest.fixture
def fake_sso(sandbox: Any) -> Iterator[FakeSso]:
    """The fake SSO-OIDC endpoint, handing out the sandbox's bearer token as the access token."""
    server = FakeSso()
    server.state.access_token = sandbox.bearer_token
    server.state.refresh_token = "RT-nosecrets-refresh/" + secrets.token_hex(20) + "+x="
    server.state.client_secret = "CS-nosecrets-client/" + secrets.token_hex(24) + "+y="
    server.state.device_code = "DC-nosecrets-device/" + secrets.token_hex(16)
    yield server
    server.stop()


@pytest.fixture
def world(
    sandbox: Any, fake_sso: FakeSso, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Fake credentials in the environment, an SSO profile, botocore's SSO cache in the tmp HOME."""
    (isolated_dirs / ".aws" / "config").write_text(AWS_CONFIG)
    monkeypatch.setenv("AWS_PROFILE", PROFILE)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    # Sign-in talks to the fake through botocore's own per-service endpoint variable, so the app's
    # sign-in action runs unchanged.
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", fake_sso.endpoint)
    # botocore fixes its SSO cache directory at import time; point it at the isolated HOME.
    monkeypatch.setattr(
        botocore.tokens.SSOTokenProvider, "_SSO_TOKEN_CACHE_DIR", str(sso_cache_dir())
    )
    sandbox.set_faults(None)
    sandbox.reset_received()
    clear_registered_secrets()  # the app must register what it resolves; nothing from before
    yield isolated_dirs
    stop_debug_log()
    clear_registered_secrets()
    sandbox.set_faults(None)


class Wire:
    """Records the headers of every request the app's clients send (a botocore before-send hook)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[tuple[str, dict[str, str]]] = []

    def hook(self, request: Any, **_: Any) -> None:
        headers = {
            k.lower(): (v.decode() if isinstance(v, bytes) else str(v))
            for k, v in request.headers.items()
        }
        with self.lock:
            self.requests.append((request.url, headers))

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real = session_module.build_session

        def build(options: Any, *rest: Any) -> Any:
            session = real(options, *rest)
            session.register("before-send", self.hook)
            return session

        monkeypatch.setattr(session_module, "build_session", build)


async def answer_prompt(pilot: Any, path: Path) -> None:
    """Type ``path`` into the open PromptScreen and submit it."""
    app = pilot.app
    await wait_for(pilot, lambda: showing(app, PromptScreen))
    app.screen.query_one("Input").value = str(path)
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, PromptScreen))


async def drill(pilot: Any, pane: Any, levels: int) -> None:
    """Open the first row ``levels`` times, waiting for each level to load."""
    for _ in range(levels):
        await wait_for(pilot, lambda: idle(pane)() and pane.table.row_count > 0, timeout=15)
        depth = len(pane.levels)
        await pilot.press("enter")
        await wait_for(pilot, lambda d=depth: len(pane.levels) > d and idle(pane)(), timeout=15)


async def test_no_secret_reaches_log_config_drafts_history_exports_or_screenshots(
    world: Path, sandbox: Any, fake_sso: FakeSso, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wire = Wire()
    wire.install(monkeypatch)
    args = build_args(
        [
            "--debug",
            "--endpoint-url",
            sandbox.endpoint,
            "--ca-bundle",
            sandbox.ca_bundle,
            "--region",
            sandbox.region,
        ]
    )
    ctx = build_context(args, None)
    assert ctx.log_path is not None and ctx.settings_path is not None
    exports = tmp_path / "exports"
    exports.mkdir()
    shots = tmp_path / "shots"
    shots.mkdir()
    app = EventdeckApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        # Show every pane once (CodeCatalyst has no token yet: it shows its error row); signing
        # in then reloads them all, with the new token.
        for key in "23451":
            await pilot.press(key)
            await pilot.pause(0.1)
        await wait_for(pilot, lambda: idle(app.pane("codecatalyst"))())
        # Sign in with the device code, from the app's own key.
        await pilot.press("L")
        await wait_for(
            pilot,
            lambda: (
                bool(fake_sso.state.calls("/token")) and not isinstance(app.screen, SsoLoginScreen)
            ),
            timeout=15,
        )

        # Browse IVS: stage -> session -> participant -> events, open one event, write it (w).
        await pilot.press("1")
        ivs = app.current_pane
        await drill(pilot, ivs, 3)
        await wait_for(pilot, lambda: ivs.table.row_count > 0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(app, InspectorScreen))
        app.save_screenshot("inspector.svg", path=str(shots))
        await pilot.press("w")
        await answer_prompt(pilot, exports / "ivs-event.json")
        await wait_for(pilot, (exports / "ivs-event.json").exists)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, InspectorScreen))

        # Browse CodeCatalyst (bearer token from the SSO cache): a space's event logs, export them.
        await pilot.press("2")
        cc = app.current_pane
        await wait_for(pilot, lambda: idle(cc)() and cc.table.row_count > 0, timeout=15)
        await pilot.press("slash", *"acme-platform", "enter")
        await drill(pilot, cc, 1)
        await pilot.press("e")
        await answer_prompt(pilot, exports / "logs.jsonl")
        await wait_for(pilot, (exports / "logs.jsonl").exists)
        # ... and write a hand-over bundle of them (W), with a note and a marked row.
        await pilot.press("m", "W")
        await answer_prompt(pilot, Path("note: the token was fresh"))
        bundles = export_directory(ctx.settings)
        await wait_for(pilot, lambda: bundles.is_dir() and any(bundles.glob("eventdeck-bundle-*")))

        # Send a partner batch and a Personalize batch (outbox journal and history).
        partner = await open_pane(pilot, "4")
        await fill(pilot, partner, "Source", "aws.partner/example.com/orders")
        await fill(pilot, partner, "DetailType", "OrderPlaced")
        await fill(pilot, partner, "Detail", '{"order": 1}')
        await send_confirmed(pilot)
        await wait_until(pilot, lambda: all(r and r.get("EventId") for r in partner.results))
        # ... and leave a draft behind in it.
        await to_list(pilot, partner)
        await pilot.press("N")
        await pilot.pause()
        await fill(pilot, partner, "DetailType", "DraftLeftBehind")
        await to_list(pilot, partner)

        personalize = await open_pane(pilot, "5")
        await fill(pilot, personalize, "trackingId", "tracker-1", header=True)
        await fill(pilot, personalize, "sessionId", "session-1", header=True)
        await fill(pilot, personalize, "userId", "user-7", header=True)
        await fill(pilot, personalize, "eventType", "click")
        await fill(pilot, personalize, "itemId", "item-1")
        await send_confirmed(pilot)
        await wait_until(pilot, lambda: all(r and r.get("EventId") for r in personalize.results))
        await to_list(pilot, personalize)

        # Change the theme (written to config.toml) and take a screenshot.
        app.theme = "eventdeck-light"
        await wait_for(pilot, ctx.settings_path.exists)
        shot = Path(app.save_screenshot("app.svg", path=str(shots)))
        await pilot.press("q")
    stop_debug_log()

    # -- the secrets really were used --------------------------------------------------------
    frozen = ctx.factory.session.get_credentials().get_frozen_credentials()
    assert (frozen.access_key, frozen.secret_key, frozen.token) == (
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        SESSION_TOKEN,
    )
    signed = [h for _, h in wire.requests if h.get("authorization", "").startswith("AWS4-HMAC")]
    assert signed and all(h.get("x-amz-security-token") == SESSION_TOKEN for h in signed)
    assert {h["authorization"].split("/")[3] for h in signed} >= {"ivs", "events", "personalize"}
    bearer = [
        h.get("authorization", "")
        for _, h in wire.requests
        if not h.get("authorization", "").startswith("AWS4-HMAC")
    ]
    assert bearer and set(bearer) == {f"Bearer {sandbox.bearer_token}"}
    received = sandbox.received()
    assert len(received["events"]) == 1 and len(received["personalize-events"]) == 1
    # The sandbox checks the bearer token: a wrong one is refused, so the rows above needed ours.
    monkeypatch.setenv("AWS_BEARER_TOKEN_CODECATALYST", "wrong-token-0123456789")
    wrong = boto3.Session(region_name=sandbox.region).client(
        "codecatalyst", endpoint_url=sandbox.endpoint, verify=sandbox.ca_bundle
    )
    with pytest.raises(ClientError, match="AccessDenied"):
        wrong.list_spaces()
    # The sign-in wrote the cache the AWS CLI reads, with the refresh token and client secret.
    cache = json.loads((sso_cache_dir() / _sha1("corp")).read_text())
    assert cache["accessToken"] == sandbox.bearer_token
    assert cache["refreshToken"] == fake_sso.state.refresh_token
    assert cache["clientSecret"] == fake_sso.state.client_secret

    # -- the debug log shows the work happened, redacted ---------------------------------------
    log = ctx.log_path.read_text(encoding="utf-8")
    assert "CanonicalRequest" in log or "StringToSign" in log, "no SigV4 signing was logged"
    for operation in ("CreateToken", "ListParticipantEvents", "ListEventLogs", "PutPartnerEvents"):
        assert operation in log, f"{operation} missing from the debug log"

    # -- nothing eventdeck wrote holds a secret -------------------------------------------------
    known = {
        "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        "AWS_SESSION_TOKEN": SESSION_TOKEN,
        "bearer token / SSO access token": sandbox.bearer_token,
        "SSO refresh token": fake_sso.state.refresh_token,
        "SSO client secret": fake_sso.state.client_secret,
        "SSO device code": fake_sso.state.device_code,
    }
    allowed = {world / ".aws" / "config", world / ".aws" / "credentials"}
    cache_dir = sso_cache_dir()
    scanned: list[Path] = []
    leaks: list[str] = []
    for path in sorted(p for p in tmp_path.rglob("*") if p.is_file()):
        if path in allowed or cache_dir in path.parents:
            continue
        data = path.read_bytes()
        scanned.append(path)
        for name, secret in known.items():
            for form in forms(secret):
                if form.encode("utf-8") in data:
                    leaks.append(f"{name} ({form[:12]}...) in {path.relative_to(tmp_path)}")
    assert (exports / "logs.jsonl").read_text().count("\n") >= 1, "no event logs were exported"
    assert json.loads((exports / "ivs-event.json").read_text())
    names = {p.name for p in scanned}
    assert ctx.log_path in scanned and ctx.settings_path in scanned and shot in scanned
    assert {"ivs-event.json", "logs.jsonl"} <= names
    assert any(name.startswith("eventdeck-bundle-codecatalyst-") for name in names)
    outbox = [
        p for p in scanned if "outbox" in p.parts or "drafts" in p.parts or "history" in p.parts
    ]
    assert outbox, f"no outbox, draft or history files among {sorted(names)}"
    assert not leaks, "secrets on disk:\n" + "\n".join(leaks)
    # ... while the places that carried them are there, redacted.
    for redacted in (
        "x-amz-security-token:[REDACTED]",
        "'Authorization': b'[REDACTED]'",
        '"accessToken": "[REDACTED]"',
        '"refreshToken": "[REDACTED]"',
    ):
        assert redacted in log, f"{redacted} not in the debug log"


def _sha1(name: str) -> str:
    import hashlib

    return hashlib.sha1(name.encode()).hexdigest() + ".json"
