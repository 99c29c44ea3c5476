"""The payload inspector: formatting, hostile strings, search, copy, copy-CLI and write-to-file."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from tests.ui.helpers import StyledApp, osc52_payloads
from tui.ui import clipboard
from tui.ui.screens.inspector import (
    InspectorScreen,
    decode_json_payloads,
    validate_write_path,
    write_atomic,
)
from tui.ui.screens.prompt import PromptScreen
from tui.ui.widgets.json_view import JsonView, format_json

HOSTILE = {
    "markup": "[bold]x[/]",
    "osc52": "before\x1b]52;c;ZXZpbA==\x07after",
    "bidi": "\u202egnp.exe",
    "csi": "\x9b31m",
    "del": "a\x7fb",
    "zero_width": "a\u200bb",
    "line_sep": "one\u2028two",
    "surrogate": "x\ud800y",
    "[key]": "v",
}
# Any character that must never reach the terminal raw.
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)


class InspectorApp(StyledApp):
    """Opens an inspector on mount and records the notifications it shows."""

    def __init__(self, screen: InspectorScreen) -> None:
        super().__init__()
        self.inspector = screen
        self.notes: list[tuple[str, str]] = []

    def on_mount(self) -> None:
        self.push_screen(self.inspector)

    def notify(self, message: str, **kwargs: object) -> None:  # type: ignore[override]
        self.notes.append((message, str(kwargs.get("severity", "information"))))
        super().notify(message, **kwargs)  # type: ignore[arg-type]


def _rendered(view: JsonView) -> list[str]:
    return [view.render_line(y).text for y in range(view.scrollable_content_region.height)]


def _backgrounds(view: JsonView, line: int, text: str) -> list[object]:
    """The background colours of the segments reading ``text`` on document line ``line``."""
    strip = view.render_line(line - view.scroll_offset.y)
    return [s.style.bgcolor if s.style else None for s in strip if s.text == text]


async def test_shows_formatted_json() -> None:
    value = {"stageArn": "arn:aws:ivs:us-east-1:1:stage/a", "events": [{"n": 1}], "ok": True}
    app = InspectorApp(InspectorScreen("Participant p1", value))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.inspector.view
        expected = json.dumps(value, indent=2).split("\n")
        assert view.lines == expected
        assert [line.rstrip() for line in _rendered(view)[: len(expected)]] == expected
        assert app.focused is view
        title = app.inspector.query_one("#inspector-title", Static)
        assert str(title.render()) == "Participant p1"
        status = str(app.inspector.query_one("#inspector-status", Static).render())
        assert status.startswith(f"{len(expected)} lines")


async def test_highlighting_uses_component_styles() -> None:
    app = InspectorApp(InspectorScreen("x", {"key": "text", "n": 5, "b": None}))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.inspector.view
        colours = {}
        for y in (1, 2, 3):
            for segment in view.render_line(y):
                if segment.text.strip(" ,:"):
                    colours[segment.text.strip(",")] = (
                        segment.style.color if segment.style else None
                    )
        key = view.get_component_rich_style("json-view--key").color
        string = view.get_component_rich_style("json-view--string").color
        number = view.get_component_rich_style("json-view--number").color
        literal = view.get_component_rich_style("json-view--literal").color
        assert len({key, string, number, literal}) == 4
        assert colours['"key"'] == key and colours['"text"'] == string
        assert colours["5"] == number and colours["null"] == literal


async def test_hostile_strings_are_shown_literally() -> None:
    app = InspectorApp(InspectorScreen("[red]t\x1b]0;title\x07", HOSTILE, "aws x"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.inspector.view
        shown = "\n".join(_rendered(view))
        assert '"markup": "[bold]x[/]"' in shown
        assert '"osc52": "before\\u001b]52;c;ZXZpbA==\\u0007after"' in shown
        assert '"bidi": "\\u202egnp.exe"' in shown
        assert '"csi": "\\x9b31m"' in shown
        assert '"del": "a\\x7fb"' in shown
        assert '"zero_width": "a\\u200bb"' in shown
        assert '"line_sep": "one\\u2028two"' in shown
        assert '"surrogate": "x\\ud800y"' in shown
        assert '"[key]": "v"' in shown
        for y in range(view.size.height):
            for segment in view.render_line(y):
                assert not UNSAFE.search(segment.text), repr(segment.text)
        assert len(view.lines) == len(HOSTILE) + 2  # the line separator split nothing
        title = str(app.inspector.query_one("#inspector-title", Static).render())
        assert title == "[red]t\\e]0;title\\x07"


async def test_search_counts_highlights_and_moves() -> None:
    value = {"events": [{"eventName": "JOINED"}, {"eventName": "LEFT"}, {"x": "joined again"}]}
    app = InspectorApp(InspectorScreen("events", value))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen, view = app.inspector, app.inspector.view
        await pilot.press("slash")
        assert app.focused is screen.query_one("#inspector-search", Input)
        await pilot.press(*"joined")
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is view
        assert view.match_count == 2
        lines = [view.lines[m.line][m.start : m.end] for m in view.matches]
        assert lines == ["JOINED", "joined"]
        assert view.current_index == 0
        status = screen.query_one("#inspector-status", Static)
        assert str(status.render()).startswith("1 of 2 matches for “joined”")
        current = view.get_component_rich_style("json-view--match-current").bgcolor
        other = view.get_component_rich_style("json-view--match").bgcolor
        assert current != other
        first, second = view.matches
        assert _backgrounds(view, first.line, "JOINED") == [current]
        assert _backgrounds(view, second.line, "joined") == [other]
        await pilot.press("n")
        assert view.current_index == 1
        await pilot.press("n")
        assert view.current_index == 0  # wraps
        await pilot.press("N")
        assert view.current_index == 1
        await pilot.pause()
        assert str(status.render()).startswith("2 of 2")
        # The field offers the last query, selected, so typing replaces it.
        await pilot.press("slash")
        assert screen.query_one("#inspector-search", Input).value == "joined"
        await pilot.press("z", "z", "z", "enter")
        await pilot.pause()
        assert view.match_count == 0
        assert str(status.render()) == "No match for “zzz”"
        # Escape in the field clears the search.
        await pilot.press("slash", "escape")
        await pilot.pause()
        assert view.search_query == "" and not screen.has_class("-searching")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen


async def test_search_jumps_to_a_match_far_away() -> None:
    value = [{"id": i, "wide": "w" * 200 + (" needle" if i == 700 else "")} for i in range(1000)]
    app = InspectorApp(InspectorScreen("big", value))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.inspector.view
        assert view.search("NEEDLE") == 1
        await pilot.pause()
        (match,) = view.matches
        top = view.scroll_offset.y
        assert top <= match.line < top + view.scrollable_content_region.height
        assert view.scroll_offset.x > 0  # scrolled right to the match
        assert any("needle" in line for line in _rendered(view))
        current = view.get_component_rich_style("json-view--match-current").bgcolor
        assert _backgrounds(view, match.line, "needle") == [current]


async def test_large_payload_renders_the_end() -> None:
    value = {"items": [{"n": i, "text": "x" * 100} for i in range(40_000)]}  # ~5.8 MB of JSON
    app = InspectorApp(InspectorScreen("large", value))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.inspector.view
        assert len(view.text) > 5_000_000
        await pilot.press("end")
        await pilot.pause()
        rendered = [line.rstrip() for line in _rendered(view)]
        assert rendered[-3:] == ["    }", "  ]", "}"]
        assert view.scroll_offset.y + len(rendered) == len(view.lines)


async def test_y_copies_the_item_as_json(written: list[str]) -> None:
    value = {"a": "é", "b": [1, 2]}
    app = InspectorApp(InspectorScreen("item", value))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("y")
        await pilot.pause()
    assert osc52_payloads(written) == [format_json(value)]
    assert app.notes[-1][0].startswith("Copied item JSON")


async def test_y_inside_tmux_writes_the_wrapped_sequence(
    written: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMUX", "/tmp/tmux-1/default,1,0")
    app = InspectorApp(InspectorScreen("item", {"a": 1}))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("y")
        await pilot.pause()
    payload = base64.b64encode(format_json({"a": 1}).encode()).decode()
    assert f"\x1bPtmux;\x1b\x1b]52;c;{payload}\x07\x1b\\" in written


async def test_y_too_large_says_so_and_writes_nothing(written: list[str]) -> None:
    value = {"blob": "z" * 1_200_000}
    app = InspectorApp(InspectorScreen("item", value))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("y")
        await pilot.pause()
    assert osc52_payloads(written) == []
    assert app.notes[-1] == (
        "Item JSON is too large to copy (1.2 MB); press w to write it to a file",
        "warning",
    )


async def test_c_copies_the_cli_command_or_says_it_is_unavailable(written: list[str]) -> None:
    command = "aws ivs-realtime list-participant-events --stage-arn A --session-id S"
    app = InspectorApp(InspectorScreen("item", {}, cli_command=command))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await pilot.pause()
    assert osc52_payloads(written) == [command]
    app = InspectorApp(InspectorScreen("item", {}))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await pilot.pause()
    assert osc52_payloads(written) == [command]
    assert app.notes[-1] == ("No AWS CLI command is available for this view", "warning")


async def test_w_writes_the_file_and_remembers_the_path(tmp_path: Path) -> None:
    value = {"eventName": "CreateProject", "ü": "\u202e"}
    export = tmp_path / "exports"
    export.mkdir()
    app = InspectorApp(InspectorScreen("Event log 42", value, export_dir=export))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        field = prompt.query_one(Input)
        assert field.value == str(export / "event-log-42.json")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        target = export / "event-log-42.json"
        assert target.read_text(encoding="utf-8") == format_json(value) + "\n"
        assert app.notes[-1] == (f"Wrote {target.stat().st_size} B to {target}", "information")
        # The next write offers the same path; a bad path is refused in the prompt.
        await pilot.press("w")
        await pilot.pause()
        field = app.screen.query_one(Input)
        assert field.value == str(target)
        field.value = str(tmp_path / "missing" / "x.json")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        assert app.screen.error.startswith("No such folder")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.inspector
    assert sorted(p.name for p in export.iterdir()) == ["event-log-42.json"]  # no temp files


def test_write_atomic_replaces_whole_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "out.json"
    target.write_text("old\n")
    assert write_atomic(target, '{"a": 1}') == len('{"a": 1}\n')
    assert target.read_text() == '{"a": 1}\n'

    def fail(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tui.fsutil.os.replace", fail)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == '{"a": 1}\n'
    assert [p.name for p in folder.iterdir()] == ["out.json"]


def test_validate_write_path(tmp_path: Path) -> None:
    assert validate_write_path("  ") == "Enter a file path."
    assert validate_write_path(str(tmp_path)) == "That is a directory; add a file name."
    assert validate_write_path(str(tmp_path / "a.json")) is None
    assert (validate_write_path(str(tmp_path / "no" / "a.json")) or "").startswith("No such")


async def test_json_view_beside_other_widgets_and_values_beyond_json() -> None:
    from datetime import UTC, datetime

    class Side(StyledApp):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Static("table here")
            yield JsonView({"at": datetime(2024, 5, 1, tzinfo=UTC), "raw": b"\xff\x00"})

    app = Side()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.query_one(JsonView)
        assert '  "at": "2024-05-01T00:00:00+00:00",' in view.lines
        assert '  "raw": "/wA="' in view.lines
        view.set_value([1])
        await pilot.pause()
        assert view.lines == ["[", "  1", "]"]
    assert clipboard.clipboard_settings(app).max_base64 == clipboard.DEFAULT_MAX_BASE64


def test_decode_json_payloads() -> None:
    item: dict[str, Any] = {
        "eventName": "CreateProject",
        "requestPayload": {"contentType": "application/json", "data": '{"name": "p1", "n": [1]}'},
        "responsePayload": {"contentType": "application/json", "data": "{not json"},
        "other": [{"contentType": "text/plain", "data": '{"a": 1}'}],
    }
    decoded = decode_json_payloads(item)
    assert decoded == {
        "eventName": "CreateProject",
        "requestPayload": {"contentType": "application/json", "data": {"name": "p1", "n": [1]}},
        "responsePayload": {"contentType": "application/json", "data": "{not json"},
        "other": [{"contentType": "text/plain", "data": '{"a": 1}'}],
    }
    assert item["requestPayload"]["data"] == '{"name": "p1", "n": [1]}'  # not modified


async def test_inspector_shows_payloads_decoded(written: list[str]) -> None:
    item = {"requestPayload": {"contentType": "application/json", "data": '{"k": "[b]v[/b]"}'}}
    app = InspectorApp(InspectorScreen("log", item))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert '      "k": "[b]v[/b]"' in app.inspector.view.lines
        await pilot.press("y")
        await pilot.pause()
    assert json.loads(osc52_payloads(written)[0])["requestPayload"]["data"] == {"k": "[b]v[/b]"}


async def test_very_long_line_renders_its_window_with_highlights() -> None:
    value = {"blob": "a" * 15_000 + "needle" + "b" * 15_000, "tail": 1}
    app = InspectorApp(InspectorScreen("long", value))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.inspector.view
        assert view.search("needle") == 1
        await pilot.pause()
        (match,) = view.matches
        x = view.scroll_offset.x
        width = view.scrollable_content_region.width
        assert x > 15_000 - width
        row = view.render_line(match.line - view.scroll_offset.y)
        assert row.text == view.lines[match.line][x : x + width]
        assert row.cell_length == width
        current = view.get_component_rich_style("json-view--match-current").bgcolor
        string = view.get_component_rich_style("json-view--string").color
        assert _backgrounds(view, match.line, "needle") == [current]
        plain = [s for s in row if s.text and not s.text.strip("ab")]
        assert plain and all(s.style and s.style.color == string for s in plain)
        # Past the end of the long line the row is blank, not an error.
        view.scroll_to(x=view.max_scroll_x, animate=False, immediate=True)
        tail = view.render_line(match.line + 1 - view.scroll_offset.y)
        assert tail.cell_length == width


async def test_w_and_y_hold_no_control_and_the_file_is_private(
    tmp_path: Path, written: list[str]
) -> None:
    value = {"c1": "\x9b31m\x9d0;t\x9c\x85", "bidi": "\u202e\u206a", "astral": "\U0001d173"}
    target = tmp_path / "item.json"
    app = InspectorApp(InspectorScreen("item", value, export_dir=tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.inspector.view
        assert '  "astral": "\\U0001d173"' in view.lines  # not \\u1d173
        assert '  "bidi": "\\u202e\\u206a",' in view.lines
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    (copied,) = osc52_payloads(written)
    saved = target.read_text(encoding="utf-8")
    for text in (copied, saved):
        assert not UNSAFE.search(text.replace("\n", "")), repr(text)
        assert json.loads(text) == value
    assert target.stat().st_mode & 0o777 == 0o600
