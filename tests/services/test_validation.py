"""Validation: every bad input gets a clear message at its field, and nothing is sent."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tui.errors import InputError
from tui.services.partner_events import put_partner_events
from tui.services.personalize_events import put_events
from tui.services.session import ClientFactory
from tui.services.validation import (
    FieldError,
    ValidationFailed,
    partner_entry_size,
    to_partner_request,
    to_partner_request_entry,
    to_personalize_event,
    validate_partner_batch,
    validate_partner_entry,
    validate_personalize_event,
    validate_personalize_request,
)

SOURCE = "aws.partner/example.com/orders"
GOOD_ENTRY: dict[str, Any] = {"Source": SOURCE, "DetailType": "Order Placed", "Detail": '{"id": 1}'}
GOOD_EVENT: dict[str, Any] = {"eventType": "click", "sentAt": "now", "itemId": "item-1"}


def entry(**changes: Any) -> dict[str, Any]:
    return {**GOOD_ENTRY, **changes}


def event(**changes: Any) -> dict[str, Any]:
    return {**GOOD_EVENT, **changes}


# (entry, field, words the message must contain)
BAD_ENTRIES = [
    (entry(Detail="{'id': 1}"), "Detail", ["JSON object", "line 1 column 2", '{"key": "value"}']),
    (entry(Detail='{"a": 1,\n  "b" 2}'), "Detail", ["line 2 column 7", "Expecting ':' delimiter"]),
    (entry(Detail="[1, 2]"), "Detail", ["must be a JSON object", "not a list"]),
    (entry(Detail='"text"'), "Detail", ["not a string"]),
    (entry(Detail=""), "Detail", ["Detail is required"]),
    (entry(Source=""), "Source", ["Source is required", "aws.partner/"]),
    (entry(Source="my.app"), "Source", ["aws.partner/<partner domain>/<event source name>"]),
    (entry(Source="aws.partner/only-one"), "Source", ["must look like"]),
    (entry(Source="aws.partner/x/" + "y" * 250), "Source", ["at most 256"]),
    (entry(DetailType=None), "DetailType", ["DetailType is required"]),
    (entry(Time="yesterday"), "Time", ["not a time", "-5m"]),
    (entry(Resources=["arn:" + "x" * 2100]), "Resources[0]", ["at most 2048"]),
    (entry(Resources="ok\n" + "x" * 2049), "Resources[1]", ["at most 2048"]),
    (entry(Detail=json.dumps({"x": "y" * 262_144})), "Detail", ["256 KB", "bytes"]),
    (entry(DetailType=7), "DetailType", ["must be text"]),
    (entry(EventBusName="default"), "EventBusName", ["unknown field"]),
    # json.loads takes NaN/Infinity unless told not to; AWS's JSON has neither.
    (entry(Detail='{"v": NaN}'), "Detail", ["NaN is not valid JSON"]),
    (entry(Detail='{"v": [1, -Infinity]}'), "Detail", ["-Infinity is not valid JSON"]),
    (entry(Detail={"v": float("nan")}), "Detail", ["no NaN"]),
    (
        entry(DetailType="Order\nPlaced"),
        "DetailType",
        ["control characters", "U+000A at character 6"],
    ),
    (entry(DetailType="Order\x1b]0;x\x07"), "DetailType", ["U+001B"]),
    (entry(DetailType="Order\x9b"), "DetailType", ["U+009B"]),
    (entry(Time="1969-12-31T23:59:59Z"), "Time", ["before 1970", "accepted: from 1970-01-01"]),
    (entry(Time="-5"), "Time", ["before 1970"]),
    (entry(Time="2999-01-01T00:00:00Z"), "Time", ["more than a day ahead", "a day from now"]),
    (entry(Time="+2d"), "Time", ["more than a day ahead"]),
    # A lone surrogate: typed as a JSON escape, or already in the text.
    (
        entry(Detail='{"a": "x\\ud800"}'),
        "Detail",
        ["not valid Unicode: lone surrogate at Detail.a"],
    ),
    (entry(Detail='{"\\udc00": 1}'), "Detail", ["lone surrogate at Detail (a key)"]),
    (entry(DetailType="bad\ud800"), "DetailType", ["lone surrogate at DetailType, character 4"]),
    (entry(Detail={"a": ["\udfff"]}), "Detail", ["lone surrogate"]),
    (entry(Resources=["arn:x", "arn:\ud800"]), "Resources[1]", ["lone surrogate"]),
]


@pytest.mark.parametrize(("bad", "field", "words"), BAD_ENTRIES)
def test_bad_partner_entries(bad: dict[str, Any], field: str, words: list[str]) -> None:
    errors = validate_partner_entry(bad, 3)
    matching = [e for e in errors if e.field == field]
    assert matching, errors
    assert all(e.entry == 3 for e in errors)
    for word in words:
        assert any(word in e.message for e in matching), (word, matching)


BAD_EVENTS = [
    (event(eventType=""), "eventType", ["eventType is required"]),
    (event(sentAt=""), "sentAt", ["sentAt is required", "-5m"]),
    (event(sentAt="last week"), "sentAt", ["not a time"]),
    (event(eventValue="abc"), "eventValue", ["must be a number"]),
    (event(eventValue="nan"), "eventValue", ["finite"]),
    (event(eventValue=float("inf")), "eventValue", ["finite"]),
    (event(eventValue=True), "eventValue", ["must be a number"]),
    (event(properties="not json"), "properties", ["JSON object", "line 1 column 1"]),
    (event(properties="[1]"), "properties", ["not a list"]),
    (event(properties={1: "a"}), "properties", ["keys must be text"]),
    (event(properties={"k": "v" * 1100}), "properties", ["at most 1,024", "characters"]),
    (event(properties=json.dumps({"k": "é" * 600})), "properties", ["3,609 characters"]),
    (event(impression=[f"i{n}" for n in range(26)]), "impression", ["26 items", "at most 25"]),
    (event(impression="a\n" + "b" * 257), "impression[1]", ["at most 256"]),
    (event(itemId="x" * 257), "itemId", ["at most 256"]),
    (event(recommendationId="r" * 41), "recommendationId", ["at most 40"]),
    (event(eventId="e" * 257), "eventId", ["at most 256"]),
    (event(metricAttribution="café"), "metricAttribution.eventAttributionSource", ["pattern"]),
    (
        event(metricAttribution={"other": "x"}),
        "metricAttribution.eventAttributionSource",
        ["required"],
    ),
    (event(colour="red"), "colour", ["unknown field"]),
    # float() takes these; JSON (and so AWS) does not.
    (event(eventValue="1_000"), "eventValue", ["as JSON writes it", "'1_000'"]),
    (event(eventValue="+5"), "eventValue", ["as JSON writes it"]),
    (event(eventValue=".5"), "eventValue", ["as JSON writes it"]),
    (event(eventValue="Infinity"), "eventValue", ["finite"]),
    (event(eventValue="-inf"), "eventValue", ["finite"]),
    (event(eventValue="1e999"), "eventValue", ["finite"]),
    (event(sentAt="1969-07-20T20:17:00Z"), "sentAt", ["before 1970", "1970-01-01T00:00:00Z"]),
    (event(sentAt="9999-01-01T00:00:00Z"), "sentAt", ["more than a day ahead"]),
    (event(properties='{"a": NaN}'), "properties", ["NaN is not valid JSON"]),
    (event(properties='{"a": "\\ud800"}'), "properties", ["lone surrogate at properties.a"]),
    (event(properties={"a": "\ud800"}), "properties", ["lone surrogate at properties.a"]),
    (event(itemId="i\udc00"), "itemId", ["not valid Unicode"]),
    (event(properties='{"TimeStamp": "1"}'), "properties", ["cannot use the name 'TimeStamp'"]),
]


@pytest.mark.parametrize(("bad", "field", "words"), BAD_EVENTS)
def test_bad_personalize_events(bad: dict[str, Any], field: str, words: list[str]) -> None:
    errors = validate_personalize_event(bad, 0)
    matching = [e for e in errors if e.field == field]
    assert matching, errors
    for word in words:
        assert any(word in e.message for e in matching), (word, matching)


def test_good_edge_values_pass() -> None:
    """The edges of each new rule are accepted: JSON numbers, a day ahead, 1970, paired escapes."""
    for value in ("0", "-2", "4.5", "1e3", "-1.5E-3", " 7 ", 3, 2.5):
        assert validate_personalize_event(event(eventValue=value), 0) == [], value
    assert validate_partner_entry(entry(Time="1970-01-01T00:00:00Z"), 0) == []
    assert validate_partner_entry(entry(Time="+23h"), 0) == []
    assert validate_partner_entry(entry(Detail='{"smile": "\\ud83d\\ude00"}'), 0) == []
    assert validate_partner_entry(entry(DetailType="Order Placed — ünïcode ok"), 0) == []


def test_properties_are_counted_in_characters_as_the_model_does() -> None:
    """The model's EventPropertiesJSON max (1024) is a string length: characters, not bytes."""
    import botocore.session

    shape = botocore.session.get_session().get_service_model("personalize-events")
    limit = shape.shape_for("EventPropertiesJSON").metadata["max"]
    assert limit == 1024
    fits = {"k": "é" * (limit - len('{"k":""}'))}  # 1024 characters, 2,040 bytes
    assert validate_personalize_event(event(properties=fits), 0) == []
    sent = to_personalize_event(event(properties=fits))["properties"]
    assert len(sent) == limit and len(sent.encode("utf-8")) > limit
    over = {"k": "é" * (limit - len('{"k":""}') + 1)}
    [error] = validate_personalize_event(event(properties=over), 0)
    assert "1,025 characters" in error.message


