"""Hand-over bundles: one JSON file holding a view's items, the query behind them and a note.

A bundle is a sandbox data file (the ``ivs_realtime`` / ``codecatalyst`` / ``customer_profiles``
sections, in the API's own shapes) with one more key, ``eventdeck_bundle``, that says which view
it is (pane, AWS CLI operation and parameters), the AWS CLI command that produced it, the filter,
the time range, the marked rows and the note. So ``eventdeck sandbox --no-demo --data FILE`` serves
it as it is, and ``eventdeck --open FILE`` opens the same view on that data alone, with no AWS
account. Building and reading only: no Textual here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.errors import InputError
from tui.fsutil import atomic_writer
from tui.services.jsonable import jsonable
from tui.services.validation import lone_surrogate_message

FORMAT = 1
KEY = "eventdeck_bundle"
MAX_BUNDLE_BYTES = 256 * 1024 * 1024  # a bundle is read whole; refuse anything absurd


@dataclass(frozen=True)
class BundleView:
    """Which view a bundle holds: the pane, the AWS CLI operation and its parameters.

    The parameters use the AWS CLI's option names (``space-name``, ``start-time``…), the same
    words ``eventdeck SERVICE OPERATION --opt value`` takes, so opening one is a launch target.
    """

    pane: str
    operation: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Bundle:
    """A bundle as read back: the view, how it was narrowed, and what the writer said."""

    view: BundleView
    cli_command: str = ""
    filter: str = ""
    time_range: dict[str, str] | None = None
    marked: tuple[str, ...] = ()
    note: str = ""
    written_at: str = ""
    count: int = 0


def _ivs(view: BundleView, items: list[Any], parents: Mapping[str, Any]) -> dict[str, Any]:
    params = view.params
    arn = params.get("stage-arn")
    if not arn:
        return {"stages": items}
    stage = {**dict(parents.get("stage") or {}), "arn": arn}
    session_id = params.get("session-id")
    if not session_id:
        return {"stages": [{**stage, "sessions": items}]}
    session = {**dict(parents.get("session") or {}), "sessionId": session_id}
    participant_id = params.get("participant-id")
    if not participant_id:
        session["participants"] = items
    else:
        participant = {**dict(parents.get("participant") or {}), "participantId": participant_id}
        session["participants"] = [{**participant, "events": items}]
    return {"stages": [{**stage, "sessions": [session]}]}


def _codecatalyst(view: BundleView, items: list[Any], parents: Mapping[str, Any]) -> dict[str, Any]:
    space = view.params.get("space-name")
    if not space:
        return {"spaces": items}
    return {"spaces": [{**dict(parents.get("space") or {}), "name": space, "event_logs": items}]}


def _stream(summary: Mapping[str, Any]) -> dict[str, Any]:
    """A ListEventStreams summary in GetEventStream's shape (what the sandbox serves both from)."""
    stream = {k: v for k, v in summary.items() if k != "DestinationSummary"}
    destination = summary.get("DestinationSummary")
    if isinstance(destination, Mapping) and "DestinationDetails" not in stream:
        stream["DestinationDetails"] = {
            k: v for k, v in destination.items() if k in ("Uri", "Status", "UnhealthySince")
        }
    return stream


def _profiles(view: BundleView, items: list[Any], parents: Mapping[str, Any]) -> dict[str, Any]:
    domain = view.params.get("domain-name")
    if not domain:
        return {"domains": items}
    streams = [_stream(item) for item in items if isinstance(item, Mapping)]
    entry = {**dict(parents.get("domain") or {}), "DomainName": domain, "event_streams": streams}
    return {"domains": [entry]}


# pane id -> (data-file section, builder of that section from the view's items)
SECTIONS = {
    "ivs": ("ivs_realtime", _ivs),
    "codecatalyst": ("codecatalyst", _codecatalyst),
    "profiles": ("customer_profiles", _profiles),
}


