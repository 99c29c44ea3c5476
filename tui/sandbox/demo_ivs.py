"""Deterministic IVS Real-Time demo data: stages, sessions, participants and their event histories.

Event histories are simulated rather than drawn at random, so they follow IVS semantics: a
participant JOINs, publishes, subscribes to the publishers that overlap its stay, stops, and LEAVEs;
a few hit the documented error codes, one exchanges its token, and two stages replicate.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"
_ALNUM = string.ascii_letters + string.digits

# Codes whose cause is the ingest (RTMP(S)/WHIP encoders), cycled so every one appears somewhere.
_INGEST_ERRORS = [
    "BITRATE_EXCEEDED",
    "RESOLUTION_EXCEEDED",
    "B_FRAME_PRESENT",
    "INVALID_VIDEO_CODEC",
    "INVALID_AUDIO_CODEC",
    "INVALID_PROTOCOL",
    "INVALID_STREAM_KEY",
    "REUSE_OF_STREAM_KEY",
    "STREAM_DURATION_EXCEEDED",
    "INVALID_INPUT",
    "INTERNAL_SERVER_EXCEPTION",
]
_SCENARIOS = [
    "no_publish_capability",
    "join_quota",
    "publisher_not_found",
    "ingest_error",
    "subscribe_quota",
]
_ingest_codes: Iterator[int] = iter(range(10**9))
_NAMES = [
    "mary",
    "john",
    "akua",
    "li",
    "saanvi",
    "carlos",
    "nikki",
    "jorge",
    "mateo",
    "wang",
    "paulo",
    "zhang",
]
_CLIENTS = [
    ("macOS", "14.4", "Chrome", "124.0", "Comcast Cable"),
    ("Windows", "11", "Edge", "123.0", "Verizon"),
    ("iOS", "17.4", "Safari", "17.4", "AT-T Wireless"),
    ("Android", "14", "Chrome", "124.0", "T-Mobile USA"),
    ("Linux", "6.5", "Firefox", "125.0", "Deutsche Telekom AG"),
]


def _ident(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_ALNUM) for _ in range(n))


class _Session:
    """Builds one session's participants; events are collected as (epoch seconds, dict)."""

    def __init__(
        self, rng: random.Random, sid: str, start: float, end: float | None, now: float
    ) -> None:
        self.rng, self.sid, self.start, self.end, self.now = rng, sid, start, end, now
        self.participants: list[dict[str, Any]] = []

    def participant(self, role: str, protocol: str = "UNKNOWN", **fields: Any) -> dict[str, Any]:
        rng = self.rng
        os_name, os_version, browser, browser_version, isp = rng.choice(_CLIENTS)
        name = rng.choice(_NAMES)
        p: dict[str, Any] = {
            "participantId": _ident(rng, 12),
            "userId": f"{role}-{name}-{rng.randint(100, 999)}",
            "attributes": {"displayName": name.title(), "role": role},
            "ispName": isp,
            "osName": os_name,
            "osVersion": os_version,
            "protocol": protocol,
            "recordingState": "DISABLED",
            "replicationType": "NONE",
            "_events": [],
        }
        if protocol == "UNKNOWN":
            p.update(browserName=browser, browserVersion=browser_version, sdkVersion="1.14.0")
        p.update(fields)
        self.participants.append(p)
        return p

    def event(self, p: dict[str, Any], name: str, t: float, **extra: Any) -> None:
        p["_events"].append((t, {"name": name, "participantId": p["participantId"], **extra}))

    def stay(self, early: bool = False) -> tuple[float, float | None]:
        """A join and leave time inside the session (leave None: still connected)."""
        stop = self.end if self.end is not None else self.now
        span = stop - self.start
        join = (
            self.start
            + self.rng.uniform(0, 0.05 if early else 0.7) * span
            + self.rng.uniform(1, 20)
        )
        if self.end is None and self.rng.random() < 0.6:
            return join, None
        leave = min(join + self.rng.uniform(0.1, 1.0) * (stop - join), stop - 1)
        return join, max(leave, join + 5)

    def finish(self) -> list[dict[str, Any]]:
        out = []
        for p in self.participants:
            timeline = sorted(p.pop("_events"), key=lambda item: item[0])
            events = []
            for t, ev in reversed(timeline):  # newest first, as ListParticipantEvents returns them
                # Whole seconds, as IVS shows them (so events of one second share a time).
                events.append({**ev, "eventTime": datetime.fromtimestamp(int(t), tz=UTC)})
            names = [ev["name"] for _, ev in timeline]
            joined = [t for t, ev in timeline if ev["name"] == "JOINED"]
            p["state"] = (
                "CONNECTED"
                if names and names[-1] != "LEFT" and "JOINED" in names
                else "DISCONNECTED"
            )
            p["published"] = "PUBLISH_STARTED" in names
            if joined:
                p["firstJoinTime"] = datetime.fromtimestamp(int(joined[0]), tz=UTC)
            p["events"] = events
            out.append(p)
        out.sort(key=lambda p: p.get("firstJoinTime") or datetime.max.replace(tzinfo=UTC))
        return out


