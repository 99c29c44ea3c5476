"""Themes: the built-in TOML themes, user themes from the config dir, and monochrome mode.

Each theme file holds the fields of ``textual.theme.Theme`` plus eventdeck's semantic variables
(``eventdeck-error-row``, ``-warning-row``, ``-mutation-row``, ``-muted`` and their
``-text-style`` companions), so every colour lives in a theme and none in code or TCSS.

Monochrome (``--color off`` or ``NO_COLOR``), what Textual does and what we add:
Textual reads ``NO_COLOR`` once, in ``App.__init__`` (any value, even empty, counts). It then
sets ``app.no_color``, enables the ``:nocolor`` CSS pseudo-class, and adds an output filter:
``Monochrome`` (every colour turned to its grey of the same luminance) for truecolor themes, or
``NoColor`` (every colour replaced by the terminal default) for ANSI themes. Text styles pass
through both filters. So a cursor or an error row shown only by colour can disappear: with
``NoColor`` all backgrounds are equal, and with ``Monochrome`` two colours of similar luminance
become the same grey. Also, Textual 8 drops ``reverse`` from ``text-style`` in widgets that
render through ``get_visual_style`` (OptionList and other Content-based widgets keep only bold,
dim, italic, underline and strike), while widgets using ``get_component_rich_style`` (DataTable,
Line-API tables) keep it; so a reverse-only cursor is not reliable either. What we add:
``monochrome_theme()`` is a truecolor theme (so Textual picks the ``Monochrome`` filter, which
keeps greys) whose cursor is drawn with inverted greys (black on light grey, which looks exactly
like reverse video) plus bold, and whose semantic rows differ by text style (error rows bold,
warning rows underlined, mutation rows italic). For ``--color off`` the CLI must set
``os.environ["NO_COLOR"] = "1"`` before the App is constructed (``color_disabled`` decides), and
the app then selects ``MONOCHROME_THEME_NAME``. Widget TCSS should take ``text-style`` from the
``$eventdeck-*-text-style`` variables so highlights survive in any theme, and must not add
``reverse`` on top of the cursor colours (that would cancel the inversion in DataTable).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

import platformdirs
from textual.color import Color, ColorParseError
from textual.theme import Theme

from tui.words import plural

DEFAULT_THEME_NAME = "eventdeck-dark"
MONOCHROME_THEME_NAME = "eventdeck-mono"
SEMANTIC_VARIABLES = (
    "eventdeck-error-row",
    "eventdeck-warning-row",
    "eventdeck-mutation-row",
    "eventdeck-muted",
)
STYLE_VARIABLES = tuple(
    f"{name}-text-style" for name in SEMANTIC_VARIABLES if name != "eventdeck-muted"
)
VARIABLE_DEFAULTS: dict[str, str] = {
    "eventdeck-error-row": "#e5566b",
    "eventdeck-error-row-text-style": "bold",
    "eventdeck-warning-row": "#d99a00",
    "eventdeck-warning-row-text-style": "none",
    "eventdeck-mutation-row": "#a371f7",
    "eventdeck-mutation-row-text-style": "none",
    "eventdeck-muted": "#8b949e",
}
"""eventdeck's variables for themes that do not set them (Textual's own themes): the App's
``get_theme_variable_defaults``, so the stylesheets resolve under any theme."""
_THEME_FIELDS = {f.name for f in fields(Theme)}
_METADATA_KEYS = {"author", "description", "homepage"}
_COLOR_FIELDS = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)
_STYLE_WORDS = {
    "b", "blink", "bold", "dim", "i", "italic", "none", "not", "o", "overline",
    "reverse", "strike", "u", "underline", "uu", "r", "s",
}  # fmt: skip


def builtin_themes_dir() -> Path:
    """Where the built-in theme files are: the wheel's copy, else the repo's ``themes/``."""
    package = Path(__file__).resolve().parent
    packaged = package / "_builtin_themes"
    if packaged.is_dir():
        return packaged
    return package.parent / "themes"


def user_themes_dir() -> Path:
    """The directory user themes are loaded from (``<config dir>/themes``)."""
    return platformdirs.user_config_path("eventdeck") / "themes"


def _is_text_style(value: str) -> bool:
    words = value.split()
    return bool(words) and all(word.lower() in _STYLE_WORDS for word in words)


def theme_from_mapping(data: Mapping[str, Any], check: bool = True) -> Theme:
    """Build a Theme from a parsed TOML table; ValueError says what is wrong.

    ``check``: also generate its colour system, which raises on anything the design system
    cannot use. Off for the built-in themes: the test suite applies each one to an app, and
    generating four colour systems cost ~3 ms of every launch before its first frame.
    """
    unknown = set(data) - _THEME_FIELDS - _METADATA_KEYS
    if unknown:
        raise ValueError(f"unknown {plural('key', len(unknown))} {', '.join(sorted(unknown))}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError('a "name" is required')
    if not isinstance(data.get("primary"), str):
        raise ValueError('a "primary" colour is required')
    for key in _COLOR_FIELDS:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ValueError(f"{key} must be a colour string")
        try:
            Color.parse(value)
        except ColorParseError as err:
            raise ValueError(f"{key}: {err}") from None
    for key in ("dark", "ansi"):
        if key in data and not isinstance(data[key], bool):
            raise ValueError(f"{key} must be true or false")
    for key in ("luminosity_spread", "text_alpha"):
        if key in data and (isinstance(data[key], bool) or not isinstance(data[key], int | float)):
            raise ValueError(f"{key} must be a number")
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise ValueError("[variables] must be a table of strings")
    for key, value in variables.items():
        if (
            key.endswith("text-style")
            or _is_text_style(value)
            or value in ("transparent", "initial")
        ):
            continue
        try:
            Color.parse(value)
        except ColorParseError as err:
            raise ValueError(f"variables.{key}: {err}") from None
    kwargs = {k: v for k, v in data.items() if k in _THEME_FIELDS}
    kwargs["name"] = name.strip()
    kwargs["variables"] = dict(variables)
    theme = Theme(**kwargs)
    if check:
        theme.to_color_system().generate()  # raises on anything the design system cannot use
    return theme


def load_theme_file(path: Path, check: bool = True) -> Theme:
    """Load one theme file; ValueError (with the reason) if it is unusable (``check``: above)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"cannot read ({err})") from None
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"not valid TOML ({err})") from None
    try:
        return theme_from_mapping(data, check)
    except (ValueError, TypeError, ColorParseError) as err:
        raise ValueError(str(err)) from None


