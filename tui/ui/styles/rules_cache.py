"""Parsed stylesheet rules kept on disk, so a launch does not parse CSS it parsed before.

Why: parsing eventdeck's .tcss files and the default CSS of the first screen's widgets is ~20 ms
of every launch before the first frame (issue 13, launch ≤ 0.8× the AWS CLI); reading the same
rules back is ~3 ms. A source's rules depend on its text, where it was read from, its flags, the
theme's variables and Textual's parser, so all of them are in the key (the variables and the
parser pick the file, the rest the entry): a changed .tcss, another theme or another Textual
misses and is parsed as before. The file is written atomically, after the first frame, only when
something new was parsed; one that cannot be read, is not the user's own, or names anything but
Textual's style classes is ignored (and replaced at the next write).
"""

from __future__ import annotations

import functools
import os
import pickle
import sys
import zlib
from enum import Enum
from pathlib import Path
from typing import Any, NamedTuple

from textual.css.stylesheet import Stylesheet

# The parser's own modules: their size and mtime stand for Textual's version (asking
# importlib.metadata for it costs ~15 ms, more than the cache saves).
_PARSER_MODULES = (
    "textual.css.parse",
    "textual.css.tokenize",
    "textual.css.tokenizer",
    "textual.css.model",
    "textual.css.styles",
    "textual.css._styles_builder",
    "textual.css.scalar",
    "textual.color",
)
FORMAT = 1
"""Bumped when what is stored changes."""


def cache_dir() -> Path:
    """Where the parsed rules are kept: the user's cache dir (safe to delete at any time)."""
    import platformdirs

    return platformdirs.user_cache_path("eventdeck") / "css"


@functools.cache
def parser_fingerprint() -> str:
    """Size and mtime of Textual's CSS parser modules and Python's version, as one string."""
    parts = [f"{FORMAT}", f"{sys.version_info[0]}.{sys.version_info[1]}"]
    for name in _PARSER_MODULES:
        module = sys.modules.get(name)
        path = getattr(module, "__file__", None)
        if path is None:
            parts.append(f"{name}:?")
            continue
        try:
            st = os.stat(path)
        except OSError:
            parts.append(f"{name}:?")
            continue
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def file_key(variables: dict[str, str]) -> str:
    """What a file's rules were parsed with: Textual's parser and every variable, as one string.

    Stored in the file and compared when it is read, so a file name's checksum that happens to
    match (zlib's, not hashlib's: hashlib's import costs a launch ~1 ms) cannot serve a theme
    the rules were not parsed for.
    """
    pairs = "\0".join(f"{name}={variables[name]}" for name in sorted(variables))
    return f"{parser_fingerprint()}\0{pairs}"


def cache_file(directory: Path, variables: dict[str, str]) -> Path:
    """The file holding the rules parsed with ``variables`` by this Textual, in ``directory``."""
    data = file_key(variables).encode()
    return directory / f"css-rules-{zlib.crc32(data):08x}{zlib.adler32(data):08x}.pickle"


# What a file of parsed rules may name: Textual's style value classes, the selector checks and
# layouts they hold, functools.partial around those checks, and getattr only for the dict methods
# Styles keeps bound (get, __contains__). Anything else is a foreign file: refused, not imported.
_STYLE_MODULES = ("textual.css.", "textual.color", "textual.geometry", "textual.layouts.")
_DICT_METHODS = frozenset({"get", "__contains__"})


def _style_getattr(obj: Any, name: str) -> Any:
    """``getattr`` as pickle uses it for a bound dict method or an Enum member; else refused."""
    if type(obj) is dict and name in _DICT_METHODS:
        return getattr(obj, name)
    if isinstance(obj, type) and issubclass(obj, Enum) and name in obj.__members__:
        return obj[name]
    raise pickle.UnpicklingError(f"not a style attribute: {type(obj).__name__}.{name}")


