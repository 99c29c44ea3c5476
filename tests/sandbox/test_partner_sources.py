"""ListPartnerEventSources / ListPartnerEventSourceAccounts against the sandbox: boto3 and the AWS CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

AWS = str(Path(sys.executable).with_name("aws"))
PREFIX = "aws.partner/example.com/"


def _client(sb: Any) -> Any:
    return boto3.client(
        "events", endpoint_url=sb.endpoint, verify=sb.ca_bundle, region_name=sb.region
    )


def test_demo_sources_cover_all_three_states_with_expiry_on_pending(sandbox_env: Any) -> None:
    client = _client(sandbox_env)
    names = [
        s["Name"]
        for s in client.list_partner_event_sources(NamePrefix=PREFIX)["PartnerEventSources"]
    ]
    assert PREFIX + "orders" in names and PREFIX + "billing" in names
    states: dict[str, list[dict[str, Any]]] = {}
    for name in names:
        accounts = client.list_partner_event_source_accounts(EventSourceName=name)
        for account in accounts["PartnerEventSourceAccounts"]:
            states.setdefault(account["State"], []).append(account)
    assert set(states) == {"ACTIVE", "PENDING", "DELETED"}
    for account in states["PENDING"]:
        assert isinstance(account["ExpirationTime"], datetime)
        assert account["ExpirationTime"] > account["CreationTime"]
    assert all("ExpirationTime" not in a for a in states["ACTIVE"])


def test_paging_by_limit_and_next_token_visits_every_source_once(sandbox_env: Any) -> None:
    client = _client(sandbox_env)
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        kwargs: dict[str, Any] = {"NamePrefix": PREFIX, "Limit": 2}
        if token:
            kwargs["NextToken"] = token
        page = client.list_partner_event_sources(**kwargs)
        pages += 1
        assert len(page["PartnerEventSources"]) <= 2
        seen.extend(s["Name"] for s in page["PartnerEventSources"])
        token = page.get("NextToken")
        if not token:
            break
    assert pages >= 3 and len(seen) == len(set(seen)) >= 5
    assert all(name.startswith(PREFIX) for name in seen)


def test_errors_are_aws_shaped(sandbox_env: Any) -> None:
    client = _client(sandbox_env)
    with pytest.raises(ClientError) as missing:
        client.list_partner_event_source_accounts(EventSourceName=PREFIX + "no-such-source")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as bad:
        client.list_partner_event_sources(NamePrefix="not-a-partner")
    assert bad.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as token:
        client.list_partner_event_sources(NamePrefix=PREFIX, NextToken="garbage")
    assert token.value.response["Error"]["Code"] == "ValidationException"
    empty = client.list_partner_event_sources(NamePrefix="aws.partner/nobody.example/")
    assert empty["PartnerEventSources"] == []


def test_the_aws_cli_lists_sources_and_accounts(sandbox_env: Any) -> None:
    env = {**os.environ, **sandbox_env.env()}

    def aws(*args: str) -> Any:
        out = subprocess.run(
            [AWS, "events", *args, "--output", "json"],
            capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    # botocore has no paginator for these: the CLI passes --limit / --next-token through as is.
    first = aws("list-partner-event-sources", "--name-prefix", PREFIX, "--limit", "2")
    assert len(first["PartnerEventSources"]) == 2 and first["NextToken"]
    second = aws(
        "list-partner-event-sources", "--name-prefix", PREFIX, "--limit", "2",
        "--next-token", first["NextToken"],
    )  # fmt: skip
    everything = aws("list-partner-event-sources", "--name-prefix", PREFIX)
    names = [s["Name"] for s in everything["PartnerEventSources"]]
    paged = first["PartnerEventSources"] + second["PartnerEventSources"]
    assert names[:4] == [s["Name"] for s in paged]
    assert PREFIX + "billing" in names
    arn = everything["PartnerEventSources"][0]["Arn"]
    assert arn.startswith(f"arn:aws:events:{sandbox_env.region}::event-source/{PREFIX}")
    accounts = aws("list-partner-event-source-accounts", "--event-source-name", PREFIX + "billing")
    (pending,) = accounts["PartnerEventSourceAccounts"]
    assert pending["State"] == "PENDING" and pending["Account"] == "444455556666"
    assert pending["ExpirationTime"]