def load_themes(user_dir: Path | None = None) -> tuple[dict[str, Theme], list[str]]:
    """Built-in themes, the monochrome theme, then user themes (which may override by name).

    Broken themes are skipped and reported together in ONE warning, so a bad file costs the user
    one notification rather than one per file. ``user_dir`` defaults to ``user_themes_dir()``.
    """
    themes: dict[str, Theme] = {}
    problems: list[str] = []
    for path in sorted(builtin_themes_dir().glob("*.toml")):
        try:
            theme = load_theme_file(path, check=False)  # shipped, and checked by the tests
        except ValueError as err:
            problems.append(f"{path}: {err}")
            continue
        themes[theme.name] = theme
    mono = monochrome_theme()
    themes.setdefault(mono.name, mono)
    directory = user_themes_dir() if user_dir is None else user_dir
    if directory.is_dir():
        for path in sorted(directory.glob("*.toml")):
            try:
                theme = load_theme_file(path)
            except ValueError as err:
                problems.append(f"{path}: {err}")
                continue
            themes[theme.name] = theme
    warnings = []
    if problems:
        count = "1 theme" if len(problems) == 1 else f"{len(problems)} themes"
        warnings.append(f"Skipped {count} that could not be loaded:\n" + "\n".join(problems))
    return themes, warnings


def monochrome_theme() -> Theme:
    """A greyscale theme whose highlights are text styles, for ``--color off`` and NO_COLOR."""
    return Theme(
        name=MONOCHROME_THEME_NAME,
        dark=True,
        primary="#c0c0c0",
        secondary="#a0a0a0",
        accent="#ffffff",
        foreground="#e0e0e0",
        background="#000000",
        surface="#000000",
        panel="#303030",
        boost="#ffffff00",
        success="#e0e0e0",
        warning="#ffffff",
        error="#ffffff",
        variables={
            "eventdeck-error-row": "#ffffff",
            "eventdeck-error-row-text-style": "bold",
            "eventdeck-warning-row": "#ffffff",
            "eventdeck-warning-row-text-style": "underline",
            "eventdeck-mutation-row": "#e0e0e0",
            "eventdeck-mutation-row-text-style": "italic",
            "eventdeck-muted": "#909090",
            # The cursor is the normal colours inverted (what reverse video looks like), plus
            # bold, which survives even a filter that drops every colour.
            "block-cursor-foreground": "#000000",
            "block-cursor-background": "#e0e0e0",
            "block-cursor-text-style": "bold",
            "block-cursor-blurred-foreground": "#000000",
            "block-cursor-blurred-background": "#a0a0a0",
            "block-cursor-blurred-text-style": "none",
            "block-hover-background": "#303030",
            "input-cursor-foreground": "#000000",
            "input-cursor-background": "#e0e0e0",
            "input-cursor-text-style": "none",
            "input-selection-foreground": "#000000",
            "input-selection-background": "#c0c0c0",
            "screen-selection-foreground": "#000000",
            "screen-selection-background": "#c0c0c0",
            "footer-key-foreground": "#ffffff",
            "button-focus-text-style": "bold reverse",
            "border": "#ffffff",
            "border-blurred": "#606060",
        },
    )


def color_disabled(mode: str, environ: Mapping[str, str]) -> bool:
    """Whether the app must be monochrome: ``off`` always, ``on`` never, ``auto`` if NO_COLOR is set."""
    if mode == "off":
        return True
    if mode == "on":
        return False
    return "NO_COLOR" in environ


def choose_theme(
    requested: str | None, themes: Mapping[str, Theme], no_color: bool
) -> tuple[str, list[str]]:
    """The theme name to use and a warning if the requested one does not exist."""
    if no_color:
        return MONOCHROME_THEME_NAME, []
    name = requested or DEFAULT_THEME_NAME
    if name in themes:
        return name, []
    fallback = DEFAULT_THEME_NAME if DEFAULT_THEME_NAME in themes else next(iter(themes))
    known = ", ".join(sorted(themes))
    return fallback, [f'Unknown theme "{name}"; using "{fallback}" (available: {known}).']
