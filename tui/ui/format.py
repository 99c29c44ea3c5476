"""How values look in tables: times in UTC, compact but unambiguous; booleans and blanks plainly."""

from __future__ import annotations

from datetime import UTC, datetime


def fmt_time(value: datetime | None) -> str:
    """``2026-11-22 17:05:03`` in UTC (the header says UTC once), or an empty cell."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def fmt_bool(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def fmt_tags(tags: dict[str, str] | None) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted((tags or {}).items()))
