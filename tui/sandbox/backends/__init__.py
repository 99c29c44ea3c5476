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

Accounts and regions: the dispatcher runs every backend call inside ``scoped(account, region)``
(the account from the signing access key id, the region from the SigV4 credential scope), and a
backend keeps its state in a ``PerScope``: one backend object per (account, region), as moto's
``BackendDict`` does, so profile A in us-east-1 and profile B in eu-west-1 see different data.
Loading (``load``, ``load_demo``) goes to the scope in force, the default one unless a data file's
``scopes`` section says otherwise.

The dispatcher serializes calls into one backend with a per-backend lock, so a backend need not be
thread-safe itself. Modules are imported lazily and tolerantly: one that is missing or fails to
import answers every request with a clear 501 until it exists.
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from types import ModuleType
from typing import Any, Generic, Protocol, TypeVar

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
_ACCOUNT_SUFFIX = re.compile(r"(\d{12})$")


class _Resettable(Protocol):
    def reset(self) -> None: ...


B = TypeVar("B", bound=_Resettable)
_scope: ContextVar[tuple[str, str]] = ContextVar(
    "eventdeck_sandbox_scope", default=(DEFAULT_ACCOUNT, DEFAULT_REGION)
)


def account_for_key(access_key_id: str) -> str:
    """The sandbox account an access key id signs for: its last 12 digits, else the default.

    Why a rule, not a table: a test or the demo makes another account by naming a key
    (``AKIASANDBOX210987654321`` signs for 210987654321), with nothing to register first.
    """
    match = _ACCOUNT_SUFFIX.search(access_key_id)
    return match.group(1) if match else DEFAULT_ACCOUNT


def current_scope() -> tuple[str, str]:
    """The (account, region) the running request (or load) is for."""
    return _scope.get()


@contextmanager
def scoped(account: str | None, region: str | None) -> Iterator[None]:
    """Run the block for ``account`` and ``region`` (None: the default one)."""
    token = _scope.set((account or DEFAULT_ACCOUNT, region or DEFAULT_REGION))
    try:
        yield
    finally:
        _scope.reset(token)


class PerScope(Generic[B]):
    """One backend object per (account, region), made on first use: moto's BackendDict, small.

    Why: a request from another account or region must see that account's and region's state
    (empty until loaded), never the default one's.
    """

    def __init__(self, make: Callable[[str, str], B]) -> None:
        self._make = make
        self._lock = threading.Lock()
        self._by_scope: dict[tuple[str, str], B] = {}

    def get(self) -> B:
        """The backend of the scope in force."""
        account, region = current_scope()
        with self._lock:
            found = self._by_scope.get((account, region))
            if found is None:
                found = self._by_scope[(account, region)] = self._make(region, account)
            return found

    def scopes(self) -> list[tuple[str, str]]:
        """Every (account, region) that holds a backend object."""
        with self._lock:
            return sorted(self._by_scope)

    def reset(self) -> None:
        """Empty the default scope's backend and forget every other scope's.

        Why keep the default object: the module's ``backend`` name (what tests patch) stays it.
        """
        with self._lock:
            default = self._by_scope.get((DEFAULT_ACCOUNT, DEFAULT_REGION))
            self._by_scope.clear()
            if default is not None:
                default.reset()
                self._by_scope[(DEFAULT_ACCOUNT, DEFAULT_REGION)] = default


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


def load_scoped_demo(
    section: str, seed: int, now: datetime, load: Callable[[dict[str, Any]], None]
) -> None:
    """Load one service's ``section`` of the other demo profiles' accounts and regions.

    Why from each backend's ``load_demo``: whoever resets a backend and loads its demo again
    (a test pinning the time) gets the other profiles' data back with it.
    """
    from tui.sandbox.demo_scopes import scopes

    for entry in scopes(seed, now):
        data = entry.get(section)
        if data:
            with scoped(entry["account"], entry["region"]):
                load(data)
