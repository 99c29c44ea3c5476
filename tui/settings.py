"""User settings: a frozen dataclass tree loaded from and saved to ``config.toml``.

The file lives in the platformdirs config dir (``--config`` or ``EVENTDECK_CONFIG`` override it).
Loading never raises: a broken file, an unknown key or a wrong type gives the defaults for that
part and one warning naming file, line and key, so the app always starts. Saving writes only the
values that differ from the defaults (so new defaults in later versions reach the user), keeps
any unknown or invalid entries the user typed (their typo is theirs to fix, not ours to delete),
drops keys that look like secrets, and is refused while the file on disk does not parse, so a
broken file is never overwritten. Comments in the file are not preserved by a save (tomli-w does
not keep them). Nothing here imports textual: the CLI and ``eventdeck doctor`` use it too.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import platformdirs
import tomli_w

from tui.config_checks import choice, find_line, int_in, opt_str, str_list, theme_name, user_ids
from tui.errors import ConfigError
from tui.fsutil import atomic_write_bytes
from tui.logsetup import contains_registered_secret

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


_RULES: dict[str, dict[str, Callable[[object], Any]]] = {
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
_SECTION_TYPES: dict[str, type] = {f.name: f.default_factory for f in fields(Settings)}  # type: ignore[misc]


# --- loading -----------------------------------------------------------------------------------


def config_path(cli_path: str | None = None) -> Path:
    """The config file: ``--config``, then ``EVENTDECK_CONFIG``, then the platformdirs default."""
    if cli_path:
        return Path(cli_path).expanduser()
    env = os.environ.get("EVENTDECK_CONFIG")
    if env:
        return Path(env).expanduser()
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def export_directory(settings: Settings) -> Path:
    """Where exports go: the configured directory or ``<data dir>/exports``."""
    if settings.export.directory:
        return Path(settings.export.directory).expanduser()
    return platformdirs.user_data_path(APP_NAME) / "exports"


def _read_raw(path: Path) -> tuple[dict[str, Any] | None, str, str | None]:
    """Read and parse ``path``: (document or None, text, warning or None); missing -> ({}, "")."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, "", None
    except (OSError, UnicodeDecodeError) as err:
        return None, "", f"{path}: cannot read the config file ({err}); using defaults."
    try:
        return tomllib.loads(text), text, None
    except tomllib.TOMLDecodeError as err:
        found = re.search(r"at line (\d+), column (\d+)", str(err))
        where = f"{path}:{found.group(1)}" if found else str(path)
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(err))
        return (
            None,
            text,
            f"{where}: config file is not valid TOML ({reason}); using all defaults. "
            "eventdeck will not change this file until it is fixed.",
        )


def load_settings(path: Path) -> tuple[Settings, list[str]]:
    """Load settings from ``path``; never raises: problems become defaults plus one warning each."""
    raw, text, problem = _read_raw(path)
    if raw is None:
        return Settings(), [problem or f"{path}: unreadable; using defaults."]
    warnings: list[str] = []

    def warn(keys: tuple[str, ...], message: str) -> None:
        line = find_line(text, keys)
        where = f"{path}:{line}" if line else str(path)
        warnings.append(f"{where}: {'.'.join(keys)}: {message}")

    sections: dict[str, Any] = {}
    for name, value in raw.items():
        if SECRET_KEY_RE.search(name):
            warn(
                (name,), "looks like a secret; eventdeck never stores secrets, ignored. Remove it."
            )
        elif name not in _SECTION_TYPES:
            warn((name,), f"unknown section, ignored (known: {', '.join(_SECTION_TYPES)}).")
        elif not isinstance(value, dict):
            warn((name,), "must be a table, e.g. [" + name + "]; using defaults for it.")
        elif name == "keymap":
            sections[name] = _load_keymap(value, warn)
        elif name == "views":
            sections[name] = _load_views(value, warn)
        else:
            sections[name] = _load_section(name, value, warn)
    return Settings(**sections), warnings


