"""The AWS CLI's ``--cli-input-json`` shapes: skeletons, request files, JSON Lines, form <-> raw JSON.

Operators already keep batches as CLI input files; eventdeck reads and writes exactly those shapes
(from the botocore model) so a batch moves between the AWS CLI and the form losing nothing. Files
are checked for size before they are read, and JSON Lines files are streamed, never read whole.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from botocore.utils import ArgumentGenerator

from tui.errors import InputError
from tui.services import model
from tui.services.jsonable import jsonable
from tui.services.validation import lone_surrogate_message
from tui.words import plural

PARTNER = "partner-events"
PERSONALIZE = "personalize-events"
_ALIASES = {
    PARTNER: PARTNER, "put-partner-events": PARTNER, "PutPartnerEvents": PARTNER,
    "events": PARTNER, PERSONALIZE: PERSONALIZE, "put-events": PERSONALIZE,
    "PutEvents": PERSONALIZE,
}  # fmt: skip
MAX_REQUEST_FILE_BYTES = 8 * 1024 * 1024  # 20 entries x 256 KB fit; anything bigger is bulk
MAX_JSONL_LINE_BYTES = 1024 * 1024  # one entry is at most 256 KB; leave room for whitespace
_LIST_KEY = {PARTNER: "Entries", PERSONALIZE: "eventList"}
# Per-line keys a Personalize JSON Lines file may carry beside the event (grouped by bulk send).
PERSONALIZE_LINE_HEADER = ("trackingId", "sessionId", "userId")


def operation_kind(operation: str) -> str:
    """``"partner-events"`` or ``"personalize-events"`` for any of the names people use."""
    try:
        return _ALIASES[operation]
    except KeyError:
        raise ValueError(f"unknown operation {operation!r}") from None


def _request_shape(kind: str) -> Any:
    if kind == PARTNER:
        return model.partner_request_shape()
    return model.personalize_request_shape()


def skeleton(operation: str) -> dict[str, Any]:
    """The input skeleton, as ``aws <service> <op> --generate-cli-skeleton input`` prints it."""
    shape = _request_shape(operation_kind(operation))
    result = jsonable(ArgumentGenerator().generate_skeleton(shape))
    assert isinstance(result, dict)
    return result


def _resolve(path: str | Path) -> Path:
    text = str(path)
    return Path(text[len("file://") :] if text.startswith("file://") else text).expanduser()


def _read_small(path: str | Path, limit: int) -> tuple[Path, str]:
    """Read a whole file only after checking that it is a regular file under ``limit`` bytes."""
    resolved = _resolve(path)
    try:
        size = resolved.stat().st_size
    except OSError as exc:
        raise InputError(
            f"cannot read {resolved}: {exc.strerror}", location=str(resolved)
        ) from None
    if not resolved.is_file():
        raise InputError(f"{resolved} is not a file", location=str(resolved))
    if size > limit:
        raise InputError(
            f"{resolved} is {size:,} bytes; a request file may be at most {limit:,}",
            location=str(resolved),
            hint="Put one entry/event per line in a .jsonl file and use bulk import instead.",
        )
    try:
        return resolved, resolved.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{resolved} is not UTF-8 text (byte {exc.start})", location=str(resolved)
        ) from None
    except OSError as exc:
        raise InputError(
            f"cannot read {resolved}: {exc.strerror}", location=str(resolved)
        ) from None


def _parse(text: str, where: Path, line_offset: int = 0) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        line = exc.lineno + line_offset
        raise InputError(
            f"{where} line {line} column {exc.colno} is not valid JSON: {exc.msg}",
            location=f"{where}:{line}:{exc.colno}",
        ) from None


def check_request_shape(request: Any, kind: str, where: str) -> dict[str, Any]:
    """Refuse a document that is not the ``--cli-input-json`` shape of ``kind``."""
    shape = _request_shape(kind)
    list_key = _LIST_KEY[kind]
    example = ", ".join(shape.members)
    if not isinstance(request, dict):
        raise InputError(
            f"{where} must hold a JSON object with {example}",
            location=where,
            hint=f"Generate one with `aws ... --generate-cli-skeleton input` (fields: {example}).",
        )
    unknown = [k for k in request if k not in shape.members]
    if unknown:
        raise InputError(
            f"{where} has unknown {plural('field', len(unknown))} {', '.join(map(repr, unknown))}; expected {example}",
            location=where,
        )
    items = request.get(list_key)
    if not isinstance(items, list):
        raise InputError(f"{where} needs {list_key!r} as a list", location=where)
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputError(
                f"{where}: {list_key}[{i}] must be a JSON object",
                location=f"{where}:{list_key}[{i}]",
            )
    for key, value in request.items():
        # "\ud800" parses, then cannot be encoded for the journal, a draft or the wire.
        problem = lone_surrogate_message(value, key)
        if problem:
            raise InputError(f"{where} is {problem}", location=where)
    return request


def load_request_file(
    path: str | Path, operation: str, *, max_bytes: int = MAX_REQUEST_FILE_BYTES
) -> dict[str, Any]:
    """Load a ``--cli-input-json`` file (``file://`` accepted) of ``operation``, shape-checked.

    A bare JSON list is taken as the entries/eventList (what ``--entries file://`` holds).
    """
    kind = operation_kind(operation)
    resolved, text = _read_small(path, max_bytes)
    document = _parse(text, resolved)
    if isinstance(document, list):
        document = {_LIST_KEY[kind]: document}
    return check_request_shape(document, kind, str(resolved))


def iter_jsonl(
    path: str | Path, operation: str, *, max_line_bytes: int = MAX_JSONL_LINE_BYTES
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Stream (line number, entry/event) from a JSON Lines file, one object a line, blank lines skipped.

    The file is read line by line (any length); a line that is not a JSON object, or longer than
    ``max_line_bytes``, raises InputError naming the file and line.
    """
    for number, value in iter_jsonl_checked(path, operation, max_line_bytes=max_line_bytes):
        if isinstance(value, InputError):
            raise value
        yield number, value


def iter_jsonl_checked(
    path: str | Path,
    operation: str,
    *,
    max_line_bytes: int = MAX_JSONL_LINE_BYTES,
    bytes_read: list[int] | None = None,
) -> Iterator[tuple[int, dict[str, Any] | InputError]]:
    """Like iter_jsonl, but a bad line yields its InputError instead of ending the stream.

    Why: a bulk import checks the whole file first and reports every bad line, then sends the
    good ones; one malformed line in the middle must not hide the lines after it.
    ``bytes_read[0]``, when given, follows how far the file has been read (for a progress bar).
    """
    kind = operation_kind(operation)
    resolved = _resolve(path)
    allowed = set(_member_names(kind)) | (
        set(PERSONALIZE_LINE_HEADER) if kind == PERSONALIZE else set()
    )
    try:
        handle = resolved.open("rb")
    except OSError as exc:
        raise InputError(
            f"cannot read {resolved}: {exc.strerror}", location=str(resolved)
        ) from None
    with handle:
        number = 0
        while True:
            raw = handle.readline(max_line_bytes + 1)
            if not raw:
                return
            if bytes_read is not None:
                bytes_read[0] += len(raw)
            number += 1
            where = f"{resolved}:{number}"
            if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # skip the rest of the long line
                    raw = handle.readline(max_line_bytes + 1)
                    if bytes_read is not None:
                        bytes_read[0] += len(raw)
                yield (
                    number,
                    InputError(
                        f"{resolved} line {number} is longer than {max_line_bytes:,} bytes",
                        location=where,
                        hint="One entry or event per line; an entry can be at most 256 KB.",
                    ),
                )
                continue
            try:
                text = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                yield number, InputError(f"{resolved} line {number} is not UTF-8", location=where)
                continue
            if not text:
                continue
            try:
                value = _parse(text, resolved, number - 1)
            except InputError as err:
                yield number, err
                continue
            if not isinstance(value, dict):
                yield (
                    number,
                    InputError(f"{resolved} line {number} must be a JSON object", location=where),
                )
                continue
            unknown = [k for k in value if k not in allowed]
            if unknown:
                yield (
                    number,
                    InputError(
                        f"{resolved} line {number} has unknown {plural('field', len(unknown))} {', '.join(map(repr, unknown))}",
                        location=where,
                    ),
                )
                continue
            yield number, value


def _member_names(kind: str) -> list[str]:
    shape = model.partner_entry_shape() if kind == PARTNER else model.personalize_event_shape()
    return list(shape.members)


# --- form <-> raw JSON ------------------------------------------------------------------------
_LINE_LISTS = {"Resources", "impression"}


def item_to_form(item: dict[str, Any]) -> dict[str, Any]:
    """An entry/event of the raw JSON as the strings a form holds (unknown keys kept as they are)."""
    form: dict[str, Any] = {}
    for key, value in item.items():
        if (
            key in _LINE_LISTS
            and isinstance(value, list)
            and all(isinstance(v, str) for v in value)
        ):
            form[key] = "\n".join(value)
        elif key in ("Detail", "properties") and isinstance(value, dict):
            form[key] = json.dumps(value, indent=2, ensure_ascii=False)
        elif (
            key == "metricAttribution"
            and isinstance(value, dict)
            and set(value) == {"eventAttributionSource"}
        ):
            form[key] = str(value["eventAttributionSource"])
        elif isinstance(value, bool) or value is None:
            form[key] = value
        elif isinstance(value, (int, float)):
            form[key] = json.dumps(value)  # repr-exact, and back to the same JSON number
        else:
            form[key] = value
    return form


def form_to_item(form: dict[str, Any]) -> dict[str, Any]:
    """The raw JSON of an entry/event form; empty fields are left out, everything else kept."""
    item: dict[str, Any] = {}
    for key, value in form.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if key in _LINE_LISTS and isinstance(value, str):
            item[key] = [line.strip() for line in value.splitlines() if line.strip()]
        elif key == "metricAttribution" and isinstance(value, str):
            item[key] = {"eventAttributionSource": value}
        elif key in ("Time", "sentAt", "eventValue") and isinstance(value, str):
            item[key] = _number_or_text(value)
        else:
            item[key] = value
    return item


def _number_or_text(text: str) -> Any:
    """A JSON number when ``text`` is exactly one (epoch seconds, eventValue), else the text."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return value
    return text


def request_to_forms(
    request: dict[str, Any], operation: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Split a raw request into (header fields, item forms): the form view of a whole batch."""
    kind = operation_kind(operation)
    list_key = _LIST_KEY[kind]
    header = {k: v for k, v in request.items() if k != list_key}
    return header, [item_to_form(i) for i in request.get(list_key) or []]


def forms_to_request(
    header: dict[str, Any], forms: list[dict[str, Any]], operation: str
) -> dict[str, Any]:
    """The raw ``--cli-input-json`` request of a batch in the form view (inverse of request_to_forms)."""
    kind = operation_kind(operation)
    request = {k: v for k, v in header.items() if v is not None and v != ""}
    request[_LIST_KEY[kind]] = [form_to_item(f) for f in forms]
    return request
