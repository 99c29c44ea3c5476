"""Whether the terminal shows OSC 8 hyperlinks, so the inspector can make ARNs into links.

Why: a terminal that does not know OSC 8 may print its bytes; inside tmux they pass through only
when tmux's ``hyperlinks`` terminal feature is on. So links are off unless the terminal is known to
support them, and in tmux unless ``tmux show -s terminal-features`` lists hyperlinks.
``EVENTDECK_HYPERLINKS=1`` / ``=0`` overrides the guess either way. `eventdeck doctor` reports it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

KNOWN_PROGRAMS = ("iTerm.app", "WezTerm", "vscode", "ghostty", "Hyper", "rio")
KNOWN_TERMS = ("xterm-kitty", "foot", "alacritty", "wezterm", "xterm-ghostty")


@dataclass(frozen=True, slots=True)
class HyperlinkSupport:
    """The verdict and the reason, in words doctor can print."""

    enabled: bool
    reason: str


def tmux_features() -> str:
    """tmux's server terminal-features option ("" when tmux is absent or does not answer)."""
    tmux = shutil.which("tmux")
    if tmux is None:
        return ""
    try:
        out = subprocess.run(
            [tmux, "show-options", "-s", "terminal-features"],
            capture_output=True, text=True, timeout=2, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout


def detect(
    environ: Mapping[str, str] | None = None, tmux_output: str | None = None
) -> HyperlinkSupport:
    """Decide from the environment (and tmux's features when inside tmux) whether to emit links."""
    env = os.environ if environ is None else environ
    forced = env.get("EVENTDECK_HYPERLINKS", "").strip().lower()
    if forced in ("1", "true", "yes", "on"):
        return HyperlinkSupport(True, "on: EVENTDECK_HYPERLINKS is set")
    if forced in ("0", "false", "no", "off"):
        return HyperlinkSupport(False, "off: EVENTDECK_HYPERLINKS=0")
    if env.get("TMUX"):
        features = tmux_features() if tmux_output is None else tmux_output
        if "hyperlinks" in features:
            return HyperlinkSupport(True, "on: tmux has the hyperlinks terminal feature")
        return HyperlinkSupport(
            False,
            "off inside tmux: add `set -as terminal-features ',*:hyperlinks'` to tmux.conf",
        )
    term = env.get("TERM", "")
    if term in ("", "dumb", "linux"):
        return HyperlinkSupport(False, f"off: TERM={term or '(unset)'} does not show links")
    program = env.get("TERM_PROGRAM", "")
    if (
        program in KNOWN_PROGRAMS
        or term in KNOWN_TERMS
        or env.get("KITTY_WINDOW_ID")
        or env.get("WT_SESSION")
    ):
        return HyperlinkSupport(
            True, f"on: {program or term or 'Windows Terminal'} shows OSC 8 links"
        )
    vte = env.get("VTE_VERSION", "")
    if vte.isdigit() and int(vte) >= 5000:
        return HyperlinkSupport(True, "on: a VTE terminal (GNOME Terminal and friends)")
    return HyperlinkSupport(
        False, "off: terminal not known to show OSC 8 links (EVENTDECK_HYPERLINKS=1 turns them on)"
    )