def test_check_valid_unicode_names_where() -> None:
    """The check a bulk line or a file goes through: the path to the bad text, or nothing."""
    from tui.services.validation import check_valid_unicode

    check_valid_unicode({"Detail": '{"a": "\\ud800"}', "ok": ["é", "\U0001f600"]}, "line 3")
    with pytest.raises(InputError) as caught:
        check_valid_unicode({"eventList": [{"itemId": "x"}, {"itemId": "ab\ud800"}]}, "f.json")
    assert caught.value.message.startswith(
        "not valid Unicode: lone surrogate at f.json.eventList[1].itemId, character 3"
    )


def test_good_inputs_have_no_errors() -> None:
    assert validate_partner_entry(GOOD_ENTRY, 0) == []
    assert validate_personalize_event(GOOD_EVENT, 0) == []
    assert validate_partner_batch([GOOD_ENTRY] * 20) == []
    request = {"trackingId": "t", "sessionId": "s", "eventList": [GOOD_EVENT] * 10}
    assert validate_personalize_request(request) == []


def test_batch_sizes() -> None:
    assert [e.field for e in validate_partner_batch([])] == ["Entries"]
    errors = validate_partner_batch([GOOD_ENTRY] * 21)
    assert errors == [FieldError(None, "Entries", errors[0].message)]
    assert "at most 20" in errors[0].message and "21" in errors[0].message
    request = {"trackingId": "t", "sessionId": "s", "eventList": [GOOD_EVENT] * 11}
    assert "at most 10" in validate_personalize_request(request)[0].message
    empty = validate_personalize_request({"trackingId": "t", "sessionId": "s", "eventList": []})
    assert empty[0].field == "eventList"