def _load_keymap(
    table: dict[str, Any], warn: Callable[[tuple[str, ...], str], None]
) -> dict[str, str]:
    keymap: dict[str, str] = {}
    for binding_id, keys in table.items():
        if SECRET_KEY_RE.search(binding_id):
            warn(("keymap", binding_id), "looks like a secret; ignored. Remove it.")
        elif not isinstance(keys, str) or not keys.strip():
            warn(("keymap", binding_id), 'must be a string of keys, e.g. "ctrl+r,f5"; ignored.')
        else:
            keymap[binding_id] = keys
    return keymap


def _load_views(
    table: dict[str, Any], warn: Callable[[tuple[str, ...], str], None]
) -> dict[str, dict[str, SavedView]]:
    views: dict[str, dict[str, SavedView]] = {}
    for table_key, named in table.items():
        if not isinstance(named, dict):
            warn(("views", table_key), "must be a table of named views; ignored.")
            continue
        for name, value in named.items():
            try:
                views.setdefault(table_key, {})[name] = saved_view(value)
            except ValueError as err:
                warn(("views", table_key, name), f"{err}; ignored.")
    return views


def _load_section(
    name: str, table: dict[str, Any], warn: Callable[[tuple[str, ...], str], None]
) -> object:
    rules = _RULES[name]
    values: dict[str, Any] = {}
    for key, value in table.items():
        if SECRET_KEY_RE.search(key):
            warn((name, key), "looks like a secret; eventdeck never stores secrets, ignored.")
        elif key not in rules:
            warn((name, key), f"unknown key, ignored (known: {', '.join(rules)}).")
        else:
            try:
                values[key] = rules[key](value)
            except ValueError as err:
                default = getattr(_SECTION_TYPES[name](), key)
                warn((name, key), f"{err}, got {value!r}; using the default {default!r}.")
    return _SECTION_TYPES[name](**values)


# --- saving ------------------------------------------------------------------------------------


def _to_toml(value: object) -> object:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dict):
        return {k: _to_toml(v) for k, v in value.items()}
    return value


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    """The non-default values of ``settings`` as a TOML-ready nested dict."""
    out: dict[str, Any] = {}
    defaults = Settings()
    for section in fields(Settings):
        current = getattr(settings, section.name)
        if section.name == "keymap":
            if current:
                out["keymap"] = dict(current)
            continue
        if section.name == "views":
            if current:
                out["views"] = {
                    key: {name: view.to_dict() for name, view in named.items()}
                    for key, named in current.items()
                    if named
                }
            continue
        default = getattr(defaults, section.name)
        table = {
            f.name: _to_toml(getattr(current, f.name))
            for f in fields(current)
            if getattr(current, f.name) != getattr(default, f.name)
            and getattr(current, f.name) is not None
        }
        if table:
            out[section.name] = table
    return out


def _merge_for_save(existing: dict[str, Any], ours: dict[str, Any]) -> dict[str, Any]:
    """Our values over the user's unknown or invalid entries; secret-looking keys dropped."""
    merged: dict[str, Any] = {}
    for name, value in existing.items():
        if SECRET_KEY_RE.search(name):
            continue
        if name not in _SECTION_TYPES or not isinstance(value, dict):
            merged[name] = value  # unknown: the user's to fix
            continue
        rules = _RULES.get(name, {})
        kept: dict[str, Any] = {}
        for key, item in value.items():
            if SECRET_KEY_RE.search(key) or name in ("keymap", "views"):
                continue
            if key not in rules:
                kept[key] = item
                continue
            try:
                rules[key](item)
            except ValueError:
                kept[key] = item  # invalid and not changed through the app: keep it
        if kept:
            merged[name] = kept
    for name, table in ours.items():
        merged.setdefault(name, {}).update(table)
    order = [name for name in _SECTION_TYPES if name in merged]
    return {name: merged[name] for name in [*order, *(n for n in merged if n not in order)]}


def _check_no_secret_values(value: object, where: str) -> None:
    if isinstance(value, str) and contains_registered_secret(value):
        raise ConfigError(f"refusing to save settings: {where} contains a secret value")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_no_secret_values(key, where)
            _check_no_secret_values(item, f"{where}.{key}" if where else key)
    if isinstance(value, list):
        for item in value:
            _check_no_secret_values(item, where)


