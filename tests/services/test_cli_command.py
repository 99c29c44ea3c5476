"""Copy-as-CLI: the pasted command runs exactly one command, with the literal ids as arguments."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tui.services.cli_command import cli_command
from tui.services.options import ConnectionOptions
from tui.textsafe import UNSAFE

HOSTILE_IDS = [
    "p1\ntouch PWNED",
    "p1'\x03; touch PWNED; echo '",
    "p1\x04\x1b[201~touch PWNED\x1b]52;c;ZXZpbA==\x07",
    "p1\x9b31m$(touch PWNED)`touch PWNED`",
    "p1\u202e\u2066\u2067\u2068\u2069\u206a'!!\\",
    "p1'\"\n\r\t\\x27 $HOME",
]


def _run_pasted(command: str, workdir: Path) -> list[list[str]]:
    """Run ``command`` as pasted text in bash with ``aws`` stubbed; each call's arguments."""
    script = (
        "aws() { printf '%s\\0' \"$@\" >> calls; printf '%s\\0' '<end>' >> calls; }\n"
        + command  # what the user pastes (and then presses enter)
        + "\n"
    )
    done = subprocess.run(
        ["bash", "-c", script], cwd=workdir, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert not (workdir / "PWNED").exists(), "the pasted text ran a second command"
    raw = (workdir / "calls").read_bytes().decode("utf-8", errors="surrogateescape")
    calls: list[list[str]] = [[]]
    for word in raw.split("\0")[:-1]:
        if word == "<end>":
            calls.append([])
        else:
            calls[-1].append(word)
    return calls[:-1]


@pytest.mark.parametrize("hostile", HOSTILE_IDS)
def test_pasted_command_runs_once_with_the_literal_id(hostile: str, tmp_path: Path) -> None:
    options = ConnectionOptions(region="eu-west-1", endpoint_url="https://127.0.0.1:4566")
    command = cli_command(
        options,
        "ivs-realtime",
        "list-participant-events",
        {"stage-arn": "arn:aws:ivs:eu-west-1:1:stage/a", "participant-id": hostile},
    )
    # The copied text itself holds no control: nothing for the terminal or the tty to act on.
    assert not UNSAFE.search(command), repr(command)
    calls = _run_pasted(command, tmp_path)
    assert calls == [
        [
            "ivs-realtime",
            "list-participant-events",
            "--stage-arn",
            "arn:aws:ivs:eu-west-1:1:stage/a",
            "--participant-id",
            hostile,
            "--region",
            "eu-west-1",
            "--endpoint-url",
            "https://127.0.0.1:4566",
        ]
    ]


def test_plain_words_stay_readable(isolated_dirs: Path) -> None:
    (isolated_dirs / ".aws" / "config").write_text("[profile prod]\n")  # the profile must exist
    command = cli_command(ConnectionOptions(profile="prod"), "codecatalyst", "list-spaces", {})
    assert command == "aws codecatalyst list-spaces --profile prod"
