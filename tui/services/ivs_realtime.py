"""IVS Real-Time browsing: stages → sessions → participants → participant events.

Every function makes one call through ``errormap.call`` (typed errors) and returns a ``Page`` of
frozen dataclasses holding the fields the UI shows plus the raw item (JSON-able) for the inspector.
Signatures put ``token`` right after the query so ``Pager(partial(list_x, factory, *query))`` works.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tui.services.errormap import call
from tui.services.jsonable import RawOnDemand, jsonable
from tui.services.paging import Page

SERVICE = "ivs-realtime"

STAGE_ARN_RE = re.compile(
    r"arn:aws[a-z-]*:ivs:(?P<region>[a-z0-9-]+):(?P<account>[0-9]+):stage/(?P<id>[a-zA-Z0-9-]+)"
)
SESSION_ID_RE = re.compile(r"st-[a-zA-Z0-9]{13}")
PARTICIPANT_ID_RE = re.compile(r"[a-zA-Z0-9_-]{1,64}")

PARTICIPANT_STATES = ("CONNECTED", "DISCONNECTED")
RECORDING_STATES = ("STARTING", "ACTIVE", "STOPPING", "STOPPED", "FAILED")

# One line per value of the model's EventErrorCode enum (botocore ivs-realtime 2020-07-14).
ERROR_CODE_MEANINGS: dict[str, str] = {
    "INSUFFICIENT_CAPABILITIES": "The participant tried an action its token does not allow "
    "(see the token's capabilities: PUBLISH / SUBSCRIBE).",
    "QUOTA_EXCEEDED": "More participants want to publish or subscribe to this stage than the "
    "service quota allows.",
    "PUBLISHER_NOT_FOUND": "The participant tried to subscribe to a publisher that does not exist.",
    "BITRATE_EXCEEDED": "The participant exceeded the maximum supported bitrate (service quotas).",
    "RESOLUTION_EXCEEDED": "The participant exceeded the maximum supported resolution "
    "(service quotas).",
    "STREAM_DURATION_EXCEEDED": "The participant exceeded the maximum allowed stream duration "
    "(service quotas).",
    "INVALID_AUDIO_CODEC": "The participant used an audio codec that stream ingest does not "
    "accept.",
    "INVALID_VIDEO_CODEC": "The participant used a video codec that stream ingest does not accept.",
    "INVALID_PROTOCOL": "The ingest configuration requires RTMPS but the participant streamed "
    "with RTMP.",
    "INVALID_STREAM_KEY": "The participant used an invalid stream key.",
    "REUSE_OF_STREAM_KEY": "The stream key is already in use by another active stage session.",
    "B_FRAME_PRESENT": "The participant's stream contains B-frames, which RTMP publishing to a "
    "stage does not support.",
    "INVALID_INPUT": "The participant sent an invalid input stream.",
    "INTERNAL_SERVER_EXCEPTION": "Publishing failed because of an internal IVS server error "
    "(retry; not the participant's fault).",
}


def explain_error_code(code: str | None) -> str:
    """A one-line meaning of a participant event's errorCode ("" for no code)."""
    if not code:
        return ""
    return ERROR_CODE_MEANINGS.get(code, f"Unrecognised error code {code} (newer than eventdeck).")


@dataclass(frozen=True, slots=True)
class Stage:
    """A ListStages item."""

    arn: str
    name: str
    active_session_id: str | None
    tags: dict[str, str] = field(compare=False, hash=False)
    raw: dict[str, Any] = field(compare=False, hash=False, repr=False)

    @property
    def stage_id(self) -> str:
        return self.arn.rsplit("/", 1)[-1]

    @classmethod
    def from_api(cls, item: dict[str, Any]) -> Stage:
        return cls(
            arn=item["arn"],
            name=item.get("name", ""),
            active_session_id=item.get("activeSessionId") or None,
            tags=dict(item.get("tags") or {}),
            raw=jsonable(item),
        )


@dataclass(frozen=True, slots=True)
class StageSession:
    """A ListStageSessions / GetStageSession item; ``end_time`` is None while it is live."""

    session_id: str
    start_time: datetime | None
    end_time: datetime | None
    raw: dict[str, Any] = field(compare=False, hash=False, repr=False)

    @property
    def is_active(self) -> bool:
        return self.end_time is None

    def duration(self, now: datetime | None = None) -> timedelta | None:
        """How long it lasted (or has lasted so far, when still live); None without a start."""
        if self.start_time is None:
            return None
        end = self.end_time or now or datetime.now(UTC)
        return _aware(end) - _aware(self.start_time)

    @classmethod
    def from_api(cls, item: dict[str, Any]) -> StageSession:
        return cls(
            session_id=item["sessionId"],
            start_time=item.get("startTime"),
            end_time=item.get("endTime"),
            raw=jsonable(item),
        )