def test_request_header_fields() -> None:
    errors = validate_personalize_request({"userId": "", "eventList": [GOOD_EVENT]})
    assert {(e.entry, e.field) for e in errors} == {(None, "trackingId"), (None, "sessionId")}
    errors = validate_personalize_request(
        {"trackingId": "t" * 257, "sessionId": "s", "eventList": [{}]}
    )
    assert (None, "trackingId") in {(e.entry, e.field) for e in errors}
    assert {e.field for e in errors if e.entry == 0} == {"eventType", "sentAt"}


def test_entry_size_is_computed_as_aws_documents() -> None:
    api = {"Time": datetime.now(UTC), "Source": "aws.partner/a/b", "DetailType": "é",
           "Detail": "{}", "Resources": ["r1", "r22"]}  # fmt: skip
    assert partner_entry_size(api) == 14 + 15 + 2 + 2 + 2 + 3
    big = entry(Detail=json.dumps({"x": "y" * (262_144 - 100)}))
    size = partner_entry_size(to_partner_request_entry(big))
    assert size <= 262_144 and validate_partner_entry(big, 0) == []


def test_conversion_to_api_parameters() -> None:
    api = to_partner_request_entry(
        entry(Time="2024-05-01T12:00:00Z", Resources="arn:a\n\n arn:b \n", Detail={"k": "é"})
    )
    assert api["Time"] == datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert api["Resources"] == ["arn:a", "arn:b"]
    assert json.loads(api["Detail"]) == {"k": "é"}
    assert "Time" not in to_partner_request_entry(entry(Time=""))

    ev = to_personalize_event(
        event(eventValue=" 4.5 ", properties={"n": 1}, impression="a\nb", metricAttribution="web",
              eventId="", recommendationId="")
    )  # fmt: skip
    assert ev["eventValue"] == 4.5
    assert ev["properties"] == '{"n":1}' and isinstance(ev["properties"], str)
    assert ev["impression"] == ["a", "b"]
    assert ev["metricAttribution"] == {"eventAttributionSource": "web"}
    assert "eventId" not in ev and "recommendationId" not in ev
    assert isinstance(ev["sentAt"], datetime) and ev["sentAt"].tzinfo is not None
    assert "properties" not in to_personalize_event(event(properties="{}"))
    assert to_personalize_event(event(properties='{"a": "b"}'))["properties"] == '{"a": "b"}'


def test_conversion_refuses_invalid_forms() -> None:
    with pytest.raises(ValidationFailed) as info:
        to_partner_request_entry(entry(Detail="nope"))
    assert isinstance(info.value, InputError)
    assert info.value.errors[0].field == "Detail"
    assert "Not sent" in info.value.message


