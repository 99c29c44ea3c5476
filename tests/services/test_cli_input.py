"""--cli-input-json shapes: skeletons like the AWS CLI's, request files, JSON Lines, form <-> raw."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tui.errors import InputError
from tui.services.cli_input import (
    form_to_item,
    forms_to_request,
    item_to_form,
    iter_jsonl,
    load_request_file,
    request_to_forms,
    skeleton,
)
from tui.services.validation import to_personalize_event, validate_personalize_request

AWS = str(Path(sys.executable).with_name("aws"))


@pytest.mark.parametrize(
    ("operation", "argv"),
    [("put-partner-events", ["events", "put-partner-events"]),
     ("PutEvents", ["personalize-events", "put-events"])],
)  # fmt: skip
def test_skeleton_matches_the_aws_cli(operation: str, argv: list[str]) -> None:
    out = subprocess.run(
        [AWS, *argv, "--generate-cli-skeleton", "input"], capture_output=True, text=True, check=True
    )
    assert skeleton(operation) == json.loads(out.stdout)


def test_load_request_file(tmp_path: Path) -> None:
    path = tmp_path / "batch.json"
    request = {"Entries": [{"Source": "aws.partner/a/b", "DetailType": "t", "Detail": "{}"}]}
    path.write_text(json.dumps(request))
    assert load_request_file(path, "put-partner-events") == request
    assert load_request_file(f"file://{path}", "partner-events") == request
    path.write_text(json.dumps(request["Entries"]))  # what --entries file:// holds
    assert load_request_file(path, "put-partner-events") == request


@pytest.mark.parametrize(
    ("content", "operation", "words"),
    [
        (
            '{"Entries": [\n  {"Source": "x",}\n]}',
            "put-partner-events",
            ["line 2 column", "not valid JSON"],
        ),
        ("not json at all", "put-events", ["line 1 column 1"]),
        ('"a string"', "put-events", ["must hold a JSON object", "trackingId"]),
        ('{"Entries": {}}', "put-partner-events", ["'Entries' as a list"]),
        ('{"Entries": [1]}', "put-partner-events", ["Entries[0] must be a JSON object"]),
        ('{"trackingId": "t", "events": []}', "put-events", ["unknown field", "'events'"]),
        ('{"Entries": []}', "put-events", ["unknown field"]),
    ],
)
def test_load_request_file_refuses(
    tmp_path: Path, content: str, operation: str, words: list[str]
) -> None:
    path = tmp_path / "in.json"
    path.write_text(content)
    with pytest.raises(InputError) as info:
        load_request_file(path, operation)
    for word in words:
        assert word in info.value.message, info.value.message
    assert str(path) in (info.value.location or "")


def test_load_refuses_huge_and_missing_files_without_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(9 * 1024 * 1024)  # sparse: checked by size, never read
    with pytest.raises(InputError, match="bytes") as info:
        load_request_file(huge, "put-events")
    assert info.value.hint and "bulk import" in info.value.hint
    with pytest.raises(InputError, match="cannot read"):
        load_request_file(tmp_path / "missing.json", "put-events")
    with pytest.raises(InputError, match="not a file"):
        load_request_file(tmp_path, "put-events")
    (tmp_path / "latin1.json").write_bytes(b'{"a": "\xe9"}')
    with pytest.raises(InputError, match="UTF-8"):
        load_request_file(tmp_path / "latin1.json", "put-events")


def test_iter_jsonl_streams_and_names_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    lines = [
        json.dumps({"eventType": "click", "sentAt": "now", "itemId": str(i)}) for i in range(5)
    ]
    path.write_text("\n".join(lines[:2]) + "\n\n" + "\n".join(lines[2:]))  # a blank line 3
    got = list(iter_jsonl(path, "put-events"))
    assert [n for n, _ in got] == [1, 2, 4, 5, 6]
    assert [e["itemId"] for _, e in got] == ["0", "1", "2", "3", "4"]

    path.write_text(lines[0] + "\n" + lines[1] + "\n{oops\n" + lines[2] + "\n")
    stream = iter_jsonl(path, "put-events")
    assert next(stream)[0] == 1 and next(stream)[0] == 2  # streamed: good lines come first
    with pytest.raises(InputError) as info:
        next(stream)
    assert "line 3" in info.value.message and info.value.location == f"{path}:3:2"

    path.write_text("[1, 2]\n")
    with pytest.raises(InputError, match="line 1 must be a JSON object"):
        list(iter_jsonl(path, "put-events"))
    path.write_text('{"eventType": "a", "Detail": "{}"}\n')
    with pytest.raises(InputError, match="unknown field"):
        list(iter_jsonl(path, "put-events"))
    path.write_text('{"eventType": "a", "sessionId": "per-line"}\n')  # allowed header keys
    assert next(iter_jsonl(path, "put-events"))[1]["sessionId"] == "per-line"
    path.write_text('{"Detail": "' + "x" * 2000 + '"}\n')
    with pytest.raises(InputError, match="longer than"):
        list(iter_jsonl(path, "put-partner-events", max_line_bytes=1000))


def test_iter_jsonl_handles_many_lines(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("w") as handle:
        for i in range(50_000):
            handle.write(
                json.dumps(
                    {"Source": "aws.partner/a/b", "DetailType": "t", "Detail": json.dumps({"i": i})}
                )
                + "\n"
            )
    count = 0
    last: dict[str, Any] = {}
    for number, entry in iter_jsonl(path, "put-partner-events"):
        count += 1
        assert number == count
        last = entry
    assert count == 50_000 and json.loads(last["Detail"]) == {"i": 49_999}


PERSONALIZE_RAW: dict[str, Any] = {
    "trackingId": "t", "userId": "u", "sessionId": "s",
    "eventList": [
        {"eventId": "e1", "eventType": "rating", "eventValue": 4.5, "itemId": "i1",
         "properties": "{\"numberOfRatings\": \"12\"}", "sentAt": "2024-05-01T12:00:00Z",
         "recommendationId": "r1", "impression": ["i1", "i2"],
         "metricAttribution": {"eventAttributionSource": "web"}},
        {"eventType": "click", "sentAt": 1714564800, "eventValue": 3},
    ],
}  # fmt: skip
PARTNER_RAW: dict[str, Any] = {
    "Entries": [
        {"Time": "2024-05-01T12:00:00+02:00", "Source": "aws.partner/a/b",
         "Resources": ["arn:1", "arn:2"], "DetailType": "t", "Detail": "{\n  \"k\": [1, 2]\n}"},
        {"Source": "aws.partner/a/b", "DetailType": "t", "Detail": "{}", "EventBusName": "kept"},
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "operation"), [(PERSONALIZE_RAW, "put-events"), (PARTNER_RAW, "put-partner-events")]
)
def test_form_round_trip_loses_nothing(raw: dict[str, Any], operation: str) -> None:
    header, forms = request_to_forms(raw, operation)
    assert all(isinstance(v, str) for f in forms for k, v in f.items() if k != "EventBusName")
    assert forms_to_request(header, forms, operation) == raw
    assert json.loads(json.dumps(forms_to_request(header, forms, operation))) == raw


def test_forms_are_what_a_form_holds() -> None:
    form = item_to_form(PERSONALIZE_RAW["eventList"][0])
    assert form["impression"] == "i1\ni2"
    assert form["metricAttribution"] == "web"
    assert form["eventValue"] == "4.5"
    assert to_personalize_event(form)["properties"] == '{"numberOfRatings": "12"}'
    assert validate_personalize_request({**PERSONALIZE_RAW, "eventList": [form]}) == []
    assert form_to_item({"eventType": "click", "itemId": "", "impression": "\n", "eventValue": "x"}) == {
        "eventType": "click", "eventValue": "x"}  # fmt: skip
    assert item_to_form({"Detail": {"a": 1}})["Detail"] == '{\n  "a": 1\n}'


def test_skeleton_round_trips_through_forms() -> None:
    raw = skeleton("put-events")
    header, forms = request_to_forms(raw, "put-events")
    again = forms_to_request(header, forms, "put-events")
    assert again["eventList"][0]["sentAt"] == "1970-01-01T00:00:00"
    assert again["eventList"][0]["eventValue"] == 0.0
