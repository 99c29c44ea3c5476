"""Themes: built-ins load and register on a real App, user themes, 16 colours, monochrome."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.color import Color
from textual.filter import Monochrome, NoColor
from textual.theme import Theme
from textual.widgets import DataTable, OptionList

from tui import themes as th
from tui.themes import (
    DEFAULT_THEME_NAME,
    MONOCHROME_THEME_NAME,
    SEMANTIC_VARIABLES,
    STYLE_VARIABLES,
    builtin_themes_dir,
    choose_theme,
    color_disabled,
    load_themes,
    monochrome_theme,
)

BUILTINS = ("eventdeck-dark", "eventdeck-light", "eventdeck-high-contrast", "eventdeck-16")


class _ThemeApp(App[None]):
    def __init__(self, themes: dict[str, Theme], theme: str) -> None:
        super().__init__()
        for item in themes.values():
            self.register_theme(item)
        self.theme = theme

    def compose(self) -> ComposeResult:
        yield OptionList("first", "second", "third")


def test_builtin_dir_is_the_repos_themes_folder() -> None:
    directory = builtin_themes_dir()
    assert directory == Path(th.__file__).resolve().parent.parent / "themes"
    assert {p.stem for p in directory.glob("*.toml")} >= set(BUILTINS)


def test_builtin_dir_prefers_the_packaged_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "site-packages" / "tui"
    (package / "_builtin_themes").mkdir(parents=True)
    monkeypatch.setattr(th, "__file__", str(package / "themes.py"))
    assert builtin_themes_dir() == package / "_builtin_themes"


def test_builtins_load_with_semantic_variables() -> None:
    themes, warnings = load_themes(user_dir=None)
    assert warnings == []
    for name in (*BUILTINS, MONOCHROME_THEME_NAME):
        theme = themes[name]
        assert isinstance(theme, Theme)
        for variable in (*SEMANTIC_VARIABLES, *STYLE_VARIABLES):
            assert variable in theme.variables, (name, variable)
    assert themes["eventdeck-light"].dark is False
    assert themes[DEFAULT_THEME_NAME].dark is True


def test_sixteen_colour_theme_uses_only_ansi_colours() -> None:
    data = tomllib.loads((builtin_themes_dir() / "eventdeck-16.toml").read_text())
    assert data["ansi"] is True
    values = [v for k, v in data.items() if isinstance(v, str) and k != "name"]
    values += list(data["variables"].values())
    for value in values:
        if th._is_text_style(value):
            continue
        assert value.startswith("ansi_"), value
        assert Color.parse(value).ansi is not None, value


@pytest.mark.parametrize("name", [*BUILTINS, MONOCHROME_THEME_NAME])
async def test_each_theme_registers_and_applies_on_an_app(name: str) -> None:
    themes, _ = load_themes(user_dir=None)
    app = _ThemeApp(themes, name)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        assert app.current_theme.name == name
        variables = app.get_css_variables()
        for variable in SEMANTIC_VARIABLES:
            Color.parse(variables[variable])  # resolved to a usable colour
        assert variables["eventdeck-error-row-text-style"]


def test_user_themes_load_override_and_broken_ones_are_reported_once(tmp_path: Path) -> None:
    user = tmp_path / "themes"
    user.mkdir()
    (user / "mine.toml").write_text('name = "mine"\nprimary = "#ff00ff"\n[variables]\n')
    (user / "override.toml").write_text(
        'name = "eventdeck-dark"\nprimary = "#123456"\nbackground = "#000000"\n'
    )
    (user / "broken.toml").write_text('name = "broken"\nprimary = \n')
    (user / "badcolour.toml").write_text('name = "bad"\nprimary = "notacolour"\n')
    (user / "typo.toml").write_text('name = "typo"\nprimary = "#fff"\nacent = "#000"\n')
    (user / "noname.toml").write_text('primary = "#fff"\n')
    (user / "ignored.yaml").write_text("name: x\n")
    themes, warnings = load_themes(user_dir=user)
    assert themes["mine"].primary == "#ff00ff"
    assert themes["eventdeck-dark"].primary == "#123456"
    assert "eventdeck-light" in themes
    assert not {"broken", "bad", "typo"} & set(themes)
    assert len(warnings) == 1
    message = warnings[0]
    assert message.startswith("Skipped 4 themes")
    for fragment in ("broken.toml", "not valid TOML", "badcolour.toml", "notacolour", "acent",
                     "noname.toml", '"name" is required'):  # fmt: skip
        assert fragment in message, fragment


def test_user_themes_default_to_the_platformdirs_config_dir(isolated_dirs: Path) -> None:
    directory = isolated_dirs / "config" / "eventdeck" / "themes"
    directory.mkdir(parents=True)
    (directory / "x.toml").write_text('name = "from-config-dir"\nprimary = "#00ff00"\n')
    themes, warnings = load_themes()
    assert warnings == []
    assert "from-config-dir" in themes


def test_bad_variable_colour_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "v.toml").write_text(
        'name = "v"\nprimary = "#fff"\n[variables]\n"eventdeck-muted" = "greyish"\n'
    )
    themes, warnings = load_themes(user_dir=tmp_path)
    assert "v" not in themes
    assert "eventdeck-muted" in warnings[0]


def test_color_mode_and_no_color() -> None:
    assert color_disabled("off", {}) is True
    assert color_disabled("on", {"NO_COLOR": "1"}) is False
    assert color_disabled("auto", {"NO_COLOR": ""}) is True  # any value counts, as in Textual
    assert color_disabled("auto", {}) is False


def test_choose_theme() -> None:
    themes, _ = load_themes(user_dir=None)
    assert choose_theme("eventdeck-light", themes, no_color=False) == ("eventdeck-light", [])
    assert choose_theme(None, themes, no_color=False) == (DEFAULT_THEME_NAME, [])
    assert choose_theme("eventdeck-light", themes, no_color=True)[0] == MONOCHROME_THEME_NAME
    name, warnings = choose_theme("nope", themes, no_color=False)
    assert name == DEFAULT_THEME_NAME and "nope" in warnings[0]


def _looks(segments: list[Segment]) -> set[tuple[bool, str | None, str | None]]:
    """(bold, foreground, background) of the visible text, as the terminal would receive it."""
    return {
        (
            bool(s.style and s.style.bold),
            s.style.color.name if s.style and s.style.color else None,
            s.style.bgcolor.name if s.style and s.style.bgcolor else None,
        )
        for s in segments
        if s.text.strip()
    }


def _grey(segments: list[Segment]) -> float:
    style = next(s.style for s in segments if s.text.strip() and s.style)
    assert style.bgcolor is not None and style.bgcolor.triplet is not None
    return Color.from_rich_color(style.bgcolor).brightness


@pytest.mark.parametrize("widget", ["options", "table"])
async def test_monochrome_highlight_survives_no_color(
    widget: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    filtered: list[str] = []
    apply = Monochrome.apply

    def spy(self: Monochrome, segments: list[Segment], background: Color) -> list[Segment]:
        filtered.append("".join(segment.text for segment in segments))
        return apply(self, segments, background)

    monkeypatch.setattr(Monochrome, "apply", spy)
    app = _ThemeApp({MONOCHROME_THEME_NAME: monochrome_theme()}, MONOCHROME_THEME_NAME)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        assert app.no_color
        # A truecolor theme: Textual picks the Monochrome filter, which keeps greys (the lines
        # written to the terminal went through it).
        assert filtered
        filtered.clear()
        if widget == "options":
            target: OptionList | DataTable[str] = app.query_one(OptionList)
            target.highlighted = 0
        else:
            await app.query_one(OptionList).remove()
            target = DataTable()
            await app.mount(target)
            target.add_column("event")
            target.add_rows([["first"], ["second"], ["third"]])
            target.move_cursor(row=0)
        target.focus()
        await pilot.pause()
        y = 0 if widget == "options" else 1  # the table has a header line
        highlighted = list(target.render_line(y))
        plain = list(target.render_line(y + 1))
        background = Color.parse("#000000")
        mono_hi = Monochrome().apply(highlighted, background)
        mono_lo = Monochrome().apply(plain, background)
        assert abs(_grey(mono_hi) - _grey(mono_lo)) > 0.5  # inverted greys, like reverse video
        none_hi = _looks(NoColor().apply(highlighted, background))
        none_lo = _looks(NoColor().apply(plain, background))
        assert all(bold for bold, _, _ in none_hi)  # bold even with every colour removed
        assert none_hi != none_lo


def test_builtin_themes_load_without_generating_colour_systems_user_themes_are_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The built-in themes are shipped and applied to an app by the test above: a launch does
    not generate their colour systems again (~3 ms before the first frame). A user's theme is
    still checked by generating its colour system."""
    from textual.design import ColorSystem

    generated: list[str] = []
    generate = ColorSystem.generate

    def spy(self: ColorSystem) -> Any:
        generated.append(self.primary.hex)
        return generate(self)

    monkeypatch.setattr(ColorSystem, "generate", spy)
    themes, _ = load_themes(user_dir=None)
    assert set(BUILTINS) <= set(themes)
    assert generated == []
    user = tmp_path / "themes"
    user.mkdir()
    (user / "mine.toml").write_text('name = "mine"\nprimary = "#ff00ff"\n[variables]\n')
    themes, warnings = load_themes(user_dir=user)
    assert "mine" in themes and warnings == []
    assert generated == ["#FF00FF"]