def test_field_error_reads_well() -> None:
    assert str(FieldError(2, "Detail", "bad")) == "entry 3, Detail: bad"
    assert str(FieldError(None, "Entries", "too many")) == "Entries: too many"


# --- nothing is sent: through real boto3 against the sandbox ---------------------------------
@pytest.mark.parametrize(("bad", "field", "words"), BAD_ENTRIES[:6] + BAD_ENTRIES[13:14])
def test_invalid_partner_entries_are_never_sent(sandbox_options, sandbox_env, bad, field, words):  # type: ignore[no-untyped-def]
    factory = ClientFactory(sandbox_options)
    with pytest.raises(ValidationFailed) as info:
        put_partner_events(factory, [GOOD_ENTRY, bad])
    assert any(e.entry == 1 and e.field == field for e in info.value.errors)
    assert sandbox_env.received()["events"] == []


@pytest.mark.parametrize(("bad", "field", "words"), BAD_EVENTS[:12])
def test_invalid_personalize_events_are_never_sent(sandbox_options, sandbox_env, bad, field, words):  # type: ignore[no-untyped-def]
    factory = ClientFactory(sandbox_options)
    request = {"trackingId": "t", "sessionId": "s", "eventList": [GOOD_EVENT, bad]}
    with pytest.raises(ValidationFailed) as info:
        put_events(factory, request)
    assert any(e.entry == 1 and e.field == field for e in info.value.errors)
    assert sandbox_env.received()["personalize-events"] == []


GAPS_ENTRIES = [
    (entry(Detail='{"v": NaN}'), "Detail"),
    (entry(DetailType="Order\x1b[2J"), "DetailType"),
    (entry(Time="1969-12-31T23:59:59Z"), "Time"),
    (entry(Time="3000-01-01T00:00:00Z"), "Time"),
    (entry(Detail='{"a": "\\ud800"}'), "Detail"),
]
GAPS_EVENTS = [
    (event(eventValue="1_000"), "eventValue"),
    (event(sentAt="-1"), "sentAt"),
    (event(properties='{"a": Infinity}'), "properties"),
    (event(properties={"a": "\ud800"}), "properties"),
]


@pytest.mark.parametrize(("bad", "field"), GAPS_ENTRIES)
def test_validation_gaps_refused_and_nothing_sent_partner(sandbox_options, sandbox_env, bad, field):  # type: ignore[no-untyped-def]
    """Through real boto3 to the sandbox: refused at the field, the sandbox receives nothing."""
    with pytest.raises(ValidationFailed) as info:
        put_partner_events(ClientFactory(sandbox_options), [GOOD_ENTRY, bad])
    assert [(e.entry, e.field) for e in info.value.errors] == [(1, field)]
    assert sandbox_env.received()["events"] == []


@pytest.mark.parametrize(("bad", "field"), GAPS_EVENTS)
def test_validation_gaps_refused_and_nothing_sent_personalize(
    sandbox_options, sandbox_env, bad, field
):  # type: ignore[no-untyped-def]
    request = {"trackingId": "t", "sessionId": "s", "eventList": [GOOD_EVENT, bad]}
    with pytest.raises(ValidationFailed) as info:
        put_events(ClientFactory(sandbox_options), request)
    assert [(e.entry, e.field) for e in info.value.errors] == [(1, field)]
    assert sandbox_env.received()["personalize-events"] == []


def test_too_many_is_never_sent(sandbox_options, sandbox_env):  # type: ignore[no-untyped-def]
    factory = ClientFactory(sandbox_options)
    with pytest.raises(ValidationFailed):
        put_partner_events(factory, [GOOD_ENTRY] * 21)
    with pytest.raises(ValidationFailed):
        put_events(factory, {"trackingId": "t", "sessionId": "s", "eventList": [GOOD_EVENT] * 11})
    received = sandbox_env.received()
    assert received["events"] == [] and received["personalize-events"] == []


def test_the_256_kb_rule_is_on_the_whole_request() -> None:
    # 20 entries of 200 KB: each fits, the request does not (EventBridge rejects it whole).
    big = [entry(Detail=json.dumps({"x": "y" * (200 * 1024)})) for _ in range(20)]
    assert all(validate_partner_entry(e, i) == [] for i, e in enumerate(big))
    [problem] = validate_partner_batch(big)
    assert problem.field == "Entries" and "at most 262,144" in problem.message
    with pytest.raises(ValidationFailed):
        to_partner_request(big)
    two = [entry(Detail=json.dumps({"x": "y" * (130 * 1024)})) for _ in range(2)]
    assert validate_partner_batch(two)[0].field == "Entries"
    fits = [entry(Detail=json.dumps({"x": "y" * (120 * 1024)})) for _ in range(2)]
    assert validate_partner_batch(fits) == []
