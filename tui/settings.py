"""User settings: a frozen dataclass tree loaded from and saved to ``config.toml``.

The file lives in the platformdirs config dir (``--config`` or ``EVENTDECK_CONFIG`` override it).
Loading never raises: a broken file, an unknown key or a wrong type gives the defaults for that
part and one warning naming file, line and key, so the app always starts. Saving writes only the
values that differ from the defaults (so new defaults in later versions reach the user), keeps
any unknown or invalid entries the user typed (their typo is theirs to fix, not ours to delete),
drops keys that look like secrets, and is refused while the file on disk does not parse, so a
broken file is never overwritten. Comments in the file are not preserved by a save (tomli-w does
not keep them). Nothing here imports textual: the CLI and ``eventdeck doctor`` use it too.

The parts: ``settings_schema`` (the dataclasses, defaults and rules), ``settings_load`` (finding
and loading the file) and ``settings_save`` (the atomic save); this module is the public face and
holds the changes (``update``, ``remember_*``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from tui.settings_load import config_path, export_directory, load_settings
from tui.settings_save import save_settings, settings_to_dict, to_toml
from tui.settings_schema import (
    APP_NAME,
    COLOR_MODES,
    MAX_RANGE,
    PAGE_SIZE_MAX,
    RECENT_PROFILES_CAP,
    RECENT_SOURCES_CAP,
    RECENT_USER_IDS_CAP,
    RULES,
    SECRET_KEY_RE,
    SECTION_TYPES,
    TIME_FORMATS,
    AwsSettings,
    CodeCatalystSettings,
    ExportSettings,
    PageSettings,
    RecentSettings,
    SavedView,
    Settings,
    UiSettings,
    WorkerSettings,
    parse_range,
    saved_view,
    table_layouts,
)

# The schema, loading and saving live beside this module; these names are its public face.
__all__ = [
    "APP_NAME",
    "COLOR_MODES",
    "MAX_RANGE",
    "PAGE_SIZE_MAX",
    "RECENT_PROFILES_CAP",
    "RECENT_SOURCES_CAP",
    "RECENT_USER_IDS_CAP",
    "SECRET_KEY_RE",
    "TIME_FORMATS",
    "AwsSettings",
    "CodeCatalystSettings",
    "ExportSettings",
    "PageSettings",
    "RecentSettings",
    "SavedView",
    "Settings",
    "UiSettings",
    "WorkerSettings",
    "config_path",
    "export_directory",
    "load_settings",
    "parse_range",
    "remember_export_path",
    "remember_source",
    "remember_user_id",
    "remember_view",
    "save_settings",
    "saved_view",
    "settings_to_dict",
    "table_layouts",
    "update",
]


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
        if section not in SECTION_TYPES:
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
        rules = RULES[section]
        converted: dict[str, Any] = {}
        for key, value in values.items():
            if key not in rules:
                raise ValueError(f"unknown setting {section}.{key}")
            raw = to_toml(value) if isinstance(value, tuple | dict) else value
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
