"""Loaded items kept as compressed JSON per page, revived into objects only when one is needed.

Why: a parsed AWS item (a dataclass holding a dict of dicts) costs ~3 KB, and a million of them
make every gen-2 garbage collection walk them all. Here a page of items is one zlib-compressed
bytes object of their JSON lines (~100–200 bytes an event log) plus an offsets array, and the
keys map to small integers: nothing per item is tracked by the cyclic GC. The inspector, copy
and export revive one item from its exact JSON (the same dict its ``raw`` held).

A store keeps its pages' bytes in an ``Arena`` (``tui/services/arena.py``: shared anonymous
memory), so the fork that starts a big query scan does not copy their page tables while it holds
the GIL; the arena is unmapped with the store (a level dropped or refreshed).
"""

from __future__ import annotations

import bisect
import json
import os
import threading
import weakref
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

from tui.services.arena import Arena, Slice
from tui.services.jsonable import jsonable

if TYPE_CHECKING:  # imported by the first big query scan, not at launch
    from tui.services.scan_server import ItemPages

_CACHE_BLOCKS = 4  # decompressed pages kept: the inspector moving row by row stays in one page


@dataclass(frozen=True)
class ItemCodec:
    """How a level's items become JSON and come back: ``raw_of`` their dict, ``revive`` the item.

    ``raw_of`` may hold datetimes and bytes (botocore's parsed item): ``pack`` writes them as
    ``jsonable`` does, so what comes back is the item's JSON-able ``raw``.
    """

    raw_of: Callable[[Any], dict[str, Any]]
    revive: Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class Block:
    """One page of items: made by ``pack`` (in the worker that fetched the page) as bytes and an
    array, kept by a store in its arena (``data`` and ``ends`` then ``Slice``s: tuples of ints)."""

    data: bytes | Slice  # zlib of the items' JSON, one after another
    ends: array[int] | Slice  # where each item's JSON ends in the decompressed data ('q')

    def __len__(self) -> int:
        ends = self.ends
        return ends[2] // 8 if isinstance(ends, tuple) else len(ends)

    def stored_bytes(self) -> int:
        """The compressed bytes and the item ends, in bytes."""
        data = self.data
        return (data[2] if isinstance(data, tuple) else len(data)) + 8 * len(self)

    def compressed(self, arena: Arena | None) -> bytes | memoryview:
        """The zlib bytes, read in place (a view into ``arena`` for a stored page)."""
        data = self.data
        if isinstance(data, tuple):
            assert arena is not None, "a stored page is read with its store's arena"
            return arena.view(data)
        return data

    def item_ends(self, arena: Arena | None) -> array[int] | memoryview:
        """Where each item ends in the decompressed data (a view into ``arena`` once stored)."""
        ends = self.ends
        if isinstance(ends, tuple):
            assert arena is not None, "a stored page is read with its store's arena"
            return arena.view(ends).cast("q")
        return ends

    def stored_in(self, arena: Arena) -> Block:
        """This page with its bytes and item ends copied into ``arena`` (done once, when it lands).

        Why the ends too: a million items' ends are 8 MB of private heap otherwise.
        """
        if isinstance(self.data, tuple) or isinstance(self.ends, tuple):
            return self
        return Block(arena.add(self.data), arena.add(self.ends.tobytes()))


# One encoder (json.dumps makes one a call). ``jsonable`` as its default writes a botocore dict's
# datetimes and bytes as they are in an item's ``raw``, so a page is encoded without that copy.
_ENCODER = json.JSONEncoder(separators=(",", ":"), default=jsonable)


def pack(raws: Iterable[dict[str, Any]]) -> Block:
    """The items' JSON dicts as one compressed page; pure and thread-safe.

    Why a function: the worker that fetched a page packs it, so the UI thread only appends a
    ready block (zlib also lets other threads run while it compresses).
    """
    encode = _ENCODER.encode
    ends = array("q")
    parts: list[bytes] = []
    size = 0
    for raw in raws:
        data = encode(raw).encode()
        parts.append(data)
        size += len(data)
        ends.append(size)
    return Block(zlib.compress(b"".join(parts), 6), ends)


