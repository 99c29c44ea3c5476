"""ListPartnerEventSources and ListPartnerEventSourceAccounts for the sandbox (moto has neither).

Why: a partner sending events wants to know whether a customer will receive them; that is the
state of the customer account behind each partner event source (ACTIVE, PENDING until the customer
makes a matching event bus, DELETED), with an expiry for PENDING ones. moto 5.2.5 keeps partner
event sources with no such state and serves neither list operation, so the sandbox keeps its own
table of sources and their accounts, in the API's own shapes, and pages them the way AWS does
(NamePrefix required, Limit 1–100, an opaque NextToken).
"""

from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from tui.sandbox.faults import protocol_error

STATES = ("ACTIVE", "PENDING", "DELETED")
DEFAULT_LIMIT = 100
PREFIX_PATTERN = re.compile(r"aws\.partner/[\.\-_A-Za-z0-9]+/[/\.\-_A-Za-z0-9]*")
NAME_PATTERN = re.compile(r"aws\.partner(/[\.\-_A-Za-z0-9]+){2,}")
ACCOUNT_PATTERN = re.compile(r"\d{12}")

DEMO_PARTNER = "aws.partner/example.com/"
"""The demo partner's prefix (the compose pane's placeholder source is one of its sources)."""


class Invalid(Exception):
    """The request is rejected as a whole with ValidationException (HTTP 400)."""


_lock = threading.Lock()
_sources: dict[str, list[dict[str, Any]]] = {}
"""Source name → its customer accounts (Account, CreationTime, State, ExpirationTime if PENDING)."""


def reset() -> None:
    """Forget every source."""
    with _lock:
        _sources.clear()


def add_source(name: str, accounts: list[dict[str, Any]]) -> None:
    """Add (or replace) one source and its accounts; checks the shapes the model declares."""
    if not NAME_PATTERN.fullmatch(name):
        raise ValueError(f"not a partner event source name: {name!r}")
    clean = []
    for account in accounts:
        if not ACCOUNT_PATTERN.fullmatch(str(account.get("Account", ""))):
            raise ValueError(f"{name}: Account must be 12 digits: {account.get('Account')!r}")
        if account.get("State") not in STATES:
            raise ValueError(f"{name}: State must be one of {', '.join(STATES)}")
        clean.append(dict(account))
    with _lock:
        _sources[name] = clean


def load(items: list[Any]) -> None:
    """Sources from a data file: names (no accounts) or {"Name", "Accounts": [API shapes]}."""
    for item in items:
        if isinstance(item, str):
            add_source(item, [])
        else:
            add_source(str(item["Name"]), list(item.get("Accounts") or []))


def load_demo(now: datetime | None = None) -> None:
    """The demo partner's sources, one per case a sender meets: delivered, pending, gone.

    Times are relative to ``now`` so a PENDING source always shows a future expiry.
    """
    now = now or datetime.now(UTC)

    def ts(delta: timedelta) -> float:
        return (now + delta).timestamp()

    demo = {
        "orders": [{"Account": "111122223333", "State": "ACTIVE", "CreationTime": ts(-timedelta(days=41))}],
        "billing": [
            {"Account": "444455556666", "State": "PENDING", "CreationTime": ts(-timedelta(days=3)),
             "ExpirationTime": ts(timedelta(days=9))},
        ],
        "legacy-sync": [{"Account": "777788889999", "State": "DELETED", "CreationTime": ts(-timedelta(days=400))}],
        "shipping": [
            {"Account": "111122223333", "State": "DELETED", "CreationTime": ts(-timedelta(days=200))},
            {"Account": "210987654321", "State": "PENDING", "CreationTime": ts(-timedelta(days=10)),
             "ExpirationTime": ts(timedelta(days=2))},
        ],
        "returns": [
            {"Account": "555566667777", "State": "ACTIVE", "CreationTime": ts(-timedelta(days=90))},
            {"Account": "888899990000", "State": "PENDING", "CreationTime": ts(-timedelta(days=1)),
             "ExpirationTime": ts(timedelta(days=11))},
        ],
    }  # fmt: skip
    for suffix, accounts in demo.items():
        add_source(DEMO_PARTNER + suffix, accounts)


def handles(operation: str) -> bool:
    """True for the two operations this module serves."""
    return operation in ("ListPartnerEventSources", "ListPartnerEventSourceAccounts")


def handle(operation: str, region: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
    """Serve one of the two list operations (json protocol)."""
    try:
        payload = json.loads(body or b"{}")
        if not isinstance(payload, dict):
            raise ValueError
    except ValueError:
        return protocol_error(
            "json", 400, "SerializationException", "Request body is not valid JSON"
        )
    try:
        with _lock:
            if operation == "ListPartnerEventSources":
                out = _list_sources(payload, region)
            else:
                out = _list_accounts(payload)
    except Invalid as exc:
        return protocol_error("json", 400, "ValidationException", str(exc))
    except KeyError as exc:
        return protocol_error("json", 400, "ResourceNotFoundException", str(exc.args[0]))
    headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": str(uuid.uuid4())}
    return 200, headers, json.dumps(out).encode()


def _required(payload: Mapping[str, Any], key: str, member: str, pattern: re.Pattern[str]) -> str:
    value = payload.get(key)
    if not isinstance(value, str):
        raise Invalid(
            f"1 validation error detected: Value null at '{member}' failed to satisfy "
            "constraint: Member must not be null"
        )
    if not 1 <= len(value) <= 256 or not pattern.fullmatch(value):
        raise Invalid(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
            f"constraint: Member must satisfy regular expression pattern: {pattern.pattern}"
        )
    return value


def _window(
    payload: Mapping[str, Any], items: list[Any], query: str
) -> tuple[list[Any], str | None]:
    """One page of ``items``: Limit 1–100, a NextToken bound to the query it came from."""
    limit = payload.get("Limit", DEFAULT_LIMIT)
    if not isinstance(limit, int) or not 1 <= limit <= 100:
        raise Invalid(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value between 1 and 100"
        )
    start = 0
    token = payload.get("NextToken")
    if token is not None:
        try:
            kind, _, offset = base64.urlsafe_b64decode(str(token).encode()).decode().partition("|")
            start = int(offset)
            if kind != query or start < 0:
                raise ValueError
        except ValueError:
            raise Invalid("The NextToken is not valid for this request.") from None
    end = start + limit
    next_token = None
    if end < len(items):
        next_token = base64.urlsafe_b64encode(f"{query}|{end}".encode()).decode()
    return items[start:end], next_token


def _list_sources(payload: Mapping[str, Any], region: str) -> dict[str, Any]:
    prefix = _required(payload, "NamePrefix", "namePrefix", PREFIX_PATTERN)
    names = sorted(name for name in _sources if name.startswith(prefix))
    page, token = _window(payload, names, "s:" + prefix)
    out: dict[str, Any] = {
        "PartnerEventSources": [
            {"Arn": f"arn:aws:events:{region}::event-source/{name}", "Name": name} for name in page
        ]
    }
    if token:
        out["NextToken"] = token
    return out


def _list_accounts(payload: Mapping[str, Any]) -> dict[str, Any]:
    name = _required(payload, "EventSourceName", "eventSourceName", NAME_PATTERN)
    if name not in _sources:
        raise KeyError(f"Event source {name} does not exist.")
    page, token = _window(payload, _sources[name], "a:" + name)
    out: dict[str, Any] = {"PartnerEventSourceAccounts": page}
    if token:
        out["NextToken"] = token
    return out


def demo_sources() -> list[str]:
    """The names the sandbox holds now (for tests and the demo)."""
    with _lock:
        return sorted(_sources)
