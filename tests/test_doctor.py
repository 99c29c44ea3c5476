"""`eventdeck doctor` explains the set-up against the demo sandbox, and names problems."""

from __future__ import annotations

import io
import subprocess
import sys

from tui.args import build_parser
from tui.doctor import colour_depth, run_doctor


def test_doctor_against_the_sandbox_checks_every_service(sandbox_env) -> None:  # type: ignore[no-untyped-def]
    args, rest = build_parser().parse_known_args(
        ["--endpoint-url", sandbox_env.endpoint, "--ca-bundle", sandbox_env.ca_bundle, "doctor"]
    )
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
    assert "identity  arn:aws:sts::123456789012:" in text


def test_eventdeck_doctor_demo_in_a_fresh_process() -> None:
    """`eventdeck --demo doctor` starts its own sandbox and finds every service answering."""
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--demo", "doctor"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "[ok  ] ivs-realtime" in result.stdout, result.stdout + result.stderr
    assert "[ok  ] personalize-events" in result.stdout
    assert "Traceback" not in result.stderr


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


def test_doctor_reports_osc8_hyperlinks(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("TERM_PROGRAM", "WezTerm")
    args, rest = build_parser().parse_known_args(
        ["--endpoint-url", "https://127.0.0.1:9", "doctor"]
    )
    out = io.StringIO()
    run_doctor(args, rest[1:], out=out)
    assert "links     OSC 8 hyperlinks on: WezTerm" in out.getvalue()


def test_sso_profile_without_a_token_is_a_failed_check_naming_the_fix_and_no_region_once(
    isolated_dirs,  # type: ignore[no-untyped-def]
) -> None:
    """An SSO profile with no cached token is not "[ok] credentials": it fails with the fix, and
    a missing region is reported once, not once per service."""
    import os

    (isolated_dirs / ".aws" / "config").write_text(
        "[profile ssoprof]\nsso_session = corp\nsso_account_id = 123456789012\n"
        "sso_role_name = ReadOnly\n\n[sso-session corp]\n"
        "sso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n"
    )
    env = {**os.environ, "AWS_PROFILE": "ssoprof"}
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "doctor"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert "[ok  ] credentials" not in out
    assert "[FAIL] credentials do not load" in out
    assert "aws sso login --profile ssoprof" in out and "press L" in out
    assert sum("You must specify a region" in line for line in out.splitlines()) == 0
    assert "not checked: no region" in out
    assert "problem(s)" not in out and "problems found" in out
