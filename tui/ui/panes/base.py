"""The base every pane shares: its identity, when it loads, and how it runs AWS calls.

Every AWS call goes through ``call_aws``: a thread worker in a named group, gated by the app's
bounded pool, whose result or error comes back to a handler on the UI thread. Workers never touch
widgets; a generation counter drops results from a query the user has already left.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.containers import Vertical
from textual.worker import Worker, WorkerState

from tui.errors import EventdeckError

if TYPE_CHECKING:
    from tui.context import AppContext

ResultHandler = Callable[[Any], None]
ErrorHandler = Callable[[EventdeckError], None]


def as_eventdeck_error(exc: BaseException) -> EventdeckError:
    """Any exception from a worker as an EventdeckError the UI can show."""
    if isinstance(exc, EventdeckError):
        return exc
    try:
        from tui.services.errormap import translate
    except ImportError:  # pragma: no cover - errormap lands with the service layer
        return EventdeckError(f"{type(exc).__name__}: {exc}")
    return translate(exc)


class Pane(Vertical):
    """A top-level pane (1–5); subclasses set PANE_ID, KEY and TITLE."""

    PANE_ID: ClassVar[str] = ""
    KEY: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    SHORT_TITLE: ClassVar[str] = ""  # for the pane tabs at 80 columns; TITLE when empty

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(id=f"pane-{self.PANE_ID}", classes="pane")
        self.ctx = ctx
        self.generation = 0
        self._handlers: dict[Worker[Any], tuple[int, ResultHandler, ErrorHandler | None]] = {}
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

    # -- AWS calls -------------------------------------------------------------------------
    def call_aws(
        self,
        fn: Callable[[], Any],
        on_result: ResultHandler,
        on_error: ErrorHandler | None = None,
        *,
        group: str | None = None,
        description: str = "",
    ) -> Worker[Any]:
        """Run ``fn`` in a pooled thread worker; handlers run on the UI thread if still current."""
        pool = self.ctx.pool

        def job() -> Any:
            with pool.slot():
                return fn()

        return self._run_job(job, on_result, on_error, group=group, description=description)

    def run_file_job(
        self, fn: Callable[[], Any], on_result: ResultHandler, on_error: ErrorHandler | None = None
    ) -> Worker[Any]:
        """Local file work (export, write) off the UI thread, outside the AWS pool."""
        return self._run_job(fn, on_result, on_error, group=f"files-{self.PANE_ID}")

    def _run_job(
        self,
        job: Callable[[], Any],
        on_result: ResultHandler,
        on_error: ErrorHandler | None,
        *,
        group: str | None = None,
        description: str = "",
    ) -> Worker[Any]:
        worker = self.run_worker(
            job,
            name=description or getattr(job, "__name__", "job"),
            group=group or f"aws-{self.PANE_ID}",
            thread=True,
            exit_on_error=False,
        )
        self._handlers[worker] = (self.generation, on_result, on_error)
        return worker

    def cancel_calls(self) -> None:
        """Leave the current query: cancel its calls and drop their late results."""
        self.generation += 1
        for worker in list(self._handlers):
            worker.cancel()
        self._handlers.clear()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        entry = self._handlers.get(event.worker)
        if entry is None:
            return
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        del self._handlers[event.worker]
        generation, on_result, on_error = entry
        if generation != self.generation or event.state == WorkerState.CANCELLED:
            return
        if event.state == WorkerState.SUCCESS:
            on_result(event.worker.result)
            return
        error = as_eventdeck_error(event.worker.error or RuntimeError("unknown error"))
        if on_error is not None:
            on_error(error)
        else:
            self.app.notify(str(error), title="AWS call failed", severity="error", markup=False)
