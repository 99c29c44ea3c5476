"""The app keeps the methods and regexes compiled before its first frame, once that frame is out.

Why: tui.cli serves dataclasses' and re's compiles from disk (tui/compile_cache.py); the app
writes what was new after its first frame, in a file job, and a cache dir that cannot be written
changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ui.helpers import idle, wait_for
from tui import compile_cache
from tui.app import EventdeckApp

FRESH = (r"(?P<fresh>launch-test-\d+)", 0)


@pytest.fixture
def served() -> Iterator[None]:
    """compile_cache installed in this process, as tui.cli does; removed afterwards."""
    compile_cache.uninstall()
    compile_cache.install()
    try:
        yield
    finally:
        compile_cache.uninstall()


def _new_dataclass() -> None:
    """A dataclass and a pattern made after the install: something new to keep."""
    import re

    @dataclass(frozen=True)
    class Fresh:
        launch_test_value: int

    re.purge()
    re.compile(FRESH[0])


async def test_the_app_writes_what_was_compiled_after_its_first_frame(app_ctx, served) -> None:  # type: ignore[no-untyped-def]
    _new_dataclass()
    path = Path(compile_cache.cache_file())
    assert not path.exists()
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        await wait_for(pilot, path.exists)
    entries = compile_cache.read_entries(str(path))
    assert FRESH in entries.patterns
    assert any("launch_test_value" in text for text in entries.methods)


async def test_a_cache_dir_that_cannot_be_written_does_not_break_the_launch(  # type: ignore[no-untyped-def]
    app_ctx, served, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    _new_dataclass()
    writes: list[bool] = []
    write = compile_cache.Pending.write
    monkeypatch.setattr(compile_cache.Pending, "write", lambda self: writes.append(write(self)))
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        await wait_for(pilot, lambda: bool(writes))
        await pilot.pause()
        assert writes == [False]  # tried, failed quietly
        assert app.current_pane.level is not None and app.is_running
    assert not Path(compile_cache.cache_file()).exists()
