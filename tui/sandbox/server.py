"""The sandbox's WSGI dispatcher and its threaded HTTPS server on loopback.

Why: moto's own server routes by SigV4 credential scope but knows neither the services eventdeck
needs nor bearer-token auth; this small dispatcher routes by scope (or bearer token), applies
faults (before the backend, or for a late answer after it), and serves the /_sandbox/ control endpoints.
"""

from __future__ import annotations

import collections
import contextlib
import json
import logging
import re
import socket
import ssl
import struct
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from werkzeug.datastructures import EnvironHeaders
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from tui.sandbox import backends
from tui.sandbox.faults import FaultInjector, error_response, protocol_error

_log = logging.getLogger("tui.sandbox")

_SCOPE = re.compile(r"Credential=([^/,\s]*)/\d{8}/([^/]+)/([^/]+)/aws4_request")
_ACCOUNT = re.compile(r"\d{12}")
_REQUEST_LOG = 10_000  # requests kept for GET /_sandbox/requests (oldest dropped first)

StartResponse = Callable[..., Any]
Response = tuple[int, dict[str, str], bytes]


class _Dropped(ConnectionAbortedError):
    """Raised after the socket was shut down on purpose, so werkzeug writes no response."""


def route_for(authorization: str) -> str | None:
    """The backend route for an Authorization header: SigV4 scope service, "bearer", or None."""
    if authorization.startswith("Bearer "):
        return "bearer"
    match = _SCOPE.search(authorization)
    return match.group(3) if match else None


def scope_for(authorization: str) -> tuple[str, str]:
    """The (account, region) a request is for: the signing key's account, the scope's region.

    Why from the signature: that is all a real endpoint knows of who is calling and where; a
    bearer-token request (CodeCatalyst, one global endpoint) is the default account's.
    """
    if authorization.startswith("Bearer "):  # one global endpoint: the token names the account
        account = authorization.rpartition(".")[2]
        if _ACCOUNT.fullmatch(account):
            return account, backends.DEFAULT_REGION
    match = _SCOPE.search(authorization)
    if match is None:
        return backends.DEFAULT_ACCOUNT, backends.DEFAULT_REGION
    return backends.account_for_key(match.group(1)), match.group(2)


