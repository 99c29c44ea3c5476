"""A tiny local SSO-OIDC endpoint for the sign-in tests, speaking the real rest-json wire format.

Why: the sandbox does not implement sso-oidc and the tests must not reach AWS. The server answers
RegisterClient (POST /client/register), StartDeviceAuthorization (POST /device_authorization) and
CreateToken (POST /token) the way AWS does: JSON bodies, errors as HTTP 400 with
``x-amzn-ErrorType`` and ``{"error": ..., "error_description": ...}``. CreateToken answers follow
a script (``outcomes``): "pending", "slow_down", "expired", "denied", then a token once "ok".
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_ERRORS = {
    "pending": ("AuthorizationPendingException", "authorization_pending"),
    "slow_down": ("SlowDownException", "slow_down"),
    "expired": ("ExpiredTokenException", "expired_token"),
    "denied": ("AccessDeniedException", "access_denied"),
    "invalid_client": ("InvalidClientException", "invalid_client"),
}


@dataclass
class FakeSsoState:
    """What the fake answers and what it received (inspected by the tests)."""

    outcomes: list[str] = field(default_factory=lambda: ["ok"])
    interval: int = 1
    expires_in: int = 600
    token_expires_in: int = 28800
    give_refresh_token: bool = True
    access_token: str = field(default_factory=lambda: "AT-" + secrets.token_hex(16))
    refresh_token: str = field(default_factory=lambda: "RT-" + secrets.token_hex(16))
    client_secret: str = field(default_factory=lambda: "CS-" + secrets.token_hex(24))
    device_code: str = field(default_factory=lambda: "DC-" + secrets.token_hex(16))
    user_code: str = "ABCD-EFGH"
    refuse_start_for: set[str] = field(default_factory=set)
    requests: list[tuple[str, dict[str, Any], float]] = field(default_factory=list)
    clients: list[str] = field(default_factory=list)

    def calls(self, path: str) -> list[dict[str, Any]]:
        return [body for p, body, _ in self.requests if p == path]


class FakeSso:
    """A running fake: ``endpoint`` to pass as endpoint_url, ``state`` to script and inspect."""

    def __init__(self, state: FakeSsoState | None = None) -> None:
        self.state = state or FakeSsoState()
        self._lock = threading.Lock()
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any], str | None]:
        """(status, body, error type) for one request."""
        state = self.state
        with self._lock:
            state.requests.append((path, body, time.monotonic()))
            if path == "/client/register":
                client_id = "client-" + secrets.token_hex(4)
                state.clients.append(client_id)
                return 200, self._registration(client_id), None
            if path == "/device_authorization":
                if body.get("clientId") in state.refuse_start_for:
                    return _error("invalid_client")
                return (
                    200,
                    {
                        "deviceCode": state.device_code,
                        "userCode": state.user_code,
                        "verificationUri": "https://device.sso.example/",
                        "verificationUriComplete": f"https://device.sso.example/?user_code={state.user_code}",
                        "expiresIn": state.expires_in,
                        "interval": state.interval,
                    },
                    None,
                )
            if path == "/token":
                if body.get("deviceCode") != state.device_code:
                    return 400, {"error": "invalid_grant"}, "InvalidGrantException"
                outcome = state.outcomes.pop(0) if len(state.outcomes) > 1 else state.outcomes[0]
                if outcome != "ok":
                    return _error(outcome)
                token: dict[str, Any] = {
                    "accessToken": state.access_token,
                    "tokenType": "Bearer",
                    "expiresIn": state.token_expires_in,
                }
                if state.give_refresh_token:
                    token["refreshToken"] = state.refresh_token
                return 200, token, None
        return 404, {"message": "not found"}, "ResourceNotFoundException"

    def _registration(self, client_id: str) -> dict[str, Any]:
        now = int(time.time())
        return {
            "clientId": client_id,
            "clientSecret": self.state.client_secret,
            "clientIdIssuedAt": now,
            "clientSecretExpiresAt": now + 90 * 86400,
        }


def _error(outcome: str) -> tuple[int, dict[str, Any], str]:
    error_type, error = _ERRORS[outcome]
    return 400, {"error": error, "error_description": f"fake: {error}"}, error_type


def _make_handler(fake: FakeSso) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b"{}"
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {}
            status, payload, error_type = fake.answer(self.path, body)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", secrets.token_hex(8))
            if error_type:
                self.send_header("x-amzn-ErrorType", error_type)
            self.end_headers()
            self.wfile.write(data)

    return Handler
