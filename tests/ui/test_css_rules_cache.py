"""Parsed CSS rules from disk give the same styles as a parse, for every theme; changes miss.

Why: the launch reads the rules an earlier launch parsed (tui/ui/styles/rules_cache.py) instead of
parsing ~20 ms of CSS before the first frame. A stale or foreign file must never change how the
app looks, nor run anything: a changed stylesheet, theme or Textual misses, and a file that is
corrupt, writable by others or names anything but Textual's style classes is ignored.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.widgets import Input, Static

from tests.ui.helpers import idle, wait_for
from tui.app import EventdeckApp
from tui.themes import MONOCHROME_THEME_NAME
from tui.ui.styles import STYLESHEETS
from tui.ui.styles.rules_cache import (
    CachedStylesheet,
    cache_dir,
    cache_file,
    file_key,
    read_entries,
)

THEMES = ("eventdeck-dark", "eventdeck-light", "eventdeck-high-contrast", "eventdeck-16")


def _sources(sheet: Stylesheet, tcss: list[Any] | None = None) -> Stylesheet:
    """``sheet`` with eventdeck's stylesheets and the default CSS of a few Textual widgets."""
    sheet.read_all(tcss if tcss is not None else STYLESHEETS)
    for widget in (App, Static, Input):
        read_from = (f"textual:{widget.__name__}", f"{widget.__name__}.DEFAULT_CSS")
        sheet.add_source(widget.DEFAULT_CSS, read_from, is_default_css=True, scope=widget.__name__)
    return sheet


def _canonical(rules: list[Any]) -> list[tuple[Any, ...]]:
    """Every field of ``rules`` that styles a widget, comparable across two parses.

    A layout is compared by name (each parse makes its own instance), a selector's check by the
    function and arguments it calls.
    """
    out = []
    for rule in rules:
        values = {
            name: value.name if name == "layout" else value
            for name, value in rule.styles.get_rules().items()
        }
        checks = [
            (sel._check.func, sel._check.args, sel._check.keywords)
            for selector_set in rule.selector_set
            for sel in selector_set.selectors
        ]
        out.append(
            (
                rule.selector_set,
                sorted(values.items()),
                checks,
                rule.errors,
                rule.is_default_rules,
                rule.tie_breaker,
                rule.selector_names,
                rule.pseudo_classes,
                rule.styles.important,
            )
        )
    return out


def _variables(app_ctx: Any, theme: str) -> dict[str, str]:
    """The CSS variables eventdeck's app has with ``theme`` (as its first stylesheet uses them)."""
    app_ctx.settings = replace(app_ctx.settings, ui=replace(app_ctx.settings.ui, theme=theme))
    if theme == MONOCHROME_THEME_NAME:
        app_ctx.settings = replace(app_ctx.settings, ui=replace(app_ctx.settings.ui, color="off"))
    app = EventdeckApp(app_ctx)
    assert app.theme == theme
    return app.get_css_variables()


@pytest.mark.parametrize("theme", [*THEMES, MONOCHROME_THEME_NAME])
def test_rules_read_back_equal_a_parse_for_every_theme(app_ctx, tmp_path: Path, theme: str) -> None:  # type: ignore[no-untyped-def]
    variables = _variables(app_ctx, theme)
    parsed = _sources(Stylesheet(variables=variables))
    parsed.parse()

    first = _sources(CachedStylesheet(variables=variables, directory=tmp_path))
    first.parse()
    assert first.hits == 0 and first.misses > 0
    assert first.save() is True
    assert first.save() is False  # nothing new since: nothing written

    again = _sources(CachedStylesheet(variables=variables, directory=tmp_path))
    again.parse()
    assert again.misses == 0 and again.hits == first.misses
    assert _canonical(again.rules) == _canonical(parsed.rules)
    assert [r.selector_names for r in again.rules] == [r.selector_names for r in parsed.rules]


