"""The one way eventdeck copies text: OSC 52, wrapped for tmux, refused (with a reason) when too big.

Operators run eventdeck over SSH, often inside tmux, so the system clipboard is only reachable
through the terminal (OSC 52). Textual's ``App.copy_to_clipboard`` writes a bare OSC 52, which
tmux forwards only with ``set-clipboard on``; with ``allow-passthrough on`` the sequence must be
wrapped in a DCS passthrough instead. Inside tmux we write both, so either setting works and the
other copy is dropped by tmux. Terminals also cap the payload (k9s caps at ~75 kB): above the cap
nothing is written and the user is told why and what to do instead, never a silent non-copy.

What is copied is pasted somewhere, often into a shell or another terminal, so the text never
carries a control character: each one is escaped visibly (``tui.textsafe.visible``), newlines
included unless the text is a multi-line document (JSON, an error report) whose lines are its own.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.app import App

from tui.textsafe import visible

DEFAULT_MAX_BASE64 = 74_994
"""The default cap on the base64 payload of one OSC 52 sequence, in bytes (k9s's limit)."""


@dataclass(frozen=True)
class CopyResult:
    """What a copy did: whether the text went out, and a sentence for the user."""

    ok: bool
    message: str


@dataclass(frozen=True)
class ClipboardSettings:
    """How large a copy may be, and what to suggest instead; the app owns one.

    Why on the app, not the module: two apps (tests, the screenshot script) must not share
    settings, and nothing may change them from another thread behind a copy.
    """

    max_base64: int = DEFAULT_MAX_BASE64
    too_large_hint: str = "press w to write it to a file"


def clipboard_settings(app: App[Any]) -> ClipboardSettings:
    """``app.clipboard_settings`` when the app has them (eventdeck's does), else the defaults."""
    found = getattr(app, "clipboard_settings", None)
    return found if isinstance(found, ClipboardSettings) else ClipboardSettings()


def human_size(size: int) -> str:
    """A byte count as a short human figure: 812 B, 74.9 kB, 1.2 MB (decimal units)."""
    if size < 1000:
        return f"{size} B"
    value = size / 1000
    for unit in ("kB", "MB"):
        if value < 1000:
            return f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


def osc52(payload_b64: str) -> str:
    """The OSC 52 sequence that sets the system clipboard, the same form Textual writes."""
    return f"\x1b]52;c;{payload_b64}\a"


def tmux_passthrough(sequence: str) -> str:
    """``sequence`` wrapped for tmux's DCS passthrough: inner ESCs doubled, ended by ST."""
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


def in_tmux(environ: dict[str, str] | None = None) -> bool:
    """True when running inside tmux (``$TMUX`` set and not empty)."""
    env = os.environ if environ is None else environ
    return bool(env.get("TMUX"))


def _terminal_writer(app: App[Any]) -> Callable[[str], None] | None:
    """The function that writes raw data to the app's terminal, or None when there is no driver.

    Private API kept on purpose: Textual 8 has no public way to write raw bytes to the terminal
    (no ``App.driver`` accessor, no ``App.write_raw``); ``App.copy_to_clipboard`` and ``App.bell``
    write through ``app._driver.write`` and so do we, in this one place only, for the tmux
    passthrough sequence that Textual cannot produce.
    """
    driver = getattr(app, "_driver", None)
    return None if driver is None else driver.write


def copy_text(app: App[Any], text: str, what: str, *, multiline: bool = False) -> CopyResult:
    """Copy ``text`` to the system clipboard through the terminal; ``what`` names it for messages.

    Control characters in ``text`` are escaped visibly (newlines too unless ``multiline``), so a
    pasted id can neither end a command line nor drive the terminal; lone surrogates, which
    cannot be encoded, are escaped the same way. The text itself is never logged or put in the
    message (it may hold secrets).
    """
    what = visible(what)
    text = visible(text, keep_newlines=multiline)
    raw = text.encode("utf-8")
    size = human_size(len(raw))
    encoded = base64.b64encode(raw).decode("ascii")
    settings = clipboard_settings(app)
    if len(encoded) > settings.max_base64:
        subject = what[:1].upper() + what[1:]
        return CopyResult(
            False, f"{subject} is too large to copy ({size}); {settings.too_large_hint}"
        )
    # The public path: sets app.clipboard and writes the bare OSC 52 (works outside tmux, and
    # inside tmux with `set-clipboard on`).
    app.copy_to_clipboard(text)
    if in_tmux():
        write = _terminal_writer(app)
        if write is not None:
            write(tmux_passthrough(osc52(encoded)))
    return CopyResult(True, f"Copied {what} ({size})")


def copy_and_notify(app: App[Any], text: str, what: str, *, multiline: bool = False) -> CopyResult:
    """``copy_text`` and tell the user what happened (a warning when nothing was copied)."""
    result = copy_text(app, text, what, multiline=multiline)
    if result.ok:
        app.notify(result.message, title="Clipboard", timeout=3, markup=False)
    else:
        app.notify(result.message, title="Not copied", severity="warning", timeout=8, markup=False)
    return result
