"""Deterministic demo data for the sandbox, in the same format as a ``--data`` file.

``--data FILE`` format (JSON; every section and key optional; timestamps are ISO 8601 strings such as
``"2024-05-01T12:00:00Z"``; each item uses the member names of the API's own output shape, and extra
members of the matching Get* shape are kept and served by the Get* operation)::

    {
      "ivs_realtime": {"stages": [
        {...ListStages item (arn, name, tags; GetStage's endpoints...)...,
         "sessions": [
           {...ListStageSessions item (sessionId, startTime, endTime)...,
            "participants": [
              {...ListParticipants item (participantId, userId, state, published, firstJoinTime...;
                  GetParticipant's attributes, osName... also accepted)...,
               "events": [...ListParticipantEvents items (name, eventTime, errorCode...)...]}]}]}]},
      "customer_profiles": {"domains": [
        {...ListDomains item (DomainName, CreatedAt, LastUpdatedAt, Tags)...,
         "event_streams": [...GetEventStream outputs, plus "EventStreamName"
                           (or taken from the end of EventStreamArn)...]}]},
      "codecatalyst": {"spaces": [
        {...ListSpaces item (name, regionName, displayName, description)...,
         "event_logs": [...ListEventLogs items...]}]}
    }

Sessions are served newest first and participant events and event logs newest first, whatever the
order in the file. A stage's ``activeSessionId`` defaults to its session without an ``endTime``.
The demo data below is built in this same format (timestamps as datetimes), seeded with
``random.Random(seed)`` and anchored at ``now``, except for one CodeCatalyst space whose 120,000+
event logs are computed on demand from (seed, index) by ``LazyEventLogs``.
"""

from __future__ import annotations

import json
import random
import string
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = [
    "ACCOUNT",
    "REGION",
    "LazyEventLogs",
    "codecatalyst",
    "customer_profiles",
    "ivs_realtime",
]

ACCOUNT = "123456789012"
REGION = "us-east-1"
_ALNUM = string.ascii_letters + string.digits
_HEX = "0123456789abcdef"


