"""The one way the UI runs work: a thread worker whose outcome comes back as a typed message.

Why: every AWS call, file write and heavy computation must leave the event loop, and the result of
a query the user has already left must be dropped. Doing that in one place (Textual's
``docs/guide/workers.md`` pattern: ``thread=True``, ``exit_on_error=False``, a named group; the
worker only returns or posts, handlers own state) keeps those rules from drifting apart.

A widget owns a ``Work``; ``work.run(fn)`` runs ``fn`` in a thread worker (inside a ``CallPool``
slot when the call reaches AWS) and posts ``Work.Done`` or ``Work.Failed`` to the owner. The
owner's ``on_work_done`` / ``on_work_failed`` hand the message to ``work.deliver``, which drops it
when the run was cancelled or superseded and otherwise calls the run's handlers (if given).
A run given ``on_progress`` also gets a ``report`` callable: each report is posted as
``Work.Progress`` (from the worker thread or any thread it starts) and reaches ``on_progress``
through ``on_work_progress`` → ``deliver`` while the run is current, so a scan, a send or a sign-in
of a screen the user has left reports nothing. Tests can wait for these messages (``App.run_test(message_hook=...)``) instead of private flags.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.worker import Worker, get_current_worker

from tui.errors import EventdeckError

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.notifications import SeverityLevel

    from tui.context import AppContext
    from tui.services.pool import CallPool

ResultHandler = Callable[[Any], None]
ErrorHandler = Callable[[EventdeckError], None]
ProgressHandler = Callable[[Any], None]
Report = Callable[[Any], None]
"""What a run given ``on_progress`` is called with: thread-safe, posts one ``Work.Progress``."""


def as_eventdeck_error(exc: BaseException) -> EventdeckError:
    """Any exception from a worker as an EventdeckError the UI can show."""
    if isinstance(exc, EventdeckError):
        return exc
    from tui.services.errormap import translate

    return translate(exc)


class Work:
    """The thread work one widget runs: started with ``run``, ended with ``cancel``.

    Why: one object per owner holds what is in flight, so leaving a query (``cancel``) drops every
    late outcome of it at once, and ``busy`` is public state tests and guards can read.
    """

    class Done(Message, bubble=False):
        """A run finished; ``result`` is what the callable returned."""

        def __init__(
            self,
            work: Work,
            worker: Worker[None],
            key: str,
            result: Any,
            on_result: ResultHandler | None,
        ) -> None:
            super().__init__()
            self.work = work
            self.worker = worker
            self.key = key
            self.result = result
            self.on_result = on_result

    class Failed(Message, bubble=False):
        """A run raised; ``error`` is the typed error to show, ``cause`` the original exception."""

        def __init__(
            self,
            work: Work,
            worker: Worker[None],
            key: str,
            cause: BaseException,
            on_error: ErrorHandler | None,
        ) -> None:
            super().__init__()
            self.work = work
            self.worker = worker
            self.key = key
            self.cause = cause
            self.error = as_eventdeck_error(cause)
            self.on_error = on_error

    class Progress(Message, bubble=False):
        """A run reported how far it got; ``value`` is what it passed to ``report``."""

        def __init__(
            self,
            work: Work,
            worker: Worker[None],
            key: str,
            value: Any,
            on_progress: ProgressHandler,
        ) -> None:
            super().__init__()
            self.work = work
            self.worker = worker
            self.key = key
            self.value = value
            self.on_progress = on_progress

    def __init__(self, owner: DOMNode, group: str, pool: CallPool | None = None) -> None:
        self.owner = owner
        self.group = group
        self.pool = pool
        self.generation = 0
        self._live: dict[Worker[None], str] = {}
        self._stop = threading.Event()

    @property
    def stop(self) -> threading.Event:
        """Set when the current generation is left: long runs (scans) check it between calls.

        Why: a thread worker cannot be interrupted; ``cancel`` only drops its outcome. A scan of
        many calls must stop making them, so it is given this event when it starts.
        """
        return self._stop

    @property
    def busy(self) -> bool:
        """True while a run of the current generation has not been delivered."""
        return bool(self._live)

    def running(self, key: str) -> bool:
        """True while a current run with this key has not been delivered."""
        return key in self._live.values()

    def run(
        self,
        fn: Callable[..., Any],
        on_result: ResultHandler | None = None,
        on_error: ErrorHandler | None = None,
        *,
        key: str = "",
        pooled: bool = True,
        group: str | None = None,
        exclusive: bool = False,
        on_progress: ProgressHandler | None = None,
    ) -> Worker[None]:
        """Run ``fn`` in a thread worker and post its outcome to the owner.

        ``pooled`` holds a slot of the call pool for the run (AWS calls; local file work passes
        False). ``exclusive`` supersedes earlier runs with the same key: their outcomes are dropped.
        With ``on_progress``, ``fn`` is called with a ``Report``: each call of it posts a
        ``Work.Progress`` that ``deliver`` hands to ``on_progress`` while the run is current.
        """
        pool = self.pool if pooled else None
        owner = self.owner

        def job() -> None:
            # Posted even when cancelled: ``deliver`` is the one place that drops stale outcomes
            # (and tests can watch a stale outcome arrive and be dropped).
            worker = get_current_worker()
            call = fn
            if on_progress is not None:
                call = partial(fn, self._reporter(worker, key, on_progress))
            try:
                if pool is not None:
                    with pool.slot():
                        result = call()
                else:
                    result = call()
            except Exception as exc:  # every failure becomes a message, never a crash
                owner.post_message(Work.Failed(self, worker, key, exc, on_error))
                return
            owner.post_message(Work.Done(self, worker, key, result, on_result))

        if exclusive:
            for worker, live_key in list(self._live.items()):
                if live_key == key:
                    worker.cancel()
                    del self._live[worker]
        worker = owner.run_worker(
            job,
            name=key or getattr(fn, "__name__", "job"),
            group=group or self.group,
            thread=True,
            exit_on_error=False,
        )
        self._live[worker] = key
        return worker

    def reporter(self, on_progress: ProgressHandler) -> Report:
        """A ``Report`` for the run this is called in (from its worker thread), to ``on_progress``.

        Why: a run's callable may be made by code that does not know it reports (a browse
        level's scan, started by the pane's paging): it asks for its reporter here, and its
        reports are dropped with the run like those of ``run(on_progress=...)``.
        """
        worker = get_current_worker()
        return self._reporter(worker, self._live.get(worker, ""), on_progress)

    def _reporter(self, worker: Worker[None], key: str, on_progress: ProgressHandler) -> Report:
        owner = self.owner

        def report(value: Any) -> None:
            owner.post_message(Work.Progress(self, worker, key, value, on_progress))

        return report

    def cancel(self) -> None:
        """Leave the current query: cancel its runs and drop their late outcomes."""
        self.generation += 1
        self._stop.set()
        self._stop = threading.Event()
        for worker in list(self._live):
            worker.cancel()
        self._live.clear()

    def deliver(self, message: Work.Done | Work.Failed | Work.Progress) -> bool:
        """Hand a posted outcome or report to its handler; False (and dropped) when it is stale."""
        message.stop()
        if message.work is not self:
            return False
        if isinstance(message, Work.Progress):
            if message.worker not in self._live:
                return False
            message.on_progress(message.value)
            return True
        if self._live.pop(message.worker, None) is None:
            return False
        if isinstance(message, Work.Done):
            if message.on_result is not None:
                message.on_result(message.result)
            return True
        if message.on_error is not None:
            message.on_error(message.error)
        return True

    def notify_failure(self, error: EventdeckError, title: str = "AWS call failed") -> None:
        """The default for a failed run without its own handler: a toast, plain text."""
        self.owner.app.notify(str(error), title=title, severity="error", markup=False)


def remember_settings(
    work: Work,
    ctx: AppContext,
    change: Callable[[Any], Any],
    not_saved: str,
    *,
    saved: Callable[[], None] | None = None,
    severity: SeverityLevel = "warning",
) -> None:
    """Apply a settings change now and write config.toml in a file job of ``work``: the one save path.

    Why: the write fsyncs, which is slow on the NFS homes of jump hosts; a key that widens a
    column or a send that remembers its source must not stall the screen. The change is in effect
    at once; ``ctx.save`` serialises the writes, each of the newest settings. A failed write is a
    notification ``not_saved: why`` (the change stays for the session); ``saved`` runs after a
    successful one (at once when there is no settings file).
    """
    ctx.settings = change(ctx.settings)
    if ctx.settings_path is None:
        if saved is not None:
            saved()
        return

    def write() -> None:
        problem = ctx.save()
        if problem:
            raise EventdeckError(problem)

    def failed(error: EventdeckError) -> None:
        work.owner.app.notify(f"{not_saved}: {error}", severity=severity, markup=False)

    work.run(
        write,
        (lambda _: saved()) if saved is not None else None,
        failed,
        key="settings-save",
        pooled=False,
        group="settings-save",
    )
