"""Dataclass methods compiled by an earlier launch are used again, exactly; a bad file is ignored.

Why: tui/fncache.py serves ``dataclasses``' compiles from disk (~25 ms of the launch before the
first frame). A stored method must behave as the one ``dataclasses`` compiles itself; a file that
is corrupt, from another Python, foreign or writable by others must never run, and a cache that
cannot be written must never break anything.
"""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import FrozenInstanceError, dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tui import fncache

ROOT = Path(__file__).resolve().parents[1]

# Run in a fresh process (the way tui.cli does it: install, then the modules are imported).
PROBE = """
import json, sys
from tui import fncache
if sys.argv[1] == "cached":
    fncache.install()
from dataclasses import FrozenInstanceError, dataclass, field

@dataclass(frozen=True, order=True)
class Point:
    x: int
    y: int = 0
    tags: tuple = field(default=(), compare=False)

@dataclass
class Box:
    items: list = field(default_factory=list)
    name: str = "box"

p, q = Point(1, 2, ("a",)), Point(1, 2)
b = Box()
b.items.append(1)
try:
    p.x = 5
    frozen = "assigned"
except FrozenInstanceError:
    frozen = "refused"
out = {
    "repr": [repr(p), repr(b), repr(Box())],
    "eq": [p == q, p < Point(2), hash(p) == hash(q), b == Box([1])],
    "frozen": frozen,
    "annotations": [repr(Point.__init__.__annotations__), repr(Box.__init__.__annotations__)],
    "stats": list(fncache.stats()),
}
pending = fncache.pending()
out["written"] = pending.write() if pending is not None else None
print(json.dumps(out))
"""


def _probe(mode: str, cache_home: Path) -> dict[str, Any]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_a_second_process_compiles_nothing_the_first_did_and_behaves_the_same(
    tmp_path: Path,
) -> None:
    plain = _probe("plain", tmp_path)
    first = _probe("cached", tmp_path)
    second = _probe("cached", tmp_path)
    assert first["stats"][0] == 0 and first["stats"][1] > 0  # all compiled, then written
    assert first["written"] is True
    assert Path(fncache.cache_file(str(tmp_path / "eventdeck"))).exists()
    assert second["stats"][1] == 0 and second["stats"][0] == first["stats"][1]
    assert second["written"] is None  # nothing new: no write
    for key in ("repr", "eq", "frozen", "annotations"):
        assert plain[key] == first[key] == second[key], key
    assert plain["frozen"] == "refused"


@pytest.fixture
def installed(tmp_path: Path) -> Iterator[str]:
    """fncache installed in this process on the cache dir ``tmp_path``; removed afterwards."""
    fncache.uninstall()
    directory = str(tmp_path)
    fncache.install(directory)
    try:
        yield directory
    finally:
        fncache.uninstall()


def _define() -> type:
    """A frozen dataclass defined now (its methods compiled, or served, at this moment)."""

    @dataclass(frozen=True)
    class Pair:
        left: int
        right: tuple[int, ...] = field(default_factory=tuple)

    return Pair


def test_methods_are_served_from_the_file_and_run_as_compiled(installed: str) -> None:
    made = _define()
    hits, misses = fncache.stats()
    assert hits == 0 and misses > 0
    pending = fncache.pending(installed)
    assert pending is not None and pending.write() is True
    fncache.uninstall()
    fncache.install(installed)
    served = _define()
    assert fncache.stats() == (misses, 0)
    assert repr(served(1, (2,))) == repr(made(1, (2,))).replace(
        made.__qualname__, served.__qualname__
    )
    assert served(1) == served(1, ()) and hash(served(1)) == hash(served(1))
    with pytest.raises(FrozenInstanceError):
        served(1).left = 2  # type: ignore[misc]
    # Compiled without this module's ``from __future__ import annotations``, as dataclasses does.
    assert served.__init__.__annotations__["return"] is None  # type: ignore[misc]
    assert served.__init__.__annotations__ == made.__init__.__annotations__  # type: ignore[misc]


@pytest.mark.parametrize(
    "kind", ["corrupt", "other-python", "not-a-dict", "foreign-values", "shared"]
)
def test_a_bad_file_is_ignored_and_replaced(installed: str, kind: str) -> None:
    _define()
    pending = fncache.pending(installed)
    assert pending is not None and pending.write()
    path = Path(pending.path)
    good = marshal.loads(path.read_bytes())
    if kind == "corrupt":
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    elif kind == "other-python":
        path.write_bytes(marshal.dumps({**good, "header": "1|2.7.18|0"}))
    elif kind == "not-a-dict":
        path.write_bytes(marshal.dumps([1, 2, 3]))
    elif kind == "foreign-values":  # texts mapped to something that is not code
        path.write_bytes(marshal.dumps({**good, "entries": dict.fromkeys(good["entries"], "x")}))
    else:  # a good file others may write: never trusted to run
        os.chmod(path, 0o666)
    assert fncache.read_entries(str(path)) == {}
    fncache.uninstall()
    fncache.install(installed)
    _define()  # compiles as without a cache, no error
    hits, misses = fncache.stats()
    assert hits == 0 and misses > 0
    pending = fncache.pending(installed)
    assert pending is not None and pending.write() is True
    os.chmod(path, 0o600)  # the replaced file (atomic write) is the user's own, private
    assert fncache.read_entries(str(path))


def test_a_cache_that_cannot_be_written_only_costs_the_compiles(
    installed: str, tmp_path: Path
) -> None:
    _define()
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the cache folder would be")
    pending = fncache.pending(str(blocked))
    assert pending is not None
    assert pending.write() is False  # no exception
    assert not Path(fncache.cache_file(installed)).exists()


def test_the_cache_dir_follows_xdg_cache_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("XDG on Linux; platformdirs elsewhere")
    import platformdirs

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    assert fncache.cache_dir() == str(platformdirs.user_cache_path("eventdeck"))
    monkeypatch.setenv("XDG_CACHE_HOME", " ")
    assert fncache.cache_dir() == str(platformdirs.user_cache_path("eventdeck"))


def test_uninstalled_nothing_is_pending() -> None:
    fncache.uninstall()
    _define()
    assert fncache.pending() is None
