"""Validation of PutPartnerEvents entries and PutEvents events, driven by the botocore model.

The model carries required members, lengths, list sizes, patterns, enums and types; the rules it
does not carry (Detail is a JSON object without NaN/Infinity, properties a JSON object, eventValue
a finite number as JSON writes it, times between 1970 and a day from now, DetailType without
control characters, text that is valid Unicode, the 256 KB entry size) are added here, so the form can refuse to send anything
AWS would reject and say, at the field, what to do instead.

Form values may be the API's types or the strings a form holds: Detail as str or dict, properties
as dict or str, eventValue as str or float, Time/sentAt as datetime, epoch or text ("-5m", "now").
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
from tui.words import count

MAX_PARTNER_ENTRY_BYTES = 256 * 1024
TIME_ENTRY_BYTES = 14  # what AWS counts for a Time member, whatever its value
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
# A number exactly as JSON writes it; float() also takes "1_000", "nan", "inf", "+5", ".5" and
# "5.", which AWS's JSON parser refuses.
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_NO_CONTROL_FIELDS = ("DetailType",)
# Names the model's documentation of Event.properties forbids, compared case-insensitively.
_RESERVED_PROPERTIES = frozenset(
    ("userid", "sessionid", "eventtype", "timestamp", "recommendationid", "impression")
)


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


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _lines(value: object) -> object:
    """A list as given, or one item per non-empty line of a string (Resources, impression)."""
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return value


def _json_object(text: str, field: str) -> tuple[dict[str, Any] | None, str | None]:
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


def _check_shape(value: Any, shape: Shape, path: str, errs: list[tuple[str, str]]) -> None:
    """Check an API-typed ``value`` against ``shape``, appending (field path, message) pairs."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        if not isinstance(value, dict):
            errs.append((path, f"{path} must be an object"))
            return
        for name in shape.required_members:
            if _blank(value.get(name)):
                errs.append((_join(path, name), f"{name} is required"))
        for name, member_value in value.items():
            sub = _join(path, name)
            if name not in shape.members:
                known = ", ".join(shape.members)
                errs.append((sub, f"unknown field {name!r}; the fields are {known}"))
            elif member_value is not None and not (
                name in shape.required_members and _blank(member_value)
            ):
                _check_shape(member_value, shape.members[name], sub, errs)
    elif kind == "list":
        assert isinstance(shape, ListShape)
        if not isinstance(value, list):
            errs.append((path, f"{_leaf(path)} must be a list"))
            return
        _check_size(len(value), shape, path, "items", errs)
        for i, item in enumerate(value):
            _check_shape(item, shape.member, f"{path}[{i}]", errs)
    elif kind == "string":
        if not isinstance(value, str):
            errs.append((path, f"{_leaf(path)} must be text"))
            return
        problem = lone_surrogate_message(value, path)
        if problem:
            errs.append((path, problem))
            return
        control = _CONTROL.search(value) if _leaf(path) in _NO_CONTROL_FIELDS else None
        if control:
            errs.append(
                (
                    path,
                    f"{_leaf(path)} must not hold control characters: U+{ord(control.group()):04X} "
                    f"at character {control.start() + 1} (a line break, tab or escape?)",
                )
            )
        _check_size(len(value), shape, path, "characters", errs)
        if shape.enum and value not in shape.enum:
            errs.append((path, f"{_leaf(path)} must be one of {', '.join(shape.enum)}"))
        pattern = shape.metadata.get("pattern")
        if pattern and value and not re.fullmatch(pattern, value):
            errs.append((path, _pattern_message(path, value, pattern)))
    elif kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errs.append((path, f"{_leaf(path)} must be a number"))
        elif not math.isfinite(value):
            errs.append((path, f"{_leaf(path)} must be a finite number, not {value!r}"))
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            errs.append((path, f"{_leaf(path)} must be a whole number"))
    elif kind == "timestamp" and not isinstance(value, datetime):
        errs.append((path, f"{_leaf(path)} must be a time"))


