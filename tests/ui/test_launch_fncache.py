"""The app keeps the dataclass methods compiled before its first frame, once that frame is out.

Why: tui.cli serves dataclasses' compiles from disk (tui/fncache.py); the app writes what was new
after its first frame, in a file job, and a cache dir that cannot be written changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ui.helpers import idle, wait_for
from tui import fncache
from tui.app import EventdeckApp


@pytest.fixture
def served() -> Iterator[None]:
    """fncache installed in this process, as tui.cli does; removed afterwards."""
    fncache.uninstall()
    fncache.install()
    try:
        yield
    finally:
        fncache.uninstall()


def _new_dataclass() -> None:
    """A dataclass defined after the install: something new to keep."""

    @dataclass(frozen=True)
    class Fresh:
        value: int


async def test_the_app_writes_what_was_compiled_after_its_first_frame(app_ctx, served) -> None:  # type: ignore[no-untyped-def]
    _new_dataclass()
    path = Path(fncache.cache_file())
    assert not path.exists()
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        await wait_for(pilot, path.exists)
    entries = fncache.read_entries(str(path))
    assert entries and not fncache.has_new()  # all of it written, nothing left new


async def test_a_cache_dir_that_cannot_be_written_does_not_break_the_launch(  # type: ignore[no-untyped-def]
    app_ctx, served, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    _new_dataclass()
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        await wait_for(pilot, lambda: not fncache.has_new())  # taken for the write
        await pilot.pause()
        assert app.current_pane.level is not None and app.is_running
    assert not Path(fncache.cache_file()).exists()
