"""Shared fixtures: every test runs with isolated config/data dirs and no real AWS config."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.services.options import ConnectionOptions


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point platformdirs and the AWS config files at tmp_path so no test touches the user's."""
    home = tmp_path / "home"
    for sub in ("config", "data", "state", "cache"):
        (home / sub).mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    aws = home / ".aws"
    aws.mkdir()
    (aws / "config").write_text("")
    (aws / "credentials").write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(aws / "credentials"))
    for var in list(os.environ):
        if var.startswith("AWS_") and var not in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
            monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("EVENTDECK_CONFIG", raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return home


@pytest.fixture(scope="session")
def sandbox() -> Iterator[object]:
    """One sandbox for the whole session (demo data, seed 1); tests reset what they change."""
    from tests import hostile_data
    from tui.sandbox import start_sandbox

    sb = start_sandbox(host="127.0.0.1", port=0, seed=1)
    hostile_data.load()  # not in the demo: test data only
    try:
        yield sb
    finally:
        sb.stop()


@pytest.fixture
def sandbox_env(sandbox, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The sandbox with its environment (dummy credentials, region, bearer token) applied."""
    for key, value in sandbox.env().items():
        if key != "AWS_ENDPOINT_URL":
            monkeypatch.setenv(key, value)
    sandbox.set_faults(None)
    sandbox.reset_received()
    yield sandbox
    sandbox.set_faults(None)


@pytest.fixture
def sandbox_options(sandbox_env) -> ConnectionOptions:  # type: ignore[no-untyped-def]
    """ConnectionOptions pointing every client at the sandbox over HTTPS."""
    return ConnectionOptions(
        region=sandbox_env.region,
        endpoint_url=sandbox_env.endpoint,
        ca_bundle=sandbox_env.ca_bundle,
        max_attempts=3,
    )


@pytest.fixture(scope="session")
def sandbox_process() -> Iterator[list[str]]:
    """`eventdeck sandbox --port 0` in its own process; yields the `export` lines it printed."""
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    try:
        for line in proc.stdout:
            if line.startswith("export "):
                lines.append(line.rstrip("\n"))
            if line.startswith("export AWS_BEARER_TOKEN_CODECATALYST"):
                break  # the last one (sandbox.env() order)
        assert lines, "the sandbox printed no export lines"
        yield lines
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def sandbox_exports(sandbox_process, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The environment after `eval "$(eventdeck sandbox | grep '^export')"` in bash (README)."""
    import subprocess

    script = 'eval "$EXPORTS"; env -0'
    out = subprocess.run(
        ["bash", "-c", script],
        env={"PATH": os.environ.get("PATH", ""), "EXPORTS": "\n".join(sandbox_process)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    env = dict(item.split("=", 1) for item in out.split("\0") if item.startswith("AWS_"))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    """The --debug log, written to tmp_path for this test (stopped after it)."""
    from tui.logsetup import setup_debug_log, stop_debug_log

    path = setup_debug_log(tmp_path / "logs" / "debug.log")
    yield path
    stop_debug_log()
