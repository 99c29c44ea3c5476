"""The registry of sandbox backends, keyed by the route the dispatcher derives from a request.

Why: the dispatcher picks a backend from the SigV4 credential scope's service name (or
"bearer" for CodeCatalyst), so each service is one module behind one small contract.

Backend module contract (every module named in MODULES provides all of these):

    SERVICE: str   # boto3 name, e.g. "ivs-realtime"
    ROUTE: str     # signing name from the credential scope, or "bearer" for codecatalyst
    def handle(method, path, query, headers, body) -> tuple[int, dict[str, str], bytes]
        # method "GET"/"POST"...; path is the URL path, percent-decoded ("/v1/spaces/x");
        # query is {name: [values]}; headers is a case-insensitive Mapping[str, str];
        # body is the raw request body.  Return (status, response headers, response body).
    def reset() -> None               # clear all state (demo and loaded data included)
    def load(data: dict) -> None      # this service's section of a --data file, on top of state
    def load_demo(seed: int) -> None  # deterministic demo data
    # optional: def received() -> list[dict]   # accepted events, for GET /_sandbox/received

The dispatcher serializes calls into one backend with a per-backend lock, so a backend need not be
thread-safe itself. Modules are imported lazily and tolerantly: one that is missing or fails to
import answers every request with a clear 501 until it exists.
"""

from __future__ import annotations

import importlib
import threading
from types import ModuleType

# route -> (module name under tui.sandbox.backends, boto3 service name, --data file section)
MODULES: dict[str, tuple[str, str, str]] = {
    "events": ("events", "events", "events"),
    "personalize": ("personalize_events", "personalize-events", "personalize_events"),
    "ivs": ("ivs_realtime", "ivs-realtime", "ivs_realtime"),
    "profile": ("customer_profiles", "customer-profiles", "customer_profiles"),
    "bearer": ("codecatalyst", "codecatalyst", "codecatalyst"),
    "sts": ("sts", "sts", "sts"),
}

_lock = threading.Lock()
_loaded: dict[str, ModuleType] = {}
_errors: dict[str, str] = {}


def get(route: str) -> ModuleType | None:
    """Return the backend module for a route, importing it on first use; None if unavailable."""
    with _lock:
        if route in _loaded:
            return _loaded[route]
        entry = MODULES.get(route)
        if entry is None:
            return None
        try:
            module = importlib.import_module(f"{__name__}.{entry[0]}")
        except Exception as exc:  # a missing or broken module must not take the others down
            _errors[route] = f"{type(exc).__name__}: {exc}"
            return None
        _errors.pop(route, None)
        _loaded[route] = module
        return module


def import_error(route: str) -> str | None:
    """Why the route's module could not be imported on the last attempt, if it could not."""
    with _lock:
        return _errors.get(route)


def available() -> dict[str, ModuleType]:
    """Every backend module that imports, keyed by route."""
    found = {}
    for route in MODULES:
        module = get(route)
        if module is not None:
            found[route] = module
    return found
