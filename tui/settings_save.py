"""Writing ``config.toml``: only the non-defaults, the user's own entries kept, atomically, 0600.

Why apart: a save must never overwrite a broken file, never write a secret, and never lose a
key the user typed that eventdeck does not know; it is the one writer of the file.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from tui.errors import ConfigError
from tui.fsutil import atomic_write_bytes
from tui.logsetup import contains_registered_secret
from tui.settings_load import read_raw
from tui.settings_schema import RULES, SECRET_KEY_RE, SECTION_TYPES, Settings


def to_toml(value: object) -> object:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dict):
        return {k: to_toml(v) for k, v in value.items()}
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
            f.name: to_toml(getattr(current, f.name))
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
        if name not in SECTION_TYPES or not isinstance(value, dict):
            merged[name] = value  # unknown: the user's to fix
            continue
        rules = RULES.get(name, {})
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
    order = [name for name in SECTION_TYPES if name in merged]
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
    """Write ``settings`` atomically with mode 0600; raises ConfigError if that is unsafe.

    tomli-w is imported here: every launch imports this module (through tui.settings), few save.
    """
    import tomli_w

    target = path.resolve() if path.is_symlink() else path
    existing, _, problem = read_raw(target)
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
