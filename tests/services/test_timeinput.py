"""Time input: what an operator types becomes an aware UTC datetime, or a clear error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tui.errors import InputError
from tui.services.timeinput import format_time, parse_time, parse_time_detailed

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", NOW),
        ("NOW", NOW),
        ("-5m", NOW - timedelta(minutes=5)),
        ("-2h", NOW - timedelta(hours=2)),
        ("-1d", NOW - timedelta(days=1)),
        ("+30s", NOW + timedelta(seconds=30)),
        ("now-90s", NOW - timedelta(seconds=90)),
        ("-1.5h", NOW - timedelta(minutes=90)),
        ("2024-04-30T10:00:00Z", datetime(2024, 4, 30, 10, tzinfo=UTC)),
        ("2024-04-30T12:00:00+02:00", datetime(2024, 4, 30, 10, tzinfo=UTC)),
        ("2024-04-30T10:00:00.250Z", datetime(2024, 4, 30, 10, 0, 0, 250000, tzinfo=UTC)),
        ("1714564800", datetime(2024, 5, 1, 12, tzinfo=UTC)),
        ("1714564800.5", datetime(2024, 5, 1, 12, 0, 0, 500000, tzinfo=UTC)),
        (1714564800, datetime(2024, 5, 1, 12, tzinfo=UTC)),
    ],
)
def test_parses(text: str | int, expected: datetime) -> None:
    value = parse_time(text, now=NOW)
    assert value == expected
    assert value.tzinfo is not None


def test_naive_is_utc_and_says_so() -> None:
    parsed = parse_time_detailed("2024-04-30 10:00", now=NOW)
    assert parsed.value == datetime(2024, 4, 30, 10, tzinfo=UTC)
    assert parsed.note is not None and "UTC" in parsed.note
    assert parse_time_detailed("2024-04-30T10:00Z").note is None


def test_datetime_values() -> None:
    aware = datetime(2024, 1, 1, 1, tzinfo=timezone(timedelta(hours=1)))
    assert parse_time(aware) == datetime(2024, 1, 1, tzinfo=UTC)
    naive = parse_time_detailed(datetime(2024, 1, 1))
    assert naive.value.tzinfo is UTC and naive.note


def test_epoch_milliseconds_are_recognised() -> None:
    parsed = parse_time_detailed("1714564800000")
    assert parsed.value == datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert parsed.note and "milliseconds" in parsed.note


@pytest.mark.parametrize(
    "text", ["", "  ", "yesterday", "-5x", "2024-13-01", "5 minutes ago", "nan"]
)
def test_errors_name_the_field_and_show_examples(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_time(text, field="sentAt")
    assert "sentAt" in info.value.message
    assert info.value.location == "sentAt"
    assert "-5m" in info.value.message


def test_out_of_range() -> None:
    with pytest.raises(InputError, match=r"too far|out of range"):
        parse_time("-99999999999d")
    with pytest.raises(InputError):
        parse_time(True)  # type: ignore[arg-type]


def test_format_time_round_trips() -> None:
    value = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)
    assert format_time(value) == "2024-05-01T12:00:00.123456Z"
    assert parse_time(format_time(value)) == value
