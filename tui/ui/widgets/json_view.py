"""A scrollable, highlighted, searchable view of a JSON-able value, built on the Line API.

Payloads can be megabytes (a page of event logs, a profile export), so the widget renders only the
visible lines (``ScrollView`` + ``render_line``, one cached ``Strip`` per line) and never wraps.
Every string in the value is untrusted: the JSON text comes from ``json.dumps`` and then each line
goes through ``tui.textsafe.visible``, so nothing in a value can reach the terminal as a control
sequence, and nothing is ever parsed as markup. The text copied and written escapes the same
characters the JSON way (``tui.textsafe.json_escape``).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.services.console_urls import arn_url
from tui.textsafe import json_escape, visible

ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:[A-Za-z0-9/_.:+=@-]+")
"""An ARN the inspector may turn into a link: plain characters only."""
_hyperlinks: list[bool] = []


def hyperlinks_on() -> bool:
    """Whether to make ARNs into OSC 8 links (detected once per process; see services.hyperlinks)."""
    if not _hyperlinks:
        from tui.services.hyperlinks import detect

        _hyperlinks.append(detect().enabled)
    return _hyperlinks[0]


# One JSON token on an indent=2 line: a string (a key when a colon follows), a number, a literal,
# or punctuation. Strings are matched first so digits inside them are never numbers.
_TOKEN = re.compile(
    r'(?P<string>"(?:[^"\\]|\\.)*")(?P<colon>\s*:)?'
    r"|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<literal>true|false|null|NaN|-?Infinity)"
    r"|(?P<punct>[{}\[\],])"
)
LONG_LINE = 8_192
"""ASCII lines longer than this are rendered window by window instead of as one cached strip."""
MAX_MATCHES = 100_000
"""Search stops recording matches after this many, so a one-letter query on 5 MB stays cheap."""


def display_line(line: str) -> str:
    """One line of JSON text with every control or invisible character shown as an escape."""
    return visible(line)


def token_spans(line: str) -> list[tuple[int, int, str]]:
    """The highlighted spans of one displayed line: (start, end, kind) with kind a component."""
    spans = []
    for token in _TOKEN.finditer(line):
        if token.group("string") is not None:
            kind = "key" if token.group("colon") is not None else "string"
            start, end = token.span("string")
        else:
            start, end = token.span()
            kind = "punctuation" if token.lastgroup == "punct" else str(token.lastgroup)
        spans.append((start, end, kind))
    return spans


def _json_default(value: object) -> object:
    """Serialise what boto3 hands back beyond plain JSON: datetimes, bytes, decimals, sets."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(raw).decode("ascii")
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def _dumps(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=_json_default)


def format_json(value: object) -> str:
    """``value`` as indent-2 JSON text, the text that is copied and written.

    Non-ASCII text stays readable; control and invisible characters are escaped as JSON does
    (``\\u009b``), so the copy or the file holds nothing a terminal would act on.
    """
    return json_escape(_dumps(value))


@dataclass(frozen=True)
class Match:
    """One search hit: a line and the character span within its displayed text."""

    line: int
    start: int
    end: int