def save_settings(settings: Settings, path: Path) -> None:
    """Write ``settings`` atomically with mode 0600; raises ConfigError if that is unsafe."""
    target = path.resolve() if path.is_symlink() else path
    existing, _, problem = _read_raw(target)
    if existing is None:
        raise ConfigError(
            f"not saving settings: {problem}",
            hint=f"Fix or remove {target} first; eventdeck never overwrites a broken config.",
        )
    document = _merge_for_save(existing, settings_to_dict(settings))
    _check_no_secret_values(document, "")
    data = tomli_w.dumps(document).encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    atomic_write_bytes(target, data)


# --- updating ----------------------------------------------------------------------------------


def update(settings: Settings, **changes: Any) -> Settings:
    """Return a copy with ``changes`` applied: ``update(s, **{"ui.theme": "x"})`` or ``ui={...}``.

    Values are validated with the same rules as the file; a bad value or a secret-looking key
    raises ValueError so the settings screen can show why.
    """
    grouped: dict[str, dict[str, Any]] = {}
    for dotted, value in changes.items():
        section, _, key = dotted.partition(".")
        if key:
            grouped.setdefault(section, {})[key] = value
        elif isinstance(value, Mapping):
            grouped.setdefault(section, {}).update(value)
        else:
            raise ValueError(f"{dotted}: give a section.key or a table of values")
    new = settings
    for section, values in grouped.items():
        if section not in _SECTION_TYPES:
            raise ValueError(f"unknown settings section {section!r}")
        for key in values:
            if SECRET_KEY_RE.search(key):
                raise ValueError(f"{section}.{key}: looks like a secret; not stored")
        if section == "keymap":
            keymap = dict(new.keymap)
            for binding_id, keys in values.items():
                if keys is None or keys == "":
                    keymap.pop(binding_id, None)  # back to the binding's default key
                elif isinstance(keys, str):
                    keymap[binding_id] = keys
                else:
                    raise ValueError(f"keymap.{binding_id} must be a string of keys")
            new = replace(new, keymap=keymap)
            continue
        rules = _RULES[section]
        converted: dict[str, Any] = {}
        for key, value in values.items():
            if key not in rules:
                raise ValueError(f"unknown setting {section}.{key}")
            raw = _to_toml(value) if isinstance(value, tuple | dict) else value
            try:
                converted[key] = rules[key]("" if raw is None else raw)
            except ValueError as err:
                raise ValueError(f"{section}.{key} {err}") from None
        new = replace(new, **{section: replace(getattr(new, section), **converted)})
    return new


def _push(items: tuple[str, ...], value: str, cap: int) -> tuple[str, ...]:
    return (value, *(item for item in items if item != value))[:cap]


def remember_source(settings: Settings, source: str) -> Settings:
    """Put ``source`` first in the recent sources (deduplicated, capped)."""
    sources = _push(settings.recent.sources, source, RECENT_SOURCES_CAP)
    return replace(settings, recent=replace(settings.recent, sources=sources))


def remember_user_id(settings: Settings, profile: str | None, user_id: str) -> Settings:
    """Put ``user_id`` first in the recent ids of ``profile`` (None: "default")."""
    name = profile or "default"
    ids = dict(settings.recent.user_ids)
    ids[name] = _push(ids.get(name, ()), user_id, RECENT_USER_IDS_CAP)
    ordered = {name: ids.pop(name), **ids}
    trimmed = dict(list(ordered.items())[:RECENT_PROFILES_CAP])
    return replace(settings, recent=replace(settings.recent, user_ids=trimmed))


def remember_export_path(settings: Settings, export_path: str | Path) -> Settings:
    """Remember the last export file so the next export suggests it."""
    return replace(settings, recent=replace(settings.recent, export_path=str(export_path)))


def remember_view(
    settings: Settings, table_key: str, name: str, view: SavedView | None
) -> Settings:
    """Save ``view`` as ``name`` for the table ``table_key`` (None deletes it)."""
    views = {key: dict(named) for key, named in settings.views.items()}
    named = views.setdefault(table_key, {})
    if view is None:
        named.pop(name, None)
    else:
        named[name] = view
    return replace(settings, views={key: named for key, named in views.items() if named})
