"""The bundle document: sandbox data sections in the API's shapes, plus the view; read back checked."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui.errors import InputError
from tui.services.bundle import BundleView, build_bundle, bundle_name, read_bundle, write_bundle

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def test_stream_summaries_become_get_event_stream_shapes_under_their_domain(tmp_path: Path) -> None:
    view = BundleView("profiles", "customer-profiles list-event-streams", {"domain-name": "retail"})
    summary = {
        "DomainName": "retail",
        "EventStreamName": "orders",
        "EventStreamArn": "arn:aws:profile:us-east-1:123456789012:domains/retail/event-streams/orders",
        "State": "RUNNING",
        "DestinationSummary": {
            "Uri": "arn:aws:kinesis:us-east-1:1:stream/x",
            "Status": "UNHEALTHY",
        },
        "StoppedSince": NOW,
    }
    document = build_bundle(view, [summary], marked=["orders"], note="look", now=NOW)
    stream = document["customer_profiles"]["domains"][0]["event_streams"][0]
    assert stream["DestinationDetails"] == {
        "Uri": "arn:aws:kinesis:us-east-1:1:stream/x",
        "Status": "UNHEALTHY",
    }
    assert (
        "DestinationSummary" not in stream and stream["StoppedSince"] == "2026-11-27T15:00:00+00:00"
    )
    path = write_bundle(tmp_path, document, bundle_name(view, NOW))
    again = write_bundle(tmp_path, document, bundle_name(view, NOW))
    assert path.name == "eventdeck-bundle-profiles-20261127T150000Z.json" and again != path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    bundle = read_bundle(path)
    assert bundle.view == view and bundle.marked == ("orders",) and bundle.note == "look"


@pytest.mark.parametrize(
    "text",
    [
        '{"codecatalyst": {}}',
        "[1]",
        '{"eventdeck_bundle": {"view": {"pane": "partner"}}}',
        "{NaN",
        "",
    ],
)
def test_what_is_not_a_bundle_is_refused_with_a_message(tmp_path: Path, text: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(text)
    with pytest.raises(InputError):
        read_bundle(path)


def test_a_note_that_cannot_be_written_is_refused() -> None:
    view = BundleView("codecatalyst", "codecatalyst list-spaces")
    with pytest.raises(InputError):
        build_bundle(view, [], note="\ud800")
    assert json.dumps(build_bundle(view, [{"name": "acme"}], now=NOW)["codecatalyst"]) == (
        '{"spaces": [{"name": "acme"}]}'
    )
