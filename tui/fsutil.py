"""One way to write a file so that a crash, a kill or a full disk leaves the old file or the new.

Used for everything eventdeck writes: the outbox journal, drafts, settings, exports, inspector
writes and the SSO token cache. Files are private (0600) unless asked otherwise.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal, overload


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@overload
def atomic_writer(
    path: Path, *, text: Literal[True], mode: int = ...
) -> contextlib.AbstractContextManager[IO[str]]: ...
@overload
def atomic_writer(
    path: Path, *, text: Literal[False] = ..., mode: int = ...
) -> contextlib.AbstractContextManager[IO[bytes]]: ...
def atomic_writer(path: Path, *, text: bool = False, mode: int = 0o600):  # type: ignore[no-untyped-def]
    """A handle to write ``path`` through: on a clean exit it replaces ``path`` whole."""
    return _atomic_writer(Path(path), text, mode)


@contextlib.contextmanager
def _atomic_writer(path: Path, text: bool, mode: int) -> Iterator[IO]:  # type: ignore[type-arg]
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, mode)
        handle: IO = (  # type: ignore[type-arg]
            os.fdopen(fd, "w", encoding="utf-8", newline="") if text else os.fdopen(fd, "wb")
        )
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(directory)


def write_all(fd: int, data: bytes) -> None:
    """All of ``data`` to ``fd`` (a write to a pipe or file may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def make_private_dir(directory: Path) -> None:
    """Create ``directory`` (and its parents) readable by the user only, if it is missing.

    eventdeck's own folders (exports, drafts, logs) start absent on a fresh machine; the first
    write must create them rather than fail.
    """
    Path(directory).mkdir(parents=True, exist_ok=True, mode=0o700)


def atomic_write_bytes(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` atomically and durably."""
    with atomic_writer(path, mode=mode) as handle:
        handle.write(data)


_REASONS = {
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EIO: "input/output error",
}


def os_error_reason(exc: OSError) -> str:
    """A few words for why a write failed ("disk full"), for messages a person reads.

    Why: ``str(OSError)`` is "[Errno 28] No space left on device: '/…/.x.tmp'", naming a
    temporary file the user never sees.
    """
    reason = _REASONS.get(exc.errno or 0)
    if reason:
        return reason
    return (exc.strerror or str(exc) or type(exc).__name__).lower()