class JsonView(ScrollView, can_focus=True):
    """A read-only, highlighted JSON viewer whose cost per frame depends on the visible lines only."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "json-view--key",
        "json-view--string",
        "json-view--number",
        "json-view--literal",
        "json-view--punctuation",
        "json-view--match",
        "json-view--match-current",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False, id="json_view.down"),
        Binding("k", "scroll_up", "Up", show=False, id="json_view.up"),
        Binding("g", "scroll_home", "Top", show=False, id="json_view.top"),
        Binding("G", "scroll_end", "Bottom", show=False, id="json_view.bottom"),
    ]

    class SearchUpdated(Message):
        """The search query, the match count or the current match changed."""

        def __init__(self, view: JsonView, query: str, index: int | None, count: int) -> None:
            super().__init__()
            self.view = view
            self.query = query
            self.index = index
            self.count = count
            self.truncated = count >= MAX_MATCHES

        @property
        def control(self) -> JsonView:
            return self.view

    def __init__(
        self,
        value: object = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._value: object = None
        self._text = ""
        self._lines: list[str] = []
        self._width = 0
        self._cache: LRUCache[int, Strip] = LRUCache(1024)
        self._long_spans: LRUCache[int, list[tuple[int, int, str]]] = LRUCache(64)
        self._styles: dict[str, Style] = {}
        self._query = ""
        self._matches: list[Match] = []
        self._by_line: dict[int, list[int]] = {}
        self._current: int | None = None
        self.set_value(value)

    # -- content -----------------------------------------------------------------------------

    @property
    def value(self) -> object:
        """The value shown."""
        return self._value

    @property
    def text(self) -> str:
        """The JSON text of the value (valid JSON, controls JSON-escaped), as copied and written."""
        return self._text

    @property
    def lines(self) -> list[str]:
        """The displayed lines: escaped, safe to put on a terminal."""
        return self._lines

    def set_value(self, value: object) -> None:
        """Show ``value``; the previous search is re-run on the new lines."""
        self._value = value
        raw = _dumps(value)
        # Shown from the raw text (U+1D173 as \\U0001d173, not as JSON's surrogate pair);
        # copied and written as JSON-escaped text.
        self._text = json_escape(raw)
        self._lines = [display_line(line) for line in raw.split("\n")]
        self._width = max((cell_len(line) for line in self._lines), default=0)
        self._cache.clear()
        self._long_spans.clear()
        self.virtual_size = Size(self._width, len(self._lines))
        if self._query:
            self.search(self._query)
        self.refresh()

    # -- search ------------------------------------------------------------------------------

    @property
    def search_query(self) -> str:
        """The current search query ("" when there is none)."""
        return self._query

    @property
    def match_count(self) -> int:
        """How many matches the current query has (capped at MAX_MATCHES)."""
        return len(self._matches)

    @property
    def current_match(self) -> Match | None:
        """The match the view last jumped to."""
        return None if self._current is None else self._matches[self._current]

    @property
    def current_index(self) -> int | None:
        """The index of the current match in ``matches``."""
        return self._current

    @property
    def matches(self) -> list[Match]:
        """Every recorded match, in document order."""
        return self._matches

    def search(self, query: str) -> int:
        """Highlight every case-insensitive occurrence of ``query``, jump to the first; the count."""
        self._query = query
        self._matches = []
        self._by_line = {}
        self._current = None
        needle = display_line(query).casefold() if query else ""
        if needle:
            size = len(needle)
            for number, line in enumerate(self._lines):
                hay = line.casefold()
                if len(hay) != len(line):  # casefold changed lengths (ß, ŉ…): spans would drift.
                    hay = line.lower()
                start = hay.find(needle)
                while start != -1 and len(self._matches) < MAX_MATCHES:
                    self._by_line.setdefault(number, []).append(len(self._matches))
                    self._matches.append(Match(number, start, start + size))
                    start = hay.find(needle, start + size)
                if len(self._matches) >= MAX_MATCHES:
                    break
        self._cache.clear()
        self.refresh()
        if self._matches:
            self._go_to(0)
        else:
            self._post_update()
        return len(self._matches)

    def clear_search(self) -> None:
        """Drop the query and every highlight."""
        self.search("")

    def next_match(self) -> Match | None:
        """Move to the next match, wrapping at the end."""
        if not self._matches:
            return None
        index = 0 if self._current is None else (self._current + 1) % len(self._matches)
        return self._go_to(index)

    def previous_match(self) -> Match | None:
        """Move to the previous match, wrapping at the start."""
        if not self._matches:
            return None
        index = -1 if self._current is None else self._current - 1
        return self._go_to(index % len(self._matches))

    def _go_to(self, index: int) -> Match:
        previous = self.current_match
        self._current = index
        match = self._matches[index]
        for line in {match.line, previous.line if previous else match.line}:
            self._cache.discard(line)
        line_text = self._lines[match.line]
        x = cell_len(line_text[: match.start])
        width = max(1, cell_len(line_text[match.start : match.end]))
        self.scroll_to_region(
            Region(x, match.line, width, 1), animate=False, center=True, immediate=True
        )
        self.refresh()
        self._post_update()
        return match

    def _post_update(self) -> None:
        self.post_message(self.SearchUpdated(self, self._query, self._current, len(self._matches)))

    # -- rendering ---------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        """Theme or CSS changed: the cached strips carry old colours."""
        super().notify_style_update()
        self._styles.clear()
        self._cache.clear()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(name)
        return style

    def render_line(self, y: int) -> Strip:
        """Render the visible row ``y``: the cached strip of its line, cropped to the viewport."""
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, base)
        line = self._lines[index]
        if len(line) > LONG_LINE and line.isascii():
            # One huge string value: cropping a multi-megabyte strip costs ~0.1 s a frame, so
            # render just the visible window (ASCII: one character is one cell).
            return self._window_strip(index, scroll_x, width, base).apply_offsets(scroll_x, index)
        strip = self._cache.get(index)
        if strip is None:
            strip = self._cache[index] = self._build_strip(index, base)
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, index)

    def _match_spans(self, index: int) -> list[tuple[int, int, str]]:
        spans = []
        for match_index in self._by_line.get(index, ()):
            match = self._matches[match_index]
            name = "match-current" if match_index == self._current else "match"
            spans.append((match.start, match.end, name))
        return spans

    def _build_strip(self, index: int, base: Style) -> Strip:
        line = self._lines[index]
        text = Text(line, style=base, no_wrap=True, end="")
        for start, end, kind in token_spans(line) + self._match_spans(index):
            text.stylize(self._style(f"json-view--{kind}"), start, end)
            if kind == "string" and hyperlinks_on() and line.startswith('"arn:', start):
                arn = line[start + 1 : end - 1]
                if ARN.fullmatch(arn):  # only a plain ARN: no escapes, nothing to smuggle
                    text.stylize(Style(link=arn_url(arn)), start + 1, end - 1)
        segments = list(text.render(self.app.console))
        return Strip(segments, cell_len(line))

    def _window_strip(self, index: int, scroll_x: int, width: int, base: Style) -> Strip:
        line = self._lines[index]
        spans = self._long_spans.get(index)
        if spans is None:
            spans = self._long_spans[index] = token_spans(line)
        end_x = scroll_x + width
        text = Text(line[scroll_x:end_x], style=base, no_wrap=True, end="")
        for start, end, kind in spans + self._match_spans(index):
            if end > scroll_x and start < end_x:
                style = self._style(f"json-view--{kind}")
                text.stylize(style, max(start, scroll_x) - scroll_x, min(end, end_x) - scroll_x)
        segments = list(text.render(self.app.console))
        return Strip(segments, text.cell_len).extend_cell_length(width, base)
