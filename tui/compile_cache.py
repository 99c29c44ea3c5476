"""What the launch compiles before its first frame, kept on disk: dataclass methods, regexes.

Why: ``@dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__`` (and for a frozen
class ``__setattr__``, ``__delattr__``, ``__hash__``) as source text and compiles it with
``exec``: the app's start-up defines ~85 dataclasses (eventdeck's and Textual's), ~370 compiles,
~28 ms of the ~35 ms ``dataclasses`` takes. Compiling the regular expressions its modules define
(Textual's CSS tokenizer, the stdlib's, eventdeck's; botocore's in the early child) is ~15 ms
more, mostly ``re``'s parser, in Python (issue 13, launch ≤ 0.8× the AWS CLI).

Both are pure functions of their input, so the input is the key: the same text always compiles
to the same code object, the same pattern and flags to the same arguments of ``_sre.compile``
(the C step that makes the Pattern); a stored result stands in exactly, anything else is
compiled as before. Everything lives in one marshal file of this Python build's (a file from
another build, corrupt, not the user's own or writable by others is ignored), written atomically
after the app's first frame when something new was compiled.

The hooks: a module global ``exec`` in ``dataclasses`` (it shadows the builtin there only: a
``dataclasses`` that no longer calls ``exec`` with text never uses it), and ``re._compiler``'s
``compile`` on the Python whose ``re`` it was written against (3.11; elsewhere it is left alone).
"""

from __future__ import annotations

import builtins
import marshal
import os
import sys
from types import CodeType
from typing import Any, NamedTuple

FORMAT = 2
"""Bumped when what is stored changes."""
MAX_ENTRIES = 4000
"""More than this (older versions' texts piling up): only this run's are kept at the next write;
and a process records no more than this many new ones (a long-lived sandbox)."""

PatternKey = tuple[str | bytes, int]
PatternArgs = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]


class _State:
    """What this process loaded, used and compiled: dataclass methods and regex patterns."""

    def __init__(self) -> None:
        self.installed = False
        # Set once the launch's compiles are taken for the file (or too many were recorded):
        # later ones (a filter typed as a regex, a pane opened) are served, never recorded.
        self.sealed = False
        self.stored: dict[str, CodeType] = {}  # read from the file
        self.fresh: dict[str, CodeType] = {}  # compiled here, not in the file yet
        self.used: dict[str, CodeType] = {}  # every text this run asked for
        self.stored_patterns: dict[PatternKey, PatternArgs] = {}
        self.fresh_patterns: dict[PatternKey, PatternArgs] = {}
        self.used_patterns: dict[PatternKey, PatternArgs] = {}
        self.hits = 0
        self.misses = 0


_state = _State()


def cache_dir() -> str:
    """eventdeck's folder in the user's cache dir, where platformdirs puts it.

    Why not platformdirs (nor pathlib) here: their imports (~5 ms: tempfile, shutil, urllib)
    would come before the early child's fork; on Linux the answer is XDG_CACHE_HOME or ~/.cache,
    as platformdirs gives it.
    """
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.expanduser("~/.cache")
        return os.path.join(base, "eventdeck")
    import platformdirs

    return platformdirs.user_cache_dir("eventdeck")


def cache_file(directory: str | None = None) -> str:
    """This Python's file of compiled methods and patterns (bytecode differs between versions)."""
    tag = sys.implementation.cache_tag or "python"
    return os.path.join(directory or cache_dir(), "code", f"launch-compiled-{tag}.marshal")


def _header() -> str:
    """What a file must have been written by: this format and this exact Python build."""
    return f"{FORMAT}|{sys.version}|{sys.hexversion}"


class Entries(NamedTuple):
    """A file's contents: dataclass methods by their text, pattern arguments by pattern."""

    methods: dict[str, CodeType]
    patterns: dict[PatternKey, PatternArgs]


