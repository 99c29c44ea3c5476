"""The MFA code modal, and the bridge that lets botocore ask for a code from a worker thread.

botocore asks for the code of an assume-role profile's ``mfa_serial`` with ``getpass`` on stdin,
which hangs under a TUI. ``UiMfaPrompter`` is given to ``install_mfa_prompter`` instead: botocore
calls it in the worker thread that needs credentials; it shows ``MfaPromptScreen`` on the UI
thread and blocks that worker (never the UI) until the code is entered or the prompt cancelled.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from textual.app import App
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


class UiMfaPrompter:
    """A thread-safe MFA prompter: called in a worker thread, asks on the UI thread, blocks until answered.

    Why: botocore refreshes credentials inside whichever worker makes the call; that thread may
    block, the UI thread must not. One prompt is shown at a time; a cancelled prompt, a cancelled
    worker or an app shutting down raise MfaRequiredError so the worker ends with a clear error.
    """

    def __init__(self, app: App[Any], profile: str | None = None) -> None:
        self._app = app
        self.profile = profile
        self._lock = threading.Lock()

    def __call__(self, prompt: str) -> str:
        serial = mfa_serial_from_prompt(prompt)
        with self._lock:
            value = self._ask(serial)
        if not value:
            raise MfaRequiredError(
                f"The MFA code for {serial or 'the MFA device'} was not entered.",
                hint="Retry the action to be asked again.",
            )
        return value

    def _ask(self, serial: str | None) -> str | None:
        answered = threading.Event()
        answer: list[str | None] = []
        shown: list[MfaPromptScreen] = []

        def done(value: str | None) -> None:
            answer.append(value)
            answered.set()

        def show() -> None:
            screen = MfaPromptScreen(self.profile, serial)
            shown.append(screen)
            self._app.push_screen(screen, done)

        try:
            self._app.call_from_thread(show)
        except RuntimeError as exc:
            raise MfaRequiredError(
                "An MFA code is needed but cannot be asked for here "
                "(the app is not running, or the call was made on the UI thread).",
                hint="Run AWS calls in a thread worker so the MFA prompt can be shown.",
            ) from exc
        worker = _current_worker()
        while not answered.wait(0.1):
            if not self._app.is_running or (worker is not None and worker.is_cancelled):
                self._close(shown)
                return None
        return answer[0] if answer else None

    def _close(self, shown: list[MfaPromptScreen]) -> None:
        """Take the modal away when nobody is waiting for its answer any more."""
        if not shown or not self._app.is_running:
            return
        try:
            self._app.call_from_thread(shown[0].dismiss, None)
        except Exception:  # the app is gone or the screen already closed: nothing to remove
            return


def _current_worker() -> Worker[Any] | None:
    try:
        return get_current_worker()
    except NoActiveWorker:
        return None