def _check_size(n: int, shape: Shape, path: str, unit: str, errs: list[tuple[str, str]]) -> None:
    low, high = model.limit(shape, "min"), model.limit(shape, "max")
    name = _leaf(path)
    if low is not None and n < low:
        errs.append((path, f"{name} is required" if n == 0 else f"{name} needs {low}+ {unit}"))
    if high is not None and n > high:
        errs.append((path, f"{name} has {n} {unit}; at most {high} allowed"))


def _pattern_message(path: str, value: str, pattern: str) -> str:
    if _leaf(path) == "Source":
        return (
            f"Source {value!r} must look like aws.partner/<partner domain>/<event source name>, "
            f"e.g. {SOURCE_EXAMPLE}"
        )
    return f"{_leaf(path)} {value!r} does not match the required pattern {pattern}"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _leaf(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _time(form: dict[str, Any], key: str, out: dict[str, Any], errs: list[tuple[str, str]]) -> None:
    value = form.get(key)
    if value is None or _blank(value):
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
                f"{key} {_iso(when)} is {side}; accepted: from 1970-01-01T00:00:00Z "
                f"to a day from now ({_iso(latest)})",
            )
        )
        return
    out[key] = when


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _coerce_partner(form: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Turn a form (strings or API types) into API parameters, collecting what cannot be."""
    out: dict[str, Any] = {}
    errs: list[tuple[str, str]] = []
    if not isinstance(form, dict):
        return out, [("", "an entry must be a JSON object with Source, DetailType and Detail")]
    for key, value in form.items():
        if key == "Time":
            _time(form, key, out, errs)
        elif key == "Resources":
            resources = _lines(value)
            if resources not in (None, []):
                out[key] = resources
        elif key == "Detail" and isinstance(value, dict):
            try:
                out[key] = json.dumps(value, ensure_ascii=False, allow_nan=False)
            except (TypeError, ValueError) as exc:
                errs.append((key, f"Detail must be JSON (no NaN or Infinity): {exc}"))
        elif not _blank(value):
            out[key] = value
    for key in ("Source", "DetailType", "Detail"):
        if key not in out:
            hint = {
                "Source": f", e.g. {SOURCE_EXAMPLE}",
                "Detail": f": a JSON object, {JSON_EXAMPLE}",
            }
            errs.append((key, f"{key} is required{hint.get(key, '')}"))
    detail = out.get("Detail")
    if isinstance(detail, str):
        _, problem = _json_object(detail, "Detail")
        if problem:
            errs.append(("Detail", problem))
    _check_shape(out, model.partner_entry_shape(), "", errs)
    if not errs:
        size = partner_entry_size(out)
        if size > MAX_PARTNER_ENTRY_BYTES:
            errs.append(
                (
                    "Detail",
                    f"the entry is {size:,} bytes; at most 262,144 (256 KB) allowed: "
                    "shrink Detail or split the event",
                )
            )
    return out, errs


def partner_entry_size(entry: dict[str, Any]) -> int:
    """The entry size as AWS computes it: 14 bytes for Time plus the UTF-8 sizes of the rest."""
    size = TIME_ENTRY_BYTES if entry.get("Time") is not None else 0
    for key in ("Source", "DetailType", "Detail"):
        value = entry.get(key)
        if isinstance(value, str):
            size += len(value.encode("utf-8"))
    for resource in entry.get("Resources") or []:
        if isinstance(resource, str):
            size += len(resource.encode("utf-8"))
    return size


def _coerce_personalize(form: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Turn an event form (strings or API types) into PutEvents Event parameters."""
    out: dict[str, Any] = {}
    errs: list[tuple[str, str]] = []
    if not isinstance(form, dict):
        return out, [("", "an event must be a JSON object with eventType and sentAt")]
    for key, value in form.items():
        if key == "sentAt":
            _time(form, key, out, errs)
        elif _blank(value) or value in ({}, []):
            continue
        elif key == "eventValue":
            _event_value(value, out, errs)
        elif key == "impression":
            out[key] = _lines(value)
        elif key == "properties":
            _properties(value, out, errs)
        elif key == "metricAttribution" and isinstance(value, str):
            out[key] = {"eventAttributionSource": value}
        else:
            out[key] = value
    if _blank(form.get("sentAt")):
        errs.append(("sentAt", 'sentAt is required: when the event happened, e.g. "now" or "-5m"'))
    _check_shape(out, model.personalize_event_shape(), "", errs)
    return out, [e for e in errs if not (e[0] == "sentAt" and e[1] == "sentAt is required")]


def _event_value(value: Any, out: dict[str, Any], errs: list[tuple[str, str]]) -> None:
    if isinstance(value, bool):
        errs.append(("eventValue", "eventValue must be a number, e.g. 4.5, not true/false"))
        return
    if isinstance(value, str):
        text = value.strip()
        if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            errs.append(
                ("eventValue", f"eventValue must be a finite number, e.g. 4.5, not {value!r}")
            )
            return
        if not _JSON_NUMBER.fullmatch(text):
            errs.append(
                (
                    "eventValue",
                    f"eventValue must be a number as JSON writes it, e.g. 4.5, -2 or 1e3 "
                    f"(no _, no leading + or .), not {value!r}",
                )
            )
            return
    try:
        number = float(value)
    except (TypeError, ValueError):
        errs.append(("eventValue", f"eventValue must be a number, e.g. 4.5, not {value!r}"))
        return
    if not math.isfinite(number):
        errs.append(("eventValue", f"eventValue must be a finite number, e.g. 4.5, not {value!r}"))
        return
    out["eventValue"] = number


def _properties(value: Any, out: dict[str, Any], errs: list[tuple[str, str]]) -> None:
    """properties: a JSON object of string keys, sent as the JSON string the API wants."""
    if isinstance(value, str):
        parsed, problem = _json_object(value, "properties")
        if problem:
            errs.append(("properties", problem))
            return
        text = value.strip()
    elif isinstance(value, dict):
        parsed = value
        bad = [k for k in value if not isinstance(k, str)]
        if bad:
            errs.append(("properties", f"properties keys must be text; {bad[0]!r} is not"))
            return
        problem = lone_surrogate_message(value, "properties")
        if problem:
            errs.append(("properties", problem))
            return
        try:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as exc:
            errs.append(("properties", f"properties must be JSON-serialisable: {exc}"))
            return
    else:
        errs.append(("properties", f"properties must be a JSON object, {JSON_EXAMPLE}"))
        return
    if not parsed:
        return  # {} means "no properties": the API refuses an empty string, so omit it
    reserved = [k for k in parsed if isinstance(k, str) and k.lower() in _RESERVED_PROPERTIES]
    if reserved:
        errs.append(
            (
                "properties",
                f"properties cannot use the name {reserved[0]!r}: PutEvents reserves userId, "
                "sessionId, eventType, timestamp, recommendationId and impression (any case)",
            )
        )
        return
    # The model's limit is on the string's length in characters (what botocore checks), not bytes.
    high = model.limit(model.personalize_event_shape().members["properties"], "max")
    if high is not None and len(text) > high:
        errs.append(
            (
                "properties",
                f"properties is {len(text):,} characters as JSON; at most {high:,} "
                "allowed: drop or shorten fields",
            )
        )
        return
    out["properties"] = text


def _field_errors(pairs: list[tuple[str, str]], index: int | None) -> list[FieldError]:
    return [FieldError(index, path or "entry", message) for path, message in pairs]


def validate_partner_entry(entry: dict[str, Any], index: int) -> list[FieldError]:
    """Every problem with one PutPartnerEvents entry (form or API shape), at its field."""
    return _field_errors(_coerce_partner(entry)[1], index)


def _count_errors(n: int, shape: Shape, field: str, noun: str) -> list[FieldError]:
    low, high = model.limit(shape, "min") or 0, model.limit(shape, "max")
    if n < low:
        return [FieldError(None, field, f"add at least {low} {noun} before sending")]
    if high is not None and n > high:
        return [
            FieldError(
                None,
                field,
                f"at most {count(high, noun)} per call; this batch has {n}: "
                "remove some, or use bulk import to send them in batches",
            )
        ]
    return []


def validate_partner_batch(entries: list[dict[str, Any]]) -> list[FieldError]:
    """Problems with a whole PutPartnerEvents batch: 1–20 entries, then each entry's own."""
    if not isinstance(entries, list):
        return [FieldError(None, "Entries", "Entries must be a list of entries")]
    errors = _count_errors(len(entries), model.partner_entries_shape(), "Entries", "entry")
    for i, entry in enumerate(entries):
        errors.extend(validate_partner_entry(entry, i))
    return errors or partner_request_size_errors(entries)


def partner_request_size_errors(entries: list[dict[str, Any]]) -> list[FieldError]:
    """The whole-request size rule of PutPartnerEvents: the entries together at most 256 KB.

    Why: EventBridge applies its 256 KB limit to the sum of the entry sizes (Time 14 bytes, then
    the UTF-8 bytes of Source, DetailType, Detail and each Resource) and rejects the whole request
    with a ValidationException; checking each entry alone let 20 entries of 200 KB through.
    Call it on entries that are each valid (their sizes are computed from the coerced entries).
    """
    sizes = [partner_entry_size(_coerce_partner(entry)[0]) for entry in entries]
    total = sum(sizes)
    if total <= MAX_PARTNER_ENTRY_BYTES:
        return []
    largest = max(range(len(sizes)), key=sizes.__getitem__)
    return [
        FieldError(
            None,
            "Entries",
            f"the {len(entries)} entries add up to {total:,} bytes; a PutPartnerEvents request "
            f"may carry at most {MAX_PARTNER_ENTRY_BYTES:,} (256 KB) in all (the largest is "
            f"entry {largest + 1}, {sizes[largest]:,} bytes): send fewer per batch or use bulk "
            "import, which splits by size",
        )
    ]


def validate_personalize_event(event: dict[str, Any], index: int) -> list[FieldError]:
    """Every problem with one PutEvents event (form or API shape), at its field."""
    return _field_errors(_coerce_personalize(event)[1], index)


def _personalize_header(request: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    header = {k: v for k, v in request.items() if k != "eventList" and not _blank(v)}
    errs: list[tuple[str, str]] = []
    shape = model.personalize_request_shape()
    for name in shape.required_members:
        if name != "eventList" and name not in header:
            errs.append((name, f"{name} is required"))
    for name, value in header.items():
        if name not in shape.members:
            errs.append(
                (name, f"unknown field {name!r}; the fields are {', '.join(shape.members)}")
            )
        else:
            _check_shape(value, shape.members[name], name, errs)
    return header, errs


def validate_personalize_request(request: dict[str, Any]) -> list[FieldError]:
    """Problems with a PutEvents request {trackingId, userId, sessionId, eventList}."""
    if not isinstance(request, dict):
        return [FieldError(None, "request", "the request must be a JSON object")]
    errors = _field_errors(_personalize_header(request)[1], None)
    events = request.get("eventList")
    if not isinstance(events, list):
        return [*errors, FieldError(None, "eventList", "eventList must be a list of events")]
    errors += _count_errors(len(events), model.personalize_event_list_shape(), "eventList", "event")
    for i, event in enumerate(events):
        errors.extend(validate_personalize_event(event, i))
    return errors


def to_partner_request_entry(form: dict[str, Any]) -> dict[str, Any]:
    """The exact PutPartnerEvents entry for a form; raises ValidationFailed if it is invalid."""
    out, errs = _coerce_partner(form)
    if errs:
        raise ValidationFailed(_field_errors(errs, None))
    return out


def to_personalize_event(form: dict[str, Any]) -> dict[str, Any]:
    """The exact PutEvents Event for a form (properties as a JSON string); ValidationFailed if not."""
    out, errs = _coerce_personalize(form)
    if errs:
        raise ValidationFailed(_field_errors(errs, None))
    return out


def to_partner_request(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """``{"Entries": [...]}`` for boto3; ValidationFailed (with every error) if any is invalid."""
    errors = validate_partner_batch(entries)
    if errors:
        raise ValidationFailed(errors)
    return {"Entries": [_coerce_partner(entry)[0] for entry in entries]}


def to_personalize_request(request: dict[str, Any]) -> dict[str, Any]:
    """PutEvents parameters for boto3; ValidationFailed (with every error) if anything is invalid."""
    errors = validate_personalize_request(request)
    if errors:
        raise ValidationFailed(errors)
    header = _personalize_header(request)[0]
    return {**header, "eventList": [_coerce_personalize(e)[0] for e in request["eventList"]]}