def _mix(value: int) -> int:
    """SplitMix64: a cheap, well-spread 64-bit hash so event k can be computed without a scan."""
    value = (value + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return value ^ (value >> 31)


def ivs_realtime(seed: int, now: datetime, live: bool = False) -> dict[str, Any]:
    """Stages, sessions, participants and their events (built in demo_ivs to keep files small).

    ``live``: some participants of ongoing sessions keep producing events as the clock runs.
    """
    from tui.sandbox.demo_ivs import build
    from tui.sandbox.demo_ivs_rich import build_stage

    data = build(seed, now, live)
    rich = build_stage(seed, now.timestamp())
    for session in rich["sessions"]:
        session["participants"] = session.pop("_sim").finish()
    data["stages"].append(rich)
    return data


# -- Customer Profiles ---------------------------------------------------------------------------
def customer_profiles(seed: int, now: datetime) -> dict[str, Any]:
    """Three domains whose event streams cover RUNNING/STOPPED and HEALTHY/UNHEALTHY."""
    rng = random.Random(f"profiles-{seed}")
    domains = []
    plan = {
        "retail-customers": [
            ("orders-export", "RUNNING", "HEALTHY"),
            ("profile-changes", "RUNNING", "UNHEALTHY"),
            ("legacy-crm-sync", "STOPPED", "HEALTHY"),
            ("loyalty-feed", "RUNNING", "HEALTHY"),
        ],
        "support-center": [
            ("case-events", "RUNNING", "HEALTHY"),
            ("identity-resolution", "STOPPED", "UNHEALTHY"),
        ],
        "marketing-sandbox": [("campaign-audience", "RUNNING", "HEALTHY")],
    }
    unhealthy = [
        "Kinesis stream is not found or access to the stream is denied. Verify the stream exists "
        "and that Customer Profiles has kinesis:PutRecords permission on it.",
        "Destination throughput exceeded: PutRecords calls were throttled for more than 24 hours.",
    ]
    for number, (domain, streams) in enumerate(plan.items()):
        created = now - timedelta(days=rng.randint(200, 700), seconds=rng.randint(0, 86399))
        items: list[dict[str, Any]] = []
        for name, state, status in streams:
            made = created + timedelta(days=rng.randint(1, 150), seconds=rng.randint(0, 86399))
            detail: dict[str, Any] = {
                "Uri": f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{domain}-{name}",
                "Status": status,
            }
            if status == "UNHEALTHY":
                detail["UnhealthySince"] = now - timedelta(hours=rng.randint(2, 96))
                detail["Message"] = unhealthy[len(items) % len(unhealthy)]
            stream: dict[str, Any] = {
                "DomainName": domain,
                "EventStreamName": name,
                "EventStreamArn": f"arn:aws:profile:{REGION}:{ACCOUNT}:domains/{domain}/event-streams/{name}",
                "CreatedAt": made,
                "State": state,
                "DestinationDetails": detail,
                "Tags": {
                    "team": rng.choice(["data", "crm", "growth"]),
                    "env": "prod" if number < 2 else "dev",
                },
            }
            if state == "STOPPED":
                stream["StoppedSince"] = now - timedelta(
                    days=rng.randint(1, 20), seconds=rng.randint(0, 86399)
                )
            items.append(stream)
        domains.append(
            {
                "DomainName": domain,
                "CreatedAt": created,
                "LastUpdatedAt": now
                - timedelta(days=rng.randint(0, 30), seconds=rng.randint(0, 86399)),
                "Tags": {
                    "owner": rng.choice(["crm-team", "cx-platform"]),
                    "env": "prod" if number < 2 else "dev",
                },
                "event_streams": items,
            }
        )
    return {"domains": domains}


# -- CodeCatalyst --------------------------------------------------------------------------------
_READONLY = [
    "GetProject",
    "ListProjects",
    "GetSourceRepository",
    "ListSourceRepositories",
    "GetDevEnvironment",
    "ListDevEnvironments",
    "GetSpace",
    "GetWorkflow",
    "ListWorkflowRuns",
    "GetWorkflowRun",
    "ListEventLogs",
    "GetUserDetails",
    "ListAccessTokens",
]
_MUTATION = [
    "CreateProject",
    "UpdateProject",
    "DeleteProject",
    "CreateSourceRepository",
    "CreateSourceRepositoryBranch",
    "CreateDevEnvironment",
    "StartDevEnvironment",
    "StopDevEnvironment",
    "UpdateDevEnvironment",
    "DeleteDevEnvironment",
    "StartWorkflowRun",
    "CreateAccessToken",
    "DeleteAccessToken",
    "UpdateSpace",
]
# READONLY events are about three times as common, as in a real space's audit trail.
EVENT_NAMES = _READONLY * 3 + _MUTATION
_USERS = [
    "mary.major",
    "john.doe",
    "akua.mansa",
    "li.juan",
    "saanvi.sarkar",
    "carlos.salazar",
    "nikki.wolf",
    "jorge.souza",
]
_PROJECTS = ["storefront", "payments-api", "mobile-app", "infra", "data-pipeline"]
_AGENTS = [
    "aws-cli/2.15.30 Python/3.11.8 Linux/6.5 exe/x86_64 command/codecatalyst",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Version/17.4 Safari",
    "Boto3/1.34.70 md/Botocore#1.34.70 ua/2.0 os/linux lang/python#3.12.2",
    "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/124.0",
]
_ERRORS = [
    "AccessDeniedException",
    "ValidationException",
    "ConflictException",
    "ResourceNotFoundException",
]


def _uuid(rng: random.Random) -> str:
    """A full version-4 UUID drawn from ``rng`` (ids and request ids look as AWS sends them)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _event_log(
    rng: random.Random, name: str, when: datetime, space: str, agent: str | None = None
) -> dict[str, Any]:
    """One ListEventLogs item with JSON request/response payloads and, sometimes, an error."""
    mutation = name in _MUTATION
    user = rng.choice(_USERS)
    project = rng.choice(_PROJECTS)
    project_id = _uuid(rng)
    request: dict[str, Any] = {"spaceName": space, "projectName": project}
    if "DevEnvironment" in name:
        request["id"] = _uuid(rng)
    if "SourceRepository" in name:
        request["sourceRepositoryName"] = rng.choice(["web", "api", "infra-cdk", "docs"])
    if name == "UpdateSpace":
        request = {
            "name": space,
            "description": rng.choice(["Platform team space", "Shared tooling"]),
        }
    error = rng.choice(_ERRORS) if rng.random() < 0.06 else None
    entry: dict[str, Any] = {
        "id": _uuid(rng),
        "eventName": name,
        "eventType": "AwsApiCall",
        "eventCategory": "MANAGEMENT",
        "eventSource": "codecatalyst.amazonaws.com",
        "eventTime": when,
        "operationType": "MUTATION" if mutation else "READONLY",
        "userIdentity": {
            "userType": "USER",
            "principalId": "".join(rng.choice(_HEX) for _ in range(24)),
            "userName": user,
            "awsAccountId": ACCOUNT,
        },
        "projectInformation": {"name": project, "projectId": project_id},
        "requestId": _uuid(rng),
        "requestPayload": {"contentType": "application/json", "data": json.dumps(request)},
        "sourceIpAddress": f"{rng.choice([52, 54, 203, 198])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        "userAgent": agent if agent is not None else rng.choice(_AGENTS),
    }
    if error:
        entry["errorCode"] = error
        entry["responsePayload"] = {
            "contentType": "application/json",
            "data": json.dumps({"message": f"{error} for {user}"}),
        }
    else:
        entry["responsePayload"] = {
            "contentType": "application/json",
            "data": json.dumps({"status": "OK", **({"projectId": project_id} if mutation else {})}),
        }
    return entry


class LazyEventLogs:
    """Event logs of one huge space, computed from (seed, k) on demand and never materialised.

    Event k happens at ``origin + k*step + jitter(k)`` with jitter under half a step, so times rise
    strictly with k: the keys in a time range are found by arithmetic, not a scan. Keys run from 0
    up to the newest event not after the current time, so the space keeps growing while it runs.
    """

    def __init__(
        self, seed: int, space: str, origin: datetime, step_ms: int, now_fn: Any = None
    ) -> None:
        self.seed = seed
        self.space = space
        self.origin_ms = int(origin.timestamp() * 1000)
        self.step_ms = step_ms
        self._now_fn = now_fn or (lambda: datetime.now(UTC))

    def _hash(self, key: int) -> int:
        return _mix(_mix(self.seed) ^ key)

    def time_ms(self, key: int) -> int:
        """Event time of key, in epoch milliseconds."""
        return self.origin_ms + key * self.step_ms + self._hash(key) % (self.step_ms // 2)

    def _last_key_at_or_before(self, ms: int) -> int:
        key = (ms - self.origin_ms) // self.step_ms
        while key >= 0 and self.time_ms(key) > ms:
            key -= 1
        return key

    def bounds(self, start: datetime, end: datetime) -> tuple[int, int]:
        """Keys [lo, hi) of the events with start <= time <= min(end, now)."""
        now_ms = int(self._now_fn().timestamp() * 1000)
        end_ms = min(int(end.timestamp() * 1000), now_ms)
        start_ms = int(start.timestamp() * 1000)
        hi = self._last_key_at_or_before(end_ms) + 1
        lo = self._last_key_at_or_before(start_ms - 1) + 1
        return max(lo, 0), max(hi, 0)

    def name_at(self, key: int) -> str:
        """The event name alone: cheap, so an eventName filter can skip non-matching keys fast."""
        return EVENT_NAMES[self._hash(key) % len(EVENT_NAMES)]

    def item_at(self, key: int) -> dict[str, Any]:
        """The whole event for key, identical every time it is asked for."""
        rng = random.Random(self._hash(key))
        when = datetime.fromtimestamp(self.time_ms(key) / 1000, tz=UTC)
        return _event_log(rng, self.name_at(key), when, self.space)


def codecatalyst(
    seed: int, now: datetime, large_count: int = 120_000, live: bool = True
) -> dict[str, Any]:
    """Three spaces: two ordinary ones and one lazily generated huge one.

    With ``live`` the huge space keeps growing with the clock (for follow mode); without, it stops at now.
    """
    rng = random.Random(f"codecatalyst-{seed}")
    spaces: list[dict[str, Any]] = []
    for name, display, description, count in [
        ("acme-platform", "ACME Platform", "Platform engineering: CI/CD, shared tooling", 420),
        ("mobile-team", "Mobile Team", "iOS and Android apps", 160),
    ]:
        logs = []
        for _ in range(count):
            when = now - timedelta(seconds=rng.uniform(0, 30 * 86400))
            logs.append(_event_log(rng, rng.choice(EVENT_NAMES), when, name))
        spaces.append(
            {
                "name": name,
                "regionName": "us-west-2",
                "displayName": display,
                "description": description,
                "event_logs": logs,
            }
        )
    span_ms = 30 * 86400 * 1000
    step_ms = span_ms // large_count
    origin = now - timedelta(milliseconds=span_ms - step_ms)
    spaces.append(
        {
            "name": "demo-large",
            "regionName": "us-west-2",
            "displayName": "Demo (large)",
            "description": f"{large_count:,}+ event logs over 30 days, generated on demand",
            "event_log_source": LazyEventLogs(seed, "demo-large", origin, step_ms),
        }
    )
    return {"spaces": spaces}
