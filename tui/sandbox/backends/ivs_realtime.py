"""IVS Real-Time sandbox backend: stages, sessions, participants and participant events (read side).

Routes, validation and the wire format come from botocore's ivs-realtime model (rest-json, POST
with JSON bodies, ISO 8601 times); state lives in a moto-style backend guarded by a lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from moto.core.base_backend import BaseBackend

from tui.sandbox import demo
from tui.sandbox.backends import PerScope, load_scoped_demo
from tui.sandbox.backends.rest_json import ApiError, Response, RestJsonService, page

SERVICE = "ivs-realtime"
ROUTE = "ivs"
_DEFAULT_MAX = 50  # "Default: 50" in the model's docs for every list operation here

_api = RestJsonService(SERVICE, error_key="exceptionMessage", validation_code="ValidationException")


class IvsRealtimeBackend(BaseBackend):
    """Stages keyed by ARN; each holds its sessions (newest first) and their participants."""

    def __init__(self, region_name: str = demo.REGION, account_id: str = demo.ACCOUNT) -> None:
        super().__init__(region_name, account_id)
        self.lock = threading.RLock()
        self.stages: dict[str, dict[str, Any]] = {}
        # (stage ARN, session id, participant id) -> a live participant's schedule and progress.
        self.live: dict[tuple[str, str, str], dict[str, Any]] = {}

    def reset(self) -> None:
        """Forget every stage."""
        with self.lock:
            self.stages.clear()
            self.live.clear()

    def load(self, data: Mapping[str, Any]) -> None:
        """Add the stages of an ``ivs_realtime`` data section (replacing any with the same ARN)."""
        stage_shape = _api.shape("Stage")
        session_shape = _api.shape("StageSession")
        participant_shape = _api.shape("Participant")
        event_shape = _api.shape("Event")
        with self.lock:
            for raw_stage in data.get("stages", []):
                stage = _api.from_data(
                    stage_shape, {k: v for k, v in raw_stage.items() if k != "sessions"}
                )
                if "arn" not in stage:
                    raise ValueError(f"ivs_realtime stage without an arn: {raw_stage!r}")
                sessions: list[dict[str, Any]] = []
                for raw_session in raw_stage.get("sessions", []):
                    session = _api.from_data(
                        session_shape, {k: v for k, v in raw_session.items() if k != "participants"}
                    )
                    participants: dict[str, dict[str, Any]] = {}
                    for raw_p in raw_session.get("participants", []):
                        p = _api.from_data(
                            participant_shape,
                            {k: v for k, v in raw_p.items() if k not in ("events", "_live")},
                        )
                        events = [_api.from_data(event_shape, e) for e in raw_p.get("events", [])]
                        events.sort(key=lambda e: e.get("eventTime") or _EPOCH, reverse=True)
                        p["events"] = events
                        participants[p["participantId"]] = p
                        if isinstance(raw_p.get("_live"), Mapping):
                            key = (stage["arn"], session["sessionId"], p["participantId"])
                            self.live[key] = {**raw_p["_live"], "emitted": 0}
                    session["participants"] = participants
                    sessions.append(session)
                sessions.sort(key=lambda s: s.get("startTime") or _EPOCH, reverse=True)
                stage["sessions"] = {s["sessionId"]: s for s in sessions}
                if "activeSessionId" not in stage:
                    active = [s["sessionId"] for s in sessions if s.get("endTime") is None]
                    if active:
                        stage["activeSessionId"] = active[0]
                self.stages[stage["arn"]] = stage

    # -- lookups -----------------------------------------------------------------------------
    def stage(self, arn: str) -> dict[str, Any]:
        """The stage with this ARN, or the service's ResourceNotFoundException."""
        try:
            return self.stages[arn]
        except KeyError:
            raise ApiError("ResourceNotFoundException", f"Stage not found: {arn}") from None

    def session(self, arn: str, session_id: str) -> dict[str, Any]:
        """A session of a stage, or ResourceNotFoundException naming what is missing."""
        try:
            found: dict[str, Any] = self.stage(arn)["sessions"][session_id]
            return found
        except KeyError:
            raise ApiError(
                "ResourceNotFoundException", f"Session {session_id} not found in stage {arn}"
            ) from None

    def catch_up(self, arn: str, session_id: str, participant: dict[str, Any]) -> None:
        """Add the events a live demo participant has produced since the last call (lock held)."""
        live = self.live.get((arn, session_id, participant["participantId"]))
        if live is None:
            return
        every = float(live["every"])
        due = min(int((time.time() - float(live["start"])) // every), _LIVE_MAX)
        shape = _api.shape("Event")
        while live["emitted"] < due:
            live["emitted"] += 1
            n = live["emitted"]
            event = {
                "name": "SUBSCRIBE_STARTED" if n % 2 == 0 else "SUBSCRIBE_STOPPED",
                "participantId": participant["participantId"],
                "remoteParticipantId": live["remoteParticipantId"],
                "eventTime": datetime.fromtimestamp(int(float(live["start"]) + n * every), UTC),
            }
            participant["events"].insert(0, _api.from_data(shape, event))

    def participant(self, arn: str, session_id: str, participant_id: str) -> dict[str, Any]:
        """A participant of a session, or ResourceNotFoundException."""
        try:
            found: dict[str, Any] = self.session(arn, session_id)["participants"][participant_id]
            return found
        except KeyError:
            raise ApiError(
                "ResourceNotFoundException",
                f"Participant {participant_id} not found in session {session_id}",
            ) from None


_EPOCH = datetime.fromtimestamp(0, UTC)
_LIVE_MAX = 10_000  # events a live demo participant adds at most (a day-long demo run)
_scoped: PerScope[IvsRealtimeBackend] = PerScope(IvsRealtimeBackend)
backend = _scoped.get()  # the default account and region's (tests patch it)


def _max(params: dict[str, Any]) -> int:
    return int(params.get("maxResults", _DEFAULT_MAX))


def _list_stages(params: dict[str, Any]) -> dict[str, Any]:
    backend = _scoped.get()
    with backend.lock:
        stages = sorted(backend.stages.values(), key=lambda s: (s.get("name") or "", s["arn"]))
        items, token = page(stages, params.get("nextToken"), _max(params), "ValidationException")
    return {"stages": items, "nextToken": token}


def _list_stage_sessions(params: dict[str, Any]) -> dict[str, Any]:
    backend = _scoped.get()
    with backend.lock:
        sessions = list(backend.stage(params["stageArn"])["sessions"].values())
        items, token = page(sessions, params.get("nextToken"), _max(params), "ValidationException")
    return {"stageSessions": items, "nextToken": token}


_FILTERS = {
    "filterByUserId": "userId",
    "filterByPublished": "published",
    "filterByState": "state",
    "filterByRecordingState": "recordingState",
}


def _list_participants(params: dict[str, Any]) -> dict[str, Any]:
    backend = _scoped.get()
    given = [name for name in _FILTERS if name in params]
    if len(given) > 1:
        raise ApiError(
            "ValidationException",
            "Only one of filterByUserId, filterByPublished, filterByState, or filterByRecordingState "
            f"can be provided per request; got {', '.join(given)}.",
        )
    with backend.lock:
        participants = list(
            backend.session(params["stageArn"], params["sessionId"])["participants"].values()
        )
        if given:
            field = _FILTERS[given[0]]
            participants = [p for p in participants if p.get(field) == params[given[0]]]
        items, token = page(
            participants, params.get("nextToken"), _max(params), "ValidationException"
        )
    return {"participants": items, "nextToken": token}


def _list_participant_events(params: dict[str, Any]) -> dict[str, Any]:
    backend = _scoped.get()
    with backend.lock:
        p = backend.participant(params["stageArn"], params["sessionId"], params["participantId"])
        backend.catch_up(params["stageArn"], params["sessionId"], p)
        items, token = page(
            p["events"], params.get("nextToken"), _max(params), "ValidationException"
        )
    return {"events": items, "nextToken": token}


def _get_stage(params: dict[str, Any]) -> dict[str, Any]:
    backend = _scoped.get()
    with backend.lock:
        return {"stage": backend.stage(params["arn"])}


def _get_stage_session(params: dict[str, Any]) -> dict[str, Any]:
    backend = _scoped.get()
    with backend.lock:
        return {"stageSession": backend.session(params["stageArn"], params["sessionId"])}


def _get_participant(params: dict[str, Any]) -> dict[str, Any]:
    backend = _scoped.get()
    with backend.lock:
        return {
            "participant": backend.participant(
                params["stageArn"], params["sessionId"], params["participantId"]
            )
        }


for _name, _handler in [
    ("ListStages", _list_stages),
    ("ListStageSessions", _list_stage_sessions),
    ("ListParticipants", _list_participants),
    ("ListParticipantEvents", _list_participant_events),
    ("GetStage", _get_stage),
    ("GetStageSession", _get_stage_session),
    ("GetParticipant", _get_participant),
]:
    _api.route(_name, _handler)


def handle(
    method: str, path: str, query: dict[str, list[str]], headers: Mapping[str, str], body: bytes
) -> Response:
    """Serve one HTTP request addressed to ivs-realtime."""
    return _api.handle(method, path, query, headers, body)


def reset() -> None:
    """Clear all state (every account's and region's)."""
    _scoped.reset()


def load(data: dict[str, Any]) -> None:
    """Add the ``ivs_realtime`` section of a --data file on top of what is loaded."""
    _scoped.get().load(data)


def load_demo(seed: int, now: datetime | None = None) -> None:
    """Add the deterministic demo stages for ``seed`` (times relative to ``now``, default: the clock)."""
    _scoped.get().load(demo.ivs_realtime(seed, now or datetime.now(UTC), live=now is None))
    load_scoped_demo(
        "ivs_realtime", seed, now or datetime.now(UTC), lambda data: _scoped.get().load(data)
    )
