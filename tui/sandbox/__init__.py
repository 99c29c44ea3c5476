"""A local AWS-compatible endpoint (moto-based) for the demo and the tests. Never imports textual/rich.

Public API (stable; the app, the CLI and the tests use only this):

    sb = start_sandbox(host="127.0.0.1", port=0, seed=0, data=None, faults=None, demo=True,
                       now=None)  # now: pin the demo data's times (default: the clock)
    sb.endpoint        # "https://127.0.0.1:PORT" (self-signed certificate made at start)
    sb.ca_bundle       # path of that certificate (PEM), for AWS_CA_BUNDLE / --ca-bundle
    sb.region          # "us-east-1"
    sb.bearer_token    # the CodeCatalyst bearer token the sandbox accepts
    sb.env()           # {"AWS_ENDPOINT_URL": ..., "AWS_CA_BUNDLE": ..., "AWS_ACCESS_KEY_ID": ...,
                       #  "AWS_SECRET_ACCESS_KEY": ..., "AWS_REGION": ...,
                       #  "AWS_BEARER_TOKEN_CODECATALYST": ...}
    sb.set_faults("throttle=0.1,error=0.05,latency=20ms,reset=0.01,seed=7")  # or None to clear
    sb.received()      # {"events": [...], "personalize-events": [...]}  (same as GET /_sandbox/received)
    sb.reset_received()
    sb.requests()      # [{"route", "method", "path", "account", "region"}, ...]  (GET /_sandbox/requests)
    sb.reset_requests()
    sb.write_aws_config(directory)  # the demo profiles as an AWS config + credentials file pair
    sb.stop()          # also: `with start_sandbox(...) as sb:`
    load_demo(module, seed, now=None)  # reload one backend's demo data (now passed if it takes it)

Accounts and regions: a request is served from the state of its signing key's account (an access
key id ending in 12 digits signs for that account, any other for 123456789012) and of its SigV4
scope's region (a CodeCatalyst bearer token ``TOKEN.ACCOUNT`` is that account's). A data file's ``scopes`` section loads per account and region:
``{"scopes": [{"account": "210987654321", "region": "us-west-2", "ivs_realtime": {...}, ...}]}``;
the demo adds its other profiles' data that way (``tui/sandbox/demo_scopes.py``).

One sandbox per process: the backends keep their state at module level (as moto does), so
start_sandbox refuses to start a second one while another is running in the same process
(start it in a subprocess, e.g. `python -m tui.sandbox.cli`, instead).
"""

from __future__ import annotations

import inspect
import json
import secrets
import shutil
import tempfile
import threading
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["Sandbox", "load_demo", "start_sandbox"]

REGION = "us-east-1"
ACCESS_KEY_ID = "AKIASANDBOXEVENTDECK"
SECRET_ACCESS_KEY = "sandbox-secret-access-key-not-a-real-secret"

_running_lock = threading.Lock()
_running: Sandbox | None = None


class Sandbox:
    """A running sandbox: where it listens, how to reach it, and its control methods.

    Why: tests and the app need the endpoint, CA bundle and credentials as one object, plus a
    way to inject faults and read what was received without going over HTTP.
    """

    def __init__(
        self, server: Any, thread: threading.Thread, app: Any, host: str, tmpdir: Path, cert: Path
    ) -> None:
        self._server = server
        self._thread = thread
        self._app = app
        self._tmpdir = tmpdir
        port = server.server_port
        shown = f"[{host}]" if ":" in host else host
        self.endpoint = f"https://{shown}:{port}"
        self.port: int = port
        self.ca_bundle = str(cert)
        self.region = REGION
        self.bearer_token: str = app.bearer_token
        self._stopped = False

    def env(self) -> dict[str, str]:
        """Environment variables that point boto3 and the AWS CLI at this sandbox."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_CA_BUNDLE": self.ca_bundle,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_BEARER_TOKEN_CODECATALYST": self.bearer_token,
        }

    def requests(self) -> list[dict[str, str]]:
        """Service requests received (route, method, path, account, region), oldest first."""
        return self._app.requests()  # type: ignore[no-any-return]

    def reset_requests(self) -> None:
        """Forget the recorded requests."""
        self._app.reset_requests()

    def profile_credentials(self) -> dict[str, dict[str, str]]:
        """The demo profiles' dummy keys (and bearer token), by profile name, as ``env()`` names them."""
        from tui.sandbox import backends
        from tui.sandbox.demo_scopes import DEMO_PROFILES, access_key_for

        return {
            p.name: {
                "AWS_ACCESS_KEY_ID": access_key_for(p.account),
                "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
                "AWS_BEARER_TOKEN_CODECATALYST": self.bearer_token
                + ("" if p.account == backends.DEFAULT_ACCOUNT else f".{p.account}"),
            }
            for p in DEMO_PROFILES
        }

    def write_aws_config(self, directory: str | Path) -> tuple[Path, Path]:
        """Write the demo profiles as an AWS ``config`` and ``credentials`` pair in ``directory``.

        Each profile points at this sandbox (``endpoint_url``, ``ca_bundle``) with its own region
        and an access key id that signs for its own account; the keys are the sandbox's dummy
        ones. Returns (config path, credentials path), both private (0600).
        """
        from tui.sandbox.demo_scopes import DEMO_PROFILES, access_key_for

        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        config, credentials = [], []
        for profile in DEMO_PROFILES:
            header = "[default]" if profile.name == "default" else f"[profile {profile.name}]"
            config += [
                header,
                f"region = {profile.region}",
                f"endpoint_url = {self.endpoint}",
                f"ca_bundle = {self.ca_bundle}",
                "",
            ]
            credentials += [
                f"[{profile.name}]",
                f"aws_access_key_id = {access_key_for(profile.account)}",
                f"aws_secret_access_key = {SECRET_ACCESS_KEY}",
                "",
            ]
        paths = (folder / "config", folder / "credentials")
        for path, lines in zip(paths, (config, credentials), strict=True):
            path.write_text("\n".join(lines), encoding="utf-8")
            path.chmod(0o600)
        return paths

    def set_faults(self, spec: str | None) -> None:
        """Inject faults per spec ("throttle=0.1,error=0.05,latency=20ms,reset=0.01,seed=7").

        None or "" clears them; setting a spec reseeds the RNG so a run repeats exactly.
        """
        self._app.faults.set(spec)

    def received(self) -> dict[str, list[dict[str, Any]]]:
        """Accepted events per service, as GET /_sandbox/received returns them."""
        from tui.sandbox.server import received

        return json.loads(json.dumps(received(), default=str))  # type: ignore[no-any-return]

    def reset_received(self) -> None:
        """Forget every received event (state such as stages and spaces stays)."""
        from tui.sandbox.server import reset_received

        reset_received()

    def stop(self) -> None:
        """Stop serving, join the server thread and remove the certificate directory."""
        global _running
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        shutil.rmtree(self._tmpdir, ignore_errors=True)
        with _running_lock:
            if _running is self:
                _running = None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Sandbox(endpoint={self.endpoint!r}, ca_bundle={self.ca_bundle!r})"


