"""The field checks every operation shares: the botocore shape walk, JSON objects, times, Unicode.

Why apart from the per-operation rules: PutPartnerEvents and PutEvents (and the bulk import, the
raw JSON editor and ``file://`` input) refuse the same things the same way; one walk of the model
(required members, lengths, patterns, enums, types) and one strict JSON reader serve them all.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.model import ListShape, Shape, StructureShape

from tui.errors import InputError
from tui.services import model
from tui.services.timeinput import parse_time

EARLIEST_TIME = datetime(1970, 1, 1, tzinfo=UTC)
MAX_TIME_AHEAD = timedelta(
    days=1
)  # clock skew, or an event stamped for tomorrow; not a typo'd year
SOURCE_EXAMPLE = "aws.partner/example.com/orders"
JSON_EXAMPLE = 'e.g. {"key": "value"}'


@dataclass(frozen=True)
class FieldError:
    """One problem at one field of one entry (``entry`` None: the batch or request itself)."""

    entry: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.field if self.entry is None else f"entry {self.entry + 1}, {self.field}"
        return f"{where}: {self.message}"


class ValidationFailed(InputError):
    """Raised instead of sending: ``errors`` lists every FieldError; nothing was sent."""

    def __init__(self, errors: list[FieldError]) -> None:
        first = str(errors[0]) if errors else "invalid input"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"Not sent: {first}{more}", location=errors[0].field if errors else None)
        self.errors = list(errors)


_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_NO_CONTROL_FIELDS = ("DetailType",)


def lone_surrogate_message(value: Any, where: str) -> str | None:
    """The message for the first lone surrogate in ``value`` (text or JSON data), or None.

    Why: ``json.loads`` turns the escape ``"\\ud800"`` into a string that UTF-8 cannot encode;
    written to the journal, a draft or the wire it raises UnicodeEncodeError, so it is refused
    where it was typed. ``where`` names the field; JSON keys and list indexes are added to it.
    """
    if isinstance(value, str):
        found = _SURROGATE.search(value)
        if found is None:
            return None
        code = f"\\u{ord(found.group()):04x}"
        return (
            f"not valid Unicode: lone surrogate at {where}, character {found.start() + 1} "
            f"({code}): a surrogate escape must be one of a pair"
        )
    if isinstance(value, dict):
        for key, item in value.items():
            problem = lone_surrogate_message(key, f"{where} (a key)") or lone_surrogate_message(
                item, f"{where}.{key}" if isinstance(key, str) else where
            )
            if problem:
                return problem
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            problem = lone_surrogate_message(item, f"{where}[{i}]")
            if problem:
                return problem
    return None


def check_valid_unicode(value: Any, where: str) -> None:
    """Raise InputError (location ``where``) if ``value`` holds a lone surrogate anywhere.

    For whole documents before they go further: a bulk-import line, a ``file://`` batch, the raw
    JSON editor. Forms need not call it: their validation refuses the same at each field.
    """
    problem = lone_surrogate_message(value, where)
    if problem:
        raise InputError(problem, location=where)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON (AWS accepts no NaN or Infinity: use null or text)")


def loads_strict(text: str) -> Any:
    """``json.loads`` as AWS parses JSON: NaN, Infinity and -Infinity refused (ValueError)."""
    return json.loads(text, parse_constant=_refuse_constant)


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def lines(value: object) -> object:
    """A list as given, or one item per non-empty line of a string (Resources, impression)."""
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return value


def json_object(text: str, field: str) -> tuple[dict[str, Any] | None, str | None]:
    """Parse ``text`` as a JSON object: (object, None) or (None, message saying what to do)."""
    try:
        value = loads_strict(text)
    except json.JSONDecodeError as exc:
        return None, (
            f"{field} must be a JSON object, {JSON_EXAMPLE}: "
            f"line {exc.lineno} column {exc.colno}: {exc.msg}"
        )
    except ValueError as exc:
        return None, f"{field}: {exc}"
    problem = lone_surrogate_message(value, field)
    if problem:
        return None, problem
    if not isinstance(value, dict):
        kind = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(
            type(value), "a number"
        )
        return None, f"{field} must be a JSON object, {JSON_EXAMPLE}, not {kind}"
    return value, None


def check_shape(value: Any, shape: Shape, path: str, errs: list[tuple[str, str]]) -> None:
    """Check an API-typed ``value`` against ``shape``, appending (field path, message) pairs."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        if not isinstance(value, dict):
            errs.append((path, f"{path} must be an object"))
            return
        for name in shape.required_members:
            if blank(value.get(name)):
                errs.append((join_path(path, name), f"{name} is required"))
        for name, member_value in value.items():
            sub = join_path(path, name)
            if name not in shape.members:
                known = ", ".join(shape.members)
                errs.append((sub, f"unknown field {name!r}; the fields are {known}"))
            elif member_value is not None and not (
                name in shape.required_members and blank(member_value)
            ):
                check_shape(member_value, shape.members[name], sub, errs)
    elif kind == "list":
        assert isinstance(shape, ListShape)
        if not isinstance(value, list):
            errs.append((path, f"{leaf(path)} must be a list"))
            return
        check_size(len(value), shape, path, "items", errs)
        for i, item in enumerate(value):
            check_shape(item, shape.member, f"{path}[{i}]", errs)
    elif kind == "string":
        if not isinstance(value, str):
            errs.append((path, f"{leaf(path)} must be text"))
            return
        problem = lone_surrogate_message(value, path)
        if problem:
            errs.append((path, problem))
            return
        control = _CONTROL.search(value) if leaf(path) in _NO_CONTROL_FIELDS else None
        if control:
            errs.append(
                (
                    path,
                    f"{leaf(path)} must not hold control characters: U+{ord(control.group()):04X} "
                    f"at character {control.start() + 1} (a line break, tab or escape?)",
                )
            )
        check_size(len(value), shape, path, "characters", errs)
        if shape.enum and value not in shape.enum:
            errs.append((path, f"{leaf(path)} must be one of {', '.join(shape.enum)}"))
        pattern = shape.metadata.get("pattern")
        if pattern and value and not re.fullmatch(pattern, value):
            errs.append((path, pattern_message(path, value, pattern)))
    elif kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errs.append((path, f"{leaf(path)} must be a number"))
        elif not math.isfinite(value):
            errs.append((path, f"{leaf(path)} must be a finite number, not {value!r}"))
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            errs.append((path, f"{leaf(path)} must be a whole number"))
    elif kind == "timestamp" and not isinstance(value, datetime):
        errs.append((path, f"{leaf(path)} must be a time"))


