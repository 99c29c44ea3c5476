"""Hostile strings for the tests: a stage and a space whose text tries to drive the terminal.

Why here and not in the demo: a user's first screen should not show them, yet every path that
shows AWS text is tested against them. The session sandbox (tests/conftest.py) loads them on top
of the demo data.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from tui.sandbox import demo
from tui.sandbox.backends import codecatalyst as cc_backend
from tui.sandbox.backends import ivs_realtime as ivs_backend

HOSTILE_MARKUP = "[bold red]x[/]"
HOSTILE_OSC52 = "\x1b]52;c;ZXZpbA==\x07"
HOSTILE_BIDI = "\u202e"
STAGE_ARN = f"arn:aws:ivs:{demo.REGION}:{demo.ACCOUNT}:stage/hostileStage"
SESSION_ID = "st-hostileSess01"
PARTICIPANT_ID = "hostileParticipant1"


def ivs_section(now: datetime) -> dict[str, Any]:
    """The ``hostile-strings`` stage: one session, one participant with hostile attributes."""
    joined = now - timedelta(hours=2)
    participant = {
        "participantId": PARTICIPANT_ID,
        "userId": f"hostile-{HOSTILE_BIDI}user{HOSTILE_MARKUP}",
        "state": "DISCONNECTED",
        "published": False,
        "recordingState": "DISABLED",
        "replicationType": "NONE",
        "firstJoinTime": joined,
        "attributes": {
            "displayName": HOSTILE_MARKUP,
            "note": HOSTILE_OSC52,
            "bidi": f"{HOSTILE_BIDI}evil",
        },
        "events": [
            {"name": "JOINED", "participantId": PARTICIPANT_ID, "eventTime": joined},
            {
                "name": "LEFT",
                "participantId": PARTICIPANT_ID,
                "eventTime": joined + timedelta(minutes=5),
            },
        ],
    }
    session = {
        "sessionId": SESSION_ID,
        "startTime": joined - timedelta(minutes=1),
        "endTime": joined + timedelta(minutes=10),
        "participants": [participant],
    }
    stage_id = STAGE_ARN.rsplit("/", 1)[-1].lower()
    stage = {
        "arn": STAGE_ARN,
        "name": "hostile-strings",
        "endpoints": {
            "events": "wss://global.events.live-video.net",
            "whip": f"https://{stage_id}.global-bm.whip.live-video.net",
        },
        "sessions": [session],
    }
    return {"stages": [stage]}


def codecatalyst_section(now: datetime, count: int = 12) -> dict[str, Any]:
    """The ``hostile-space`` space: event logs whose user agents carry OSC 52, bidi and markup."""
    rng = random.Random("hostile-space")
    agents = [f"curl/8.5 {HOSTILE_OSC52}", f"{HOSTILE_BIDI}evil-agent", HOSTILE_MARKUP]
    logs = [
        demo._event_log(
            rng,
            rng.choice(demo.EVENT_NAMES),
            now - timedelta(seconds=rng.uniform(0, 30 * 86400)),
            "hostile-space",
            agents[i % len(agents)],
        )
        for i in range(count)
    ]
    space = {
        "name": "hostile-space",
        "regionName": "us-west-2",
        "displayName": "Hostile strings",
        "description": "Untrusted-text test data for the UI",
        "event_logs": logs,
    }
    return {"spaces": [space]}


def load(now: datetime | None = None) -> None:
    """Add the hostile stage and space to the in-process sandbox's backends."""
    when = now or datetime.now(UTC)
    ivs_backend.load(ivs_section(when))
    cc_backend.load(codecatalyst_section(when))
