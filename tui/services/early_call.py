"""The launch target's first page, fetched by a child process while the parent loads the UI.

Why a process: launched with AWS CLI words (`eventdeck ivs-realtime list-participant-events …`),
the work was serial: import Textual, then botocore, then call. A thread cannot overlap them
(imports and parsing hold the GIL); a child forked once the app has resolved where its calls go,
and before Textual is imported, runs on the other core: it builds the client, makes the call
through the one service function with the app's own resolution (tui/services/resolve.py,
inherited by the fork, so nothing is imported or resolved twice), and hands the page back over
a pipe, never a file (no credential or response is written anywhere).

The parent trusts the page only for the call and the destination its calls go to when the page
arrives: the child sends the request key and the resolved destination (profile, region,
endpoint, CA bundle and verification, each with its source); the parent compares them with what
the app resolved by then (a switch of profile or region meanwhile) and discards a page for
anything else. The child never prompts (an MFA profile is left to the app; the child runs in its
own session with no terminal), and any failure in it, a killed child included, falls back to the
app's normal call, noted only in the debug log.
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
from collections.abc import Hashable
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
    """A forked child fetching one page; ``page_for`` waits for it and checks it."""

    pid: int
    fd: int
    deadline_s: float = 60.0
    _done: bool = field(default=False, repr=False)
    # The reader thread and the app's exit may both discard: the pipe is closed once, never a
    # reused descriptor number a second time.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def page_for(self, resolved: Any, key: Hashable) -> Any:
        """The child's page if it is for ``key`` at ``resolved``'s destination; else raise.

        Raises EarlyCallDiscarded (the caller makes the normal call) for a failure, a different
        call or destination, a child that died, or one that did not answer by the deadline.
        """
        try:
            message = self._receive()
        finally:
            self.discard()
        if not message.get("ok"):
            raise EarlyCallDiscarded(f"the early call failed: {message.get('error')}")
        if message.get("key") != key:
            raise EarlyCallDiscarded("the early page is for another call")
        if message.get("where") != destination_key(resolved):
            raise EarlyCallDiscarded("the early page was fetched for another destination")
        mark("early-page-accepted")
        return message["page"]

    def _receive(self) -> dict[str, Any]:
        chunks: list[bytes] = []
        end = time.monotonic() + self.deadline_s
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise EarlyCallDiscarded("the early call did not answer in time")
            try:
                ready, _, _ = select.select([self.fd], [], [], left)
                chunk = os.read(self.fd, 1 << 16) if ready else None
            except (OSError, ValueError) as exc:  # discarded meanwhile (the app quit)
                raise EarlyCallDiscarded(f"the early call was stopped: {exc!r}") from None
            if chunk is None:
                continue
            if not chunk:
                break
            chunks.append(chunk)
        data = b"".join(chunks)
        if not data:
            raise EarlyCallDiscarded("the early call's process ended without an answer")
        try:
            # Our own forked child, over our own pipe: no one else can write to it.
            message = pickle.loads(data)
        except Exception as exc:
            raise EarlyCallDiscarded(f"the early answer is unreadable: {exc!r}") from None
        if not isinstance(message, dict):
            raise EarlyCallDiscarded("the early answer is not a message")
        return message

    def discard(self) -> None:
        """Stop the child if it still runs, reap it, close the pipe (idempotent, thread-safe)."""
        with self._lock:
            if self._done:
                return
            self._done = True
            with contextlib.suppress(OSError):
                os.close(self.fd)
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                pid, _ = os.waitpid(self.pid, os.WNOHANG)
                if pid == 0:
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)


def start(
    factory: Any, stage_arn: str, session_id: str, participant_id: str, page_size: int
) -> EarlyCall | None:
    """Fork a child that fetches the participant's first page of events; None if no fork.

    Call it once the app's ``factory`` has resolved its destination and before Textual is
    imported or any thread is started: the child is a copy of this process as it is now, so it
    calls with the app's own resolution, imports nothing the parent has not, and holds no lock
    another thread could have taken.
    """
    if not hasattr(os, "fork"):
        return None
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError as exc:
        os.close(read_fd)
        os.close(write_fd)
        log.debug("early call not started: %r", exc)
        return None
    if pid == 0:  # the child: never returns
        status = 0
        try:
            os.close(read_fd)
            _child(write_fd, factory, stage_arn, session_id, participant_id, page_size)
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write_fd)
    mark("early-forked")
    return EarlyCall(pid=pid, fd=read_fd)


def _detach() -> None:
    """No terminal and no log for the child: its own session, stdio on /dev/null.

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


def _child(
    write_fd: int,
    factory: Any,
    stage_arn: str,
    session_id: str,
    participant_id: str,
    page_size: int,
) -> None:
    """Call, and write one pickled message to ``write_fd`` (the child's whole life)."""
    _detach()
    mark("early-child-started")
    message: dict[str, Any] = {"ok": False}
    try:
        from tui.services import ivs_realtime as ivs
        from tui.services.session import profile_may_prompt

        message["key"] = ivs.events_page_key(stage_arn, session_id, participant_id, page_size)
        resolved = factory.resolved
        message["where"] = destination_key(resolved)
        if profile_may_prompt(resolved.profile.value):
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
    try:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        data = pickle.dumps({"ok": False, "error": f"unpicklable: {exc!r}"})
    view = memoryview(data)
    while view:
        written = os.write(write_fd, view)
        view = view[written:]
    os.close(write_fd)
