"""A --data file is served in the API's own shapes (subprocess: one sandbox per process), and the AWS CLI works."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ARN = "arn:aws:ivs:us-east-1:123456789012:stage/FileStage001"
DATA = {
    "ivs_realtime": {
        "stages": [
            {
                "arn": ARN,
                "name": "from-file",
                "sessions": [
                    {
                        "sessionId": "st-FILEsession01",
                        "startTime": "2024-05-01T10:00:00Z",
                        "endTime": "2024-05-01T11:00:00Z",
                        "participants": [
                            {
                                "participantId": "p1",
                                "userId": "u1",
                                "state": "DISCONNECTED",
                                "published": True,
                                "firstJoinTime": "2024-05-01T10:01:00Z",
                                "events": [
                                    {
                                        "name": "JOINED",
                                        "participantId": "p1",
                                        "eventTime": "2024-05-01T10:01:00Z",
                                    },
                                    {
                                        "name": "LEFT",
                                        "participantId": "p1",
                                        "eventTime": "2024-05-01T10:30:00Z",
                                    },
                                ],
                            }
                        ],
                    }
                ],
            }
        ]
    },
    "customer_profiles": {
        "domains": [
            {
                "DomainName": "file-domain",
                "CreatedAt": "2024-01-01T00:00:00Z",
                "LastUpdatedAt": "2024-02-01T00:00:00Z",
                "event_streams": [
                    {
                        "EventStreamArn": "arn:aws:profile:us-east-1:123456789012:domains/file-domain/event-streams/s1",
                        "CreatedAt": "2024-01-02T00:00:00Z",
                        "State": "STOPPED",
                        "StoppedSince": "2024-03-01T00:00:00Z",
                        "DestinationDetails": {
                            "Uri": "arn:aws:kinesis:us-east-1:123456789012:stream/s1",
                            "Status": "HEALTHY",
                        },
                    }
                ],
            }
        ]
    },
    "codecatalyst": {
        "spaces": [
            {
                "name": "file-space",
                "regionName": "us-west-2",
                "event_logs": [
                    {
                        "id": f"e{i}",
                        "eventName": "GetProject",
                        "eventType": "AwsApiCall",
                        "eventCategory": "MANAGEMENT",
                        "eventSource": "codecatalyst.amazonaws.com",
                        "eventTime": f"2024-05-0{i + 1}T00:00:00Z",
                        "operationType": "READONLY",
                        "userIdentity": {"userType": "USER", "principalId": "x"},
                    }
                    for i in range(3)
                ],
            }
        ]
    },
}

SCRIPT = r"""
import json, sys, boto3
from datetime import datetime, UTC
from tui.sandbox import start_sandbox
with start_sandbox(seed=0, data=sys.argv[1], demo=False) as sb:
    kw = dict(endpoint_url=sb.endpoint, verify=sb.ca_bundle, region_name=sb.region,
              aws_access_key_id="k", aws_secret_access_key="s")
    ivs = boto3.client("ivs-realtime", **kw)
    out = {"stages": ivs.list_stages()["stages"],
           "events": ivs.list_participant_events(stageArn=sys.argv[2], sessionId="st-FILEsession01", participantId="p1")["events"],
           "stream": boto3.client("customer-profiles", **kw).get_event_stream(DomainName="file-domain", EventStreamName="s1")}
    import os; os.environ["AWS_BEARER_TOKEN_CODECATALYST"] = sb.bearer_token
    cc = boto3.client("codecatalyst", endpoint_url=sb.endpoint, verify=sb.ca_bundle, region_name=sb.region)
    out["logs"] = cc.list_event_logs(spaceName="file-space", startTime=datetime(2024, 5, 1, tzinfo=UTC),
                                     endTime=datetime(2024, 5, 2, tzinfo=UTC))["items"]
    print(json.dumps(out, default=str))
"""


def test_data_file_is_served_in_api_shapes(tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    data.write_text(json.dumps(DATA))
    env = {**os.environ, "AWS_EC2_METADATA_DISABLED": "true"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(data), ARN],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert [s["name"] for s in out["stages"]] == ["from-file"]  # demo=False: only the file
    assert "activeSessionId" not in out["stages"][0]  # its only session has ended
    assert [e["name"] for e in out["events"]] == [
        "LEFT",
        "JOINED",
    ]  # newest first whatever the file order
    assert out["stream"]["State"] == "STOPPED" and out["stream"]["StoppedSince"].startswith(
        "2024-03-01"
    )
    assert [e["id"] for e in out["logs"]] == ["e1", "e0"]  # inclusive range, newest first


def test_aws_cli_lists_participant_events_and_event_logs(sandbox_env: Any) -> None:
    env = {**os.environ, "AWS_ENDPOINT_URL": sandbox_env.endpoint}
    cli = [str(Path(sys.executable).with_name("aws")), "--output", "json"]
    stages = json.loads(
        subprocess.run(
            [*cli, "ivs-realtime", "list-stages"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout
    )
    stage = next(s for s in stages["stages"] if s["name"] == "hostile-strings")
    sessions = json.loads(
        subprocess.run(
            [*cli, "ivs-realtime", "list-stage-sessions", "--stage-arn", stage["arn"]],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout
    )
    events = subprocess.run(
        [
            *cli,
            "ivs-realtime",
            "list-participant-events",
            "--stage-arn",
            stage["arn"],
            "--session-id",
            sessions["stageSessions"][0]["sessionId"],
            "--participant-id",
            "hostileParticipant1",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert events.returncode == 0, events.stderr
    assert [e["name"] for e in json.loads(events.stdout)["events"]][-1] == "JOINED"
    logs = subprocess.run(
        [
            *cli,
            "codecatalyst",
            "list-event-logs",
            "--space-name",
            "mobile-team",
            "--start-time",
            "2000-01-01T00:00:00Z",
            "--end-time",
            "2100-01-01T00:00:00Z",
            "--max-items",
            "30",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert logs.returncode == 0, logs.stderr
    assert len(json.loads(logs.stdout)["items"]) == 30
