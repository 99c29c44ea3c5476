"""`python -m tui.sandbox.cli`: printed lines, the AWS CLI against it, clean exit on SIGTERM."""

from __future__ import annotations

import json
import os
import shlex
import signal
import ssl
import subprocess
import sys
import urllib.request
from pathlib import Path

AWS = str(Path(sys.executable).with_name("aws"))


def _start(*args: str) -> tuple[subprocess.Popen[str], list[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.sandbox.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    lines = [proc.stdout.readline().rstrip("\n") for _ in range(9)]
    return proc, lines


def test_cli_prints_lines_serves_the_aws_cli_and_exits_on_sigterm() -> None:
    proc, lines = _start("--seed", "3", "--no-demo")
    try:
        assert lines[0].startswith("endpoint https://127.0.0.1:")
        endpoint = lines[0].split(" ", 1)[1]
        assert lines[1].startswith("ca-bundle ")
        bundle = lines[1].split(" ", 1)[1]
        exports = {}
        for line in lines[2:]:
            assert line.startswith("export ")
            key, _, value = line[len("export ") :].partition("=")
            exports[key] = shlex.split(value)[0]
        assert exports["AWS_ENDPOINT_URL"] == endpoint and exports["AWS_CA_BUNDLE"] == bundle
        assert {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_DEFAULT_REGION",
                "AWS_BEARER_TOKEN_CODECATALYST"} <= set(exports)  # fmt: skip

        entries = json.dumps(
            [
                {
                    "Source": "aws.partner/cli.example/app",
                    "DetailType": "Ping",
                    "Detail": '{"from": "cli"}',
                }
            ]
        )
        env = {**os.environ, **exports}
        out = subprocess.run(
            [AWS, "events", "put-partner-events", "--entries", entries, "--output", "json",
             "--endpoint-url", endpoint, "--ca-bundle", bundle],
            capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        result = json.loads(out.stdout)
        assert result["FailedEntryCount"] == 0 and result["Entries"][0]["EventId"]

        context = ssl.create_default_context(cafile=bundle)
        with urllib.request.urlopen(endpoint + "/_sandbox/received", context=context) as resp:
            received = json.loads(resp.read())
        assert [e["EventId"] for e in received["events"]] == [result["Entries"][0]["EventId"]]
        assert json.loads(received["events"][0]["Detail"]) == {"from": "cli"}
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    assert not Path(bundle).exists()


def test_cli_rejects_a_bad_fault_spec() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tui.sandbox.cli", "--faults", "explode=1"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert out.returncode == 2 and "unknown fault" in out.stderr


def test_cli_now_pins_the_demo_data_in_time() -> None:
    """`--now` anchors every demo timestamp, so screenshots and snapshots are repeatable."""
    proc, lines = _start("--seed", "1", "--now", "2026-01-15T12:00:00Z")
    try:
        endpoint = lines[0].split(" ", 1)[1]
        bundle = lines[1].split(" ", 1)[1]
        exports = {}
        for line in lines[2:]:
            key, _, value = line[len("export ") :].partition("=")
            exports[key] = shlex.split(value)[0]
        out = subprocess.run(
            [AWS, "codecatalyst", "list-event-logs", "--space-name", "acme-platform",
             "--start-time", "2025-12-01T00:00:00Z", "--end-time", "2026-02-01T00:00:00Z",
             "--max-results", "50", "--output", "json",
             "--endpoint-url", endpoint, "--ca-bundle", bundle],
            capture_output=True, text=True, env={**os.environ, **exports}, timeout=60,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        times = [item["eventTime"] for item in json.loads(out.stdout)["items"]]
        assert times and all("2025-12-16" <= t[:10] <= "2026-01-15" for t in times)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_cli_refuses_a_now_without_a_zone() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tui.sandbox.cli", "--now", "2026-01-15T12:00:00"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert out.returncode == 2 and "--now" in out.stderr