def check_size(n: int, shape: Shape, path: str, unit: str, errs: list[tuple[str, str]]) -> None:
    low, high = model.limit(shape, "min"), model.limit(shape, "max")
    name = leaf(path)
    if low is not None and n < low:
        errs.append((path, f"{name} is required" if n == 0 else f"{name} needs {low}+ {unit}"))
    if high is not None and n > high:
        errs.append((path, f"{name} has {n} {unit}; at most {high} allowed"))


def pattern_message(path: str, value: str, pattern: str) -> str:
    if leaf(path) == "Source":
        return (
            f"Source {value!r} must look like aws.partner/<partner domain>/<event source name>, "
            f"e.g. {SOURCE_EXAMPLE}"
        )
    return f"{leaf(path)} {value!r} does not match the required pattern {pattern}"


def join_path(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def leaf(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def check_time(
    form: dict[str, Any], key: str, out: dict[str, Any], errs: list[tuple[str, str]]
) -> None:
    value = form.get(key)
    if value is None or blank(value):
        return
    try:
        when = parse_time(value, field=key)
    except InputError as exc:
        errs.append((key, exc.message))
        return
    latest = datetime.now(UTC) + MAX_TIME_AHEAD
    if not EARLIEST_TIME <= when <= latest:
        side = "before 1970" if when < EARLIEST_TIME else "more than a day ahead"
        errs.append(
            (
                key,
                f"{key} {iso(when)} is {side}; accepted: from 1970-01-01T00:00:00Z "
                f"to a day from now ({iso(latest)})",
            )
        )
        return
    out[key] = when


def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def field_errors(pairs: list[tuple[str, str]], index: int | None) -> list[FieldError]:
    return [FieldError(index, path or "entry", message) for path, message in pairs]
