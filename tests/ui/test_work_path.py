"""The one UI work path, checked by what users would see: stale pages, double sends, scans stopped.

Each test here is a guard written down: removing the guard it names makes it fail.
"""

from __future__ import annotations

import threading
from functools import partial
from typing import Any

from compose_helpers import fill, open_pane, send_confirmed, wait_until
from helpers import idle, wait_for
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widget import Widget

from tui.app import EventdeckApp
from tui.launch import LaunchTarget
from tui.services import ivs_realtime as ivs
from tui.services.paging import Pager
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.work import Work

SOURCE = "aws.partner/example.com/orders"


def _done(seen: list[Message], prefix: str) -> bool:
    return any(isinstance(m, Work.Done) and m.key.startswith(prefix) for m in seen)


async def test_a_slow_page_of_a_level_the_user_left_never_appears(app_ctx) -> None:  # type: ignore[no-untyped-def]
    """Guards: ``Work.deliver`` (generation) and BrowsePane's ``level is not self.level``.

    The user opens stage A (its sessions are slow to come), goes back and opens stage B: A's
    page arrives while B's is awaited, and must not land in B's table.
    """
    seen: list[Message] = []
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(120, 36), message_hook=seen.append) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        root = pane.level
        assert len(root.items) >= 2
        stage_a, stage_b = root.items[0], root.items[1]
        app_ctx.demo.set_faults("latency=1500ms")  # every page is slow to come now
        await pilot.press("enter")  # open stage A: its sessions start loading
        await wait_for(pilot, lambda: len(pane.levels) == 2 and pane.fetching)
        await pilot.press("escape")  # the user leaves before the page comes
        await wait_for(pilot, lambda: pane.level is root)
        await pilot.press("down", "enter")  # and opens stage B
        await wait_for(pilot, lambda: len(pane.levels) == 2 and pane.level is not root)
        await wait_for(pilot, lambda: _done(seen, f"load stage {stage_a.name}"))
        app_ctx.demo.set_faults(None)
        await wait_for(pilot, lambda: pane.level.crumb == f"stage {stage_b.name}" and idle(pane)())
        await pilot.pause()
        expected = {
            s.session_id
            for s in Pager(partial(ivs.list_stage_sessions, app_ctx.factory, stage_b.arn)).items()
        }
        shown = [s.session_id for s in pane.level.items]
        assert shown and set(shown) <= expected
        assert pane.table.loaded_count == len(shown)


async def test_a_second_ctrl_s_while_sending_sends_nothing(sandbox_env, sandbox_options) -> None:  # type: ignore[no-untyped-def]
    """Guard: compose's ``A send is already in flight`` check in ``_request_send``."""
    from compose_helpers import make_app

    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await fill(pilot, pane, "Source", SOURCE)
        await fill(pilot, pane, "DetailType", "Order")
        await fill(pilot, pane, "Detail", '{"order": 1}')
        sandbox_env.set_faults("latency=1500ms")
        await send_confirmed(pilot)
        await wait_until(pilot, lambda: pane.sends_in_flight > 0)
        status = pane.query_one("#compose-status")
        # The user presses ctrl+s again while the send is out (and would confirm if asked).
        await pilot.press("ctrl+s")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, ConfirmScreen) or "already in flight" in str(status.render())
            ),
        )
        if isinstance(app.screen, ConfirmScreen):
            await pilot.press("y")
            await pilot.pause()
        sandbox_env.set_faults(None)
        await wait_until(pilot, lambda: all(pane.results) and pane.sends_in_flight == 0)
        await wait_until(pilot, lambda: not pane.work.busy)
        assert len(sandbox_env.received()["events"]) == 1


def _biggest_session(factory: Any) -> tuple[str, str, int]:
    """(stage ARN, session id, participants) of the demo session with the most participants."""
    best: tuple[str, str, int] = ("", "", 0)
    for stage in Pager(partial(ivs.list_stages, factory)).items():
        for session in Pager(partial(ivs.list_stage_sessions, factory, stage.arn)).items():
            sid = session.session_id
            people = Pager(partial(ivs.list_participants, factory, stage.arn, sid)).items()
            n = len(list(people))
            if n > best[2]:
                best = (stage.arn, sid, n)
    return best


