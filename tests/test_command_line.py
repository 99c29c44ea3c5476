"""The command line: global options reach ConnectionOptions; AWS CLI words become launch targets."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tui.args import build_parser, options_from_args, parse_operation
from tui.cli import main
from tui.errors import ConfigError


def parse(argv: list[str]):  # type: ignore[no-untyped-def]
    args, rest = build_parser().parse_known_args(argv)
    return args, rest


def test_global_options_reach_connection_options(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")
    args, rest = parse(
        [
            "--profile", "ops", "--region", "eu-west-1", "--endpoint-url", "https://x.test",
            "--ca-bundle", str(bundle), "--cli-read-timeout", "7", "--cli-connect-timeout", "3",
            "--read-only",
        ]
    )  # fmt: skip
    options = options_from_args(args, max_attempts=9)
    assert rest == []
    assert options.profile == "ops"
    assert options.region == "eu-west-1"
    assert options.endpoint_url == "https://x.test"
    assert options.verify == str(bundle)
    assert options.read_timeout == 7.0
    assert options.connect_timeout == 3.0
    assert options.read_only is True
    assert options.max_attempts == 9


def test_no_verify_ssl_wins_over_ca_bundle(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")
    args, _ = parse(["--no-verify-ssl", "--ca-bundle", str(bundle)])
    assert options_from_args(args).verify is False


def test_missing_ca_bundle_is_a_clear_error() -> None:
    args, _ = parse(["--ca-bundle", "/nonexistent/ca.pem"])
    with pytest.raises(ConfigError, match="no such file"):
        options_from_args(args)


def test_operation_words_with_globals_interleaved() -> None:
    args, rest = parse(
        [
            "ivs-realtime", "list-participant-events", "--stage-arn", "arn:aws:ivs:us-east-1:1:stage/a",
            "--profile", "p", "--session-id", "st-1", "--participant-id=pid",
        ]
    )  # fmt: skip
    target = parse_operation(rest)
    assert args.profile == "p"
    assert target.pane == "ivs"
    assert target.params == {
        "stage-arn": "arn:aws:ivs:us-east-1:1:stage/a",
        "session-id": "st-1",
        "participant-id": "pid",
    }


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["ivs-realtime", "delete-stage"], "does not open"),
        (["codecatalyst", "list-event-logs"], "--space-name"),
        (["codecatalyst", "list-event-logs", "--space", "x"], "no option --space"),
        (["customer-profiles", "get-event-stream", "--domain-name"], "needs a value"),
        (["bogus"], "Unknown command"),
    ],
)
def test_bad_operation_words_are_explained(words: list[str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_operation(words)


def test_cli_input_json_replaces_required_options() -> None:
    target = parse_operation(["personalize-events", "put-events", "--cli-input-json", "file://x"])
    assert target.pane == "personalize"
    assert target.params == {"cli-input-json": "file://x"}


def test_version_prints_every_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    for name in ("eventdeck", "boto3", "botocore", "textual", "Python"):
        assert name in out


def test_unknown_command_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate", "now"]) == 2
    assert "does not open" in capsys.readouterr().err


def test_version_does_not_import_textual() -> None:
    code = (
        "import sys; from tui.cli import main; main(['--version']); print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("False")
