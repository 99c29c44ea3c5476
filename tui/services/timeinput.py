"""Parse the times a person types: "now", relative ("-5m"), RFC 3339 / ISO 8601, epoch seconds.

Forms default to "now" and accept what an operator would type on a jump host; every result is an
aware UTC datetime, and anything ambiguous (no zone given) is said out loud through ``note``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tui.errors import InputError

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_RELATIVE = re.compile(r"^(?:now\s*)?([+-])\s*(\d+(?:\.\d+)?)\s*([smhdw])$", re.IGNORECASE)
_EPOCH = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
EXAMPLES = 'e.g. "now", "-5m", "-2h", "2024-05-01T12:00:00Z" or 1714564800'


@dataclass(frozen=True)
class ParsedTime:
    """A parsed time and, when an assumption was made (no zone: UTC), a note saying so."""

    value: datetime
    note: str | None = None


def parse_time_detailed(
    text: str | datetime | int | float, *, field: str = "time", now: datetime | None = None
) -> ParsedTime:
    """Parse ``text`` into an aware UTC datetime; raise InputError naming ``field`` if it cannot."""
    current = now or datetime.now(UTC)
    if isinstance(text, datetime):
        if text.tzinfo is None:
            return ParsedTime(text.replace(tzinfo=UTC), "no time zone given: taken as UTC")
        return ParsedTime(text.astimezone(UTC))
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise InputError(f"{field} must be a time, {EXAMPLES}", location=field)
    if isinstance(text, (int, float)):
        return _epoch(float(text), field)
    raw = text.strip()
    if not raw:
        raise InputError(f"{field} is empty: give a time, {EXAMPLES}", location=field)
    if raw.lower() == "now":
        return ParsedTime(current)
    match = _RELATIVE.match(raw)
    if match:
        sign, amount, unit = match.groups()
        seconds = float(amount) * _UNITS[unit.lower()] * (-1 if sign == "-" else 1)
        try:
            return ParsedTime(current + timedelta(seconds=seconds))
        except OverflowError:
            raise InputError(f"{field} {raw!r} is too far from now", location=field) from None
    if _EPOCH.match(raw):
        return _epoch(float(raw), field)
    iso = raw[:-1] + "+00:00" if raw[-1:] in ("Z", "z") else raw
    try:
        value = datetime.fromisoformat(iso)
    except ValueError:
        raise InputError(
            f"{field} {raw!r} is not a time I can read: use {EXAMPLES}", location=field
        ) from None
    if value.tzinfo is None:
        return ParsedTime(value.replace(tzinfo=UTC), "no time zone given: taken as UTC")
    return ParsedTime(value.astimezone(UTC))


def parse_time(
    text: str | datetime | int | float, *, field: str = "time", now: datetime | None = None
) -> datetime:
    """Like parse_time_detailed, returning only the datetime."""
    return parse_time_detailed(text, field=field, now=now).value


def format_time(value: datetime) -> str:
    """RFC 3339 in UTC with a ``Z`` (what the journal stores and the raw JSON view shows)."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _epoch(seconds: float, field: str) -> ParsedTime:
    note = None
    if not math.isfinite(seconds):
        raise InputError(f"{field} must be a finite number of epoch seconds", location=field)
    if abs(seconds) >= 1e11:
        seconds /= 1000.0
        note = "read as epoch milliseconds"
    try:
        return ParsedTime(datetime.fromtimestamp(seconds, UTC), note)
    except (OverflowError, OSError, ValueError):
        raise InputError(
            f"{field} {seconds!r} is out of range for a time", location=field
        ) from None
