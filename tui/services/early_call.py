"""The launch target's first page, fetched by a child process while the parent loads the UI.

Why a process: launched with AWS CLI words (`eventdeck ivs-realtime list-participant-events …`),
the work was serial: import Textual, then botocore, then call. A thread cannot overlap them
(imports and parsing hold the GIL); a child forked before botocore and Textual are imported runs
on the other core. It is forked first thing in ``tui.cli.main`` (``prestart``, from a cheap look
at argv), before the parser and the settings are imported, and imports botocore while the parent
parses; the parent then hands it its job over a pipe (``start``: the parsed connection options
and the call), or stops it if the launch needs no call. The child resolves where the app's calls
go with the app's own code (tui/services/resolve.py, a ClientFactory on those options) and sends
that resolution back at once, then builds the client, makes the call through the one service
function and sends the page, over a pipe, never a file (no credential or response is written
anywhere; the job and the resolution hold names, paths and URLs with their sources, no secret).

The parent shows the child's resolution until it has resolved itself, after its first paint
(tui/app.py: a differing answer discards the page and reloads). It trusts the page only for the
call and the destination its calls go to when the page arrives: the child sends the request key
and the resolved destination (profile, region, endpoint, CA bundle and verification, each with
its source); the parent compares them with what the app shows by then (a switch of profile or
region meanwhile) and discards a page for anything else. The child never prompts (an MFA profile
is left to the app; the child runs in its own session with no terminal), and any failure in it,
a killed child included, falls back to the app's normal call, noted only in the debug log. A
parent that dies closes the job pipe: a child still waiting for its job ends at once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import select
import signal
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

TRACE_ENV = "EVENTDECK_LAUNCH_TRACE"
SERVICE = "ivs-realtime"


def mark(name: str) -> None:
    """Note ``name`` with the monotonic clock in the file EVENTDECK_LAUNCH_TRACE names, if set.

    Why: the launch benchmark prints where the time goes (imports, the call, the paint) from
    these marks; they hold a name and a time only, never a value from AWS or a credential.
    """
    path = os.environ.get(TRACE_ENV)
    if not path:
        return
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{name} {time.perf_counter():.6f} {os.getpid()}\n".encode())
        finally:
            os.close(fd)


class EarlyCallDiscarded(Exception):
    """The child's page is not used (failed, killed, late, or for another call or destination)."""


def destination_key(resolved: Any, service: str = SERVICE) -> tuple[Any, ...]:
    """What must match for a page to be trusted: profile, region, endpoint, CA bundle, verify.

    Each a resolve.Setting (value and source), so the same value from another place does not
    match either: the page must come from exactly the resolution the app made.
    """
    return (
        resolved.profile,
        resolved.region,
        resolved.endpoint(service),
        resolved.ca_bundle,
        resolved.verify,
    )


@dataclass
class EarlyCall:
    """A forked child resolving and fetching one page; ``resolution`` and ``page_for`` read it.

    The child writes two messages: where the calls go (its resolution, or the configuration
    error), as soon as it has resolved, then the page. The parent reads the first before the UI
    takes the terminal (an unknown profile exits there, in one line) and the second in the
    prefetch thread; each message is a length and a pickle.
    """

    pid: int
    fd: int
    deadline_s: float = 60.0
    # The pipe the job goes down (``send_job``); None once sent, or for a child given its job.
    job_fd: int | None = None
    _done: bool = field(default=False, repr=False)
    # The reader thread and the app's exit may both discard: the pipe is closed once, never a
    # reused descriptor number a second time.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # The first message is read once, by whichever of the main and prefetch threads asks first.
    _first_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _first: dict[str, Any] | None = field(default=None, repr=False)

    def resolution(self) -> Any:
        """The child's resolution of the app's options (a resolve.Resolved); else raise.

        Raises ConfigError (the message and hint the resolver gave: an unknown profile) or
        EarlyCallDiscarded (the child failed otherwise or died): the app then resolves itself.
        """
        first = self._first_message()
        if "config_error" in first:
            from tui.errors import ConfigError

            raise ConfigError(first["config_error"], hint=first.get("hint"))
        if "resolved" not in first:
            raise EarlyCallDiscarded(f"the early resolution failed: {first.get('error')}")
        return first["resolved"]

    def page_for(self, resolved: Callable[[], Any], key: Hashable) -> Any:
        """The child's page if it is for ``key`` at ``resolved()``'s destination; else raise.

        ``resolved`` is asked once the page is in: where the app's calls go at that moment.

        Raises EarlyCallDiscarded (the caller makes the normal call) for a failure, a different
        call or destination, a child that died, or one that did not answer by the deadline.
        """
        try:
            first = self._first_message()
            if "resolved" not in first:
                raise EarlyCallDiscarded(first.get("error") or "the early call did not resolve")
            message = self._receive()
        finally:
            self.discard()
        if not message.get("ok"):
            raise EarlyCallDiscarded(f"the early call failed: {message.get('error')}")
        if message.get("key") != key:
            raise EarlyCallDiscarded("the early page is for another call")
        if message.get("where") != destination_key(resolved()):
            raise EarlyCallDiscarded("the early page was fetched for another destination")
        mark("early-page-accepted")
        return message["page"]

    def _first_message(self) -> dict[str, Any]:
        with self._first_lock:
            if self._first is None:
                try:
                    self._first = self._receive()
                except EarlyCallDiscarded as exc:
                    self._first = {"error": str(exc)}
            return self._first

    def _receive(self) -> dict[str, Any]:
        return _receive_from(self.fd, time.monotonic() + self.deadline_s)

    def discard(self) -> None:
        """Stop the child if it still runs, reap it, close the pipe (idempotent, thread-safe)."""
        with self._lock:
            if self._done:
                return
            self._done = True
            with contextlib.suppress(OSError):
                os.close(self.fd)
            if self.job_fd is not None:  # never given its job: it exits on EOF, or is killed
                with contextlib.suppress(OSError):
                    os.close(self.job_fd)
                self.job_fd = None
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                pid, _ = os.waitpid(self.pid, os.WNOHANG)
                if pid == 0:
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)


