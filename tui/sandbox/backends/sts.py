"""STS for the sandbox: moto's own STS, so `eventdeck doctor` can ask whose credentials these are.

Why: doctor calls sts:GetCallerIdentity, and moto's STS answers it (and AssumeRole) correctly;
nothing here needs changing, only routing.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from urllib.parse import urlencode

from moto.core.request import Request
from moto.sts.models import sts_backends
from moto.sts.responses import TokenResponse

SERVICE = "sts"
ROUTE = "sts"

_lock = threading.Lock()


def handle(
    method: str, path: str, query: dict[str, list[str]], headers: Mapping[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    url = "https://sts.amazonaws.com" + (path or "/")
    if query:
        url += "?" + urlencode(query, doseq=True)
    request = Request.from_primitives(method, url, dict(headers), body)
    with _lock:
        status, out_headers, out_body = TokenResponse.dispatch(request, url, dict(headers))
    raw = out_body.encode() if isinstance(out_body, str) else bytes(out_body or b"")
    clean = {
        k: str(v)
        for k, v in (out_headers or {}).items()
        if k.lower() not in ("content-length", "server", "date")
    }
    clean.setdefault("Content-Type", "text/xml")
    return int(status), clean, raw


def reset() -> None:
    with _lock:
        for account in sts_backends.values():
            account.reset()


def load(data: dict) -> None:  # type: ignore[type-arg]
    """STS has nothing to load."""
    del data


def load_demo(seed: int, now: object = None) -> None:
    """STS has no demo data."""
    del seed, now