@dataclass(frozen=True, slots=True)
class Participant:
    """A ListParticipants / GetParticipant item."""

    participant_id: str
    user_id: str
    state: str
    published: bool
    first_join_time: datetime | None
    recording_state: str | None
    replication_type: str | None
    raw: dict[str, Any] = field(compare=False, hash=False, repr=False)

    @classmethod
    def from_api(cls, item: dict[str, Any]) -> Participant:
        return cls(
            participant_id=item.get("participantId", ""),
            user_id=item.get("userId", ""),
            state=item.get("state", ""),
            published=bool(item.get("published", False)),
            first_join_time=item.get("firstJoinTime"),
            recording_state=item.get("recordingState"),
            replication_type=item.get("replicationType"),
            raw=jsonable(item),
        )


@dataclass(frozen=True, slots=True)
class ParticipantEvent(RawOnDemand):
    """A ListParticipantEvents item; ``is_error`` and ``error_meaning`` drive the highlight."""

    name: str
    participant_id: str
    event_time: datetime | None
    remote_participant_id: str | None
    error_code: str | None
    replica: bool
    destination_stage_arn: str | None
    destination_session_id: str | None
    item: dict[str, Any] = field(compare=False, hash=False, repr=False)  # as botocore parsed it
    _raw: dict[str, Any] | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def is_error(self) -> bool:
        return is_error_event(self)

    @property
    def error_meaning(self) -> str:
        return explain_error_code(self.error_code)

    @property
    def error_line(self) -> str:
        """``CODE: meaning`` for an event with an error code, else ""."""
        return (
            f"{self.error_code}: {explain_error_code(self.error_code)}" if self.error_code else ""
        )

    @classmethod
    def from_api(cls, item: dict[str, Any]) -> ParticipantEvent:
        return cls(
            name=item.get("name", ""),
            participant_id=item.get("participantId", ""),
            event_time=item.get("eventTime"),
            remote_participant_id=item.get("remoteParticipantId") or None,
            error_code=item.get("errorCode") or None,
            replica=bool(item.get("replica", False)),
            destination_stage_arn=item.get("destinationStageArn") or None,
            destination_session_id=item.get("destinationSessionId") or None,
            item=item,
        )

    @classmethod
    def from_raw(cls, raw: dict[str, Any]) -> ParticipantEvent:
        """The event again from its ``raw`` dict (time as ISO 8601 text), keeping that dict as is.

        Why: a view of many events keeps only their raw JSON and revives one when it is shown.
        """
        when = raw.get("eventTime")
        if isinstance(when, str):
            try:
                raw_item: dict[str, Any] = {**raw, "eventTime": datetime.fromisoformat(when)}
            except ValueError:
                raw_item = raw
        else:
            raw_item = raw
        event = cls.from_api(raw_item)
        object.__setattr__(event, "_raw", raw)
        return event


def is_error_event(event: ParticipantEvent | dict[str, Any]) -> bool:
    """True for ``*_ERROR`` events and any event carrying an errorCode."""
    if isinstance(event, ParticipantEvent):
        name, code = event.name, event.error_code
    else:
        name, code = str(event.get("name") or ""), event.get("errorCode")
    return name.endswith("_ERROR") or bool(code)


def format_duration(value: timedelta | None) -> str:
    """``1h 02m 03s`` / ``4m 05s`` / ``12s`` (``2d 03h 04m`` past a day); "" for None."""
    if value is None:
        return ""
    total = int(value.total_seconds())
    sign = "-" if total < 0 else ""
    total = abs(total)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours:02d}h {minutes:02d}m"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m {seconds:02d}s"
    if minutes:
        return f"{sign}{minutes}m {seconds:02d}s"
    return f"{sign}{seconds}s"


def newest_first(sessions: list[StageSession]) -> list[StageSession]:
    """Sessions ordered by start time, newest first (live sessions without a start go last)."""
    floor = datetime.min.replace(tzinfo=UTC)
    return sorted(
        sessions,
        key=lambda s: _aware(s.start_time) if s.start_time else floor,
        reverse=True,
    )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _token(response: dict[str, Any]) -> str | None:
    return response.get("nextToken") or None


# -- list operations ----------------------------------------------------------------------------
def list_stages(
    factory: Any, token: str | None = None, max_results: int | None = None
) -> Page[Stage]:
    """One page of ListStages."""
    resp = call(factory, SERVICE, "ListStages", nextToken=token, maxResults=max_results)
    return Page([Stage.from_api(i) for i in resp.get("stages", [])], _token(resp))


def list_stage_sessions(
    factory: Any, stage_arn: str, token: str | None = None, max_results: int | None = None
) -> Page[StageSession]:
    """One page of ListStageSessions, in the API's order (which the UI shows as newest first)."""
    resp = call(
        factory,
        SERVICE,
        "ListStageSessions",
        resource=stage_arn,
        stageArn=stage_arn,
        nextToken=token,
        maxResults=max_results,
    )
    return Page([StageSession.from_api(i) for i in resp.get("stageSessions", [])], _token(resp))


