"""The base every pane shares: its identity, when it loads, and how it runs AWS calls.

Every AWS call goes through ``call_aws``, a thin wrapper over the pane's ``Work`` (tui/ui/work.py):
a thread worker in a named group, gated by the app's bounded pool, whose result or error comes back
to a handler on the UI thread. Workers never touch widgets; ``cancel_calls`` drops results from a
query the user has already left.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.containers import Vertical
from textual.timer import Timer, TimerCallback
from textual.worker import Worker

from tui.ui.timers import call_after
from tui.ui.work import ErrorHandler, ResultHandler, Work, remember_settings

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from tui.context import AppContext


class Pane(Vertical):
    """A top-level pane (1–5); subclasses set PANE_ID, KEY and TITLE."""

    PANE_ID: ClassVar[str] = ""
    KEY: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    SHORT_TITLE: ClassVar[str] = ""  # for the pane tabs at 80 columns; TITLE when empty

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(id=f"pane-{self.PANE_ID}", classes="pane")
        self.ctx = ctx
        self.work = Work(self, group=f"aws-{self.PANE_ID}", pool=ctx.pool)
        self.activated = False

    # -- lifecycle -------------------------------------------------------------------------
    def activate(self) -> None:
        """Called each time the pane is shown; the first time, it loads."""
        if not self.activated:
            self.activated = True
            self.first_load()
        self.focus_default()

    def first_load(self) -> None:
        """Load the pane's first view (override)."""

    def focus_default(self) -> None:
        """Put the focus where the keys of this pane work (override)."""

    def reload(self) -> None:
        """Profile, region or endpoint changed: drop everything and load again."""
        self.cancel_calls()
        self.activated = False
        if self.is_mounted and self.display:  # a pane not shown yet loads when first shown
            self.activate()

    def save_unsaved(self) -> None:
        """Write what the user composed and is not on disk yet, now (override).

        Why: the app calls it when it must stop at once (SIGHUP when the SSH link drops, SIGTERM).
        """

    def apply_launch(self, params: dict[str, str], operation: str) -> None:
        """Open the view named by AWS CLI words (override)."""

    def set_timer(
        self,
        delay: float,
        callback: TimerCallback | None = None,
        *,
        name: str | None = None,
        pause: bool = False,
    ) -> Timer:
        """Textual's ``set_timer``, but its only tick is never dropped (see tui/ui/timers.py).

        Why here: paging's landing pace and a draft's autosave are a pane's timers; a dropped
        one left the table loading for good, or would stop autosaving.
        """
        return call_after(self, delay, callback, name=name, pause=pause)

    # -- AWS calls -------------------------------------------------------------------------
    @property
    def generation(self) -> int:
        """Bumped each time the pane leaves a query (its late results are dropped)."""
        return self.work.generation

    def call_aws(
        self,
        fn: Callable[[], Any],
        on_result: ResultHandler,
        on_error: ErrorHandler | None = None,
        *,
        group: str | None = None,
        description: str = "",
    ) -> Worker[None]:
        """Run ``fn`` in a pooled thread worker; handlers run on the UI thread if still current."""
        return self.work.run(
            fn, on_result, on_error or self.work.notify_failure, key=description, group=group
        )

    def run_file_job(
        self, fn: Callable[[], Any], on_result: ResultHandler, on_error: ErrorHandler | None = None
    ) -> Worker[None]:
        """Local file work (export, write) off the UI thread, outside the AWS pool."""
        return self.work.run(
            fn,
            on_result,
            on_error or self.work.notify_failure,
            pooled=False,
            group=f"files-{self.PANE_ID}",
        )

    def _run_job(
        self,
        job: Callable[[], Any],
        on_result: ResultHandler,
        on_error: ErrorHandler | None,
        *,
        group: str | None = None,
        description: str = "",
    ) -> Worker[None]:
        """An AWS job that takes its own pool slots (compose's re-send); kept for compose's code.

        Why: the compose split (another branch) still calls it; new code calls ``work.run``.
        """
        return self.work.run(
            job,
            on_result,
            on_error or self.work.notify_failure,
            key=description,
            pooled=False,
            group=group,
        )

    def remember(
        self,
        change: Callable[[Any], Any],
        not_saved: str,
        *,
        saved: Callable[[], None] | None = None,
        severity: SeverityLevel = "warning",
    ) -> None:
        """Apply a settings change now and write the file off the event loop (the one save path).

        See ``tui.ui.work.remember_settings``: the change is in effect at once, the write (an
        fsync, slow on NFS homes) runs in a file job of this pane's work.
        """
        remember_settings(self.work, self.ctx, change, not_saved, saved=saved, severity=severity)

    def cancel_calls(self) -> None:
        """Leave the current query: cancel its calls and drop their late results."""
        self.work.cancel()

    def on_work_done(self, message: Work.Done) -> None:
        self.work.deliver(message)

    def on_work_failed(self, message: Work.Failed) -> None:
        self.work.deliver(message)

    def on_work_progress(self, message: Work.Progress) -> None:
        self.work.deliver(message)