def _simulate(
    s: _Session, counter: Iterator[int], recording: bool, ingest: bool
) -> list[tuple[dict[str, Any], float, float | None]]:
    """Hosts publish, viewers subscribe to every overlapping publisher; returns the publishers."""
    rng = s.rng
    publishers: list[tuple[dict[str, Any], float, float | None]] = []
    members_leave: dict[str, float | None] = {}
    for _ in range(rng.randint(1, 3)):
        p = s.participant("host")
        join, leave = s.stay(early=not publishers)
        s.event(p, "JOINED", join)
        s.event(p, "PUBLISH_STARTED", join + rng.uniform(0.5, 3))
        stop = None if leave is None else leave - rng.uniform(0.2, 1)
        if stop is not None:
            s.event(p, "PUBLISH_STOPPED", stop)
            s.event(p, "LEFT", leave)  # type: ignore[arg-type]
        if recording:
            p.update(
                recordingState="ACTIVE" if leave is None else "STOPPED",
                recordingS3BucketName="eventdeck-demo-recordings",
                recordingS3Prefix=s.sid,
            )
        publishers.append((p, join + 2, stop))
        members_leave[p["participantId"]] = leave
    members = [(p, start, members_leave[p["participantId"]]) for p, start, _stop in publishers]
    for _ in range(rng.randint(2, 8)):
        p = s.participant("viewer")
        join, leave = s.stay()
        s.event(p, "JOINED", join)
        if leave is not None:
            s.event(p, "LEFT", leave)
        members.append((p, join, leave))
    for p, join, leave in members:
        for pub, pub_start, pub_stop in publishers:
            if pub is p:
                continue
            begin = max(join, pub_start) + rng.uniform(0.3, 2)
            finish = min(x for x in (leave, pub_stop, s.now) if x is not None)
            if begin < finish:
                s.event(p, "SUBSCRIBE_STARTED", begin, remoteParticipantId=pub["participantId"])
                if leave is not None or pub_stop is not None:
                    s.event(
                        p,
                        "SUBSCRIBE_STOPPED",
                        finish - 0.1,
                        remoteParticipantId=pub["participantId"],
                    )
    for _ in range(rng.randint(1, 2)):
        _scenario(s, _SCENARIOS[next(counter) % len(_SCENARIOS)], counter, publishers)
    if ingest:  # every other session also has an encoder failing, so every ingest code appears
        _scenario(s, "ingest_error", counter, publishers)
    return publishers


def _scenario(s: _Session, kind: str, counter: Iterator[int], publishers: list[Any]) -> None:
    """One participant whose history shows a documented failure mode."""
    rng = s.rng
    join, leave = s.stay()
    if kind == "join_quota":
        p = s.participant("viewer")
        s.event(p, "JOIN_ERROR", join, errorCode="QUOTA_EXCEEDED")
        return
    p = s.participant(
        "ingest" if kind == "ingest_error" else "viewer",
        protocol="RTMPS" if kind == "ingest_error" else "UNKNOWN",
    )
    end = leave if leave is not None else s.now - 1
    s.event(p, "JOINED", join)
    if kind == "no_publish_capability":
        s.event(p, "PUBLISH_ERROR", join + 1.5, errorCode="INSUFFICIENT_CAPABILITIES")
    elif kind == "publisher_not_found":
        s.event(
            p,
            "SUBSCRIBE_ERROR",
            join + 1.2,
            remoteParticipantId=_ident(rng, 12),
            errorCode="PUBLISHER_NOT_FOUND",
        )
    elif kind == "subscribe_quota":
        remote = publishers[0][0]["participantId"]
        s.event(
            p, "SUBSCRIBE_ERROR", join + 0.8, remoteParticipantId=remote, errorCode="QUOTA_EXCEEDED"
        )
    else:
        code = _INGEST_ERRORS[next(_ingest_codes) % len(_INGEST_ERRORS)]
        s.event(p, "PUBLISH_STARTED", join + 1)
        s.event(p, "PUBLISH_ERROR", min(join + rng.uniform(2, 60), end - 1), errorCode=code)
        s.event(p, "PUBLISH_STOPPED", end - 0.5)
        s.event(p, "LEFT", end)
        return
    if leave is not None:
        s.event(p, "LEFT", leave)