def test_another_theme_or_a_changed_stylesheet_misses(app_ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dark = _variables(app_ctx, "eventdeck-dark")
    light = _variables(app_ctx, "eventdeck-light")
    assert cache_file(tmp_path, dark) != cache_file(tmp_path, light)
    first = _sources(CachedStylesheet(variables=dark, directory=tmp_path))
    first.parse()
    first.save()

    # A file that claims the other theme's name (a checksum collision) is not served for it.
    dark_file = cache_file(tmp_path, dark)
    cache_file(tmp_path, light).write_bytes(dark_file.read_bytes())
    cache_file(tmp_path, light).chmod(0o600)
    assert read_entries(cache_file(tmp_path, light), light) == {}
    other_theme = _sources(CachedStylesheet(variables=light, directory=tmp_path))
    other_theme.parse()
    assert other_theme.hits == 0
    expected = _sources(Stylesheet(variables=light))
    expected.parse()
    assert _canonical(other_theme.rules) == _canonical(expected.rules)

    # The same theme, one stylesheet edited: that file misses, the others still hit.
    edited = tmp_path / "edited" / "shell.tcss"
    edited.parent.mkdir()
    original = Path(str(STYLESHEETS[0])).read_text()
    edited.write_text(original.replace("height: 1;", "height: 2;", 1))
    assert edited.read_text() != original
    changed = CachedStylesheet(variables=dark, directory=tmp_path)
    changed.read(Path(str(STYLESHEETS[0])))  # the path the file was cached under...
    path_key = next(iter(changed.source))
    changed.source[path_key] = changed.source[path_key]._replace(content=edited.read_text())
    changed.parse()  # ...with other text: parsed again
    assert changed.misses == 1 and changed.hits == 0
    plain = Stylesheet(variables=dark)
    plain.add_source(edited.read_text(), path_key)
    plain.parse()
    assert _canonical(changed.rules) == _canonical(plain.rules)


def _cached_once(tmp_path: Path, variables: dict[str, str]) -> Path:
    sheet = _sources(CachedStylesheet(variables=variables, directory=tmp_path))
    sheet.parse()
    sheet.save()
    path = cache_file(tmp_path, variables)
    assert read_entries(path, variables)
    return path


class _Boom:
    """Unpickling this would run a command: a foreign file must never get that far."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> Any:
        return (os.system, (f"touch {self.marker}",))


def test_a_foreign_corrupt_or_shared_file_is_ignored(app_ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    variables = _variables(app_ctx, "eventdeck-dark")
    path = _cached_once(tmp_path, variables)
    expected = _sources(Stylesheet(variables=variables))
    expected.parse()

    marker = tmp_path / "ran"
    foreign = pickle.dumps({"key": file_key(variables), "entries": {"x": _Boom(marker)}})
    for content, mode in ((foreign, 0o600), (b"\x80\x05 not a pickle", 0o600), (None, 0o666)):
        if content is not None:
            path.write_bytes(content)
        else:  # a good file anyone may write: not trusted
            _cached_once(tmp_path, variables)
        path.chmod(mode)
        assert read_entries(path, variables) == {}
        sheet = _sources(CachedStylesheet(variables=variables, directory=tmp_path))
        sheet.parse()
        assert sheet.hits == 0 and _canonical(sheet.rules) == _canonical(expected.rules)
        assert sheet.save() is True  # replaced by a good file of the user's own
        assert read_entries(path, variables)
        assert not marker.exists()


async def test_the_second_launch_parses_nothing_the_first_did_and_looks_the_same(app_ctx) -> None:  # type: ignore[no-untyped-def]
    looks: list[list[tuple[str, ...]]] = []
    sheets: list[CachedStylesheet] = []
    for _ in range(2):
        app = EventdeckApp(app_ctx)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, idle(app.current_pane))
            await wait_for(pilot, lambda: any(cache_dir().glob("css-rules-*.pickle")))
            sheet = app.stylesheet
            assert isinstance(sheet, CachedStylesheet)
            sheets.append(sheet)
            looks.append(
                [
                    (
                        repr(node),
                        str(node.styles.background),
                        str(node.styles.color),
                        str(node.styles.width),
                        str(node.styles.height),
                        str(node.styles.display),
                        str(node.styles.border),
                        str(node.styles.padding),
                    )
                    for node in app.screen.walk_children(with_self=True)
                ]
            )
    assert sheets[0].misses > 0 and sheets[1].hits > 0
    assert sheets[1].misses < sheets[0].misses
    assert looks[0] == looks[1]


def _look(app: EventdeckApp) -> list[tuple[str, ...]]:
    return [
        (repr(node), str(node.styles.background), str(node.styles.color))
        for node in app.screen.walk_children(with_self=True)
    ]


async def test_a_theme_switched_at_run_time_looks_as_a_launch_with_it(app_ctx) -> None:  # type: ignore[no-untyped-def]
    """Cached dark rules, then the light theme chosen while running: as a light launch looks."""
    looks = []
    for theme, switch in (("eventdeck-dark", None), ("eventdeck-dark", "eventdeck-light")):
        app = EventdeckApp(app_ctx)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, idle(app.current_pane))
            assert app.theme == theme
            if switch:
                app.theme = switch
                await pilot.pause()
                await wait_for(pilot, idle(app.current_pane))
            looks.append(_look(app))
    app_ctx.settings = replace(
        app_ctx.settings, ui=replace(app_ctx.settings.ui, theme="eventdeck-light")
    )
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        light = _look(app)
    assert looks[1] != looks[0]  # the switch changed how it looks...
    assert looks[1] == light  # ...to exactly how a light launch looks
