"""The MFA code modal, and the bridge that lets botocore ask for a code from a worker thread.

botocore asks for the code of an assume-role profile's ``mfa_serial`` with ``getpass`` on stdin,
which hangs under a TUI. ``UiMfaPrompter`` is given to ``install_mfa_prompter`` instead: botocore
calls it in the worker thread that needs credentials.

It follows the UI's one work path (``tui/ui/work.py``) turned around: there a worker posts its
outcome as a typed message and the handler on the loop owns the state; here the worker posts
``UiMfaPrompter.CodeRequested`` to the app, whose handler opens ``MfaPromptScreen``, and the
screen's answer resolves a ``Future`` the worker waits on (never the UI). Why it cannot be a
``Work.run`` like the rest: the thread is botocore's, in the middle of signing a request that some
``Work`` run made; it needs an answer *before* it can return, not a handler after it has.
Concurrent calls needing the same role's credentials ask once (``tui.services.mfa.RoleCache``).
"""

from __future__ import annotations

import asyncio
import re
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from textual.app import App
from textual.message import Message
from textual.widgets import Input
from textual.worker import NoActiveWorker, Worker, get_current_worker

from tui.errors import MfaRequiredError
from tui.services.mfa import mfa_serial_from_prompt
from tui.ui.screens.prompt import PromptScreen

CODE_LENGTH = 6
_CODE_RE = re.compile(rf"\d{{{CODE_LENGTH}}}")


def validate_mfa_code(value: str) -> str | None:
    """An error message unless ``value`` is exactly six digits."""
    if _CODE_RE.fullmatch(value.strip()):
        return None
    return f"Enter the {CODE_LENGTH} digits your MFA device shows now."


class MfaPromptScreen(PromptScreen):
    """Ask for the current MFA code; dismisses with the six digits, or None when cancelled."""

    def __init__(self, profile: str | None, mfa_serial: str | None) -> None:
        who = f"profile {profile}" if profile else "this profile"
        device = mfa_serial or "your MFA device"
        super().__init__(
            title=f"MFA code for {who}",
            label=f"Enter the {CODE_LENGTH}-digit code from {device}.",
            placeholder="123456",
            validator=validate_mfa_code,
        )
        self.profile = profile
        self.mfa_serial = mfa_serial

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.restrict = r"[0-9]*"
        field.max_length = CODE_LENGTH
        field.focus()


class MfaRequest:
    """One question for a code: which device, for which profile, and the answer to come.

    Why an object: the worker thread waits on ``answer``; the handler on the loop keeps the screen
    it opened here, so a worker that gives up (cancelled, app closing) can have it taken away.
    """

    def __init__(self, profile: str | None, serial: str | None) -> None:
        self.profile = profile
        self.serial = serial
        self.answer: Future[str | None] = Future()
        self.screen: MfaPromptScreen | None = None

    def give(self, code: str | None) -> None:
        """The screen's answer (None: cancelled); a late answer to a withdrawn request is dropped."""
        if not self.answer.done():
            self.answer.set_result(code)


class UiMfaPrompter:
    """A thread-safe MFA prompter: called in a worker thread, asks through the app, blocks until answered.

    Why: botocore refreshes credentials inside whichever worker makes the call; that thread may
    block, the UI thread must not. One prompt is shown at a time; a cancelled prompt, a cancelled
    worker or an app shutting down raise MfaRequiredError so the worker ends with a clear error.
    The app handles ``CodeRequested`` and ``CodeWithdrawn`` by calling ``show`` and ``withdraw``.
    """

    class CodeRequested(Message, bubble=False):
        """A worker needs an MFA code: open the prompt for ``request``."""

        def __init__(self, prompter: UiMfaPrompter, request: MfaRequest) -> None:
            super().__init__()
            self.prompter = prompter
            self.request = request

    class CodeWithdrawn(Message, bubble=False):
        """The worker stopped waiting (cancelled): take the prompt for ``request`` away."""

        def __init__(self, prompter: UiMfaPrompter, request: MfaRequest) -> None:
            super().__init__()
            self.prompter = prompter
            self.request = request

    POLL = 0.1  # how often a waiting worker checks that it is still wanted (seconds)

    def __init__(self, app: App[Any], profile: str | None = None) -> None:
        self._app = app
        self.profile = profile
        self._lock = threading.Lock()

    def __call__(self, prompt: str) -> str:
        serial = mfa_serial_from_prompt(prompt)
        if _on_a_loop() or not self._app.is_running:
            raise MfaRequiredError(
                "An MFA code is needed but cannot be asked for here "
                "(the app is not running, or the call was made on the UI thread).",
                hint="Run AWS calls in a thread worker so the MFA prompt can be shown.",
            )
        with self._lock:
            value = self._ask(MfaRequest(self.profile, serial))
        if not value:
            raise MfaRequiredError(
                f"MFA cancelled: no code was entered for {serial or 'the MFA device'}.",
                hint="Retry the action to be asked again.",
            )
        return value

    def _ask(self, request: MfaRequest) -> str | None:
        """Post the request to the app and wait for the screen's answer (in the worker thread)."""
        if not self._app.post_message(self.CodeRequested(self, request)):
            return None  # the app is closing
        worker = _current_worker()
        while True:
            try:
                return request.answer.result(timeout=self.POLL)
            except FutureTimeout:
                pass
            if not self._app.is_running or (worker is not None and worker.is_cancelled):
                request.give(None)
                self._app.post_message(self.CodeWithdrawn(self, request))
                return None

    # -- on the event loop (the app's handlers call these) -----------------------------------
    def show(self, request: MfaRequest) -> None:
        """Open the prompt for ``request``; its answer resolves the waiting worker."""
        if request.answer.done():  # withdrawn before the loop got to it
            return
        request.screen = MfaPromptScreen(request.profile, request.serial)
        self._app.push_screen(request.screen, request.give)

    def withdraw(self, request: MfaRequest) -> None:
        """Take the prompt away when nobody is waiting for its answer any more."""
        screen = request.screen
        if screen is not None and self._app.screen is screen:
            screen.dismiss(None)


def _on_a_loop() -> bool:
    """True on a thread running an event loop (the UI's): waiting there would freeze the app."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # a worker thread: it may wait
        return False
    return True


def _current_worker() -> Worker[Any] | None:
    try:
        return get_current_worker()
    except NoActiveWorker:
        return None
