"""This process's child processes from /proc (no psutil): for tests and benchmarks of forked work."""

from __future__ import annotations

import os
from pathlib import Path


def children() -> dict[int, str]:
    """This process's child processes and their state (``Z``: a zombie), from /proc/*/stat."""
    me = os.getpid()
    out: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]  # after "pid (comm) "
        if int(ppid) == me:
            out[int(entry.name)] = state
    return out
