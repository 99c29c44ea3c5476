"""Checks for config values and where a key stands in a TOML file, for settings.py's warnings.

Each check returns the converted value or raises ValueError saying why; ``find_line`` gives the
line of a dotted key so a warning can say "config.toml:12: ui.theme: …".
"""

from __future__ import annotations

import re
from collections.abc import Callable


def opt_str(value: object) -> str | None:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value.strip() or None


def int_in(low: int, high: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"must be an integer from {low} to {high}")
        return value

    return check


def choice(*options: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if not isinstance(value, str) or value.strip().lower() not in options:
            raise ValueError("must be one of " + ", ".join(f'"{o}"' for o in options))
        return value.strip().lower()

    return check


def theme_name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a theme name")
    return value.strip()


def str_list(cap: int) -> Callable[[object], tuple[str, ...]]:
    """A list of strings, de-duplicated in order, at most ``cap`` long."""

    def check(value: object) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("must be a list of strings")
        return tuple(dict.fromkeys(v for v in value if v))[:cap]

    return check


def user_ids(profiles_cap: int, ids_cap: int) -> Callable[[object], dict[str, tuple[str, ...]]]:
    """A table of profile = [user ids], capped both ways."""

    def check(value: object) -> dict[str, tuple[str, ...]]:
        if not isinstance(value, dict):
            raise ValueError("must be a table of profile = [user ids]")
        out: dict[str, tuple[str, ...]] = {}
        for profile, ids in list(value.items())[:profiles_cap]:
            if not isinstance(ids, list) or not all(isinstance(v, str) for v in ids):
                raise ValueError(f'"{profile}" must be a list of strings')
            out[profile] = tuple(dict.fromkeys(v for v in ids if v))[:ids_cap]
        return out

    return check


_HEADER_RE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY_RE = re.compile(
    r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*="""
)


def _split_dotted(text: str) -> list[str]:
    parts = re.findall(r""""([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+)""", text)
    return [a or b or c for a, b, c in parts]


def find_line(text: str, dotted: tuple[str, ...]) -> int | None:
    """Return the 1-based line defining the key path ``dotted`` (a table header or a key)."""
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER_RE.match(line)
        if header:
            table = _split_dotted(header.group(1))
            if tuple(table) == dotted:
                return number
            continue
        key = _KEY_RE.match(line)
        if key:
            full = (*table, *_split_dotted(key.group(1)))
            if full[: len(dotted)] == dotted:
                return number
            rest = line[key.end() :]
            inline = re.search(r"[{,]\s*[\"']?" + re.escape(dotted[-1]) + r"[\"']?\s*=", rest)
            if dotted[: len(full)] == full and rest.lstrip().startswith("{") and inline:
                return number  # an inline table: pages = { ivs = 0 }
    return None