class CompactItems(Sequence[Any]):
    """A list of items stored as compressed JSON pages; ``items[i]`` revives item ``i``.

    Appending (``extend``) and putting items in front (``insert_front``) add one page each;
    reading decompresses the page (a few kept) and parses one item. Safe to read from a worker
    thread while the UI thread adds pages: the page lists are replaced, never changed in place.
    """

    def __init__(self, codec: ItemCodec) -> None:
        self.codec = codec
        self._blocks: tuple[Block, ...] = ()
        self._starts: tuple[int, ...] = ()  # index of each block's first item
        self._count = 0
        self._cache: dict[int, tuple[bytes, array[int] | memoryview]] = {}
        self._lock = threading.Lock()
        self._arena = Arena()  # the pages' bytes, out of what a fork copies; dropped with the store
        _STORES.add(self)

    def pack(self, items: Sequence[Any]) -> Block:
        """``items`` as one page in this store's form (thread-safe: the worker calls it)."""
        return pack(map(self.codec.raw_of, items))

    def extend(self, items: Sequence[Any]) -> None:
        """Add ``items`` after the loaded ones (one compressed page)."""
        self.append_block(self.pack(items))

    def append_block(self, block: Block) -> None:
        """Add a page packed elsewhere (``pack``) after the loaded ones: O(pages), no item touched."""
        if not len(block):
            return
        block = block.stored_in(self._arena)
        self._blocks = (*self._blocks, block)
        self._starts = (*self._starts, self._count)
        self._count += len(block)

    def insert_front(self, items: Sequence[Any]) -> None:
        """Put ``items`` before the loaded ones (follow mode's newest items)."""
        self.insert_front_block(self.pack(items))

    def insert_front_block(self, block: Block) -> None:
        """Put a page packed elsewhere before the loaded ones."""
        n = len(block)
        if not n:
            return
        block = block.stored_in(self._arena)
        with self._lock:
            self._blocks = (block, *self._blocks)
            self._starts = (0, *(start + n for start in self._starts))
            self._count += n
            self._cache = {}

    def clear(self) -> None:
        """Forget every item."""
        with self._lock:
            self._blocks = ()
            self._starts = ()
            self._count = 0
            self._cache = {}
            self._arena = Arena()  # the old pages' memory goes with the last reader holding them

    def __len__(self) -> int:
        return self._count

    def raw(self, index: int) -> dict[str, Any]:
        """Item ``index`` as its JSON dict (``jsonable`` of what ``codec.raw_of`` gave when it was added)."""
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        with self._lock:  # the pages and the arena they are in, as one (``clear`` replaces both)
            blocks, starts, cache, arena = self._blocks, self._starts, self._cache, self._arena
        number = bisect.bisect_right(starts, index) - 1
        block = blocks[number]
        key = id(block)
        hit = cache.get(key)
        if hit is None:
            hit = (zlib.decompress(block.compressed(arena)), block.item_ends(arena))
            with self._lock:
                if cache is self._cache:
                    if len(cache) >= _CACHE_BLOCKS:
                        cache.pop(next(iter(cache)))
                    cache[key] = hit
        data, ends = hit
        at = index - starts[number]
        start = ends[at - 1] if at else 0
        return json.loads(data[start : ends[at]])  # type: ignore[no-any-return]

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        return self.codec.revive(self.raw(index))

    def __iter__(self) -> Iterator[Any]:
        for i in range(self._count):
            yield self[i]

    def item_pages(self) -> ItemPages | None:
        """Where the pages are now, for a query scan in another process (None: not shareable).

        A snapshot: pages added later are not in it, and it keeps this store's arena (its files
        open) while it is held, whatever the store does meanwhile.
        """
        with self._lock:
            blocks, starts, count, arena = self._blocks, self._starts, self._count, self._arena
        files = arena.chunk_files()
        if files is None:
            return None
        from tui.services.scan_server import ItemPages

        table = array("q")
        for first, block in zip(starts, blocks, strict=True):
            data, ends = block.data, block.ends
            if not isinstance(data, tuple) or not isinstance(ends, tuple):
                return None  # not in the arena (never the case for a stored page)
            table.extend((first, *data, *ends))
        return ItemPages(files, table, count, arena)

    def stored_bytes(self) -> int:
        """Compressed bytes held (for the benchmark and the status of big views)."""
        return sum(block.stored_bytes() for block in self._blocks)


_STORES: weakref.WeakSet[CompactItems] = weakref.WeakSet()


def _new_locks_in_child() -> None:
    """Give every store a fresh lock in a forked child (the query scan's: services/child_scan.py).

    Why: the child is a copy of the app with one thread; a lock another thread held at the fork
    would stay held there forever, and the child's reads of the rows would wait for it.
    """
    for store in list(_STORES):
        store._lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_locks_in_child)


def unpack(block: Block, arena: Arena | None = None) -> list[dict[str, Any]]:
    """Every item's JSON dict of a packed page, in order (the rare paths that must look again);
    ``arena``: the store's, for a page it keeps."""
    data = zlib.decompress(block.compressed(arena))
    out = []
    start = 0
    for end in block.item_ends(arena):
        out.append(json.loads(data[start:end]))
        start = end
    return out