def list_participants(
    factory: Any,
    stage_arn: str,
    session_id: str,
    token: str | None = None,
    max_results: int | None = None,
    *,
    filter_by_user_id: str | None = None,
    filter_by_published: bool | None = None,
    filter_by_state: str | None = None,
    filter_by_recording_state: str | None = None,
) -> Page[Participant]:
    """One page of ListParticipants; the API accepts at most one of the filters per request."""
    resp = call(
        factory,
        SERVICE,
        "ListParticipants",
        resource=f"{stage_arn} session {session_id}",
        stageArn=stage_arn,
        sessionId=session_id,
        filterByUserId=filter_by_user_id,
        filterByPublished=filter_by_published,
        filterByState=filter_by_state,
        filterByRecordingState=filter_by_recording_state,
        nextToken=token,
        maxResults=max_results,
    )
    return Page([Participant.from_api(i) for i in resp.get("participants", [])], _token(resp))


def list_participant_events(
    factory: Any,
    stage_arn: str,
    session_id: str,
    participant_id: str,
    token: str | None = None,
    max_results: int | None = None,
) -> Page[ParticipantEvent]:
    """One page of ListParticipantEvents (no botocore paginator exists: the Pager loops)."""
    resp = call(
        factory,
        SERVICE,
        "ListParticipantEvents",
        resource=f"{stage_arn} session {session_id} participant {participant_id}",
        stageArn=stage_arn,
        sessionId=session_id,
        participantId=participant_id,
        nextToken=token,
        maxResults=max_results,
    )
    return Page([ParticipantEvent.from_api(i) for i in resp.get("events", [])], _token(resp))


def events_page_key(
    stage_arn: str, session_id: str, participant_id: str, max_results: int | None
) -> tuple[str, ...]:
    """The prefetch key of a participant's first page of events (see services/prefetch.py)."""
    return ("ListParticipantEvents", stage_arn, session_id, participant_id, str(max_results))


# -- single items -------------------------------------------------------------------------------
def get_stage(factory: Any, stage_arn: str) -> Stage:
    """GetStage: the stage (its raw item also holds endpoints and recording configuration)."""
    resp = call(factory, SERVICE, "GetStage", resource=stage_arn, arn=stage_arn)
    return Stage.from_api(resp["stage"])


def get_stage_session(factory: Any, stage_arn: str, session_id: str) -> StageSession:
    """GetStageSession."""
    resp = call(
        factory,
        SERVICE,
        "GetStageSession",
        resource=f"{stage_arn} session {session_id}",
        stageArn=stage_arn,
        sessionId=session_id,
    )
    return StageSession.from_api(resp["stageSession"])


def get_participant(
    factory: Any, stage_arn: str, session_id: str, participant_id: str
) -> Participant:
    """GetParticipant (the raw item also holds browser/OS/SDK details)."""
    resp = call(
        factory,
        SERVICE,
        "GetParticipant",
        resource=f"{stage_arn} session {session_id} participant {participant_id}",
        stageArn=stage_arn,
        sessionId=session_id,
        participantId=participant_id,
    )
    return Participant.from_api(resp["participant"])


# -- jumping straight to a level ----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Jump:
    """Where a typed or pasted id leads: ``level`` is "stage", "session" or "participant".

    Ids not present in the text are None: the UI fills them from the current breadcrumb.
    """

    level: str
    stage_arn: str | None = None
    session_id: str | None = None
    participant_id: str | None = None


_PARTICIPANT_FLAG_RE = re.compile(
    r"""(?:--participant-id[=\s]+|participantId["']?\s*[:=]\s*["']?)([a-zA-Z0-9_-]{1,64})"""
)


def resolve_jump(text: str) -> Jump | None:
    """Recognise a pasted stage ARN, session id (``st-…``), participant id, or a mix of them.

    Accepts bare ids, AWS CLI arguments (``--stage-arn A --session-id S --participant-id P``) and
    JSON fragments; returns the deepest level found, or None when nothing looks like an id.
    """
    text = text.strip()
    if not text:
        return None
    arn_match = STAGE_ARN_RE.search(text)
    stage_arn = arn_match.group(0) if arn_match else None
    rest = STAGE_ARN_RE.sub(" ", text)
    session_match = re.search(
        r"(?<![a-zA-Z0-9])" + SESSION_ID_RE.pattern + r"(?![a-zA-Z0-9])", rest
    )
    session_id = session_match.group(0) if session_match else None
    participant_id: str | None = None
    flag = _PARTICIPANT_FLAG_RE.search(rest)
    if flag:
        participant_id = flag.group(1)
    elif stage_arn is None and session_id is None and PARTICIPANT_ID_RE.fullmatch(text):
        participant_id = text
    elif session_id is not None:
        # "ARN st-… PID" or "st-…/PID": a lone id token after the session id is the participant.
        after = rest[session_match.end() :] if session_match else ""
        tokens = [t for t in re.split(r"[\s/,;]+", after) if t]
        if len(tokens) == 1 and PARTICIPANT_ID_RE.fullmatch(tokens[0]):
            participant_id = tokens[0]
    if participant_id:
        return Jump("participant", stage_arn, session_id, participant_id)
    if session_id:
        return Jump("session", stage_arn, session_id)
    if stage_arn:
        return Jump("stage", stage_arn)
    return None
