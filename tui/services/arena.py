"""An append-only store of byte strings in shared anonymous memory, so a fork does not copy it.

Why: the query scan of a big view forks the app (``tui/services/child_scan.py``), and ``os.fork``
holds the GIL while the kernel copies the page table of every private page: 13–30 ms for the
~540 MB of a million loaded rows, up to 80 ms on a loaded machine, a pause for the UI thread.
Pages of a shared mapping (``mmap.mmap(-1, n)``: MAP_SHARED | MAP_ANONYMOUS) are not copied at a
fork; the child faults them in when it reads them, the same physical pages. The bulk of a big
view's bytes (the compact item store's compressed pages) is kept here: a fork of a million rows
then copies the page tables of the rest only.

Bytes are written once and never changed (the child only reads, and a slice handed out stays
valid); a chunk is unmapped when nothing refers to it any more: the arena and the slices into it
(a level dropped, a view refreshed). Where Linux has ``memfd_create`` a chunk is a memory file
mapped shared (the same shmem pages as an anonymous shared mapping): its descriptor can be
handed to another process, which maps the same pages (the query's scan process,
``tui/services/scan_server.py``). This module never imports textual or rich.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import threading
import weakref

CHUNK = 1 << 20
"""Bytes the first chunk maps; each next one maps twice as many, up to ``MAX_CHUNK``."""

MAX_CHUNK = 64 << 20
"""The largest chunk. Why chunks grow: each chunk is a mapping placed among the interpreter's own
(its 1 MiB heap arenas), and many small chunks cut that private heap into many small mappings; a
few big ones barely do. A small level maps 1 MiB (only the pages written are memory); a million
rows' ~130 MB take eight chunks."""


Slice = tuple[int, int, int]
"""Where bytes live in an arena: (chunk number, offset, length).

A plain tuple of ints, so the cyclic GC stops tracking it at the first collection (a tuple
subclass would stay tracked): a million rows' ~4,000 pages add nothing to what a collection
walks. Read it with the arena that made it (``Arena.view``)."""


class Arena:
    """Byte strings appended into shared anonymous chunks: ``chunk_size`` bytes, then doubling.

    ``add`` copies bytes in and returns their ``Slice``; a string bigger than a quarter of the
    next chunk gets a mapping of its own. Thread-safe (a lock around the append); reading a slice
    needs no lock. The chunks are unmapped when the arena goes (and no view of one is held).
    """

    def __init__(self, chunk_size: int = CHUNK, max_chunk: int = MAX_CHUNK) -> None:
        self.chunk_size = chunk_size
        self.max_chunk = max(max_chunk, chunk_size)
        self._chunks: list[mmap.mmap] = []  # appended only: a number stays valid
        self._fds: list[int] = []  # each chunk's memory file (-1: anonymous), closed with the arena
        weakref.finalize(self, _close_all, self._fds)
        self._chunk: mmap.mmap | None = None  # the one being filled (the last of its size)
        self._number = -1  # its number in ``_chunks``
        self._used = 0
        self._mapped = 0
        self._lock = threading.Lock()

    def add(self, data: bytes | bytearray) -> Slice:
        """Copy ``data`` into the arena; where it now lives."""
        size = len(data)
        with self._lock:
            chunk = self._chunk
            # 8-aligned: a slice may be read as 'q' (memoryview.cast of a page's item ends)
            offset = (self._used + 7) & ~7
            if chunk is None or offset + size > len(chunk):
                if size > self.chunk_size // 4:  # a big string: a mapping of its own, no tail lost
                    own = self._map(size)
                    own[:size] = data
                    return (len(self._chunks) - 1, 0, size)
                if chunk is not None:  # the next chunk is twice as big
                    self.chunk_size = min(self.max_chunk, self.chunk_size * 2)
                chunk = self._chunk = self._map(self.chunk_size)
                self._number = len(self._chunks) - 1
                offset = 0
            chunk[offset : offset + size] = data
            self._used = offset + size
            return (self._number, offset, size)

    def view(self, where: Slice) -> memoryview:
        """The bytes at ``where`` as a read-only memoryview into the shared chunk (no copy)."""
        chunk, offset, length = where
        return memoryview(self._chunks[chunk]).toreadonly()[offset : offset + length]

    def bytes(self, where: Slice) -> bytes:
        """A copy of the bytes at ``where``."""
        chunk, offset, length = where
        return self._chunks[chunk][offset : offset + length]

    def mapped_bytes(self) -> int:
        """Bytes of shared memory this arena has mapped (the chunks', whether or not still held)."""
        return self._mapped

    def chunk_files(self) -> list[int] | None:
        """Each chunk's memory file descriptor, in chunk order (None: some chunk has none).

        Valid while the arena lives; another process maps one with ``mmap.mmap(fd, 0)`` after
        receiving it (``socket.send_fds``) and reads the same pages. Taken under the lock, so a
        chunk being added is either in with its file or not yet.
        """
        with self._lock:
            fds = list(self._fds)
        return None if -1 in fds else fds

    def _map(self, size: int) -> mmap.mmap:
        """A fresh chunk of at least ``size`` bytes, appended (called with the lock held)."""
        size = max(size, mmap.PAGESIZE)
        chunk, fd = _shared(size)
        self._chunks.append(chunk)
        self._fds.append(fd)
        self._mapped += size
        return chunk


def _shared(size: int) -> tuple[mmap.mmap, int]:
    """A shared mapping of ``size`` bytes and its memory file (-1 where there is none).

    A memory file where Linux gives one (``memfd_create``; close-on-exec, so no spawned process
    inherits it unasked), else an anonymous shared mapping: both are shared at a fork; only the
    file can be handed to a process that was not forked from this one.
    """
    if hasattr(os, "memfd_create"):
        try:
            fd = os.memfd_create("eventdeck-arena", os.MFD_CLOEXEC)
        except OSError:  # too many open files, or a kernel without memfd: anonymous, no file
            pass
        else:
            try:
                os.ftruncate(fd, size)
                return mmap.mmap(fd, size), fd
            except BaseException:
                os.close(fd)
                raise
    return mmap.mmap(-1, size), -1


def _close_all(fds: list[int]) -> None:
    """Close the chunks' memory files (the arena is gone; a mapping still held stays valid)."""
    for fd in fds:
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
    fds.clear()
