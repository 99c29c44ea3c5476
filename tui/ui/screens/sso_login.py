"""The SSO sign-in modal: a URL and a code to open on any other device, and a wait for approval.

On a jump host there is no browser, so the device-authorization code is shown big and plain for the
person to open on their phone; the blocking calls (start, then the wait that polls) are runs of the UI's one work
path (tui/ui/work.py): each poll's state comes back as ``Work.Progress``, the token or the error as
``Work.Done``/``Work.Failed``, and a superseded wait (``r``: a new code) reports nothing; escape
stops the polling at once, and success writes the same token cache the
AWS CLI uses. The URL comes from AWS, so it is shown through safe_text like any untrusted text.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Static

from tui.errors import EventdeckError
from tui.services.signin import DeviceCode, PollState, SsoLogin, SsoLoginCancelledError, TokenInfo
from tui.ui.clipboard import copy_and_notify
from tui.ui.safe_text import safe_lines, safe_text
from tui.ui.screens.dialog import DialogScreen
from tui.ui.work import Report, Work

_STATUS = {
    "pending": "waiting for approval",
    "slow_down": "waiting for approval (asked to slow down)",
    "unreachable": "cannot reach AWS right now, still trying",
}


def _clock(seconds: int) -> str:
    minutes, secs = divmod(max(0, seconds), 60)
    return f"{minutes}:{secs:02d}"


class SsoLoginScreen(DialogScreen[bool]):
    """Sign in with the device code; dismisses with True once the token is cached, else False."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="sso_login.cancel"),
        Binding("c", "copy_link", "Copy link", id="sso_login.copy"),
        Binding("r", "restart", "New code", id="sso_login.restart"),
    ]

    def __init__(self, login: SsoLogin) -> None:
        super().__init__()
        self._login = login
        self._code: DeviceCode | None = None
        self._cancel = threading.Event()
        self.work = Work(self, group="sso-login")
        self._timer: Timer | None = None
        self._status = "requesting a code"
        self._error: EventdeckError | None = None
        self._status_line = ""
        self.result: TokenInfo | None = None

    # -- layout -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="sso-dialog", classes="dialog") as dialog:
            dialog.border_title = safe_text(f"Sign in: {self._login.target.label}")
            with Vertical(id="sso-codebox", classes="-hidden"):
                yield Static("Open this on any device (your phone):", markup=False)
                yield Static("", id="sso-url")
                yield Static("and enter the code:", markup=False)
                yield Static("", id="sso-code")
                yield Static("or open this link, which fills in the code:", markup=False)
                yield Static("", id="sso-complete")
            yield Static("", id="sso-state")
            yield Static("", id="sso-error", classes="-empty")
            yield Static("c copy link · r new code · escape cancel", id="sso-hint", markup=False)

    def on_mount(self) -> None:
        self._timer = self.set_interval(1.0, self._refresh_state)
        self._begin()

    def on_unmount(self) -> None:
        self._cancel.set()

    # -- state ------------------------------------------------------------------------------
    @property
    def status(self) -> str:
        """The state line as shown (for tests and screen readers)."""
        return self._status_line

    @property
    def error(self) -> EventdeckError | None:
        return self._error

    @property
    def device_code(self) -> DeviceCode | None:
        return self._code

    def _begin(self) -> None:
        """Ask for a (new) code in a worker; any previous wait is stopped first."""
        self._cancel.set()
        self._cancel = threading.Event()
        self._code = None
        self._show_error(None)
        self.query_one("#sso-codebox").set_class(True, "-hidden")
        self._status = "requesting a code"
        self._refresh_state()
        self.work.cancel()  # an earlier code's wait is superseded
        self.work.run(self._login.start, key="sso-start", pooled=False)

    def _wait(self) -> None:
        cancel = self._cancel

        login = self._login

        def wait(report: Report) -> TokenInfo:
            # Each answer that is not the token yet: a Work.Progress of this wait only.
            return login.wait(cancel, on_poll=report)

        self._status = "waiting for approval"
        self.work.run(wait, key="sso-wait", pooled=False, on_progress=self._polled)

    def _polled(self, state: PollState) -> None:
        """A poll got an answer that is not the token yet: show it and how many checks so far."""
        status = _STATUS.get(state.status, state.status)
        self._status = f"{status} (checked {state.attempt}×)"
        self._refresh_state()

    def _refresh_state(self) -> None:
        line = self._status
        if self._code is not None and self._error is None:
            left = self._code.seconds_left(datetime.now(UTC))
            line = f"Code expires in {_clock(left)} · {line}" if left else "The code has expired"
        self._status_line = line
        self.query_one("#sso-state", Static).update(safe_text(line))

    def _show_code(self, code: DeviceCode) -> None:
        self._code = code
        self.query_one("#sso-url", Static).update(safe_text(code.verification_uri, "bold"))
        badge = Text("\u00a0\u00a0") + safe_text(code.user_code) + Text("\u00a0\u00a0")
        badge.stylize("bold reverse")
        self.query_one("#sso-code", Static).update(badge)
        self.query_one("#sso-complete", Static).update(safe_text(code.verification_uri_complete))
        self.query_one("#sso-codebox").set_class(False, "-hidden")

    def _show_error(self, error: EventdeckError | None) -> None:
        self._error = error
        widget = self.query_one("#sso-error", Static)
        widget.update(safe_lines(str(error)) if error else "")
        widget.set_class(error is None, "-empty")

    def on_work_failed(self, message: Work.Failed) -> None:
        if not self.work.deliver(message):
            return
        if isinstance(message.error, SsoLoginCancelledError):
            return
        self._status = "not signed in"
        self._show_error(message.error)
        self._refresh_state()

    def on_work_progress(self, message: Work.Progress) -> None:
        self.work.deliver(message)

    def on_work_done(self, message: Work.Done) -> None:
        if not self.work.deliver(message):
            return
        if message.key == "sso-start":
            code: DeviceCode | None = message.result
            if code is None:
                return
            self._show_code(code)
            self._wait()
            self._refresh_state()
            return
        info: TokenInfo | None = message.result
        if info is None:
            return
        self.result = info
        until = info.expires_at.strftime("%Y-%m-%d %H:%M UTC")
        self.app.notify(
            f"Signed in to {info.target.label}; the token is valid until {until}.",
            title="AWS sign-in",
            markup=False,
        )
        self.dismiss(True)

    # -- actions ----------------------------------------------------------------------------
    def action_copy_link(self) -> None:
        """Copy the link that fills in the code (OSC 52, works over SSH)."""
        if self._code is None:
            self.app.notify("No sign-in link yet.", severity="warning", markup=False)
            return
        copy_and_notify(self.app, self._code.verification_uri_complete, "sign-in link")

    def action_restart(self) -> None:
        """Get a new code (after an error or an expired code)."""
        self._begin()

    def action_cancel(self) -> None:
        """Stop waiting and close without signing in."""
        self._cancel.set()
        self.dismiss(False)