class SandboxApp:
    """The WSGI application: control endpoints, routing, bearer check, faults, backends.

    Why: throttles, errors and resets are drawn before the backend call, so they have no effect;
    a late answer (``late``) is served first and delayed after, so a client that times out and
    retries sends a request that AWS already processed, as happens for real.
    """

    def __init__(self, bearer_token: str, faults: FaultInjector) -> None:
        self.bearer_token = bearer_token
        self.faults = faults
        self._locks = {route: threading.Lock() for route in backends.MODULES}
        self._log_lock = threading.Lock()
        self._requests: collections.deque[dict[str, str]] = collections.deque(maxlen=_REQUEST_LOG)

    def bearer_ok(self, authorization: str) -> bool:
        """The sandbox's token, or it with ``.ACCOUNT`` (12 digits): that account's token."""
        token = authorization.removeprefix("Bearer ")
        base, _, account = token.partition(".")
        return base == self.bearer_token and (not account or bool(_ACCOUNT.fullmatch(account)))

    def requests(self) -> list[dict[str, str]]:
        """The service requests received (route, method, path, account, region), oldest first.

        Why: a test asserts where a call went (which account, which region) and how many calls
        were made (a cancelled fan-out stops making them) from what the endpoint saw.
        """
        with self._log_lock:
            return list(self._requests)

    def reset_requests(self) -> None:
        """Forget the recorded requests."""
        with self._log_lock:
            self._requests.clear()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        status, headers, body = self.respond(environ)
        headers = {**with_request_id(headers, body), "Content-Length": str(len(body))}
        reason = HTTP_STATUS_CODES.get(status, "Unknown")
        start_response(f"{status} {reason}", list(headers.items()))
        return [body]

    def respond(self, environ: dict[str, Any]) -> Response:
        """Produce the response for one request (or drop the connection)."""
        path = _decoded_path(environ)
        if path.startswith("/_sandbox/"):
            return self.control(environ["REQUEST_METHOD"], path)
        headers = EnvironHeaders(environ)
        route = route_for(headers.get("Authorization", ""))
        if route is None:
            return protocol_error(
                "json", 403, "MissingAuthenticationTokenException", "Missing Authentication Token"
            )
        if route == "bearer" and not self.bearer_ok(headers.get("Authorization", "")):
            return protocol_error(
                "rest-json",
                403,
                "AccessDeniedException",
                "The bearer token is not valid or has expired. Use the sandbox's "
                "AWS_BEARER_TOKEN_CODECATALYST.",
            )
        if route not in backends.MODULES:
            return protocol_error(
                "json", 501, "UnknownOperationException", f"The sandbox does not serve {route!r}"
            )
        account, region = scope_for(headers.get("Authorization", ""))
        with self._log_lock:
            self._requests.append(
                {
                    "route": route,
                    "method": environ["REQUEST_METHOD"],
                    "path": path,
                    "account": account,
                    "region": region,
                }
            )
        fault = self.faults.draw()
        if fault.latency and not fault.late:
            time.sleep(fault.latency)
        if fault.kind == "reset":
            self._drop(environ)
        if fault.kind is not None:
            return error_response(route, fault.kind)
        module = backends.get(route)
        if module is None:
            return protocol_error(
                "rest-json" if route != "events" else "json",
                501,
                "UnknownOperationException",
                f"The sandbox backend for {backends.MODULES[route][1]} is not available "
                f"({backends.import_error(route)})",
            )
        body = _read_body(environ)
        query = _parse_query(environ.get("QUERY_STRING", ""))
        try:
            with self._locks[route], backends.scoped(account, region):
                status, out_headers, out_body = module.handle(
                    environ["REQUEST_METHOD"], path, query, headers, body
                )
        except Exception as exc:
            _log.exception("sandbox backend %s failed", route)
            return protocol_error(
                "json" if route == "events" else "rest-json",
                500,
                "InternalFailure",
                f"Sandbox backend error: {type(exc).__name__}: {exc}",
            )
        if fault.late:
            time.sleep(fault.latency)  # the work is done; only the answer is late
        return status, out_headers, out_body

    def control(self, method: str, path: str) -> Response:
        """Serve /_sandbox/health, /_sandbox/received and /_sandbox/requests (GET reads, DELETE resets)."""
        if path == "/_sandbox/health" and method == "GET":
            services = {}
            for route, (_, service, _) in backends.MODULES.items():
                ok = backends.get(route) is not None
                services[service] = "ok" if ok else f"unavailable: {backends.import_error(route)}"
            return _json(200, {"status": "ok", "services": services})
        if path == "/_sandbox/received" and method == "GET":
            return _json(200, received())
        if path == "/_sandbox/requests" and method == "GET":
            return _json(200, {"requests": self.requests()})
        if path == "/_sandbox/requests" and method == "DELETE":
            self.reset_requests()
            return _json(200, {"status": "reset"})
        if path == "/_sandbox/received" and method == "DELETE":
            reset_received()
            return _json(200, {"status": "reset"})
        return _json(404, {"message": f"no control endpoint {method} {path}"})

    @staticmethod
    def _drop(environ: dict[str, Any]) -> None:
        """Abort the connection without a response (a "reset" fault): the client sees a TCP RST.

        The socket is only marked here; _QuietHandler stops the keep-alive loop and
        _abort_or_shutdown closes it with SO_LINGER 0 once werkzeug has released it.
        """
        sock = environ.get("werkzeug.socket")
        if sock is not None:
            sock._eventdeck_abort = True
        raise _Dropped("connection dropped by the sandbox (reset fault)")


