"""OSC 8 links on ARNs in the inspector: only where the terminal shows them, never stray bytes."""

from __future__ import annotations

import pytest

from tui.services.console_urls import arn_url
from tui.services.hyperlinks import detect
from tui.ui.screens.inspector import InspectorScreen
from tui.ui.widgets import json_view
from tui.ui.widgets.json_view import JsonView

ARN = "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf123456"


def test_detection_is_off_in_tmux_unless_its_hyperlinks_feature_is_on() -> None:
    tmux = {"TMUX": "/tmp/tmux-1/default,1,0", "TERM": "tmux-256color", "TERM_PROGRAM": "tmux"}
    assert not detect(tmux, tmux_output="terminal-features[0] xterm*:clipboard:ccolour\n").enabled
    assert detect(tmux, tmux_output="terminal-features[1] *:hyperlinks\n").enabled
    assert detect({"TERM_PROGRAM": "WezTerm", "TERM": "xterm-256color"}).enabled
    assert not detect({"TERM": "xterm-256color"}).enabled
    assert not detect({"TERM": "dumb", "TERM_PROGRAM": "WezTerm"}).enabled
    assert detect({"TERM": "xterm", "EVENTDECK_HYPERLINKS": "1"}).enabled
    assert not detect({"TERM_PROGRAM": "WezTerm", "TERM": "x", "EVENTDECK_HYPERLINKS": "0"}).enabled


def _links(view: JsonView) -> list[str]:
    links = []
    for y in range(view.size.height):
        for segment in view.render_line(y):
            if segment.style is not None and segment.style.link:
                links.append(segment.style.link)
    return links


@pytest.mark.parametrize("enabled", [True, False])
async def test_arns_in_the_inspector_are_links_only_when_enabled(
    enabled: bool, monkeypatch: pytest.MonkeyPatch, written: list[str]
) -> None:
    from tests.ui.helpers import StyledApp

    monkeypatch.setattr(json_view, "_hyperlinks", [enabled])
    value = {"arn": ARN, "note": "arn:aws:x\u001b]8;;evil", "name": "s"}

    class InspectorApp(StyledApp):
        def on_mount(self) -> None:
            self.push_screen(InspectorScreen("stage", value))

    app = InspectorApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(JsonView)
        links = _links(view)
    if enabled:
        assert links and set(links) == {arn_url(ARN)}
    else:
        assert links == []
        assert not any("\x1b]8;" in chunk for chunk in written)
