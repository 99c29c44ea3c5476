"""The arena: bytes kept exactly in shared anonymous chunks, unmapped once nothing holds them."""

from __future__ import annotations

import ctypes
import gc
import mmap
import os
import random
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


def shared_anonymous_mappings() -> int:
    """How many shared anonymous mappings this process has (``/dev/zero (deleted)`` in maps)."""
    with open("/proc/self/maps") as maps:
        return sum(1 for line in maps if line.split()[1][3] == "s" and "/dev/zero" in line)


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
def test_chunks_are_shared_anonymous_mappings() -> None:
    """What makes a fork cheap: a shared mapping's page table is not copied by ``fork``."""
    arena = Arena()
    line = mapping_of(arena._chunks[arena.add(b"x" * 1000)[0]])
    perms, path = line.split()[1], line.split()[-2]
    assert perms[3] == "s", line  # MAP_SHARED, not private copy-on-write
    assert path == "/dev/zero", line  # anonymous (shmem), not a file


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
