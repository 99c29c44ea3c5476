"""The settings' shape: a frozen dataclass tree, its defaults, and the rule that checks each key.

Why apart: loading, saving and the settings screen's ``update`` all check values with the same
rules (``RULES``), and the defaults are what a save leaves out of the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import timedelta
from typing import Any

from tui.config_checks import choice, int_in, opt_str, str_list, theme_name, user_ids

APP_NAME = "eventdeck"
COLOR_MODES = ("auto", "on", "off")
TIME_FORMATS = ("utc", "local", "relative")
PAGE_SIZE_MAX = {"ivs": 100, "codecatalyst": 250, "customer_profiles": 100}
RECENT_SOURCES_CAP = 20
RECENT_USER_IDS_CAP = 20
RECENT_PROFILES_CAP = 20
MAX_RANGE = timedelta(days=30)  # ListEventLogs only guarantees 30 days of history.

SECRET_KEY_RE = re.compile(
    r"secret|token|passw(?:or)?d|access[_-]?key|credential|private[_-]?key|api[_-]?key",
    re.IGNORECASE,
)
_RANGE_RE = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")
_RANGE_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


@dataclass(frozen=True)
class AwsSettings:
    """Default profile and region (None: let boto3 decide) and the retry budget."""

    profile: str | None = None
    region: str | None = None
    max_attempts: int = 5


@dataclass(frozen=True)
class UiSettings:
    """Theme name, colour mode ("auto", "on", "off"), how times show, and each table's columns.

    ``columns`` maps a table id (e.g. "codecatalyst.logs") to its layout as typed by the user's
    keys: "-ip event=30" hides the column ``ip`` and gives ``event`` 30 cells.
    """

    theme: str = "eventdeck-dark"
    color: str = "auto"
    time_format: str = "utc"
    columns: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PageSettings:
    """Rows fetched per request for each browsing pane, within each API's maximum."""

    ivs: int = 100
    codecatalyst: int = 100
    customer_profiles: int = 100


@dataclass(frozen=True)
class WorkerSettings:
    """Size of the thread pool that runs AWS calls."""

    pool_size: int = 4


@dataclass(frozen=True)
class CodeCatalystSettings:
    """Default time range of the event log query, e.g. "24h", "7d", "30m" (at most 30 days)."""

    default_range: str = "24h"


@dataclass(frozen=True)
class ExportSettings:
    """Directory exports go to (None: the platformdirs data dir's ``exports``)."""

    directory: str | None = None


@dataclass(frozen=True)
class RecentSettings:
    """Recently used values, most recent first; treat the containers as read-only."""

    sources: tuple[str, ...] = ()
    user_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)
    export_path: str | None = None


@dataclass(frozen=True)
class SavedView:
    """A table's view saved by name: the query bar's text, sort, hidden columns and time range.

    ``range`` is a CodeCatalyst preset (``7d``) or ``START END`` in RFC 3339; ``sort`` a column key.
    """

    query: str = ""
    sort: str | None = None
    descending: bool = False
    hidden: tuple[str, ...] = ()
    range: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The TOML table of this view (defaults left out)."""
        out: dict[str, Any] = {"query": self.query}
        if self.sort is not None:
            out["sort"] = self.sort
            out["descending"] = self.descending
        if self.hidden:
            out["hidden"] = list(self.hidden)
        if self.range is not None:
            out["range"] = self.range
        return out


def saved_view(value: object) -> SavedView:
    """A SavedView from its TOML table; ValueError says what is wrong."""
    if not isinstance(value, dict):
        raise ValueError("must be a table with query, sort, descending, hidden, range")
    unknown = set(value) - {"query", "sort", "descending", "hidden", "range"}
    if unknown:
        raise ValueError(f"unknown keys {', '.join(sorted(unknown))}")
    query, sort, hidden, range_ = (
        value.get("query", ""),
        value.get("sort"),
        value.get("hidden", []),
        value.get("range"),
    )
    if not isinstance(query, str) or not (sort is None or isinstance(sort, str)):
        raise ValueError("query and sort must be strings")
    if not isinstance(value.get("descending", False), bool):
        raise ValueError("descending must be true or false")
    if not isinstance(hidden, list) or not all(isinstance(h, str) for h in hidden):
        raise ValueError("hidden must be a list of column keys")
    if not (range_ is None or isinstance(range_, str)):
        raise ValueError("range must be a string")
    return SavedView(query, sort, bool(value.get("descending", False)), tuple(hidden), range_)


@dataclass(frozen=True)
class Settings:
    """Everything eventdeck remembers between runs; never a credential, token or secret."""

    aws: AwsSettings = field(default_factory=AwsSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    pages: PageSettings = field(default_factory=PageSettings)
    workers: WorkerSettings = field(default_factory=WorkerSettings)
    codecatalyst: CodeCatalystSettings = field(default_factory=CodeCatalystSettings)
    export: ExportSettings = field(default_factory=ExportSettings)
    keymap: dict[str, str] = field(default_factory=dict)
    recent: RecentSettings = field(default_factory=RecentSettings)
    views: dict[str, dict[str, SavedView]] = field(default_factory=dict)
    """Saved views: table key (pane/columns) → view name → view."""


def parse_range(text: str) -> timedelta:
    """Parse a range like "30m", "24h" or "7d"; ValueError if malformed or over 30 days."""
    match = _RANGE_RE.match(text)
    if not match or int(match.group(1)) == 0:
        raise ValueError('must be a number and a unit m, h or d, e.g. "24h"')
    delta = timedelta(**{_RANGE_UNITS[match.group(2)]: int(match.group(1))})
    if delta > MAX_RANGE:
        raise ValueError("must be at most 30 days (ListEventLogs keeps 30 days)")
    return delta


_LAYOUT_ITEM_RE = re.compile(r"^(?:-[\w.]+|[\w.]+=\d{1,3})$")


def table_layouts(value: object) -> dict[str, str]:
    """Validate ``ui.columns``: table id → "-hidden key=width …" (what the table keys write)."""
    if not isinstance(value, dict):
        raise ValueError('must be a table of "table id" = "-hidden column=width"')
    out: dict[str, str] = {}
    for table, layout in value.items():
        if not isinstance(layout, str) or not all(
            _LAYOUT_ITEM_RE.match(item) for item in layout.split()
        ):
            raise ValueError(f'{table}: must be items like "-ip" or "event=30"')
        out[str(table)] = " ".join(layout.split())
    return out


def _range(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError('must be a string such as "24h"')
    parse_range(value)
    return value.strip()


RULES: dict[str, dict[str, Callable[[object], Any]]] = {
    "aws": {"profile": opt_str, "region": opt_str, "max_attempts": int_in(1, 20)},
    "ui": {
        "theme": theme_name,
        "color": choice(*COLOR_MODES),
        "time_format": choice(*TIME_FORMATS),
        "columns": table_layouts,
    },
    "pages": {pane: int_in(1, high) for pane, high in PAGE_SIZE_MAX.items()},
    "workers": {"pool_size": int_in(1, 32)},
    "codecatalyst": {"default_range": _range},
    "export": {"directory": opt_str},
    "recent": {
        "sources": str_list(RECENT_SOURCES_CAP),
        "user_ids": user_ids(RECENT_PROFILES_CAP, RECENT_USER_IDS_CAP),
        "export_path": opt_str,
    },
}
SECTION_TYPES: dict[str, type] = {f.name: f.default_factory for f in fields(Settings)}  # type: ignore[misc]
