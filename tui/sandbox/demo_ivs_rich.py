"""The demo's richest IVS session: an all-hands with 30+ participants, for the session timeline.

Why: a timeline shows its worth on a session where a lot happens at once: hosts that reconnect,
a replicated host, a wave of viewers joining, a few of them dropping and coming back, a quota
hit, an encoder failing. It uses its own random stream, so the other demo stages keep their ids.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from tui.sandbox.demo_ivs import ACCOUNT, REGION, _ident, _Session

STAGE_NAME = "quarterly-all-hands"


def build_stage(seed: int, now: float) -> dict[str, Any]:
    """The ``quarterly-all-hands`` stage with one ended 90-minute session (raw, before ``finish``)."""
    rng = random.Random(f"ivs-rich-{seed}")
    stage_id = _ident(rng, 12)
    arn = f"arn:aws:ivs:{REGION}:{ACCOUNT}:stage/{stage_id}"
    start = now - 5 * 3600
    end = start + 90 * 60
    sim = _Session(rng, f"st-{_ident(rng, 13)}", start, end, now)
    _all_hands(sim, arn)
    return {
        "arn": arn,
        "name": STAGE_NAME,
        "tags": {"team": "events", "env": "prod"},
        "endpoints": {
            "events": "wss://global.events.live-video.net",
            "whip": f"https://{stage_id.lower()}.global-bm.whip.live-video.net",
        },
        "sessions": [
            {
                "sessionId": sim.sid,
                "startTime": datetime.fromtimestamp(start, UTC),
                "endTime": datetime.fromtimestamp(end, UTC),
                "_sim": sim,
            }
        ],
    }


def _all_hands(s: _Session, arn: str) -> None:
    rng = s.rng
    start, end = s.start, s.end or s.now
    hosts = []
    # Two hosts; the second drops twice on a bad uplink and comes back.
    for number in range(2):
        host = s.participant("host")
        join = start + 20 + number * 40
        stays = [(join, end - 60)] if number == 0 else _flaky_stays(rng, join, end - 90, drops=2)
        for begin, leave in stays:
            s.event(host, "JOINED", begin)
            s.event(host, "PUBLISH_STARTED", begin + 2)
            s.event(host, "PUBLISH_STOPPED", leave - 1)
            s.event(host, "LEFT", leave)
        hosts.append((host, stays))
    # A host replicated in from the studio stage for the keynote's middle half hour.
    replica = s.participant(
        "host",
        replicationType="REPLICA",
        sourceStageArn=arn.replace(arn.rsplit("/", 1)[1], _ident(rng, 12)),
        sourceSessionId=f"st-{_ident(rng, 13)}",
        replicationState="STOPPED",
    )
    r_join, r_leave = start + 30 * 60, start + 60 * 60
    s.event(replica, "JOINED", r_join, replica=True)
    s.event(replica, "PUBLISH_STARTED", r_join + 1, replica=True)
    s.event(replica, "PUBLISH_STOPPED", r_leave - 1, replica=True)
    s.event(replica, "LEFT", r_leave, replica=True)
    publishers = [*hosts, (replica, [(r_join, r_leave)])]
    # A wave of viewers; every seventh drops and rejoins, one is refused (quota) on the first try.
    for number in range(30):
        viewer = s.participant("viewer")
        join = start + rng.uniform(30, 600) + (number // 10) * 600
        leave = min(end - 5, join + rng.uniform(20, 80) * 60)
        if number == 12:
            s.event(viewer, "JOIN_ERROR", join - 30, errorCode="QUOTA_EXCEEDED")
        stays = _flaky_stays(rng, join, leave, drops=1 if number % 7 == 3 else 0)
        for begin, finish in stays:
            s.event(viewer, "JOINED", begin)
            for pub, pub_stays in publishers:
                for p_begin, p_end in pub_stays:
                    a, b = max(begin, p_begin + 2) + rng.uniform(0.5, 2), min(finish, p_end) - 0.5
                    if a < b:
                        extra = {"replica": True} if pub is replica else {}
                        remote = {"remoteParticipantId": pub["participantId"], **extra}
                        s.event(viewer, "SUBSCRIBE_STARTED", a, **remote)
                        s.event(viewer, "SUBSCRIBE_STOPPED", b, **remote)
            s.event(viewer, "LEFT", finish)
        if number == 21:
            remote = {"remoteParticipantId": hosts[1][0]["participantId"]}
            at = hosts[1][1][0][1] + 0.5  # right when the flaky host dropped
            s.event(viewer, "SUBSCRIBE_ERROR", at, errorCode="PUBLISHER_NOT_FOUND", **remote)
    # An RTMPS encoder that starts publishing and is cut off for its bitrate.
    encoder = s.participant("ingest", protocol="RTMPS")
    e_join = start + 45 * 60
    s.event(encoder, "JOINED", e_join)
    s.event(encoder, "PUBLISH_STARTED", e_join + 1)
    s.event(encoder, "PUBLISH_ERROR", e_join + 95, errorCode="BITRATE_EXCEEDED")
    s.event(encoder, "PUBLISH_STOPPED", e_join + 96)
    s.event(encoder, "LEFT", e_join + 97)


def _flaky_stays(
    rng: random.Random, join: float, leave: float, drops: int
) -> list[tuple[float, float]]:
    """``drops + 1`` stays between ``join`` and ``leave``, separated by short reconnect gaps."""
    cuts = sorted(rng.uniform(join + 60, leave - 60) for _ in range(drops))
    stays, begin = [], join
    for cut in cuts:
        stays.append((begin, cut))
        begin = cut + rng.uniform(8, 40)
    stays.append((begin, leave))
    return stays
