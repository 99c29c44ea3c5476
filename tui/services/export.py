"""Stream table rows to a file as JSON Lines, CSV or JSON, atomically.

Rows are written one at a time (never one big string) to a temporary file beside the target,
which replaces the target only when complete, so a failed export never leaves half a file. The
file is private (0600): rows can hold personal data. Nothing from AWS reaches it as a terminal
control, so ``head`` of an export is safe: JSON escapes controls its own way
(``tui.textsafe.json_text``), CSV cells show them as visible escapes (``tui.textsafe.visible``;
a newline stays, inside CSV's quotes).
"""

from __future__ import annotations

import base64
import csv
import datetime as _dt
import decimal
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Literal

from tui.errors import InputError
from tui.fsutil import atomic_writer
from tui.textsafe import json_text, visible

Format = Literal["jsonl", "csv", "json"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "json")

# Spreadsheets run cells starting with these as formulas; such strings get a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def json_default(value: object) -> object:
    """JSON for what json can't encode: datetimes as ISO 8601, bytes as base64, the rest as str."""
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def _dumps(value: object) -> str:
    # Control, bidi and C1 characters from AWS become \\u escapes, safe to `cat`; other
    # non-ASCII text stays readable.
    return json_text(value, default=json_default)


def csv_cell(value: object) -> str:
    """One CSV cell: scalars as text, datetimes ISO 8601, nested values as JSON, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, decimal.Decimal)):
        return str(value)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, str):
        value = visible(value, keep_newlines=True)
        if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
            return "'" + value
        return value
    return _dumps(value)


def export_rows(
    rows: Iterable[Mapping[str, object]], path: str | os.PathLike[str], fmt: str
) -> int:
    """Write ``rows`` to ``path`` as ``fmt`` ('jsonl', 'csv' or 'json'); returns how many were written."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    target = Path(path).expanduser()
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"no such directory: {directory}", location=str(target))
    with atomic_writer(target, text=True, mode=0o600) as out:
        if fmt == "jsonl":
            count = _write_jsonl(rows, out)
        elif fmt == "json":
            count = _write_json(rows, out)
        else:
            count = _write_csv(rows, out, directory)
    return count


def _write_jsonl(rows: Iterable[Mapping[str, object]], out: IO[str]) -> int:
    count = 0
    for row in rows:
        out.write(_dumps(row))
        out.write("\n")
        count += 1
    return count


def _write_json(rows: Iterable[Mapping[str, object]], out: IO[str]) -> int:
    count = 0
    out.write("[")
    for row in rows:
        out.write(",\n  " if count else "\n  ")
        out.write(_dumps(row))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def _write_csv(rows: Iterable[Mapping[str, object]], out: IO[str], directory: Path) -> int:
    """Spool rows (as JSON lists) while learning the columns, then write header and padded rows."""
    columns: dict[str, int] = {}
    count = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8", dir=directory) as spool:
        for row in rows:
            for key in row:
                if key not in columns:
                    columns[key] = len(columns)
            cells = [""] * len(columns)
            for key, value in row.items():
                cells[columns[key]] = csv_cell(value)
            spool.write(json.dumps(cells))
            spool.write("\n")
            count += 1
        spool.seek(0)
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(csv_cell(str(key)) for key in columns)  # keys are from AWS too
        width = len(columns)
        for cells in _spooled(spool):
            writer.writerow(cells + [""] * (width - len(cells)))
    return count


def _spooled(spool: IO[str]) -> Iterator[list[str]]:
    for line in spool:
        yield json.loads(line)
