"""AWS sign-in that works on a jump host: SSO device authorization, the shared token cache, MFA.

Operators sign in where there is no browser, so SSO uses the OAuth device-authorization grant
(what `aws sso login --use-device-code` does): eventdeck shows a URL and a code to open on any
other device, polls SSO-OIDC until it is approved, and writes the token to the very cache file the
AWS CLI v2 and botocore use (``~/.aws/sso/cache/<sha1>.json``), so both stay signed in together.
botocore asks for MFA codes with ``getpass`` on stdin, which hangs a TUI: ``install_mfa_prompter``
hands that question to a callable the UI supplies. Secrets (access and refresh tokens, client
secret, device code) are never logged and are registered for redaction in the debug log.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.errors import AuthError
from tui.logsetup import register_secret
from tui.services.auth import sso_cache_dir
from tui.services.errormap import CallContext, translate
from tui.services.options import ConnectionOptions
from tui.services.session import ClientFactory
from tui.services.sso_cache import (  # re-exported: callers sign in through this module
    SsoTarget,
    format_time,
    parse_time,
    write_private_json,
)

log = logging.getLogger(__name__)

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"
CLIENT_NAME = "eventdeck"
CLIENT_TYPE = "public"
SLOW_DOWN_SECONDS = 5.0  # RFC 8628 section 3.5: add 5 s to the interval on slow_down
DEFAULT_INTERVAL = 5.0  # RFC 8628 default when the server sends none
REGISTRATION_MARGIN = timedelta(minutes=15)  # re-register before the client secret expires


class SsoLoginError(AuthError):
    """SSO sign-in did not complete; the message says why and the hint what to do."""


class SsoLoginExpiredError(SsoLoginError):
    """The device code expired before anyone approved it."""


class SsoLoginDeniedError(SsoLoginError):
    """The person at the verification page refused the request."""


class SsoLoginCancelledError(SsoLoginError):
    """The user stopped waiting (escape in the UI)."""


@dataclass(frozen=True)
class DeviceCode:
    """What the person must open and type; the device code itself stays inside SsoLogin."""

    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_at: datetime
    interval: float

    def seconds_left(self, now: datetime | None = None) -> int:
        left = (self.expires_at - (now or datetime.now(UTC))).total_seconds()
        return max(0, int(left))


@dataclass(frozen=True)
class PollState:
    """One answer while waiting: ``pending``, ``slow_down`` or ``unreachable`` (retrying)."""

    attempt: int
    status: str
    interval: float


@dataclass(frozen=True)
class TokenInfo:
    """The token now in the cache (never the token itself)."""

    target: SsoTarget
    expires_at: datetime
    cache_path: Path
    refreshable: bool


Sleeper = Callable[[threading.Event, float], bool]
"""Wait up to the given seconds; True when the event was set (cancelled)."""


def _event_sleeper(cancel: threading.Event, seconds: float) -> bool:
    return cancel.wait(max(0.0, seconds))


class SsoLogin:
    """One device-authorization sign-in: ``start()`` then ``wait(cancel)``, both blocking.

    Why two calls: the UI shows the code between them, and runs each in a thread worker.
    """

    def __init__(
        self,
        target: SsoTarget,
        *,
        endpoint_url: str | None = None,
        verify: bool | str | None = None,
        factory: ClientFactory | None = None,
        on_poll: Callable[[PollState], None] | None = None,
        sleeper: Sleeper = _event_sleeper,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        slow_down_seconds: float = SLOW_DOWN_SECONDS,
    ) -> None:
        self.target = target
        self._endpoint_url = endpoint_url
        self._verify = verify
        self._factory = factory
        self.on_poll = on_poll
        self._sleep = sleeper
        self._now = clock
        self._slow_down = slow_down_seconds
        self._lock = threading.Lock()
        self._client: Any = None
        self._registration: dict[str, Any] | None = None
        self._device_code: str | None = None
        self.code: DeviceCode | None = None

    # -- client and registration ----------------------------------------------------------------
    @property
    def client(self) -> Any:
        """The unsigned sso-oidc client for the target's region (built once, by the client factory)."""
        with self._lock:
            if self._client is None:
                factory = self._factory or ClientFactory(ConnectionOptions())
                self._client = factory.unsigned_client(
                    "sso-oidc",
                    self.target.region,
                    endpoint_url=self._endpoint_url,
                    verify=self._verify,
                )
            return self._client

    def _registration_path(self) -> Path:
        args = {
            "tool": CLIENT_NAME,
            "startUrl": self.target.start_url,
            "region": self.target.region,
            "scopes": list(self.target.scopes),
            "session_name": self.target.session_name,
        }
        key = hashlib.sha1(json.dumps(args, sort_keys=True).encode("utf-8")).hexdigest()
        return sso_cache_dir() / f"{key}.json"

    def _load_registration(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self._registration_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or not data.get("clientId") or not data.get("clientSecret"):
            return None
        expires = parse_time(data.get("expiresAt"))
        if expires is None or expires - self._now() < REGISTRATION_MARGIN:
            return None
        register_secret(data["clientSecret"])
        return data

    def _register(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"clientName": CLIENT_NAME, "clientType": CLIENT_TYPE}
        if self.target.scopes:
            kwargs["scopes"] = list(self.target.scopes)
        response = self._call("RegisterClient", self.client.register_client, **kwargs)
        register_secret(response["clientSecret"])
        expires = datetime.fromtimestamp(response["clientSecretExpiresAt"], UTC)
        registration = {
            "clientId": response["clientId"],
            "clientSecret": response["clientSecret"],
            "expiresAt": format_time(expires),
        }
        if self.target.scopes:
            registration["scopes"] = list(self.target.scopes)
        write_private_json(self._registration_path(), registration)
        log.info("Registered SSO-OIDC client for %s", self.target.label)
        return registration

    # -- the flow -------------------------------------------------------------------------------
    def start(self) -> DeviceCode:
        """Register (or reuse the cached registration) and start a device authorization."""
        registration = self._load_registration()
        fresh = registration is None
        if registration is None:
            registration = self._register()
        try:
            response = self._start(registration)
        except SsoLoginError as exc:
            code = getattr(exc.__cause__, "response", {}).get("Error", {}).get("Code")
            if fresh or code not in ("InvalidClientException", "UnauthorizedClientException"):
                raise
            log.info("Cached SSO-OIDC registration refused; registering again")
            registration = self._register()
            response = self._start(registration)
        self._registration = registration
        self._device_code = response["deviceCode"]
        register_secret(self._device_code)
        now = self._now()
        self.code = DeviceCode(
            user_code=response["userCode"],
            verification_uri=response["verificationUri"],
            verification_uri_complete=response.get("verificationUriComplete")
            or response["verificationUri"],
            expires_at=now + timedelta(seconds=int(response["expiresIn"])),
            interval=float(response.get("interval") or DEFAULT_INTERVAL),
        )
        log.info("SSO device authorization started for %s", self.target.label)
        return self.code

    def _start(self, registration: dict[str, Any]) -> dict[str, Any]:
        return self._call(
            "StartDeviceAuthorization",
            self.client.start_device_authorization,
            clientId=registration["clientId"],
            clientSecret=registration["clientSecret"],
            startUrl=self.target.start_url,
        )

    def wait(
        self, cancel: threading.Event, on_poll: Callable[[PollState], None] | None = None
    ) -> TokenInfo:
        """Poll CreateToken until approved, then write the cache; raise a typed error otherwise.

        Honours the server's interval, adds 5 s on slow_down, keeps polling through network
        errors until the code expires, and returns promptly once ``cancel`` is set. Each answer
        that is not the token yet goes to ``on_poll`` (else the login's own): per wait, so a
        superseded wait still finishing its last poll never reports into the newer one.
        """
        report = on_poll or self.on_poll
        if self.code is None or self._registration is None or self._device_code is None:
            raise RuntimeError("SsoLogin.wait() called before start()")
        code, registration, device_code = self.code, self._registration, self._device_code
        interval = code.interval
        attempt = 0
        while True:
            if cancel.is_set():
                raise self._cancelled()
            if self._now() >= code.expires_at:
                raise self._expired()
            attempt += 1
            try:
                response = self.client.create_token(
                    grantType=GRANT_TYPE,
                    deviceCode=device_code,
                    clientId=registration["clientId"],
                    clientSecret=registration["clientSecret"],
                )
            except ClientError as exc:
                status = self._poll_error(exc)
                if status == "slow_down":
                    interval += self._slow_down
            except BotoCoreError as exc:
                log.info("SSO-OIDC unreachable while waiting (%s); retrying", type(exc).__name__)
                status = "unreachable"
            else:
                return self._save(response, registration)
            if report is not None:
                report(PollState(attempt=attempt, status=status, interval=interval))
            left = (code.expires_at - self._now()).total_seconds()
            if self._sleep(cancel, min(interval, max(left, 0.0))):
                raise self._cancelled()

    def _poll_error(self, exc: ClientError) -> str:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "AuthorizationPendingException":
            return "pending"
        if code == "SlowDownException":
            return "slow_down"
        if code == "ExpiredTokenException":
            raise self._expired() from exc
        if code == "AccessDeniedException":
            raise SsoLoginDeniedError(
                f"Sign-in to {self.target.label} was refused at the verification page.",
                hint=f"Press r to start again, or run `{self.target.cli_command}`.",
            ) from exc
        raise self._client_error("CreateToken", exc) from exc

    def _save(self, response: dict[str, Any], registration: dict[str, Any]) -> TokenInfo:
        now = self._now()
        for key in ("accessToken", "refreshToken", "idToken"):
            register_secret(response.get(key))
        expires_at = now + timedelta(seconds=int(response["expiresIn"]))
        token: dict[str, Any] = {
            "startUrl": self.target.start_url,
            "region": self.target.region,
            "accessToken": response["accessToken"],
            "expiresAt": format_time(expires_at),
            "clientId": registration["clientId"],
            "clientSecret": registration["clientSecret"],
            "registrationExpiresAt": registration["expiresAt"],
        }
        if response.get("refreshToken"):
            token["refreshToken"] = response["refreshToken"]
        path = self.target.cache_path
        write_private_json(path, token)
        log.info("SSO token for %s cached until %s", self.target.label, token["expiresAt"])
        return TokenInfo(
            target=self.target,
            expires_at=expires_at.replace(microsecond=0),
            cache_path=path,
            refreshable="refreshToken" in token,
        )

    # -- errors ---------------------------------------------------------------------------------
    def _call(self, operation: str, method: Callable[..., Any], **kwargs: Any) -> dict[str, Any]:
        try:
            result: dict[str, Any] = method(**kwargs)
        except ClientError as exc:
            raise self._client_error(operation, exc) from exc
        except BotoCoreError as exc:
            raise translate(exc, self._context(operation)) from exc
        return result

    def _context(self, operation: str) -> CallContext:
        return CallContext(service="sso-oidc", operation=operation, endpoint=self._endpoint_url)

    def _client_error(self, operation: str, exc: ClientError) -> SsoLoginError:
        error = exc.response.get("Error", {})
        code = error.get("Code", "Unknown")
        detail = error.get("Message") or exc.response.get("error_description") or ""
        return SsoLoginError(
            f"SSO sign-in to {self.target.label} failed at {operation}: {code}"
            + (f": {detail}" if detail else ""),
            hint=f"Check sso_start_url and sso_region, or run `{self.target.cli_command}`.",
        )

    def _expired(self) -> SsoLoginExpiredError:
        return SsoLoginExpiredError(
            f"The sign-in code for {self.target.label} expired before it was approved.",
            hint="Press r to get a new code.",
        )

    def _cancelled(self) -> SsoLoginCancelledError:
        return SsoLoginCancelledError(f"Sign-in to {self.target.label} was cancelled.")
