"""Validation of PutPartnerEvents entries and PutEvents events, driven by the botocore model.

The model carries required members, lengths, list sizes, patterns, enums and types; the rules it
does not carry (Detail is a JSON object without NaN/Infinity, properties a JSON object, eventValue
a finite number as JSON writes it, times between 1970 and a day from now, DetailType without
control characters, text that is valid Unicode, the 256 KB entry size) are added here, so the form can refuse to send anything
AWS would reject and say, at the field, what to do instead.

Form values may be the API's types or the strings a form holds: Detail as str or dict, properties
as dict or str, eventValue as str or float, Time/sentAt as datetime, epoch or text ("-5m", "now").

This module holds the per-operation rules and is the public face; the checks every operation
shares are in ``validation_fields``, the size and count limits in ``validation_limits``.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from tui.services import model
from tui.services.validation_fields import (
    JSON_EXAMPLE,
    SOURCE_EXAMPLE,
    FieldError,
    ValidationFailed,
    blank,
    check_shape,
    check_time,
    check_valid_unicode,
    field_errors,
    json_object,
    lines,
    loads_strict,
    lone_surrogate_message,
)
from tui.services.validation_limits import (
    MAX_PARTNER_ENTRY_BYTES,
    TIME_ENTRY_BYTES,
    count_errors,
    partner_entry_size,
)

# The shared checks and limits live beside this module; these names are its public face.
__all__ = [
    "MAX_PARTNER_ENTRY_BYTES",
    "TIME_ENTRY_BYTES",
    "FieldError",
    "ValidationFailed",
    "check_valid_unicode",
    "loads_strict",
    "lone_surrogate_message",
    "partner_entry_size",
    "partner_request_size_errors",
    "to_partner_request",
    "to_partner_request_entry",
    "to_personalize_event",
    "to_personalize_request",
    "validate_partner_batch",
    "validate_partner_entry",
    "validate_personalize_event",
    "validate_personalize_request",
]

# A number exactly as JSON writes it; float() also takes "1_000", "nan", "inf", "+5", ".5" and
# "5.", which AWS's JSON parser refuses.
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
# Names the model's documentation of Event.properties forbids, compared case-insensitively.
_RESERVED_PROPERTIES = frozenset(
    ("userid", "sessionid", "eventtype", "timestamp", "recommendationid", "impression")
)


def _coerce_partner(form: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Turn a form (strings or API types) into API parameters, collecting what cannot be."""
    out: dict[str, Any] = {}
    errs: list[tuple[str, str]] = []
    if not isinstance(form, dict):
        return out, [("", "an entry must be a JSON object with Source, DetailType and Detail")]
    for key, value in form.items():
        if key == "Time":
            check_time(form, key, out, errs)
        elif key == "Resources":
            resources = lines(value)
            if resources not in (None, []):
                out[key] = resources
        elif key == "Detail" and isinstance(value, dict):
            try:
                out[key] = json.dumps(value, ensure_ascii=False, allow_nan=False)
            except (TypeError, ValueError) as exc:
                errs.append((key, f"Detail must be JSON (no NaN or Infinity): {exc}"))
        elif not blank(value):
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
        _, problem = json_object(detail, "Detail")
        if problem:
            errs.append(("Detail", problem))
    check_shape(out, model.partner_entry_shape(), "", errs)
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


def _coerce_personalize(form: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Turn an event form (strings or API types) into PutEvents Event parameters."""
    out: dict[str, Any] = {}
    errs: list[tuple[str, str]] = []
    if not isinstance(form, dict):
        return out, [("", "an event must be a JSON object with eventType and sentAt")]
    for key, value in form.items():
        if key == "sentAt":
            check_time(form, key, out, errs)
        elif blank(value) or value in ({}, []):
            continue
        elif key == "eventValue":
            _event_value(value, out, errs)
        elif key == "impression":
            out[key] = lines(value)
        elif key == "properties":
            _properties(value, out, errs)
        elif key == "metricAttribution" and isinstance(value, str):
            out[key] = {"eventAttributionSource": value}
        else:
            out[key] = value
    if blank(form.get("sentAt")):
        errs.append(("sentAt", 'sentAt is required: when the event happened, e.g. "now" or "-5m"'))
    check_shape(out, model.personalize_event_shape(), "", errs)
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
        parsed, problem = json_object(value, "properties")
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


def validate_partner_entry(entry: dict[str, Any], index: int) -> list[FieldError]:
    """Every problem with one PutPartnerEvents entry (form or API shape), at its field."""
    return field_errors(_coerce_partner(entry)[1], index)


def validate_partner_batch(entries: list[dict[str, Any]]) -> list[FieldError]:
    """Problems with a whole PutPartnerEvents batch: 1–20 entries, then each entry's own."""
    if not isinstance(entries, list):
        return [FieldError(None, "Entries", "Entries must be a list of entries")]
    errors = count_errors(len(entries), model.partner_entries_shape(), "Entries", "entry")
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
    return field_errors(_coerce_personalize(event)[1], index)


def _personalize_header(request: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    header = {k: v for k, v in request.items() if k != "eventList" and not blank(v)}
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
            check_shape(value, shape.members[name], name, errs)
    return header, errs


def validate_personalize_request(request: dict[str, Any]) -> list[FieldError]:
    """Problems with a PutEvents request {trackingId, userId, sessionId, eventList}."""
    if not isinstance(request, dict):
        return [FieldError(None, "request", "the request must be a JSON object")]
    errors = field_errors(_personalize_header(request)[1], None)
    events = request.get("eventList")
    if not isinstance(events, list):
        return [*errors, FieldError(None, "eventList", "eventList must be a list of events")]
    errors += count_errors(len(events), model.personalize_event_list_shape(), "eventList", "event")
    for i, event in enumerate(events):
        errors.extend(validate_personalize_event(event, i))
    return errors


def to_partner_request_entry(form: dict[str, Any]) -> dict[str, Any]:
    """The exact PutPartnerEvents entry for a form; raises ValidationFailed if it is invalid."""
    out, errs = _coerce_partner(form)
    if errs:
        raise ValidationFailed(field_errors(errs, None))
    return out


def to_personalize_event(form: dict[str, Any]) -> dict[str, Any]:
    """The exact PutEvents Event for a form (properties as a JSON string); ValidationFailed if not."""
    out, errs = _coerce_personalize(form)
    if errs:
        raise ValidationFailed(field_errors(errs, None))
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
