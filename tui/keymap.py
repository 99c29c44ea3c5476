"""Validate the ``[keymap]`` config section before it is handed to Textual's keymap support.

Textual 8 remaps bindings itself: every ``Binding`` declared with an ``id`` can be given other
keys with ``App.set_keymap({binding_id: "key1,key2"})`` (or ``update_keymap``), and a clash is
reported through ``App.handle_bindings_clash``. What Textual does not do is tell the user that
an id is misspelled or that "ctrl+shift+UP" will never match (key strings are compared
literally, with modifiers in alphabetical order and punctuation by name: "question_mark").
This module does that, without importing textual, so the app calls
``app.set_keymap(apply_keymap(known_ids, settings.keymap)[0])`` and shows the warnings.
"""

from __future__ import annotations

import difflib
import string
import unicodedata
from collections.abc import Iterable, Mapping

from tui.words import plural

MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")
_MODIFIER_ALIASES = {"control": "ctrl", "option": "alt", "cmd": "super", "command": "super"}
NAMED_KEYS = frozenset(
    {
        "backspace", "delete", "down", "end", "enter", "escape", "home", "insert", "left",
        "pagedown", "pageup", "right", "space", "tab", "up",
        *(f"f{n}" for n in range(1, 25)),
    }
)  # fmt: skip
_NAMED_ALIASES = {
    "esc": "escape",
    "del": "delete",
    "ins": "insert",
    "pgup": "pageup",
    "pgdn": "pagedown",
    "page_up": "pageup",
    "page_down": "pagedown",
    "return": "enter",
}
# Textual renames a few unicode character names (textual.keys.KEY_NAME_REPLACEMENTS).
_NAME_REPLACEMENTS = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}


def character_key_name(character: str) -> str:
    """The name Textual gives a key that types ``character`` ("?" -> "question_mark")."""
    if character.isalnum():
        return character
    if character == "\t":
        return "tab"
    name = unicodedata.name(character, character).lower().replace("-", "_").replace(" ", "_")
    return _NAME_REPLACEMENTS.get(name, name)


PUNCTUATION_NAMES = frozenset(character_key_name(c) for c in string.punctuation)


def normalize_key(key: str) -> str:
    """Return the key in the form Textual compares; ValueError if it cannot be a key."""
    text = key.strip()
    if not text:
        raise ValueError("empty key")
    if text == "+":
        return "plus"
    parts = text.split("+")
    if parts[-1] == "" and len(parts) > 1:  # "ctrl++"
        parts = [*parts[:-2], "+"]
    *mods, base = (p.strip() for p in parts)
    modifiers: set[str] = set()
    for mod in mods:
        name = _MODIFIER_ALIASES.get(mod.lower(), mod.lower())
        if name not in MODIFIERS:
            raise ValueError(f"unknown modifier {mod!r} (use {', '.join(MODIFIERS)})")
        if name in modifiers:
            raise ValueError(f"modifier {mod!r} given twice")
        modifiers.add(name)
    if len(base) == 1:
        if not base.isprintable() and base != "\t":
            raise ValueError(f"{base!r} is not a printable key")
        name = character_key_name(base)
    else:
        lowered = base.lower()
        name = _NAMED_ALIASES.get(lowered, lowered)
        if name not in NAMED_KEYS and name not in PUNCTUATION_NAMES:
            close = difflib.get_close_matches(name, sorted(NAMED_KEYS | PUNCTUATION_NAMES), 1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"unknown key {base!r}{hint}")
    if modifiers and len(name) == 1 and name.isupper():
        # Textual reports ctrl/alt chords with lower-case letters ("Ctrl+Q" means ctrl+q);
        # a shifted chord must say shift explicitly.
        name = name.lower()
    return "+".join([*sorted(modifiers), name])


def normalize_keys(keys: str) -> str:
    """Normalise a comma-separated key list ("ctrl+R, ?" -> "ctrl+R,question_mark").

    A literal comma is written "comma" (a bare "," separates keys); ValueError on any bad key.
    """
    items = keys.split(",")
    if not any(item.strip() for item in items):
        raise ValueError("no keys given")
    normalized: list[str] = []
    for item in items:
        if not item.strip():
            raise ValueError('empty key in the list (write a comma key as "comma")')
        key = normalize_key(item)
        if key not in normalized:
            normalized.append(key)
    return ",".join(normalized)


def apply_keymap(
    bindings_by_id: Mapping[str, object] | Iterable[str], keymap: Mapping[str, str]
) -> tuple[dict[str, str], list[str]]:
    """Check ``keymap`` against the app's binding ids; return (overrides, warnings).

    ``bindings_by_id`` holds every ``Binding.id`` the app declares (values are ignored, so a
    dict of id -> Binding or a set of ids both work). ``overrides`` is ready for
    ``App.set_keymap``. Unknown ids are reported together in one warning with suggestions;
    each entry whose keys do not parse gets its own warning and is left out.
    """
    known = set(bindings_by_id)
    overrides: dict[str, str] = {}
    warnings: list[str] = []
    unknown: list[str] = []
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            close = difflib.get_close_matches(binding_id, sorted(known), 1)
            unknown.append(f"{binding_id!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
            continue
        if not isinstance(keys, str):
            warnings.append(
                f'keymap.{binding_id}: keys must be a string such as "ctrl+r,f5"; ignored.'
            )
            continue
        try:
            overrides[binding_id] = normalize_keys(keys)
        except ValueError as err:
            warnings.append(f"keymap.{binding_id} = {keys!r}: {err}; keeping the default keys.")
    if unknown:
        warnings.insert(
            0,
            f"keymap: unknown binding {plural('id', len(unknown))} ignored: "
            + ", ".join(unknown)
            + ". The help screen lists every id.",
        )
    clashes = _clashes(overrides)
    warnings.extend(clashes)
    return overrides, warnings


def _clashes(overrides: Mapping[str, str]) -> list[str]:
    """Warn when the keymap itself gives one key to several ids (they may still be in scopes
    that never meet, e.g. two screens, so this is a warning, not an error)."""
    owners: dict[str, list[str]] = {}
    for binding_id, keys in overrides.items():
        for key in keys.split(","):
            owners.setdefault(key, []).append(binding_id)
    return [
        f"keymap: {key!r} is given to {', '.join(ids)}; where both are active only one works."
        for key, ids in owners.items()
        if len(ids) > 1
    ]