def read_entries(path: str) -> Entries:
    """What ``path`` holds; nothing if it is missing, foreign, stale or corrupt."""
    empty = Entries({}, {})
    try:
        with open(path, "rb") as handle:
            st = os.fstat(handle.fileno())
            # Only a file of this user's, that nobody else may write, is trusted to run.
            if st.st_uid != os.getuid() or st.st_mode & 0o022:
                return empty
            stored = marshal.loads(handle.read())
    except Exception:  # any bad file is a miss, never a failed launch
        return empty
    if not isinstance(stored, dict) or stored.get("header") != _header():
        return empty
    methods, patterns = stored.get("methods"), stored.get("patterns")
    if not isinstance(methods, dict) or not isinstance(patterns, dict):
        return empty
    return Entries(
        {k: v for k, v in methods.items() if type(k) is str and type(v) is CodeType},
        {k: v for k, v in patterns.items() if _pattern_entry(k, v)},
    )


def _pattern_entry(key: Any, args: Any) -> bool:
    """Whether ``key`` and ``args`` have the shapes a stored pattern has (else it is dropped)."""
    return (
        type(key) is tuple
        and len(key) == 2
        and type(key[0]) in (str, bytes)
        and type(key[1]) is int
        and type(args) is tuple
        and len(args) == 5
        and type(args[0]) is int
        and type(args[1]) is list
        and type(args[2]) is int
        and type(args[3]) is dict
        and type(args[4]) is tuple
    )


def cached_exec(source: Any, globals: Any = None, locals: Any = None) -> None:
    """``exec`` for ``dataclasses``: text compiled before runs its stored code, the rest as ever.

    ``dont_inherit``: the code must be what ``exec(text)`` in ``dataclasses`` compiles, and that
    module has no ``from __future__`` import (this one has; inheriting it would turn the
    generated annotations into strings).
    """
    if type(source) is str:
        state = _state
        text = source
        source = _serve(
            state.stored, state.fresh, state.used, text,
            lambda: compile(text, "<string>", "exec", dont_inherit=True),
        )  # fmt: skip
    builtins.exec(source, globals, locals)


def _serve(stored: dict[Any, Any], fresh: dict[Any, Any], used: dict[Any, Any], key: Any,
           make: Any) -> Any:  # fmt: skip
    """The stored value for ``key``, else ``make()`` (recorded as new unless sealed)."""
    state = _state
    value = stored.get(key) or fresh.get(key)
    if value is None:
        value = make()
        state.misses += 1
        if not state.sealed:
            fresh[key] = value
            _check_size(state)
    else:
        state.hits += 1
    if not state.sealed:
        used[key] = value
    return value


_re_compile: Any = None  # re._compiler.compile as it was before install


def cached_re_compile(p: Any, flags: int = 0) -> Any:
    """``re._compiler.compile`` with the arguments of ``_sre.compile`` kept for each pattern.

    The miss path is the body of Python 3.11's ``re._compiler.compile`` (parse, generate the
    code, map the groups), the values made plain ints (marshal stores no int subclasses);
    anything but a str or bytes pattern, or the DEBUG flag, goes to the original.
    """
    import re

    if type(p) not in (str, bytes) or flags & re.DEBUG:
        return _re_compile(p, flags)
    import _sre

    _compiler, _parser = _re_modules()

    def make() -> PatternArgs:
        parsed = _parser.parse(p, flags)
        code = _compiler._code(parsed, flags)
        groupindex = parsed.state.groupdict
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        return (
            int(flags | parsed.state.flags),
            [int(op) for op in code],
            int(parsed.state.groups - 1),
            {str(name): int(index) for name, index in groupindex.items()},
            tuple(indexgroup),
        )

    state = _state
    key = (p, int(flags))
    args = _serve(state.stored_patterns, state.fresh_patterns, state.used_patterns, key, make)
    return _sre.compile(p, *args)


