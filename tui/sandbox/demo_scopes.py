"""The demo's other accounts and regions: a few profiles, each with its own stages and domains.

Why: on-call work crosses accounts and regions; the demo (and the tests) must be able to show one
table fanned out over several profiles and regions, each answering with its own data. The data
is a data file's ``scopes`` section (see ``tui/sandbox/__init__.py``): per (account, region), the
usual service sections, small and deterministic for a seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tui.sandbox.demo import ACCOUNT as DEFAULT_ACCOUNT
from tui.sandbox.demo import REGION as DEFAULT_REGION

__all__ = ["DEMO_PROFILES", "DemoProfile", "access_key_for", "scopes"]


@dataclass(frozen=True)
class DemoProfile:
    """A profile of the demo's AWS config: its account (its key's digits) and home region."""

    name: str
    account: str
    region: str


# The default account's us-east-1 holds the full demo data; the rest is made here.
DEMO_PROFILES: tuple[DemoProfile, ...] = (
    DemoProfile("demo", DEFAULT_ACCOUNT, DEFAULT_REGION),
    DemoProfile("demo-staging", "210987654321", "us-west-2"),
    DemoProfile("demo-eu", "345678901234", "eu-central-1"),
)
DEMO_REGIONS: tuple[str, ...] = ("us-east-1", "us-west-2", "eu-central-1")
_STAGE_WORDS = ("town-hall", "support-live", "webinar", "qa-room", "standup", "launch")
_DOMAIN_WORDS = ("customers", "loyalty", "support")


def access_key_for(account: str) -> str:
    """The sandbox access key id that signs for ``account`` (its last 12 digits name it)."""
    return f"AKIASANDBOX{account}"


def scopes(seed: int, now: datetime) -> list[dict[str, Any]]:
    """Per (account, region) of the demo profiles, a few stages and a domain with its streams.

    The default account's us-east-1 is left out: the full demo data lives there.
    """
    out = []
    for profile in DEMO_PROFILES:
        for region in DEMO_REGIONS:
            if (profile.account, region) == (DEFAULT_ACCOUNT, DEFAULT_REGION):
                continue
            rng = random.Random(f"scope-{seed}-{profile.account}-{region}")
            entry = {
                "account": profile.account,
                "region": region,
                "ivs_realtime": _stages(rng, profile, region, now),
                "customer_profiles": _domains(rng, profile, region, now),
            }
            if region == DEFAULT_REGION:  # CodeCatalyst: one global endpoint, per account
                entry["codecatalyst"] = _spaces(profile, now)
            out.append(entry)
    return out


def _spaces(profile: DemoProfile, now: datetime) -> dict[str, Any]:
    """One space per other account, with a couple of event logs."""
    who = profile.name.removeprefix("demo-")
    name = f"{who}-platform"
    logs = [
        {
            "id": f"{who}-{n}",
            "eventName": event,
            "eventType": "AwsApiCall",
            "eventCategory": "MANAGEMENT",
            "eventSource": "codecatalyst.amazonaws.com",
            "eventTime": now - timedelta(hours=n + 1),
            "operationType": "MUTATION",
            "userIdentity": {"userType": "USER", "userName": f"oncall-{who}"},
            "projectInformation": {"name": "service", "projectId": f"{who}-project"},
        }
        for n, event in enumerate(("CreateDevEnvironment", "UpdateProject"))
    ]
    return {
        "spaces": [
            {
                "name": name,
                "regionName": "us-west-2",
                "displayName": f"{who.title()} platform",
                "description": f"The {who} account's space",
                "event_logs": logs,
            }
        ]
    }


def _prefix(profile: DemoProfile, region: str) -> str:
    """``staging-usw2``: who and where, in every name, so a row says which scope it came from."""
    who = profile.name.removeprefix("demo-") if profile.name != "demo" else "prod"
    parts = region.split("-")
    return f"{who}-{parts[0]}{parts[1][0]}{parts[2]}"


def _stages(rng: random.Random, profile: DemoProfile, region: str, now: datetime) -> dict[str, Any]:
    prefix = _prefix(profile, region)
    stages = []
    for word in rng.sample(_STAGE_WORDS, rng.randint(1, 3)):
        stage_id = "".join(
            rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz") for _ in range(12)
        )
        start = now - timedelta(hours=rng.randint(2, 48))
        ended = rng.random() < 0.5
        session: dict[str, Any] = {
            "sessionId": "st-" + "".join(rng.choice("ABCDEFabcdef0123456789") for _ in range(13)),
            "startTime": start,
            "participants": [
                {
                    "participantId": f"{word[:4]}{n}",
                    "userId": f"user-{n}@{prefix}",
                    "state": "DISCONNECTED" if ended else "CONNECTED",
                    "published": n == 0,
                    "firstJoinTime": start + timedelta(seconds=5 + n),
                    "events": [
                        {
                            "name": "JOINED",
                            "participantId": f"{word[:4]}{n}",
                            "eventTime": start + timedelta(seconds=5 + n),
                        }
                    ],
                }
                for n in range(2)
            ],
        }
        if ended:
            session["endTime"] = start + timedelta(minutes=rng.randint(10, 90))
        stages.append(
            {
                "arn": f"arn:aws:ivs:{region}:{profile.account}:stage/{stage_id}",
                "name": f"{prefix}-{word}",
                "tags": {"env": profile.name, "region": region},
                "sessions": [session],
            }
        )
    return {"stages": stages}


def _domains(
    rng: random.Random, profile: DemoProfile, region: str, now: datetime
) -> dict[str, Any]:
    prefix = _prefix(profile, region)
    domain = f"{prefix}-{rng.choice(_DOMAIN_WORDS)}"
    streams = []
    for n, name in enumerate(("orders-export", "profile-changes")):
        unhealthy = n == 1 and rng.random() < 0.6
        detail: dict[str, Any] = {
            "Uri": f"arn:aws:kinesis:{region}:{profile.account}:stream/{domain}-{name}",
            "Status": "UNHEALTHY" if unhealthy else "HEALTHY",
        }
        if unhealthy:
            detail["UnhealthySince"] = now - timedelta(hours=rng.randint(2, 30))
            detail["Message"] = "Kinesis stream is not found or access to the stream is denied."
        streams.append(
            {
                "DomainName": domain,
                "EventStreamName": name,
                "EventStreamArn": (
                    f"arn:aws:profile:{region}:{profile.account}:domains/{domain}"
                    f"/event-streams/{name}"
                ),
                "CreatedAt": now - timedelta(days=rng.randint(30, 300)),
                "State": "RUNNING",
                "DestinationDetails": detail,
            }
        )
    created = now - timedelta(days=rng.randint(300, 600))
    return {
        "domains": [
            {
                "DomainName": domain,
                "CreatedAt": created,
                "LastUpdatedAt": created + timedelta(days=10),
                "event_streams": streams,
            }
        ]
    }