_BODY_REQUEST_ID = re.compile(rb"<RequestId>([^<]{1,128})</RequestId>")


def with_request_id(headers: dict[str, str], body: bytes) -> dict[str, str]:
    """``headers`` with an x-amzn-RequestId, as every AWS response has (the body's id if any).

    Why: support cases and eventdeck's error lines need the id; query-protocol services (STS) also
    put it in the XML body, and the header must then name the same request.
    """
    names = {name.lower() for name in headers}
    if "x-amzn-requestid" in names or "x-amz-request-id" in names:
        return headers
    match = _BODY_REQUEST_ID.search(body[:65536])
    rid = match.group(1).decode("ascii", "replace") if match else str(uuid.uuid4())
    return {**headers, "x-amzn-RequestId": rid}


def received() -> dict[str, list[dict[str, Any]]]:
    """Accepted events of every backend that keeps them, keyed by boto3 service name."""
    out: dict[str, list[dict[str, Any]]] = {"events": [], "personalize-events": []}
    for module in backends.available().values():
        if hasattr(module, "received"):
            out[module.SERVICE] = module.received()
    return out


def reset_received() -> None:
    """Forget received events in every backend that keeps them."""
    for module in backends.available().values():
        if hasattr(module, "reset_received"):
            module.reset_received()


def _json(status: int, payload: Any) -> Response:
    body = json.dumps(payload, default=str).encode()
    return status, {"Content-Type": "application/json"}, body


def _decoded_path(environ: dict[str, Any]) -> str:
    """PATH_INFO as text: WSGI hands it over percent-decoded but as latin-1 code points."""
    raw: str = environ.get("PATH_INFO") or "/"
    try:
        return raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return raw


def _read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ["wsgi.input"]
    if length > 0:
        return bytes(stream.read(length))
    if environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked" or environ.get(
        "wsgi.input_terminated"
    ):
        return bytes(stream.read())
    return b""


def _parse_query(raw: str) -> dict[str, list[str]]:
    from urllib.parse import parse_qs

    return parse_qs(raw, keep_blank_values=True)


class _QuietHandler(WSGIRequestHandler):
    """Request handler that logs nothing (the sandbox shares a terminal with its user)."""

    # Headers and body go out as separate TLS records; with Nagle on, the second waits for the
    # client's delayed ACK and a single-threaded client loses several milliseconds per call.
    disable_nagle_algorithm = True

    def log(self, type: str, message: str, *args: Any) -> None:
        del type, message, args

    def connection_dropped(
        self, error: BaseException, environ: dict[str, Any] | None = None
    ) -> None:
        """End the keep-alive loop so a connection dropped on purpose is not read again."""
        del error, environ
        self.close_connection = True


def _abort_or_shutdown(server: BaseWSGIServer, request: Any) -> None:
    """Close a connection marked by a reset fault with SO_LINGER 0 (an RST), others as usual."""
    if getattr(request, "_eventdeck_abort", False):
        with contextlib.suppress(OSError):
            request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        server.close_request(request)
        return
    type(server).shutdown_request(server, request)


def serve(
    app: SandboxApp, host: str, port: int, cert: Path, key: Path
) -> tuple[BaseWSGIServer, threading.Thread]:
    """Bind a threaded HTTPS werkzeug server and run it in a daemon thread.

    Why: the TLS handshake is deferred to the per-connection thread (do_handshake_on_connect
    off) so one slow client cannot stall the accept loop.
    """
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(cert), str(key))
    server.socket = context.wrap_socket(
        server.socket, server_side=True, do_handshake_on_connect=False
    )
    server.ssl_context = context
    server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
    server.shutdown_request = lambda request: _abort_or_shutdown(server, request)  # type: ignore[method-assign]
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"eventdeck-sandbox:{server.server_port}",
        daemon=True,
    )
    thread.start()
    return server, thread
