"""The launch target's first page, when it is already in, lands on the UI thread: the first frame.

Why: launched with AWS CLI words, the early child's page is usually in before the UI has mounted;
going through a worker put the rows one frame (~30 ms) after the shell. A page still on its way
is left to the worker, and the call is never made twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.ui.helpers import idle, wait_for
from tests.ui.test_triage_tables import STAGE_ARN, _launch_events, _load_session
from tui.app import EventdeckApp
from tui.launch import start_prefetch
from tui.services import ivs_realtime as ivs
from tui.ui.work import Work


def _session() -> None:
    joined = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    events = [
        {"name": "JOINED", "eventTime": joined},
        {"name": "PUBLISH_STARTED", "eventTime": joined + timedelta(seconds=5)},
    ]
    _load_session(
        [{"participantId": "early01", "userId": "u", "state": "CONNECTED", "events": events}],
        joined - timedelta(minutes=5),
    )


def _page_loads(monkeypatch: Any) -> list[str]:
    """The keys of the Work runs that load a page of the participant's events."""
    keys: list[str] = []
    run = Work.run

    def spy(self: Work, fn: Any, *args: Any, key: str | None = None, **kwargs: Any) -> Any:
        if key and key.startswith("load participant"):
            keys.append(key)
        return run(self, fn, *args, key=key, **kwargs)

    monkeypatch.setattr(Work, "run", spy)
    return keys


async def test_a_page_already_in_lands_without_a_worker(app_ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _session()
    _launch_events(app_ctx, "early01")
    assert start_prefetch(app_ctx, app_ctx.launch) is True  # a thread fetches it, as at launch
    key = ivs.events_page_key(STAGE_ARN, "st-triageSess001", "early01", app_ctx.settings.pages.ivs)
    assert app_ctx.prefetch.wait(key)
    app_ctx.demo.reset_requests()
    loads = _page_loads(monkeypatch)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        assert [item.name for item in pane.level.items] == ["PUBLISH_STARTED", "JOINED"]
        assert loads == [], "the page that was in went through a worker"
        # The page came from the prefetch: no second call for it.
        events = [r for r in app_ctx.demo.requests() if "ListParticipantEvents" in r["path"]]
        assert events == []


async def test_a_page_still_on_its_way_is_left_to_the_worker(app_ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import threading

    _session()
    _launch_events(app_ctx, "early01")
    gate = threading.Event()
    key = ivs.events_page_key(STAGE_ARN, "st-triageSess001", "early01", app_ctx.settings.pages.ivs)

    def slow() -> Any:
        gate.wait(30)
        return ivs.list_participant_events(
            app_ctx.factory, STAGE_ARN, "st-triageSess001", "early01", None,
            app_ctx.settings.pages.ivs,
        )  # fmt: skip

    app_ctx.prefetch.start(key, slow)
    loads = _page_loads(monkeypatch)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, lambda: bool(loads))  # not landed yet: the worker waits for it
        assert not pane.level.items
        app_ctx.demo.reset_requests()
        gate.set()
        await wait_for(pilot, lambda: idle(pane)() and bool(pane.level.items))
        assert [item.name for item in pane.level.items] == ["PUBLISH_STARTED", "JOINED"]
        events = [r for r in app_ctx.demo.requests() if "ListParticipantEvents" in r["path"]]
        assert len(events) == 1, "the prefetch's own call only"


async def test_without_auto_focus_the_first_screen_still_focuses_the_panes_keys(
    app_ctx, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The first screen has no auto focus (tui.app.ShellScreen); the pane's table still gets it.

    A guard for that change, not a test of it: in a real terminal Textual's auto focus gave the
    hidden side inspector the focus first (two more focus changes before the first frame), but
    the headless test app composes in another order and never showed it. Modal screens keep
    their auto focus, and the focus comes back to the table when one closes.
    """
    from textual.widget import Widget

    from tui.ui.widgets.virtual_table.body import TableBody

    _session()
    _launch_events(app_ctx, "early01")
    changes: list[tuple[str, bool]] = []
    watch = Widget.watch_has_focus

    def spy(self: Widget, has_focus: bool) -> None:
        changes.append((type(self).__name__, has_focus))
        watch(self, has_focus)

    monkeypatch.setattr(Widget, "watch_has_focus", spy)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        assert isinstance(app.focused, TableBody)
        assert changes[0] == ("TableBody", True), changes
        # Modal screens keep Textual's auto focus: help opens with its own widget focused.
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        await wait_for(pilot, lambda: app.screen.focused is not None)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.focused, TableBody))


def _styles_of(screen: Any) -> dict[tuple[str, str, int], str]:
    """Every node's computed CSS on ``screen`` (widgets and their component classes)."""
    styles: dict[tuple[str, str, int], str] = {}
    for node in screen.walk_children(with_self=True):
        styles[(type(node).__name__, "", id(node))] = node.styles.css
        for name in sorted(getattr(node, "COMPONENT_CLASSES", ())):
            styles[(type(node).__name__, name, id(node))] = node.get_component_styles(name).css
    return styles


async def test_each_widget_is_styled_once_before_the_first_frame(app_ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Textual's first ScreenResume restyled the whole screen: every widget styled twice.

    The first screen's first resume skips that pass (tui.app.ShellScreen): its widgets were
    styled as they mounted, with the same stylesheet, and nothing changed since.
    """
    from textual.css.stylesheet import Stylesheet
    from textual.widget import Widget

    _session()
    _launch_events(app_ctx, "early01")
    applied: dict[int, int] = {}
    ready: list[bool] = []
    apply = Stylesheet.apply

    def spy(self: Stylesheet, node: Any, *args: Any, **kwargs: Any) -> Any:
        if not ready and isinstance(node, Widget):
            applied[id(node)] = applied.get(id(node), 0) + 1
        return apply(self, node, *args, **kwargs)

    monkeypatch.setattr(Stylesheet, "apply", spy)

    class Noting(EventdeckApp):
        def on_ready(self) -> None:
            ready.append(True)
            super().on_ready()

    app = Noting(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: bool(ready))
        assert len(applied) > 10
        # The pane's table takes the focus as it mounts: that restyle is a real change.
        assert app.focused is not None
        focused = {id(node) for node in app.focused.walk_children(with_self=True)}
        twice = [count for key, count in applied.items() if count > 1 and key not in focused]
        assert twice == []
        assert applied[id(app.screen)] == 1


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize(
    ("no_color", "theme"), [(False, None), (True, None), (False, "textual-light")]
)
async def test_the_restyle_skipped_at_the_first_resume_would_change_nothing(  # type: ignore[no-untyped-def]
    app_ctx, monkeypatch, size, no_color, theme
) -> None:
    """A guard for that skip: restyling the first screen after its first frame changes no style
    and no cell (at 80x24 and 120x40; with colour, with NO_COLOR, with a light theme)."""
    from dataclasses import replace

    from tui.ui.widgets.virtual_table import DensityBar

    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    if theme:
        settings = app_ctx.settings
        app_ctx.settings = replace(settings, ui=replace(settings.ui, theme=theme))
    _session()
    _launch_events(app_ctx, "early01")
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        # The density bar shows once its counting job is done: the screen settled.
        await wait_for(pilot, lambda: app.query_one(DensityBar).display)
        await pilot.pause()
        before, shot = _styles_of(app.screen), app.export_screenshot()
        app.screen.update_node_styles(animate=False)  # what Textual's first resume did
        await pilot.pause()
        after = _styles_of(app.screen)
        assert [k for k in before if after.get(k) != before[k]] == []
        assert after.keys() == before.keys()
        assert app.export_screenshot() == shot