# The child forked at the start of ``tui.cli.main`` (``prestart``), waiting for its job.
_pending: EarlyCall | None = None


def wanted(argv: list[str]) -> bool:
    """Whether ``argv`` looks like a launch the early child serves (a cheap look, before parsing).

    Why cheap: it runs before the argument parser and the settings are imported, so the child can
    start importing botocore ~50 ms sooner. It may say yes for a launch that turns out to need no
    call (an abbreviated ``--dem``, a usage error): the child is then stopped (``cancel_pending``).
    It says no for ``--version``, ``--help``, ``sandbox``, ``doctor``, ``--demo`` and ``--open``.
    """
    if not hasattr(os, "fork") or os.environ.get("EVENTDECK_NO_EARLY_CALL"):
        return False
    if argv[:1] == ["sandbox"]:
        return False
    stop = {"--version", "-h", "--help", "--demo", "--open", "--cli-input-json", "doctor"}
    if any(word.split("=", 1)[0] in stop for word in argv):
        return False
    return any(
        argv[i] == SERVICE and argv[i + 1] == "list-participant-events"
        for i in range(len(argv) - 1)
    )


def prestart() -> EarlyCall | None:
    """Fork the early child now: it imports what its call needs, then waits for its job.

    Called first thing in ``tui.cli.main`` when ``wanted``; the launch hands the child its job
    (``start``) once the options are parsed, or stops it (``cancel_pending``). None if no fork.
    """
    global _pending
    if _pending is None:
        # What the child's job needs and this process imports anyway for its own launch
        # (tui.launch): imported once, before the fork, not in both processes after it.
        from tui.services import ivs_realtime  # noqa: F401
        from tui.services.session import ClientFactory  # noqa: F401

        _pending = _fork()
    return _pending


def cancel_pending() -> None:
    """Stop and reap a prestarted child that was never given its job (no stray process)."""
    global _pending
    pending, _pending = _pending, None
    if pending is not None:
        pending.discard()


def start(
    factory: Any, stage_arn: str, session_id: str, participant_id: str, page_size: int
) -> EarlyCall | None:
    """Give the early child its job: resolve ``factory``'s options, fetch the first page.

    The child prestarted by ``tui.cli.main`` if there is one, else one forked now (call it
    before Textual is imported and before any thread is started: the child is a copy of this
    process, and must hold no lock another thread could have taken). None if no fork.
    """
    global _pending
    early, _pending = _pending or _fork(), None
    if early is None:
        return None
    job = {
        "options": factory.options,
        "args": (stage_arn, session_id, participant_id, page_size),
    }
    job_fd, early.job_fd = early.job_fd, None  # a child waiting for its job has its pipe
    assert job_fd is not None
    try:
        _send(job_fd, job)
    except OSError as exc:  # the child died: the app makes its own call
        log.debug("early call not started: %r", exc)
        early.discard()
        return None
    finally:
        with contextlib.suppress(OSError):
            os.close(job_fd)
    mark("early-job-sent")
    return early


def _fork() -> EarlyCall | None:
    """Fork the child with its two pipes (the job down, the answers up); None if no fork."""
    try:
        job_read, job_write = os.pipe()
    except OSError:
        return None
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        os.close(job_read)
        os.close(job_write)
        return None
    try:
        pid = os.fork()
    except OSError as exc:
        for fd in (job_read, job_write, read_fd, write_fd):
            os.close(fd)
        log.debug("early call not started: %r", exc)
        return None
    if pid == 0:  # the child: never returns
        status = 0
        try:
            os.close(read_fd)
            os.close(job_write)
            _child_main(job_read, write_fd)
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write_fd)
    os.close(job_read)
    mark("early-forked")
    return EarlyCall(pid=pid, fd=read_fd, job_fd=job_write)


