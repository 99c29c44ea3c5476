"""Methods and regexes compiled by an earlier launch are used again, exactly; a bad file is ignored.

Why: tui/compile_cache.py serves ``dataclasses``' compiles and ``re``'s from disk (~40 ms of the
launch before the first frame). A stored method must behave as the one ``dataclasses`` compiles
itself, a stored pattern must be the Pattern ``re`` makes; a file that is corrupt, from another
Python, foreign or writable by others must never run, and a cache that cannot be written must
never break anything.
"""

from __future__ import annotations

import json
import marshal
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import FrozenInstanceError, dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tui import compile_cache

ROOT = Path(__file__).resolve().parents[1]

# Run in a fresh process (the way tui.cli does it: install, then the modules are imported).
PROBE = """
import json, sys
from tui import compile_cache
if sys.argv[1] == "cached":
    compile_cache.install()
import re
from dataclasses import FrozenInstanceError, dataclass, field

WORD = re.compile(r"(?P<key>[a-z]+)=(?P<value>\\d+)(?:;|$)", re.IGNORECASE)

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
    "regex": [m.groupdict() for m in WORD.finditer("A=1;b=22;c=x")] + [WORD.groupindex.copy()],
    "stats": list(compile_cache.stats()),
}
pending = compile_cache.pending()
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
    assert Path(compile_cache.cache_file(str(tmp_path / "eventdeck"))).exists()
    assert second["stats"][1] == 0 and second["stats"][0] == first["stats"][1]
    assert second["written"] is None  # nothing new: no write
    for key in ("repr", "eq", "frozen", "annotations", "regex"):
        assert plain[key] == first[key] == second[key], key
    assert plain["frozen"] == "refused"
    assert plain["regex"][:2] == [{"key": "A", "value": "1"}, {"key": "b", "value": "22"}]


@pytest.fixture
def installed(tmp_path: Path) -> Iterator[str]:
    """compile_cache installed in this process on the cache dir ``tmp_path``; removed afterwards."""
    compile_cache.uninstall()
    directory = str(tmp_path)
    compile_cache.install(directory)
    try:
        yield directory
    finally:
        compile_cache.uninstall()


def _define() -> type:
    """A frozen dataclass and a pattern made now (compiled, or served, at this moment)."""

    @dataclass(frozen=True)
    class Pair:
        left: int
        right: tuple[int, ...] = field(default_factory=tuple)

    re.purge()  # re's own in-memory cache would answer first
    re.compile(r"(?P<pair>\d+,\d+)+ fresh-for-this-test", re.MULTILINE)
    return Pair


def test_methods_are_served_from_the_file_and_run_as_compiled(installed: str) -> None:
    made = _define()
    hits, misses = compile_cache.stats()
    assert hits == 0 and misses > 0
    pending = compile_cache.pending(installed)
    assert pending is not None and pending.write() is True
    compile_cache.uninstall()
    compile_cache.install(installed)
    served = _define()
    assert compile_cache.stats() == (misses, 0)
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
    pending = compile_cache.pending(installed)
    assert pending is not None and pending.write()
    path = Path(pending.path)
    good = marshal.loads(path.read_bytes())
    if kind == "corrupt":
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    elif kind == "other-python":
        path.write_bytes(marshal.dumps({**good, "header": "1|2.7.18|0"}))
    elif kind == "not-a-dict":
        path.write_bytes(marshal.dumps([1, 2, 3]))
    elif kind == "foreign-values":  # texts mapped to something that is not code, odd patterns
        methods = dict.fromkeys(good["methods"], "x")
        patterns = {key: ("x",) for key in good["patterns"]}
        path.write_bytes(marshal.dumps({**good, "methods": methods, "patterns": patterns}))
    else:  # a good file others may write: never trusted to run
        os.chmod(path, 0o666)
    assert compile_cache.read_entries(str(path)) == ({}, {})
    compile_cache.uninstall()
    compile_cache.install(installed)
    _define()  # compiles as without a cache, no error
    hits, misses = compile_cache.stats()
    assert hits == 0 and misses > 0
    pending = compile_cache.pending(installed)
    assert pending is not None and pending.write() is True
    os.chmod(path, 0o600)  # the replaced file (atomic write) is the user's own, private
    assert all(compile_cache.read_entries(str(path)))


def test_a_cache_that_cannot_be_written_only_costs_the_compiles(
    installed: str, tmp_path: Path
) -> None:
    _define()
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the cache folder would be")
    pending = compile_cache.pending(str(blocked))
    assert pending is not None
    assert pending.write() is False  # no exception
    assert not Path(compile_cache.cache_file(installed)).exists()


def test_the_cache_dir_follows_xdg_cache_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("XDG on Linux; platformdirs elsewhere")
    import platformdirs

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    assert compile_cache.cache_dir() == str(platformdirs.user_cache_path("eventdeck"))
    monkeypatch.setenv("XDG_CACHE_HOME", " ")
    assert compile_cache.cache_dir() == str(platformdirs.user_cache_path("eventdeck"))


def test_once_taken_for_the_file_later_compiles_are_served_not_recorded(installed: str) -> None:
    _define()
    pending = compile_cache.pending(installed)
    assert pending is not None and pending.write()
    re.purge()
    typed = re.compile(r"(?P<typed>a filter the user typed \d+)")  # after the first frame
    assert typed.match("a filter the user typed 7")
    assert not compile_cache.has_new() and compile_cache.pending(installed) is None
    assert compile_cache.stats()[1] >= 1  # compiled, not kept
    compile_cache.uninstall()
    compile_cache.install(installed)
    assert all(key[0] != typed.pattern for key in compile_cache._state.stored_patterns)


def test_a_long_lived_process_records_a_bounded_number(
    installed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not compile_cache._re_hook_fits():
        pytest.skip("re is not the one the hook was written against")
    monkeypatch.setattr(compile_cache, "MAX_ENTRIES", 3)
    re.purge()
    for n in range(10):
        assert re.compile(f"bounded-{n}-[a-z]+").match(f"bounded-{n}-x")
    state = compile_cache._state
    assert len(state.fresh) + len(state.fresh_patterns) <= 3 and state.sealed


def test_uninstalled_nothing_is_pending() -> None:
    compile_cache.uninstall()
    _define()
    assert compile_cache.pending() is None


# Patterns of every kind re compiles: groups named and not, flags inline and passed, bytes,
# look-arounds, back references, conditionals, atomic groups, possessive repeats, Unicode classes.
PATTERNS: list[tuple[str | bytes, int]] = [
    (r"", 0),
    (r"(?P<key>[a-z_]+)\s*=\s*(?P<value>\"[^\"]*\"|\d+)", 0),
    (r"^\s*(\d+)\s*([mhd])\s*$", 0),
    (r"(?i)arn:aws:ivs:[a-z0-9-]+:\d{12}:stage/\w+", 0),
    (r"(?<=@)\w+(?!\.)", re.ASCII),
    (r"(a)(b)?(?(2)c|d)\1", 0),
    (r"(?>ab|a)c", 0),
    (r"x++y*+z?+", 0),
    (r"[\u00e9\w]+|\N{EM DASH}", re.UNICODE),
    (
        r"""
        (?P<year>\d{4}) -  # year
        (?P<month>\d{2})   # month
     """,
        re.VERBOSE,
    ),
    (r"^line$", re.MULTILINE | re.DOTALL),
    (rb"\x1b\[[0-9;]*m", 0),
    (rb"(?P<name>[^=]+)=(?P<v>.*)", re.IGNORECASE),
    (r"[^\W\d_]{2,}?", re.IGNORECASE | re.UNICODE),
]


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
def test_a_stored_pattern_is_the_pattern_re_makes(pattern: str | bytes, flags: int) -> None:
    if not compile_cache._re_hook_fits():
        pytest.skip("re is not the one the hook was written against")
    from re import _compiler

    compile_cache.uninstall()
    made = _compiler.compile(pattern, flags)
    try:
        compile_cache.install("/nonexistent-cache-dir")
        first = compile_cache.cached_re_compile(pattern, flags)  # a miss: parsed here
        again = compile_cache.cached_re_compile(pattern, flags)  # a hit: from the arguments
    finally:
        compile_cache.uninstall()
    assert compile_cache.stats() == (0, 0)
    for pat in (first, again):
        # Pattern equality compares the pattern, the flags and the compiled code.
        assert pat == made and pat.flags == made.flags
        assert pat.groupindex == made.groupindex and pat.groups == made.groups
    text: Any = b"a=1 B=two\x1b[1mz" if isinstance(pattern, bytes) else "2026-01 é—ab abc x+y"
    assert [m.span() for m in first.finditer(text)] == [m.span() for m in made.finditer(text)]


def test_patterns_are_served_after_a_write_and_left_to_re_when_the_hook_does_not_fit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from re import _compiler

    original = _compiler.compile
    compile_cache.uninstall()
    try:
        compile_cache.install(str(tmp_path))
        pattern = "(?P<only>served-[0-9]+)"
        assert re.compile(pattern).match("served-12")
        if compile_cache._re_hook_fits():
            assert compile_cache.stats()[1] >= 1
            pending = compile_cache.pending(str(tmp_path))
            assert pending is not None and pending.write()
            compile_cache.uninstall()
            compile_cache.install(str(tmp_path))
            re.purge()  # re's own in-memory cache would answer first
            assert re.compile(pattern).match("served-12").group("only") == "served-12"
            assert compile_cache.stats() == (1, 0)
        compile_cache.uninstall()
        assert _compiler.compile is original
        # A Python whose re differs: the hook stays out, re compiles as ever.
        monkeypatch.setattr(compile_cache, "_re_hook_fits", lambda: False)
        compile_cache.install(str(tmp_path))
        assert _compiler.compile is original
        re.purge()
        assert re.compile("(?P<x>left-alone)").match("left-alone")
    finally:
        compile_cache.uninstall()
    assert _compiler.compile is original
