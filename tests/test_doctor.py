"""`eventdeck doctor` explains the set-up against the demo sandbox, and names problems."""

from __future__ import annotations

import io

from tui.cli import build_parser
from tui.doctor import colour_depth, run_doctor


def test_doctor_on_the_demo_sandbox_checks_every_service() -> None:
    args, rest = build_parser().parse_known_args(["--demo", "doctor"])
    out = io.StringIO()
    run_doctor(args, rest[1:], out=out)
    text = out.getvalue()
    assert "eventdeck" in text and "boto3" in text
    assert "credentials resolve" in text
    for service in (
        "ivs-realtime",
        "codecatalyst",
        "customer-profiles",
        "events",
        "personalize-events",
    ):
        assert f"[ok  ] {service}" in text, text
    assert "AWS_BEARER_TOKEN_CODECATALYST" in text


def test_doctor_reports_an_unreachable_endpoint() -> None:
    args, rest = build_parser().parse_known_args(
        [
            "--endpoint-url",
            "https://127.0.0.1:9",
            "--region",
            "us-east-1",
            "--cli-connect-timeout",
            "1",
            "doctor",
        ]
    )
    out = io.StringIO()
    assert run_doctor(args, rest[1:], out=out) == 1
    text = out.getvalue()
    assert "FAIL" in text and "127.0.0.1:9" in text


def test_colour_depth() -> None:
    assert colour_depth({"NO_COLOR": "1", "TERM": "xterm-256color"}).startswith("none")
    assert colour_depth({"COLORTERM": "truecolor"}) == "24-bit"
    assert colour_depth({"TERM": "screen-256color"}) == "256"
    assert colour_depth({"TERM": "xterm"}) == "16"