def _token(rng: random.Random, user: str, caps: list[str], expires: datetime) -> dict[str, Any]:
    return {
        "capabilities": caps,
        "userId": user,
        "attributes": {"displayName": user.split("-")[1].title()},
        "expirationTime": expires,
    }


LIVE_EVERY_SECONDS = 15
"""How often a viewer of an ongoing demo session re-subscribes while the demo runs."""


def _live_viewer(s: _Session, publisher: tuple[dict[str, Any], float, float | None]) -> None:
    """A viewer of an ongoing session whose events keep coming while the demo runs (for follow).

    Its history ends at ``now``; the ``_live`` entry tells the sandbox backend to add a
    SUBSCRIBE_STOPPED / SUBSCRIBE_STARTED pair every LIVE_EVERY_SECONDS from then on.
    """
    pub = publisher[0]
    p = s.participant("viewer", userId="viewer-live-mobile-007")
    join = s.now - 600
    s.event(p, "JOINED", join)
    s.event(p, "SUBSCRIBE_STARTED", join + 2, remoteParticipantId=pub["participantId"])
    p["_live"] = {
        "start": s.now,
        "every": LIVE_EVERY_SECONDS,
        "remoteParticipantId": pub["participantId"],
    }


def build(seed: int, now_dt: datetime, live: bool = False) -> dict[str, Any]:
    """The ``ivs_realtime`` section of a --data file, for ``seed`` and anchored at ``now_dt``.

    With ``live`` (the demo on the real clock) one viewer per ongoing session keeps producing
    events while the sandbox runs.
    """
    rng = random.Random(f"ivs-{seed}")
    now = now_dt.timestamp()
    global _ingest_codes
    counter = iter(range(10**9))
    _ingest_codes = iter(range(10**9))
    plan = [
        ("town-hall", True, 5),
        ("support-desk", False, 4),
        ("game-night", True, 4),
        ("studio-east", True, 3),
        ("studio-west", True, 3),
    ]
    stages: dict[str, dict[str, Any]] = {}
    for name, _live, _count in plan:
        sid = _ident(rng, 12)
        stages[name] = {
            "arn": f"arn:aws:ivs:{REGION}:{ACCOUNT}:stage/{sid}",
            "name": name,
            "tags": {"team": rng.choice(["events", "support", "community"]), "env": "prod"},
            "endpoints": {
                "events": "wss://global.events.live-video.net",
                "whip": f"https://{sid.lower()}.global-bm.whip.live-video.net",
                "rtmp": f"rtmp://{sid.lower()}.global-contribute.live-video.net/app/",
                "rtmps": f"rtmps://{sid.lower()}.global-contribute.live-video.net:443/app/",
            },
            "sessions": [],
        }
    stages["town-hall"]["autoParticipantRecordingConfiguration"] = {
        "storageConfigurationArn": f"arn:aws:ivs:{REGION}:{ACCOUNT}:storage-configuration/{_ident(rng, 12)}",
        "mediaTypes": ["AUDIO_VIDEO"],
        "recordingReconnectWindowSeconds": 60,
    }
    session_ids = {
        name: [f"st-{_ident(rng, 13)}" for _ in range(count)] for name, _l, count in plan
    }
    live_sims: dict[str, _Session] = {}
    for name, ongoing, count in plan:
        for i in range(count):
            if ongoing and i == 0:
                start, end = now - rng.uniform(15, 120) * 60, None
            else:
                start = now - (i + 0.3) * 1.5 * 86400 - rng.uniform(0, 6) * 3600
                end = start + rng.uniform(20, 180) * 60
            sim = _Session(rng, session_ids[name][i], start, end, now)
            publishers = _simulate(sim, counter, recording=name == "town-hall", ingest=i % 2 == 0)
            if name == "game-night" and i == 1:
                _flapping_viewer(sim, publishers[0])
            if name == "support-desk" and i == 0:
                _token_exchange(sim, now_dt)
            if live and ongoing and name in ("town-hall", "game-night") and i == 0:
                _live_viewer(sim, publishers[0])
            if ongoing and i == 0:
                live_sims[name] = sim
            stages[name]["sessions"].append(
                {
                    "sessionId": sim.sid,
                    "startTime": datetime.fromtimestamp(start, UTC),
                    **({"endTime": datetime.fromtimestamp(end, UTC)} if end else {}),
                    "_sim": sim,
                }
            )
    _replicate(
        live_sims["studio-east"],
        live_sims["studio-west"],
        stages["studio-east"]["arn"],
        stages["studio-west"]["arn"],
    )
    for stage in stages.values():
        for session in stage["sessions"]:
            session["participants"] = session.pop("_sim").finish()
    return {"stages": list(stages.values())}