async def test_escape_stops_the_session_errors_scan(app_ctx) -> None:  # type: ignore[no-untyped-def]
    """Guard: the scan's cancel event (``Work.stop``, set when the level is left)."""
    stage_arn, session_id, participants = _biggest_session(app_ctx.factory)
    assert participants >= 20
    app_ctx.launch = LaunchTarget(
        "ivs", "ivs-realtime list-participants", {"stage-arn": stage_arn, "session-id": session_id}
    )
    pool = app_ctx.pool
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        before = pool.stats().calls
        app_ctx.demo.set_faults("latency=200ms")
        await pilot.press("E")
        await wait_for(pilot, lambda: pool.stats().calls >= before + 3)  # listed, fanning out
        await pilot.press("escape")
        at_escape = pool.stats()
        await wait_for(pilot, lambda: pane.level.crumb != f"errors in {session_id}")
        # Proving that no more calls come takes a quiet spell: three checks 0.5 s apart (a call
        # takes 0.2 s) with nothing in flight and no new call. Without the guard the scan keeps
        # calling for every participant, and the count below shows it.
        quiet, last = 0, pool.stats().calls
        for _ in range(240):  # hang guard: 2 minutes
            await pilot.pause(0.5)
            now = pool.stats()
            quiet = quiet + 1 if now.calls == last and now.in_flight == 0 else 0
            last = now.calls
            if quiet >= 3:
                break
        app_ctx.demo.set_faults(None)
        finished_after = pool.stats().calls - (at_escape.calls - at_escape.in_flight)
        assert finished_after <= pool.size, (finished_after, pool.size, participants)


class _Owner(Widget):
    """A widget that owns a Work and forwards its messages, as every pane and screen does."""

    def __init__(self) -> None:
        super().__init__()
        self.work = Work(self, group="test")
        self.reports: list[object] = []
        self.results: list[object] = []

    def on_work_done(self, message: Work.Done) -> None:
        self.work.deliver(message)

    def on_work_failed(self, message: Work.Failed) -> None:
        self.work.deliver(message)

    def on_work_progress(self, message: Work.Progress) -> None:
        self.work.deliver(message)


class _OwnerApp(App[None]):
    def compose(self) -> ComposeResult:
        yield _Owner()


async def test_progress_of_a_run_reaches_its_owner_until_the_run_is_left() -> None:
    """Guard: ``Work.deliver`` drops the reports of a cancelled run, as it drops its result.

    A run reports from its own thread and from a thread it starts (as the bulk sender's do); once
    the owner leaves it (``cancel``), what it still reports and returns reaches no handler.
    """
    gate, ended = threading.Event(), threading.Event()
    seen: list[Message] = []
    app = _OwnerApp()
    async with app.run_test(message_hook=seen.append) as pilot:
        owner = app.query_one(_Owner)

        def job(report: Any) -> str:
            report(1)
            helper = threading.Thread(target=report, args=(2,))
            helper.start()
            helper.join()
            gate.wait(30)
            report(3)
            ended.set()
            return "late"

        owner.work.run(
            job, owner.results.append, pooled=False, key="job", on_progress=owner.reports.append
        )
        await wait_for(pilot, lambda: owner.reports == [1, 2])
        assert owner.work.busy
        owner.work.cancel()  # the user left
        gate.set()
        await wait_for(pilot, ended.is_set)
        await wait_for(pilot, lambda: any(isinstance(m, Work.Done) for m in seen))
        await pilot.pause()
        assert owner.reports == [1, 2] and owner.results == []
        late = [m.value for m in seen if isinstance(m, Work.Progress)]
        assert late == [1, 2, 3]  # the third was posted, and dropped
