"""The methods ``dataclasses`` generates, compiled once and kept on disk for the next launch.

Why: ``@dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__`` (and for a frozen
class ``__setattr__``, ``__delattr__``, ``__hash__``) as source text and compiles it with
``exec``. The app's start-up defines ~85 dataclasses (eventdeck's and Textual's): ~370 compiles,
~28 ms of the ~35 ms ``dataclasses`` takes before the first frame (issue 13, launch ≤ 0.8× the
AWS CLI). The text is the key: the same text always compiles to the same code, so a stored code
object stands in for the compile exactly; any other text is compiled as before. The code comes
from a marshal file of this Python's (a file from another version, corrupt, not the user's own or
writable by others is ignored), written atomically after the app's first frame when something new
was compiled.

The one hook is a module global ``exec`` in ``dataclasses`` (it shadows the builtin there only):
``dataclasses`` passes its text, globals and locals to ``exec`` as it always did; a version of
``dataclasses`` that no longer calls ``exec`` with text simply never uses it.
"""

from __future__ import annotations

import builtins
import marshal
import os
import sys
from types import CodeType
from typing import Any, NamedTuple

FORMAT = 1
"""Bumped when what is stored changes."""
MAX_ENTRIES = 4000
"""More than this (texts of older versions piling up): only this run's are kept at the next write."""


class _State:
    """What this process loaded, used and compiled."""

    def __init__(self) -> None:
        self.installed = False
        self.stored: dict[str, CodeType] = {}  # read from the file
        self.fresh: dict[str, CodeType] = {}  # compiled here, not in the file yet
        self.used: dict[str, CodeType] = {}  # every text this run asked for
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
    """This Python's file of compiled dataclass methods (bytecode differs between versions)."""
    tag = sys.implementation.cache_tag or "python"
    return os.path.join(directory or cache_dir(), "code", f"dataclass-methods-{tag}.marshal")


def _header() -> str:
    """What a file must have been written by: this format and this exact Python build."""
    return f"{FORMAT}|{sys.version}|{sys.hexversion}"


def read_entries(path: str) -> dict[str, CodeType]:
    """The compiled methods in ``path``; empty if it is missing, foreign, stale or corrupt."""
    try:
        with open(path, "rb") as handle:
            st = os.fstat(handle.fileno())
            # Only a file of this user's, that nobody else may write, is trusted to run.
            if st.st_uid != os.getuid() or st.st_mode & 0o022:
                return {}
            stored = marshal.loads(handle.read())
    except Exception:  # any bad file is a miss, never a failed launch
        return {}
    if not isinstance(stored, dict) or stored.get("header") != _header():
        return {}
    entries = stored.get("entries")
    if not isinstance(entries, dict):
        return {}
    return {k: v for k, v in entries.items() if type(k) is str and type(v) is CodeType}


def cached_exec(source: Any, globals: Any = None, locals: Any = None) -> None:
    """``exec`` for ``dataclasses``: text compiled before runs its stored code, the rest as ever.

    ``dont_inherit``: the code must be what ``exec(text)`` in ``dataclasses`` compiles, and that
    module has no ``from __future__`` import (this one has; inheriting it would turn the
    generated annotations into strings).
    """
    if type(source) is str:
        state = _state
        code = state.stored.get(source) or state.fresh.get(source)
        if code is None:
            code = compile(source, "<string>", "exec", dont_inherit=True)
            state.fresh[source] = code
            state.misses += 1
        else:
            state.hits += 1
        state.used[source] = code
        source = code
    builtins.exec(source, globals, locals)


def install(directory: str | None = None) -> bool:
    """Serve ``dataclasses``' compiles from the file (once a process); whether it was installed.

    Call it before the modules whose dataclasses should be served are imported.
    """
    if _state.installed:
        return False
    import dataclasses

    _state.stored = read_entries(cache_file(directory))
    dataclasses.exec = cached_exec  # type: ignore[attr-defined]
    _state.installed = True
    return True


def uninstall() -> None:
    """Back to the builtin ``exec`` and an empty state (tests)."""
    import dataclasses

    if getattr(dataclasses, "exec", None) is cached_exec:
        del dataclasses.exec  # type: ignore[attr-defined]
    global _state
    _state = _State()


def stats() -> tuple[int, int]:
    """(hits, misses) so far in this process."""
    return _state.hits, _state.misses


def has_new() -> bool:
    """Whether something was compiled here that the file does not hold yet."""
    return bool(_state.fresh)


def pending(directory: str | None = None) -> Pending | None:
    """What a write would store, taken now; None when nothing new was compiled.

    Why apart: the write (marshal, fsync) runs in a worker thread after the first frame; the
    entries are copied here, on the UI thread.
    """
    state = _state
    if not state.installed or not state.fresh:
        return None
    entries = {**state.stored, **state.fresh}
    if len(entries) > MAX_ENTRIES:
        entries = dict(state.used)
    state.stored = entries
    state.fresh = {}
    return Pending(cache_file(directory), {"header": _header(), "entries": entries})


class Pending(NamedTuple):
    """A file of compiled methods to write: its path and what it holds."""

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