def _check_size(state: _State) -> None:
    """Stop recording once a process has recorded MAX_ENTRIES new compiles (bounded memory)."""
    if len(state.fresh) + len(state.fresh_patterns) >= MAX_ENTRIES:
        state.sealed = True


def _re_modules() -> tuple[Any, Any]:
    """``re._compiler`` and ``re._parser`` (private modules: no stubs describe them)."""
    import re  # noqa: F401  (loads both)

    return sys.modules["re._compiler"], sys.modules["re._parser"]


def _re_hook_fits() -> bool:
    """Whether ``re`` is the one ``cached_re_compile`` copies (Python 3.11's), untouched by others."""
    _compiler, _parser = _re_modules()
    return (
        sys.version_info[:2] == (3, 11)
        and callable(getattr(_compiler, "_code", None))
        and callable(getattr(_parser, "parse", None))
        and getattr(_compiler.compile, "__module__", None) in ("re._compiler", __name__)
    )


def install(directory: str | None = None) -> bool:
    """Serve the compiles from the file (once a process); whether it was installed now.

    Call it before the modules whose dataclasses and patterns should be served are imported.
    """
    global _re_compile
    if _state.installed:
        return False
    import dataclasses

    _compiler = _re_modules()[0]
    entries = read_entries(cache_file(directory))
    _state.stored, _state.stored_patterns = entries.methods, entries.patterns
    dataclasses.exec = cached_exec  # type: ignore[attr-defined]
    if _re_hook_fits():
        _re_compile = _compiler.compile
        _compiler.compile = cached_re_compile
    _state.installed = True
    return True


def uninstall() -> None:
    """Back to the builtin ``exec``, ``re``'s own compile and an empty state (tests)."""
    global _state, _re_compile
    import dataclasses

    _compiler = _re_modules()[0]
    if getattr(dataclasses, "exec", None) is cached_exec:
        del dataclasses.exec  # type: ignore[attr-defined]
    if _compiler.compile is cached_re_compile:
        _compiler.compile = _re_compile
    _re_compile = None
    _state = _State()


def stats() -> tuple[int, int]:
    """(hits, misses) so far in this process, methods and patterns together."""
    return _state.hits, _state.misses


def has_new() -> bool:
    """Whether something was compiled here that the file does not hold yet."""
    return bool(_state.fresh or _state.fresh_patterns)


def pending(directory: str | None = None) -> Pending | None:
    """What a write would store, taken now; None when nothing new was compiled.

    Why apart: the write (marshal, fsync) runs in a worker thread after the first frame; the
    entries are copied here, on the UI thread. Taking them ends the recording: what is compiled
    later is not the launch's (and a pattern typed by the user never goes to disk).
    """
    state = _state
    if not state.installed:
        return None
    state.sealed = True
    if not has_new():
        return None
    methods = {**state.stored, **state.fresh}
    patterns = {**state.stored_patterns, **state.fresh_patterns}
    if len(methods) + len(patterns) > MAX_ENTRIES:
        methods, patterns = dict(state.used), dict(state.used_patterns)
    state.stored, state.stored_patterns = methods, patterns
    state.fresh, state.fresh_patterns = {}, {}
    stored = {"header": _header(), "methods": methods, "patterns": patterns}
    return Pending(cache_file(directory), stored)


class Pending(NamedTuple):
    """A file of compiled methods and patterns to write: its path and what it holds."""

    path: str
    stored: dict[str, Any]

    def write(self) -> bool:
        """Write the file atomically; whether it was written. Safe in any thread.

        Never raises: a cache that cannot be written (a read-only or full disk) only costs the
        next launch its compiles.
        """
        from pathlib import Path

        from tui.fsutil import atomic_write_bytes, make_private_dir

        try:
            data = marshal.dumps(self.stored)
            path = Path(self.path)
            make_private_dir(path.parent)
            atomic_write_bytes(path, data)
        except Exception:  # see the docstring
            return False
        return True
