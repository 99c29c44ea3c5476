"""Reading ``config.toml``: where it is, and loading it without ever raising.

Why apart: loading must always give settings the app can start on; a broken file, an unknown key
or a wrong type becomes the default for that part and one warning naming file, line and key.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import platformdirs

from tui.config_checks import find_line
from tui.settings_schema import (
    APP_NAME,
    RULES,
    SECRET_KEY_RE,
    SECTION_TYPES,
    SavedView,
    Settings,
    saved_view,
)


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


def read_raw(path: Path) -> tuple[dict[str, Any] | None, str, str | None]:
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
    raw, text, problem = read_raw(path)
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
        elif name not in SECTION_TYPES:
            warn((name,), f"unknown section, ignored (known: {', '.join(SECTION_TYPES)}).")
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
    rules = RULES[name]
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
                default = getattr(SECTION_TYPES[name](), key)
                warn((name, key), f"{err}, got {value!r}; using the default {default!r}.")
    return SECTION_TYPES[name](**values)
