"""Counted nouns in messages: "1 entry", "2 entries", "3 batches", never "entry(s)" or "entrys".

Why: messages are built from a pane's noun ("entry", "event") and a count; one rule for English
plurals keeps every message right instead of each one hand-writing "(s)". UI-free, so services
can use it too.
"""

from __future__ import annotations


def plural(noun: str, n: int = 2) -> str:
    """``noun`` in the form that goes with ``n`` ("entry" -> "entries", "batch" -> "batches")."""
    if n == 1 or not noun:
        return noun
    if noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def count(n: int, noun: str) -> str:
    """``n`` and ``noun`` agreeing: "1 entry", "2 entries", "1,200 events"."""
    return f"{n:,} {plural(noun, n)}"