def build_bundle(
    view: BundleView,
    items: Sequence[Any],
    *,
    parents: Mapping[str, Any] | None = None,
    cli_command: str = "",
    filter_text: str = "",
    time_range: Mapping[str, str] | None = None,
    marked: Sequence[str] = (),
    note: str = "",
    now: datetime | None = None,
) -> dict[str, Any]:
    """The bundle document of a view: its items (API shapes) as sandbox data, plus the query.

    ``parents`` are the raw items the view sits under (the stage of a session list, the space of
    an event-log list), so the opened view's breadcrumb and parent rows read as they did.
    """
    if view.pane not in SECTIONS:
        raise InputError(f"No hand-over bundle for the {view.pane} pane.", location="bundle")
    problem = lone_surrogate_message(note, "the note")
    if problem:
        raise InputError(f"The note is {problem}", location="note")
    section, build = SECTIONS[view.pane]
    raws = [jsonable(item) for item in items]
    data = build(view, raws, jsonable(dict(parents or {})))
    meta = {
        "format": FORMAT,
        "written_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "note": note,
        "view": {"pane": view.pane, "operation": view.operation, "params": dict(view.params)},
        "cli_command": cli_command,
        "filter": filter_text,
        "time_range": dict(time_range) if time_range else None,
        "marked": list(marked),
        "count": len(raws),
    }
    return {KEY: meta, section: data}


def bundle_name(view: BundleView, now: datetime | None = None) -> str:
    """``eventdeck-bundle-codecatalyst-20261127T154200Z.json``: sortable, says which pane."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"eventdeck-bundle-{view.pane}-{stamp}.json"


def write_bundle(directory: Path, document: Mapping[str, Any], name: str) -> Path:
    """Write ``document`` as ``directory/name`` (0600, atomically); a taken name gets -2, -3…"""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    n = 2
    while path.exists():
        path = directory / name.replace(".json", f"-{n}.json")
        n += 1
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    with atomic_writer(path, text=True) as handle:
        handle.write(text)
    return path


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def read_bundle(path: str | Path) -> Bundle:
    """Read a bundle file back, or raise InputError saying what is wrong with it."""
    where = Path(path).expanduser()
    try:
        size = where.stat().st_size
        if not where.is_file():
            raise InputError(f"{where} is not a file", location=str(where))
        if size > MAX_BUNDLE_BYTES:
            raise InputError(
                f"{where} is {size:,} bytes: too big for a bundle", location=str(where)
            )
        document = json.loads(where.read_text(encoding="utf-8"), parse_constant=_refuse_constant)
    except OSError as exc:
        raise InputError(f"cannot read {where}: {exc.strerror}", location=str(where)) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{where} is not a bundle: {exc}", location=str(where)) from None
    meta = document.get(KEY) if isinstance(document, dict) else None
    view = meta.get("view") if isinstance(meta, dict) else None
    if not isinstance(meta, dict) or not isinstance(view, dict):
        raise InputError(
            f"{where} is not an eventdeck bundle (no {KEY!r} key with a view)",
            location=str(where),
            hint="Write one with W on a browse pane.",
        )
    pane, operation, params = view.get("pane"), view.get("operation"), view.get("params") or {}
    if pane not in SECTIONS or not isinstance(operation, str) or not isinstance(params, dict):
        raise InputError(f"{where}: the bundle's view {view!r} is not one eventdeck opens")
    time_range = meta.get("time_range")
    return Bundle(
        view=BundleView(str(pane), operation, {str(k): str(v) for k, v in params.items()}),
        cli_command=str(meta.get("cli_command") or ""),
        filter=str(meta.get("filter") or ""),
        time_range=dict(time_range) if isinstance(time_range, dict) else None,
        marked=tuple(str(k) for k in meta.get("marked") or ()),
        note=str(meta.get("note") or ""),
        written_at=str(meta.get("written_at") or ""),
        count=int(meta.get("count") or 0),
    )