def detach_child() -> None:
    """No terminal and no log for a forked child: its own session, stdio on /dev/null (both children).

    Why: it can neither prompt (getpass finds no /dev/tty and reads an empty stdin) nor draw
    over the UI, and it never writes to the app's debug log (the parent logs why a page was not
    used, from the answer it gets).
    """
    logging.disable(logging.CRITICAL)
    with contextlib.suppress(OSError):
        os.setsid()
    null = os.open(os.devnull, os.O_RDWR)
    for target in (0, 1, 2):
        os.dup2(null, target)
    if null > 2:
        os.close(null)


def _child_main(job_fd: int, write_fd: int) -> None:
    """The child's life: detach, import what the call needs, wait for the job, do it.

    No cyclic GC (a short life making no garbage worth finding). The parent's end of the job
    pipe closing without a job (no call after all, or the parent died) ends the child at once.
    """
    import gc

    gc.disable()
    detach_child()
    mark("early-child-started")
    # What the job needs whatever the options, and the parent never loads before its first
    # paint: imported while the parent parses them.
    import botocore.session  # noqa: F401

    from tui.services.session import ClientFactory

    mark("early-child-warm")
    try:
        job = _receive_from(job_fd, time.monotonic() + 60.0)
    except EarlyCallDiscarded:
        return
    finally:
        os.close(job_fd)
    mark("early-job-taken")
    _child(write_fd, ClientFactory(job["options"]), *job["args"])


def _child(
    write_fd: int,
    factory: Any,
    stage_arn: str,
    session_id: str,
    participant_id: str,
    page_size: int,
) -> None:
    """Resolve, call, and write two pickled messages to ``write_fd`` (the rest of its life)."""
    first: dict[str, Any] = {}
    resolved = None
    try:
        resolved = factory.resolved  # the parent has not resolved: botocore loads here only
        first["resolved"] = resolved
    except BaseException as exc:
        from tui.errors import ConfigError

        if isinstance(exc, ConfigError):  # an unknown profile: the parent exits with it
            first.update(config_error=exc.message, hint=exc.hint)
        else:
            first["error"] = f"{type(exc).__name__}: {exc}"
    _send(write_fd, first)
    mark("early-resolved")
    if resolved is None:
        os.close(write_fd)
        return
    message: dict[str, Any] = {"ok": False}
    try:
        from tui.services import ivs_realtime as ivs
        from tui.services.session import profile_may_prompt

        message["key"] = ivs.events_page_key(stage_arn, session_id, participant_id, page_size)
        message["where"] = destination_key(resolved)
        # The config as the client's own session read it: no third session parses the files.
        if profile_may_prompt(resolved.profile.value, factory.session.full_config):
            message["error"] = "the profile may ask for an MFA code: left to the app"
        else:
            factory.client(SERVICE)
            mark("call-sent")
            page = ivs.list_participant_events(
                factory, stage_arn, session_id, participant_id, None, page_size
            )
            mark("call-answered")
            message.update(ok=True, page=page)
    except BaseException as exc:  # reported to the parent, which falls back to its own call
        message.update(ok=False, error=f"{type(exc).__name__}: {exc}")
        message.pop("page", None)
    _send(write_fd, message)
    os.close(write_fd)


def _read_exact(fd: int, size: int, end: float) -> bytes:
    """``size`` bytes from the pipe ``fd`` by the monotonic time ``end``; else raise."""
    chunks: list[bytes] = []
    left_bytes = size
    while left_bytes:
        left = end - time.monotonic()
        if left <= 0:
            raise EarlyCallDiscarded("the early call did not answer in time")
        try:
            ready, _, _ = select.select([fd], [], [], left)
            chunk = os.read(fd, min(left_bytes, 1 << 16)) if ready else None
        except (OSError, ValueError) as exc:  # discarded meanwhile (the app quit)
            raise EarlyCallDiscarded(f"the early call was stopped: {exc!r}") from None
        if chunk is None:
            continue
        if not chunk:
            raise EarlyCallDiscarded("the early call's process ended without an answer")
        chunks.append(chunk)
        left_bytes -= len(chunk)
    return b"".join(chunks)


def _receive_from(fd: int, end: float) -> dict[str, Any]:
    """One message (``_send``'s length and pickle) from the pipe ``fd``; else raise."""
    size = int.from_bytes(_read_exact(fd, 8, end), "big")
    data = _read_exact(fd, size, end)
    try:
        # Between this process and its own fork, over their own pipe: no one else writes to it.
        message = pickle.loads(data)
    except Exception as exc:
        raise EarlyCallDiscarded(f"the early answer is unreadable: {exc!r}") from None
    if not isinstance(message, dict):
        raise EarlyCallDiscarded("the early answer is not a message")
    return message


def _send(write_fd: int, message: dict[str, Any]) -> None:
    """One message: its length (8 bytes), then its pickle."""
    # Imported here: this module loads before ``main``, and tui.fsutil brings tempfile.
    from tui.fsutil import write_all

    try:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        data = pickle.dumps({"ok": False, "error": f"unpicklable: {exc!r}"})
    write_all(write_fd, len(data).to_bytes(8, "big") + data)