def start_sandbox(
    host: str = "127.0.0.1",
    port: int = 0,
    seed: int = 0,
    data: str | Path | None = None,
    faults: str | None = None,
    demo: bool = True,
    now: datetime | None = None,
) -> Sandbox:
    """Start the sandbox in a background thread and return once it accepts connections.

    Why: tests and the demo need a real HTTPS endpoint in-process that starts in well under a
    second; state is reset, then demo data (seed) and the --data file (on top) are loaded.
    ``now`` pins the demo data in time (screenshots and snapshot tests must not change with the
    day they run); it goes to every backend whose ``load_demo`` accepts it.
    """
    global _running
    from tui.sandbox import backends
    from tui.sandbox.faults import FaultInjector
    from tui.sandbox.server import SandboxApp, serve
    from tui.sandbox.tls import make_certificate

    injector = FaultInjector(faults)  # parse first: a bad spec must fail before anything starts
    payload = _read_data(data) if data is not None else None
    with _running_lock:
        if _running is not None:
            raise RuntimeError(
                f"a sandbox is already running in this process ({_running.endpoint}); "
                "backends hold process-wide state, so stop it first or use a subprocess"
            )
        modules = backends.available()
        for module in modules.values():
            module.reset()
        if demo:  # each backend's demo includes the other demo profiles' accounts and regions
            for module in modules.values():
                load_demo(module, seed, now)
        if payload is not None:
            load_data(payload, modules)
        tmpdir = Path(tempfile.mkdtemp(prefix="eventdeck-sandbox-"))
        try:
            cert, key = make_certificate(tmpdir, host)
            app = SandboxApp(secrets.token_urlsafe(24), injector)
            server, thread = serve(app, host, port, cert, key)
        except BaseException:
            shutil.rmtree(tmpdir, ignore_errors=True)
            raise
        sandbox = Sandbox(server, thread, app, host, tmpdir, cert)
        _running = sandbox
        return sandbox


def load_data(payload: dict[str, Any], modules: dict[str, Any]) -> None:
    """Load a data file's sections into the default scope and its ``scopes`` into theirs."""
    from tui.sandbox import backends

    entries: list[tuple[dict[str, Any], dict[str, Any]]] = [({}, payload)] + [
        ({"account": e.get("account"), "region": e.get("region")}, e)
        for e in payload.get("scopes") or []
        if isinstance(e, dict)
    ]
    for where, data in entries:
        with backends.scoped(where.get("account"), where.get("region")):
            for route, module in modules.items():
                section = data.get(backends.MODULES[route][2])
                if section:
                    module.load(section)


def load_demo(module: Any, seed: int, now: datetime | None = None) -> None:
    """Load one backend's demo data, passing ``now`` only to backends whose load_demo takes it.

    Why: some backends have no time-dependent demo data and keep the plain ``load_demo(seed)``.
    """
    if now is not None and "now" in inspect.signature(module.load_demo).parameters:
        module.load_demo(seed, now=now)
    else:
        module.load_demo(seed)


def _read_data(data: str | Path) -> dict[str, Any]:
    """Read a --data JSON file; its top level must be an object of service sections."""
    text = Path(data).read_text(encoding="utf-8")
    payload = json.loads(text)
    if not isinstance(payload, dict):
        raise ValueError(f"{data}: the data file must hold a JSON object")
    return payload
