"""Fixtures for driving the real app against the session sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.drivers.headless_driver import HeadlessDriver

from tui.context import AppContext
from tui.settings import Settings


@pytest.fixture
def app_ctx(sandbox_env, sandbox_options, isolated_dirs: Path) -> AppContext:  # type: ignore[no-untyped-def]
    """An AppContext on the sandbox (DEMO badge on), default settings, config in tmp."""
    return AppContext(
        options=sandbox_options,
        settings=Settings(),
        settings_path=isolated_dirs / "config" / "eventdeck" / "config.toml",
        demo=sandbox_env,
    )


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Everything the (headless) driver is asked to write to the terminal (outside tmux)."""
    out: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: out.append(data))
    monkeypatch.delenv("TMUX", raising=False)
    return out
