"""One generic lazy pager for every nextToken-style list operation.

ListParticipantEvents has no botocore paginator, and the UI wants one page at a time (it asks for
the next page when the cursor nears the end), so eventdeck pages by hand, everywhere the same way.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results; ``next_token`` is None when there are no more."""

    items: list[T]
    next_token: str | None


FetchPage = Callable[[str | None], Page[T]]


class Pager(Generic[T]):
    """Fetch pages lazily from ``fetch(token)``; resumable from any token.

    ``fetch`` is a service function bound to its query (e.g. a functools.partial); the pager adds
    the loop, the stop condition and a guard against a service that repeats a token forever.
    """

    def __init__(self, fetch: FetchPage[T], start_token: str | None = None) -> None:
        self._fetch = fetch
        self.next_token = start_token
        self.done = False
        self._seen_tokens: set[str] = set()

    def fetch_next(self) -> Page[T]:
        """Fetch the page at the current token and advance; raises StopIteration when done."""
        if self.done:
            raise StopIteration
        page = self._fetch(self.next_token)
        token = page.next_token or None
        if token is not None and token in self._seen_tokens:
            # A service echoing an old token would page forever; stop rather than loop.
            token = None
        if token is not None:
            self._seen_tokens.add(token)
        self.next_token = token
        self.done = token is None
        return Page(page.items, token)

    def __iter__(self) -> Iterator[Page[T]]:
        while not self.done:
            yield self.fetch_next()

    def items(self) -> Iterator[T]:
        """Every item of every remaining page, fetched lazily."""
        for page in self:
            yield from page.items


def newer_items(fetch: FetchPage[T], is_known: Callable[[T], bool], max_pages: int = 50) -> list[T]:
    """The items of a newest-first list that are not known yet, newest first.

    Follow mode asks this of a list whose first page holds the newest items: pages are read from
    the top until one holds an item already shown (everything after it is older, so already
    loaded), never backwards through the whole history. ``max_pages`` bounds a burst.
    """
    pager = Pager(fetch)
    fresh: list[T] = []
    for page in itertools.islice(pager, max_pages):
        known = False
        for item in page.items:
            if is_known(item):
                known = True
            else:
                fresh.append(item)
        if known:
            break
    return fresh
