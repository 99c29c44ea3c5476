"""How values look in tables: times in UTC, local or relative, compact but unambiguous; booleans and blanks plainly."""

from __future__ import annotations

from datetime import UTC, datetime

TIME_LABELS = {"utc": "UTC", "local": "local", "relative": "ago"}
"""What a time column's header says for each time format (``Time (UTC)``, ``Time (ago)``)."""


def fmt_time(value: datetime | None, mode: str = "utc", now: datetime | None = None) -> str:
    """``2026-11-22 17:05:03`` in UTC or local time, or ``3m ago``; an empty cell for None.

    The header says which once (``time_label``), so cells stay short.
    """
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if mode == "relative":
        return fmt_ago(value, now)
    value = value.astimezone() if mode == "local" else value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def fmt_ago(value: datetime, now: datetime | None = None) -> str:
    """``12s ago``, ``3m ago``, ``5h ago``, ``2d ago`` (``in 3m`` for a time ahead)."""
    seconds = ((now or datetime.now(UTC)) - value).total_seconds()
    ahead = seconds < 0
    seconds = abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            amount = f"{int(seconds // size)}{unit}"
            break
    else:
        amount = f"{int(seconds)}s"
    return f"in {amount}" if ahead else f"{amount} ago"


def key_time(value: datetime | None) -> str:
    """A row key's time: UTC to the microsecond, whatever format the table shows."""
    return value.isoformat() if value is not None else ""


def time_label(label: str, mode: str) -> str:
    """A time column's header for ``mode``: "Time (UTC)" becomes "Time (local)" or "Time (ago)"."""
    return label.replace("(UTC)", f"({TIME_LABELS.get(mode, 'UTC')})")


def fmt_bool(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def fmt_tags(tags: dict[str, str] | None) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted((tags or {}).items()))


KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "colon": ":",
    "escape": "esc",
    "full_stop": ".",
    "comma": ",",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "plus": "+",
    "minus": "-",
}


def format_key(key: str) -> str:
    """A key as people write it ("question_mark" -> "?", "ctrl+s" stays "ctrl+s")."""
    return "+".join(KEY_NAMES.get(part, part) for part in key.split("+"))