def _flapping_viewer(s: _Session, publisher: tuple[dict[str, Any], float, float | None]) -> None:
    """A viewer on a bad network: hundreds of subscribe cycles, so paging is visible in the UI."""
    rng = s.rng
    pub, pub_start, pub_stop = publisher
    p = s.participant("viewer", userId="viewer-flaky-wifi-042")
    t = pub_start + 5
    s.event(p, "JOINED", t)
    end = pub_stop if pub_stop is not None else s.now - 5
    for _cycle in range(320):
        t += rng.uniform(0.5, 3)
        if t >= end - 2:
            break
        if rng.random() < 0.05:
            s.event(
                p,
                "SUBSCRIBE_ERROR",
                t,
                remoteParticipantId=pub["participantId"],
                errorCode="INTERNAL_SERVER_EXCEPTION",
            )
            continue
        s.event(p, "SUBSCRIBE_STARTED", t, remoteParticipantId=pub["participantId"])
        t += rng.uniform(0.5, 4)
        s.event(p, "SUBSCRIBE_STOPPED", min(t, end - 1.5), remoteParticipantId=pub["participantId"])
    s.event(p, "LEFT", end - 1)


def _token_exchange(s: _Session, now_dt: datetime) -> None:
    """A viewer promoted to the stage: TOKEN_EXCHANGED from SUBSCRIBE to PUBLISH+SUBSCRIBE, then publishes."""
    p = s.participant("viewer", userId="viewer-promoted-guest")
    join, leave = s.stay(early=True)
    s.event(p, "JOINED", join)
    expires = now_dt + timedelta(hours=12)
    s.event(
        p,
        "TOKEN_EXCHANGED",
        join + 90,
        previousToken=_token(s.rng, p["userId"], ["SUBSCRIBE"], expires),
        newToken=_token(s.rng, p["userId"], ["PUBLISH", "SUBSCRIBE"], expires),
    )
    s.event(p, "PUBLISH_STARTED", join + 92)
    if leave is not None:
        s.event(p, "PUBLISH_STOPPED", max(leave - 1, join + 93))
        s.event(p, "LEFT", max(leave, join + 94))


def _replicate(east: _Session, west: _Session, east_arn: str, west_arn: str) -> None:
    """Two hosts of studio-east replicated into studio-west (one stopped, one still active)."""
    for number in range(2):
        host = east.participant("host")
        join = east.start + 30 + number * 120
        east.event(host, "JOINED", join)
        east.event(host, "PUBLISH_STARTED", join + 1)
        started = join + 10
        east.event(
            host,
            "REPLICATION_STARTED",
            started,
            destinationStageArn=west_arn,
            destinationSessionId=west.sid,
        )
        replica = west.participant(
            "host",
            participantId=host["participantId"],
            userId=host["userId"],
            replicationType="REPLICA",
            sourceStageArn=east_arn,
            sourceSessionId=east.sid,
            replicationState="ACTIVE" if number else "STOPPED",
        )
        host.update(replicationType="SOURCE", replicationState="ACTIVE" if number else "STOPPED")
        west.event(replica, "JOINED", started + 0.5, replica=True)
        west.event(replica, "PUBLISH_STARTED", started + 0.8, replica=True)
        if number == 0:
            stopped = started + (east.now - started) / 2
            east.event(
                host,
                "REPLICATION_STOPPED",
                stopped,
                destinationStageArn=west_arn,
                destinationSessionId=west.sid,
            )
            west.event(replica, "PUBLISH_STOPPED", stopped + 0.3, replica=True)
            west.event(replica, "LEFT", stopped + 0.5, replica=True)
        replica_end = stopped + 0.2 if number == 0 else None
        for viewer in west.participants:
            if viewer is replica or not viewer["userId"].startswith("viewer"):
                continue
            times = [t for t, ev in viewer["_events"] if ev["name"] in ("JOINED", "LEFT")]
            names = [ev["name"] for _t, ev in viewer["_events"]]
            if "JOINED" not in names:
                continue
            left = max(times) if "LEFT" in names else None
            begin = max(min(times), started) + 2
            finish = min(x for x in (left, replica_end, west.now) if x is not None) - 0.1
            if begin < finish:
                sub = {"remoteParticipantId": host["participantId"], "replica": True}
                west.event(viewer, "SUBSCRIBE_STARTED", begin, **sub)
                if left is not None or replica_end is not None:
                    west.event(viewer, "SUBSCRIBE_STOPPED", finish, **sub)
