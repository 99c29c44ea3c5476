"""STS for the sandbox: moto's own STS, so `eventdeck doctor` can ask whose credentials these are.

Why: doctor calls sts:GetCallerIdentity, and moto's STS answers it (and AssumeRole) correctly,
except that moto names its one default account for any key it did not issue: GetCallerIdentity
for another sandbox account (the signing key's, see ``backends.account_for_key``) is answered
here, so a fan-out across profiles can name each profile's account.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from urllib.parse import parse_qs, urlencode

from moto.core.request import Request
from moto.sts.models import sts_backends
from moto.sts.responses import TokenResponse

from tui.sandbox.backends import DEFAULT_ACCOUNT, current_scope

SERVICE = "sts"
ROUTE = "sts"

_lock = threading.Lock()


def handle(
    method: str, path: str, query: dict[str, list[str]], headers: Mapping[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    account, _region = current_scope()
    form = {**query, **parse_qs(body.decode("utf-8", "replace"))} if body else dict(query)
    if account != DEFAULT_ACCOUNT and form.get("Action") == ["GetCallerIdentity"]:
        return _caller_identity(account)
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


def _caller_identity(account: str) -> tuple[int, dict[str, str], bytes]:
    """GetCallerIdentity's answer for a sandbox account other than moto's default one."""
    request_id = str(uuid.uuid4())
    xml = (
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        "<GetCallerIdentityResult>"
        f"<Arn>arn:aws:iam::{account}:user/sandbox</Arn>"
        "<UserId>AIDASANDBOXEVENTDECK</UserId>"
        f"<Account>{account}</Account>"
        "</GetCallerIdentityResult>"
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        "</GetCallerIdentityResponse>"
    )
    return 200, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}, xml.encode()


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