class _RulesUnpickler(pickle.Unpickler):
    """Loads only Textual's style classes (see _STYLE_MODULES): a foreign file is refused."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name == "getattr":
            return _style_getattr
        if module == "functools" and name == "partial":
            return super().find_class(module, name)
        if module.startswith(_STYLE_MODULES) and name.isidentifier() and not name.startswith("__"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"not a style class: {module}.{name}")


def read_entries(path: Path, variables: dict[str, str]) -> dict[Any, Any]:
    """The entries in ``path`` parsed with ``variables``; empty if missing, foreign or corrupt."""
    try:
        with open(path, "rb") as handle:
            st = os.fstat(handle.fileno())
            # Only a file of this user's, that nobody else may write, is trusted to unpickle.
            if st.st_uid != os.getuid() or st.st_mode & 0o022:
                return {}
            stored = _RulesUnpickler(handle).load()
    except Exception:  # any bad file is a miss, never a failed launch
        return {}
    if not isinstance(stored, dict) or stored.get("key") != file_key(variables):
        return {}
    entries = stored.get("entries")
    return entries if isinstance(entries, dict) else {}


class CachedStylesheet(Stylesheet):
    """A Stylesheet whose parsed rules come from ``directory`` when that CSS was parsed before.

    Why override ``_parse_rules`` (Textual's own per-source parse, already cached in memory by
    Textual under the same key): it is the one place every source is parsed, whether by
    ``parse`` or on a widget's first mount. ``reparse`` (a theme switched at run time) builds a
    plain Stylesheet and parses as Textual does; the sources parsed after it come here again.
    """

    def __init__(
        self, *, variables: dict[str, str] | None = None, directory: Path | None = None
    ) -> None:
        super().__init__(variables=variables)
        self.directory = directory
        self._disk: dict[Any, Any] | None = None  # entries of the current variables' file
        self._disk_path: Path | None = None
        self._disk_variables: dict[str, str] | None = None  # the variables the file is for
        self._fresh: dict[Any, Any] = {}  # parsed here, not in the file yet
        self.hits = 0
        self.misses = 0

    @classmethod
    def replacing(cls, stylesheet: Stylesheet, directory: Path | None) -> CachedStylesheet:
        """A CachedStylesheet with ``stylesheet``'s variables and sources (App.__init__ made it)."""
        cached = cls(variables=stylesheet._variables, directory=directory)
        for read_from, (css, is_default, tie_breaker, scope) in stylesheet.source.items():
            cached.add_source(css, read_from, is_default, tie_breaker, scope)
        return cached

    def _store(self) -> dict[Any, Any]:
        """The entries on disk for the current variables (read once per file)."""
        if self.directory is None:
            return {}
        if self._disk is None or self._variables is not self._disk_variables:
            # set_variables replaces the dict: a new one (a theme) may pick another file.
            self._disk_variables = self._variables
            path = cache_file(self.directory, self._variables)
            if path != self._disk_path or self._disk is None:
                self._disk_path = path
                self._disk = read_entries(path, self._variables)
                self._fresh = {}
        return self._disk

    def _parse_rules(
        self,
        css: str,
        read_from: Any,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[Any]:
        key = (css, read_from, is_default_rules, tie_breaker, scope)
        store = self._store()
        rules = store.get(key)
        if rules is not None:
            self.hits += 1
            return rules  # type: ignore[no-any-return]
        rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
        self.misses += 1
        if self.directory is not None and not any(rule.errors for rule in rules):
            store[key] = self._fresh[key] = rules
        return rules

    def pending(self) -> Pending | None:
        """What ``save`` would write, taken now (on the UI thread); None when nothing is new.

        Why apart: the write (pickle, fsync) can run in a worker thread after the first frame;
        the entries are copied here, so a parse on the UI thread meanwhile changes nothing.
        """
        variables = self._disk_variables
        if self.directory is None or not self._fresh or self._disk_path is None or not variables:
            return None
        self._fresh = {}
        stored = {"key": file_key(variables), "entries": dict(self._disk or {})}
        return Pending(self.directory, self._disk_path, stored)

    def save(self) -> bool:
        """Write the current variables' file if anything new was parsed; whether it was written."""
        pending = self.pending()
        return pending is not None and pending.write()


class Pending(NamedTuple):
    """A cache file to write: its folder, its path and what it holds."""

    directory: Path
    path: Path
    stored: dict[str, Any]

    def write(self) -> bool:
        """Write the file atomically; whether it was written. Safe in any thread.

        Never raises: a cache that cannot be written only costs the next launch its parse.
        """
        from tui.fsutil import atomic_write_bytes, make_private_dir

        try:
            data = pickle.dumps(self.stored, protocol=pickle.HIGHEST_PROTOCOL)
            make_private_dir(self.directory)
            atomic_write_bytes(self.path, data)
        except Exception:  # see the docstring
            return False
        return True
