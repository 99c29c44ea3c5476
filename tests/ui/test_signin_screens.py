"""Pilot tests of the sign-in modals: the device-code screen against the fake SSO-OIDC endpoint,
the MFA code screen, and the bridge that lets botocore ask for a code from a worker thread."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from tests.fake_sso import FakeSso
from tests.ui.helpers import StyledApp, showing, wait_for
from tui.errors import MfaRequiredError
from tui.services.mfa import install_mfa_prompter
from tui.services.signin import SsoLogin
from tui.services.sso_cache import SsoTarget
from tui.ui.screens.mfa_prompt import MfaPromptScreen, UiMfaPrompter
from tui.ui.screens.sso_login import SsoLoginScreen

SERIAL = "arn:aws:iam::123456789012:mfa/alice"
PROMPT = f"Enter MFA code for {SERIAL}: "


class HostApp(StyledApp):
    """A bare app that records what each pushed modal is dismissed with.

    It handles the MFA bridge's messages as EventdeckApp does (``tui/app.py``), and counts the
    prompts shown.
    """

    def __init__(self) -> None:
        super().__init__()
        self.results: list[object] = []
        self.prompts = 0

    def open(self, screen: Screen[Any]) -> None:
        self.push_screen(screen, self.results.append)

    def on_ui_mfa_prompter_code_requested(self, message: UiMfaPrompter.CodeRequested) -> None:
        message.prompter.show(message.request)

    def on_ui_mfa_prompter_code_withdrawn(self, message: UiMfaPrompter.CodeWithdrawn) -> None:
        message.prompter.withdraw(message.request)


@pytest.fixture
def fake() -> Iterator[FakeSso]:
    server = FakeSso()
    yield server
    server.stop()


def target() -> SsoTarget:
    return SsoTarget(
        profile="dev",
        session_name="corp",
        start_url="https://corp.awsapps.com/start",
        region="us-east-1",
        scopes=("codecatalyst:read_write",),
    )


def quick(cancel: threading.Event, seconds: float) -> bool:
    """Poll every 50 ms whatever the interval (the flow's timing is covered by service tests)."""
    return cancel.wait(0.05)


def text(screen: Screen[Any], selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_device_code_is_shown_and_success_dismisses_true(
    isolated_dirs: Path, fake: FakeSso
) -> None:
    fake.state.outcomes = ["pending"]
    app = HostApp()
    login = SsoLogin(target(), endpoint_url=fake.endpoint, sleeper=quick)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = SsoLoginScreen(login)
        app.open(screen)
        await wait_for(pilot, lambda: "checked" in screen.status)
        await pilot.pause()
        assert text(screen, "#sso-code").strip() == "ABCD-EFGH"
        assert text(screen, "#sso-url") == "https://device.sso.example/"
        assert "user_code=ABCD-EFGH" in text(screen, "#sso-complete")
        assert re.match(r"Code expires in (9:5\d|10:00) · waiting for approval", screen.status)
        body = " ".join(str(w.render()) for w in screen.query(Static))
        assert "any device (your phone)" in body
        region = screen.query_one("#sso-dialog").region
        assert region.right <= 80 and region.bottom <= 24
        assert not app.results
        fake.state.outcomes = ["ok"]  # approved on the phone
        await wait_for(pilot, lambda: bool(app.results))
    assert app.results == [True]
    assert screen.result is not None
    assert json.loads(target().cache_path.read_text())["accessToken"] == fake.state.access_token
    # the secret never reached the screen
    assert fake.state.access_token not in body


async def test_copy_puts_the_prefilled_link_on_the_clipboard(
    isolated_dirs: Path, fake: FakeSso
) -> None:
    fake.state.outcomes = ["pending"]
    app = HostApp()
    login = SsoLogin(target(), endpoint_url=fake.endpoint, sleeper=quick)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = SsoLoginScreen(login)
        app.open(screen)
        await wait_for(pilot, lambda: screen.device_code is not None)
        await pilot.press("c")
        assert app.clipboard == "https://device.sso.example/?user_code=ABCD-EFGH"
        await pilot.press("escape")
        await wait_for(pilot, lambda: bool(app.results))
    assert app.results == [False]


async def test_escape_stops_polling(isolated_dirs: Path, fake: FakeSso) -> None:
    fake.state.outcomes = ["pending"]
    app = HostApp()
    login = SsoLogin(target(), endpoint_url=fake.endpoint, sleeper=quick)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = SsoLoginScreen(login)
        app.open(screen)
        await wait_for(pilot, lambda: len(fake.state.calls("/token")) >= 2)
        await pilot.press("escape")
        await wait_for(pilot, lambda: bool(app.results))
        await pilot.pause(0.2)
        polled = len(fake.state.calls("/token"))
        await pilot.pause(0.3)
        assert len(fake.state.calls("/token")) == polled
    assert app.results == [False]
    assert not target().cache_path.exists()


async def test_denied_shows_the_error_and_r_gets_a_new_code(
    isolated_dirs: Path, fake: FakeSso
) -> None:
    fake.state.outcomes = ["pending", "denied", "ok"]
    app = HostApp()
    login = SsoLogin(target(), endpoint_url=fake.endpoint, sleeper=quick)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = SsoLoginScreen(login)
        app.open(screen)
        await wait_for(pilot, lambda: screen.error is not None)
        assert "refused" in text(screen, "#sso-error")
        assert "not signed in" in screen.status
        assert not app.results
        await pilot.press("r")
        await wait_for(pilot, lambda: bool(app.results))
    assert app.results == [True]
    assert len(fake.state.calls("/device_authorization")) == 2


async def test_hostile_url_is_shown_as_plain_visible_text(
    isolated_dirs: Path, fake: FakeSso
) -> None:
    fake.state.outcomes = ["pending"]
    fake.state.user_code = "[bold]X\x1b[31mY"
    app = HostApp()
    login = SsoLogin(target(), endpoint_url=fake.endpoint, sleeper=quick)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = SsoLoginScreen(login)
        app.open(screen)
        await wait_for(pilot, lambda: screen.device_code is not None)
        await pilot.pause()
        shown = text(screen, "#sso-code")
        assert "[bold]X" in shown and "\x1b" not in shown
        await pilot.press("escape")


# -- MFA --------------------------------------------------------------------------------------------
async def test_mfa_screen_accepts_only_six_digits() -> None:
    app = HostApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = MfaPromptScreen("ops", SERIAL)
        app.open(screen)
        await pilot.pause()
        assert "alice" in text(screen, "#prompt-label")
        await pilot.press(*"12a3")
        assert screen.query_one(Input).value == "123"  # letters never reach the field
        await pilot.press("enter")
        assert "6 digits" in screen.error
        assert not app.results
        await pilot.press(*"45678")
        assert screen.query_one(Input).value == "123456"  # capped at six
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == ["123456"]


async def test_mfa_screen_escape_is_none() -> None:
    app = HostApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open(MfaPromptScreen(None, None))
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


def _run_in_worker(app: App[None], fn: Any) -> Worker[Any]:
    return app.run_worker(fn, thread=True, exit_on_error=False, group="aws-test")


async def test_ui_prompter_answers_a_worker_thread() -> None:
    app = HostApp()
    async with app.run_test(size=(80, 24)) as pilot:
        prompter = UiMfaPrompter(app, profile="ops")
        ui_thread = threading.get_ident()
        threads: list[int] = []

        def job() -> str:
            threads.append(threading.get_ident())
            return prompter(PROMPT)

        worker = _run_in_worker(app, job)
        await wait_for(pilot, lambda: showing(app, MfaPromptScreen))
        assert isinstance(app.screen, MfaPromptScreen) and app.screen.mfa_serial == SERIAL
        assert worker.state == WorkerState.RUNNING  # the worker is blocked, the UI is not
        await pilot.press(*"654321", "enter")
        await wait_for(pilot, lambda: worker.state == WorkerState.SUCCESS)
        assert worker.result == "654321"
        assert threads and threads[0] != ui_thread


async def test_ui_prompter_cancel_raises_mfa_required() -> None:
    app = HostApp()
    async with app.run_test(size=(80, 24)) as pilot:
        prompter = UiMfaPrompter(app, profile="ops")
        worker = _run_in_worker(app, lambda: prompter(PROMPT))
        await wait_for(pilot, lambda: showing(app, MfaPromptScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: worker.state == WorkerState.ERROR)
        assert isinstance(worker.error, MfaRequiredError)
        assert SERIAL in str(worker.error)


async def test_ui_prompter_on_the_ui_thread_is_an_error_not_a_hang() -> None:
    app = HostApp()
    async with app.run_test(size=(80, 24)):
        with pytest.raises(MfaRequiredError):
            UiMfaPrompter(app)(PROMPT)


async def test_cancelled_worker_takes_the_prompt_away() -> None:
    app = HostApp()
    async with app.run_test(size=(80, 24)) as pilot:
        prompter = UiMfaPrompter(app)
        worker = _run_in_worker(app, lambda: prompter(PROMPT))
        await wait_for(pilot, lambda: showing(app, MfaPromptScreen))
        worker.cancel()
        await wait_for(pilot, lambda: not isinstance(app.screen, MfaPromptScreen))


MFA_CONFIG = f"""
[profile base]
region = us-east-1

[profile mfa]
role_arn = arn:aws:iam::123456789012:role/ops
source_profile = base
mfa_serial = {SERIAL}
region = us-east-1
"""


@pytest.fixture(scope="module")
def moto_sts() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


async def test_assume_role_in_a_worker_asks_through_the_modal(
    isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch, moto_sts: str
) -> None:
    (isolated_dirs / ".aws" / "config").write_text(MFA_CONFIG)
    (isolated_dirs / ".aws" / "credentials").write_text(
        "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto_sts)
    session = boto3.Session(profile_name="mfa")
    bodies: list[str] = []
    session._session.register(
        "before-send.sts.AssumeRole", lambda request, **_: bodies.append(str(request.body))
    )
    app = HostApp()
    async with app.run_test(size=(80, 24)) as pilot:
        install_mfa_prompter(session, UiMfaPrompter(app, profile="mfa"))
        client = session.client("sts")
        worker = _run_in_worker(app, lambda: client.get_caller_identity()["Arn"])
        await wait_for(pilot, lambda: showing(app, MfaPromptScreen))
        await pilot.press(*"246810", "enter")
        await wait_for(pilot, lambda: worker.state == WorkerState.SUCCESS)
    assert "assumed-role/ops/" in worker.result
    assert len(bodies) == 1 and "TokenCode=246810" in bodies[0]


def _mfa_sessions(
    isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch, moto_sts: str, count: int
) -> tuple[list[boto3.Session], list[str]]:
    """``count`` sessions of the MFA profile (as after a switch away and back), and AssumeRole's bodies."""
    (isolated_dirs / ".aws" / "config").write_text(MFA_CONFIG)
    (isolated_dirs / ".aws" / "credentials").write_text(
        "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto_sts)
    bodies: list[str] = []
    sessions = [boto3.Session(profile_name="mfa") for _ in range(count)]
    for session in sessions:
        session._session.register(
            "before-send.sts.AssumeRole", lambda request, **_: bodies.append(str(request.body))
        )
    return sessions, bodies


def _together(sessions: list[boto3.Session]) -> None:
    """Hold each session's first signing until all have reached it: their fetches start at once."""
    barrier = threading.Barrier(len(sessions))

    def wait(**_: Any) -> None:
        if not getattr(threading.current_thread(), "_mfa_test_met", False):
            threading.current_thread()._mfa_test_met = True  # type: ignore[attr-defined]
            barrier.wait(timeout=30)

    for session in sessions:
        session._session.register("before-sign.sts.GetCallerIdentity", wait)


async def _answer_prompts(
    pilot: Any, app: HostApp, workers: list[Worker[Any]], keys: list[str]
) -> int:
    """Answer every MFA prompt that shows until the workers end; the number of prompts shown."""
    shown: list[object] = []
    while not all(w.state in (WorkerState.SUCCESS, WorkerState.ERROR) for w in workers):
        screen = app.screen
        if isinstance(screen, MfaPromptScreen) and screen not in shown:
            shown.append(screen)
            await pilot.press(*keys)
        await pilot.pause(0.02)
    return len(shown)


async def _two_calls_at_once(
    isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch, moto_sts: str, keys: list[str]
) -> tuple[int, list[Worker[Any]], list[str]]:
    """The prompts shown, the workers and AssumeRole's bodies when two sessions call at once.

    The sessions share the role cache, as two factories of one app do; ``keys`` answer each prompt.
    """
    from tui.services.mfa import RoleCache

    sessions, bodies = _mfa_sessions(isolated_dirs, monkeypatch, moto_sts, 2)
    _together(sessions)
    app = HostApp()
    async with app.run_test(size=(80, 24)) as pilot:
        prompter, cache = UiMfaPrompter(app, profile="mfa"), RoleCache()
        workers = []
        for session in sessions:
            install_mfa_prompter(session, prompter, cache=cache)
            client = session.client("sts")
            workers.append(_run_in_worker(app, lambda c=client: c.get_caller_identity()["Arn"]))
        prompts = await _answer_prompts(pilot, app, workers, keys)
    return prompts, workers, bodies


async def test_two_calls_needing_mfa_at_once_ask_once(
    isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch, moto_sts: str
) -> None:
    """One prompt; both calls proceed with the credentials its code got."""
    prompts, workers, bodies = await _two_calls_at_once(
        isolated_dirs, monkeypatch, moto_sts, [*"135791", "enter"]
    )
    assert prompts == 1
    assert [w.state for w in workers] == [WorkerState.SUCCESS] * 2
    assert all("assumed-role/ops/" in w.result for w in workers)
    assert len(bodies) == 1 and "TokenCode=135791" in bodies[0]  # one code, sent once


async def test_escaping_the_mfa_prompt_fails_every_waiting_call_clearly(
    isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch, moto_sts: str
) -> None:
    """Escape: the calls waiting on that prompt fail with "MFA cancelled", none hangs or asks again."""
    prompts, workers, bodies = await _two_calls_at_once(
        isolated_dirs, monkeypatch, moto_sts, ["escape"]
    )
    assert prompts == 1
    assert [w.state for w in workers] == [WorkerState.ERROR] * 2
    for worker in workers:
        assert isinstance(worker.error, MfaRequiredError)
        assert str(worker.error).startswith("MFA cancelled") and SERIAL in str(worker.error)
    assert not bodies  # nothing was sent to STS


async def test_the_app_shows_the_mfa_prompt_for_a_worker(app_ctx: Any) -> None:
    """EventdeckApp wires the bridge: a worker asking for a code gets the modal, escape fails it."""
    from tests.ui.helpers import idle
    from tui.app import EventdeckApp

    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, idle(app.current_pane))
        prompter = app_ctx.mfa_prompter
        assert isinstance(prompter, UiMfaPrompter)
        asked = _run_in_worker(app, lambda: prompter(PROMPT))
        await wait_for(pilot, lambda: showing(app, MfaPromptScreen))
        await pilot.press(*"112233", "enter")
        await wait_for(pilot, lambda: asked.state == WorkerState.SUCCESS)
        assert asked.result == "112233"
        cancelled = _run_in_worker(app, lambda: prompter(PROMPT))
        await wait_for(pilot, lambda: showing(app, MfaPromptScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: cancelled.state == WorkerState.ERROR)
        assert str(cancelled.error).startswith("MFA cancelled")
