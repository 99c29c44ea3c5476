"""Turn botocore's parsed responses into plain JSON values.

Every item keeps its raw response dict for the inspector, export and copy; botocore puts
datetimes and bytes in there, which ``json.dumps`` refuses, so the raw dict is made JSON-able once,
when the item is built, and every consumer can dump it without knowing about botocore.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

_PLAIN = frozenset({str, int, bool, float, type(None)})


class RawOnDemand:
    """An API item kept as botocore parsed it (``item``), its JSON-able ``raw`` made on first use.

    Why: a page of event logs is stored as JSON straight from ``item`` (``wire``, encoded with
    ``jsonable`` as the encoder's default: the same text), so the copy per item (~1 ms a page of
    250) is made only for the few the inspector, copy, export or triage ask for. A frozen,
    slotted dataclass mixes it in with its own ``item`` and ``_raw`` (default None) fields.
    """

    __slots__ = ()
    item: dict[str, Any]
    _raw: dict[str, Any] | None

    @property
    def raw(self) -> dict[str, Any]:
        """The item as JSON values (datetimes as ISO 8601 text), made once and kept."""
        raw = self._raw
        if raw is None:
            raw = jsonable(self.item)
            object.__setattr__(self, "_raw", raw)
        return raw

    @property
    def wire(self) -> dict[str, Any]:
        """What an item store encodes: ``raw`` if made (a revived item's exact form), else ``item``."""
        raw = self._raw
        return self.item if raw is None else raw


def jsonable(value: Any) -> Any:
    """A copy of ``value`` with datetimes as ISO 8601 strings and bytes as base64 text.

    Aware datetimes are written in UTC (``+00:00``); naive ones are written as they are.
    Unknown objects become ``str(value)`` rather than an error: exporting must never fail.
    It runs on every item of every page, so the exact types botocore builds (dict, list, str,
    datetime) take a fast path and anything else the general one.
    """
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return _dict(value)
    if kind is list:
        return _list(value)
    if kind is datetime:
        return _iso_fast(value)
    return _general(value)


def _dict(value: dict[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    plain = _PLAIN
    for key, item in value.items():
        if type(key) is not str:
            key = str(key)
        kind = type(item)
        if kind in plain:
            out[key] = item
        elif kind is dict:
            out[key] = _dict(item)
        elif kind is datetime:
            out[key] = _iso_fast(item)
        elif kind is list:
            out[key] = _list(item)
        else:
            out[key] = _general(item)
    return out


def _list(value: list[Any]) -> list[Any]:
    plain = _PLAIN
    if all(type(item) in plain for item in value):
        return list(value)
    return [jsonable(item) for item in value]


def _iso_fast(value: datetime) -> str:
    if value.tzinfo is UTC:
        return value.isoformat()
    return iso(value)


def _general(value: Any) -> Any:
    """The slow path: subclasses and rarer types, by isinstance."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (set, frozenset)):
        return [jsonable(v) for v in sorted(value, key=repr)]
    return str(value)


def iso(value: datetime) -> str:
    """ISO 8601 for a datetime; an aware one is converted to UTC first so exports sort as text."""
    if value.tzinfo is not None and value.utcoffset() is not None:
        value = value.astimezone(UTC)
    return value.isoformat()
