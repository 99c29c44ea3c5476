"""Tests for the streaming, atomic row exporter (tui.services.export)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.errors import InputError
from tui.services.export import export_rows

HOSTILE = [
    "[bold]x[/]",
    "\x1b]52;c;ZXZpbA==\x07",
    "\u202eevil",
    '=HYPERLINK("http://x")',
    'a,b\n"c"',
]
WHEN = dt.datetime(2024, 5, 1, 12, 30, 15, tzinfo=dt.UTC)


def _rows() -> list[dict[str, object]]:
    return [
        {"id": "e1", "eventTime": WHEN, "name": HOSTILE[0], "n": 1},
        {"id": "e2", "eventTime": WHEN, "name": HOSTILE[1], "n": 2, "errorCode": "QUOTA_EXCEEDED"},
        {"id": "e3", "name": HOSTILE[2], "nested": {"a": [1, 2]}},
        {"id": "e4", "name": HOSTILE[3]},
        {"id": "e5", "name": HOSTILE[4], "n": -3},
    ]


def test_jsonl_round_trips_untrusted_strings_and_iso_datetimes(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    assert export_rows(iter(_rows()), target, "jsonl") == 5
    raw = target.read_bytes()
    assert b"\x1b" not in raw and "\u202e".encode() not in raw  # escaped, safe to cat
    loaded = [json.loads(line) for line in raw.decode().splitlines()]
    assert [row["name"] for row in loaded] == HOSTILE
    assert loaded[0]["eventTime"] == "2024-05-01T12:30:15+00:00"
    assert loaded[2]["nested"] == {"a": [1, 2]}


def test_json_is_one_array(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    assert export_rows(_rows(), target, "json") == 5
    loaded = json.loads(target.read_text())
    assert [row["id"] for row in loaded] == ["e1", "e2", "e3", "e4", "e5"]
    assert loaded[1]["name"] == HOSTILE[1]


def test_json_empty_is_empty_array(tmp_path: Path) -> None:
    target = tmp_path / "empty.json"
    assert export_rows([], target, "json") == 0
    assert json.loads(target.read_text()) == []


def test_csv_columns_from_first_row_plus_later_keys(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    assert export_rows(_rows(), target, "csv") == 5
    with target.open(newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["id", "eventTime", "name", "n", "errorCode", "nested"]
    assert all(len(line) == 6 for line in table)
    body = {line[0]: dict(zip(table[0], line, strict=True)) for line in table[1:]}
    assert body["e1"]["eventTime"] == "2024-05-01T12:30:15+00:00"
    assert body["e1"]["errorCode"] == ""
    assert body["e2"]["errorCode"] == "QUOTA_EXCEEDED"
    assert body["e1"]["name"] == "[bold]x[/]"
    assert body["e2"]["name"] == "\\e]52;c;ZXZpbA==\\x07"  # controls escaped visibly
    assert body["e3"]["nested"] == '{"a": [1, 2]}'
    assert body["e4"]["name"] == "'" + HOSTILE[3]  # formula defused
    assert body["e5"]["name"] == HOSTILE[4]  # quoting keeps commas, quotes, newlines
    assert body["e5"]["n"] == "-3"


def test_streams_from_a_generator_without_materialising(tmp_path: Path) -> None:
    seen: list[int] = []

    def produce() -> Iterator[dict[str, object]]:
        for i in range(1000):
            seen.append(i)
            yield {"i": i}

    target = tmp_path / "many.jsonl"
    assert export_rows(produce(), target, "jsonl") == 1000
    assert len(target.read_text().splitlines()) == 1000


def test_failure_leaves_previous_file_and_no_temp(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "keep.jsonl"
    target.write_text("old\n")

    def broken() -> Iterator[dict[str, object]]:
        yield {"a": 1}
        raise RuntimeError("source failed")

    with pytest.raises(RuntimeError):
        export_rows(broken(), target, "jsonl")
    assert target.read_text() == "old\n"
    assert [p.name for p in folder.iterdir()] == ["keep.jsonl"]


def test_rejects_unknown_format_and_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        export_rows([], tmp_path / "x.xml", "xml")
    with pytest.raises(InputError):
        export_rows([], tmp_path / "nope" / "x.csv", "csv")


def test_export_module_imports_no_ui() -> None:
    code = "import sys, tui.services.export; print(any(m.split('.')[0] in ('textual', 'rich') for m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# Every C0 control but newline, DEL, C1, and the bidi and invisible format characters.
RAW_CONTROL = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
)
TERMINAL_HOSTILE = {
    "id": "ev\x1b]0;owned\x07\x1b]52;c;ZXZpbA==\x07",
    "nul": "a\x00b",
    "c1": "\x9b31m\x9d0;t\x9c\x85",
    "bidi": "\u202e\u2066x\u2069\u206a",
    "cr": "fake\rrow",
    "key\x1b[2J": "v",
}


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json"])
def test_exports_hold_no_terminal_control_and_are_private(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"out.{fmt}"
    assert export_rows([TERMINAL_HOSTILE, {"id": "plain é 漢字"}], target, fmt) == 2
    raw = target.read_bytes()
    text = raw.decode("utf-8")
    found = RAW_CONTROL.findall(text.replace("\r\n", "\n"))
    assert found == [], f"raw control characters in the {fmt} export: {found!r}"
    assert target.stat().st_mode & 0o777 == 0o600
    assert "plain é 漢字" in text  # readable text stays readable
    if fmt == "csv":
        with target.open(newline="", encoding="utf-8") as handle:
            header, first, _ = list(csv.reader(handle))
        assert header[-1] == "key\\e[2J"
        assert first[0] == "ev\\e]0;owned\\x07\\e]52;c;ZXZpbA==\\x07"  # visible, not acted on
        assert first[1] == "a\\x00b" and first[4] == "fake\\rrow"
    else:
        lines = text.splitlines() if fmt == "jsonl" else None
        loaded = [json.loads(line) for line in lines] if lines else json.loads(text)
        assert loaded[0] == TERMINAL_HOSTILE  # JSON's escapes: the values are exact
