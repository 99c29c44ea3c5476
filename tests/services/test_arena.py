"""The arena: bytes kept exactly in shared anonymous chunks, unmapped once nothing holds them."""

from __future__ import annotations

import ctypes
import gc
import hashlib
import mmap
import os
import random
import subprocess
import sys

import pytest

from tui.services.arena import Arena, Slice

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def mapping_of(chunk: mmap.mmap) -> str:
    """The /proc/self/maps line of the mapping that holds ``chunk``'s first byte."""
    pointer = ctypes.c_char.from_buffer(chunk)
    address = ctypes.addressof(pointer)
    del pointer  # the export would keep the mapping from closing
    with open("/proc/self/maps") as maps:
        for line in maps:
            low, high = (int(part, 16) for part in line.split()[0].split("-"))
            if low <= address < high:
                return line
    raise AssertionError("no mapping holds the chunk")


_ARENA_FILE = "/memfd:eventdeck-arena"
"""How an arena's chunk shows in /proc/self/maps (a memory file; shared anonymous memory)."""


def shared_anonymous_mappings() -> int:
    """How many arena chunks (shared memory files) this process has mapped."""
    with open("/proc/self/maps") as maps:
        return sum(1 for line in maps if line.split()[1][3] == "s" and _ARENA_FILE in line)


def test_bytes_come_back_exactly_across_chunks_and_big_strings() -> None:
    arena = Arena(chunk_size=1 << 16)
    rng = random.Random(7)
    kept: list[tuple[bytes, Slice]] = []
    for size in [0, 1, 7, 8, 9, 4095, 4096, 30_000, 70_000, 200_000] + [
        rng.randrange(0, 20_000) for _ in range(300)
    ]:
        data = rng.randbytes(size)
        kept.append((data, arena.add(data)))
    for data, where in kept:
        assert arena.bytes(where) == data
        assert arena.view(where).tobytes() == data
        assert where[2] == len(data)
    assert all(where[1] % 8 == 0 for _, where in kept)  # readable as 'q' (the item ends)


def test_chunks_double_up_to_the_largest() -> None:
    """Few mappings for a big level (each is a cut in the app's private heap), 1 chunk for a small one."""
    arena = Arena(chunk_size=1 << 16, max_chunk=1 << 18)
    slices = [arena.add(b"z" * 10_000) for _ in range(200)]
    sizes = [len(arena._chunks[number]) for number in sorted({s[0] for s in slices})]
    assert sizes[:3] == [1 << 16, 1 << 17, 1 << 18]
    assert set(sizes[3:]) == {1 << 18}
    assert arena.mapped_bytes() == sum(sizes)
    assert all(arena.bytes(s) == b"z" * 10_000 for s in slices)


def test_a_slice_cannot_be_written_through_its_view() -> None:
    arena = Arena()
    where = arena.add(b"abc")
    with pytest.raises(TypeError):
        arena.view(where)[0] = 0


def test_a_slice_is_nothing_the_gc_walks() -> None:
    """A million rows' pages add no tracked object: a slice is a tuple of ints (untracked)."""
    arena = Arena()
    slices = [arena.add(b"x" * 100) for _ in range(50)]
    gc.collect()
    assert not any(gc.is_tracked(where) for where in slices)


@linux_only
def test_chunks_are_shared_memory_files() -> None:
    """What makes a fork cheap: a shared mapping's page table is not copied by ``fork``; and a
    memory file (shmem, no disk) can be handed to a process that was not forked."""
    arena = Arena()
    line = mapping_of(arena._chunks[arena.add(b"x" * 1000)[0]])
    perms, path = line.split()[1], line.split()[-2]
    assert perms[3] == "s", line  # MAP_SHARED, not private copy-on-write
    assert path == _ARENA_FILE, line  # a memory file, not a file on disk
    fds = arena.chunk_files()
    assert fds is not None and len(fds) == 1 and os.fstat(fds[0]).st_size == len(arena._chunks[0])


@linux_only
def test_another_process_maps_a_chunk_by_its_file_and_reads_the_same_bytes() -> None:
    """A process that was not forked (spawned, as the query's scan process is) sees the bytes."""
    arena = Arena(chunk_size=1 << 16)
    where = [arena.add(os.urandom(n)) for n in (10, 5000, 40_000, 100_000)]
    fds = arena.chunk_files()
    assert fds is not None
    code = (
        "import mmap, sys, hashlib\n"
        "for arg in sys.argv[1:]:\n"
        "    fd, offset, length = map(int, arg.split(','))\n"
        "    print(hashlib.sha256(mmap.mmap(fd, 0, prot=mmap.PROT_READ)[offset:offset + length]).hexdigest())\n"
    )
    args = [f"{fds[c]},{o},{n}" for c, o, n in where]
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        pass_fds=fds,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [hashlib.sha256(arena.bytes(w)).hexdigest() for w in where]


@linux_only
def test_the_chunks_files_are_closed_with_the_arena() -> None:
    arena = Arena(chunk_size=1 << 16)
    for _ in range(5):
        arena.add(b"q" * 30_000)
    fds = arena.chunk_files()
    assert fds is not None and len(fds) > 1
    del arena
    gc.collect()
    for fd in fds:  # closed (a number reused since by another open is not an arena file)
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        assert "eventdeck-arena" not in target


@linux_only
def test_a_forked_child_reads_the_same_bytes() -> None:
    arena = Arena(chunk_size=1 << 16)
    slices = [arena.add(os.urandom(n)) for n in (10, 5000, 40_000, 100_000)]
    expected = [arena.bytes(s) for s in slices]
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compare and exit
        ok = all(arena.view(s).tobytes() == e for s, e in zip(slices, expected, strict=True))
        os.write(write_fd, b"1" if ok else b"0")
        os._exit(0)
    os.close(write_fd)
    try:
        assert os.read(read_fd, 1) == b"1"
    finally:
        os.close(read_fd)
        os.waitpid(pid, 0)


@linux_only
def test_the_chunks_are_unmapped_when_the_arena_is_dropped() -> None:
    gc.collect()
    before = shared_anonymous_mappings()
    for _ in range(30):  # many refreshes: each a new arena, the old one dropped
        arena = Arena(chunk_size=1 << 16)
        slices = [arena.add(b"y" * 20_000) for _ in range(20)]
        assert shared_anonymous_mappings() > before
        view = arena.view(slices[-1])
        del arena, slices
        assert shared_anonymous_mappings() > before  # a view still held keeps its chunk
        del view
    gc.collect()
    assert shared_anonymous_mappings() == before
