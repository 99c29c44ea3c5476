"""The sandbox server: TLS certificate, routing, bearer check, control endpoints, lifecycle."""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from cryptography import x509

from tui.sandbox import start_sandbox
from tui.sandbox.server import route_for


def _get(
    sb: Any, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    context = ssl.create_default_context(cafile=sb.ca_bundle)
    request = urllib.request.Request(sb.endpoint + path, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, context=context, timeout=5) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.mark.parametrize(
    ("header", "route"),
    [
        ("AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/events/aws4_request, SignedHeaders=host, Signature=x", "events"),
        ("AWS4-HMAC-SHA256 Credential=AK/20240101/eu-west-1/personalize/aws4_request", "personalize"),
        ("AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/ivs/aws4_request", "ivs"),
        ("AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/profile/aws4_request", "profile"),
        ("Bearer abc", "bearer"),
        ("", None),
        ("Basic Zm9vOmJhcg==", None),
    ],
)  # fmt: skip
def test_route_for(header: str, route: str | None) -> None:
    assert route_for(header) == route


def test_certificate_covers_loopback_names(sandbox: Any) -> None:
    cert = x509.load_pem_x509_certificate(Path(sandbox.ca_bundle).read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    names = {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}
    assert {"127.0.0.1", "::1"} <= names and "localhost" in san.get_values_for_type(x509.DNSName)
    assert sandbox.endpoint.startswith("https://127.0.0.1:")


def test_plain_tls_client_without_the_bundle_is_refused(sandbox: Any) -> None:
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(sandbox.endpoint + "/_sandbox/health", timeout=5)


def test_env_names_every_variable(sandbox: Any) -> None:
    env = sandbox.env()
    assert env["AWS_ENDPOINT_URL"] == sandbox.endpoint and env["AWS_CA_BUNDLE"] == sandbox.ca_bundle
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["AWS_BEARER_TOKEN_CODECATALYST"] == sandbox.bearer_token
    assert env["AWS_ACCESS_KEY_ID"] and env["AWS_SECRET_ACCESS_KEY"]


def test_health_lists_services(sandbox_env: Any) -> None:
    status, body = _get(sandbox_env, "/_sandbox/health")
    assert status == 200 and body["status"] == "ok"
    assert body["services"]["events"] == "ok" and body["services"]["personalize-events"] == "ok"
    assert set(body["services"]) == {
        "events",
        "personalize-events",
        "ivs-realtime",
        "customer-profiles",
        "codecatalyst",
        "sts",
    }


def test_received_endpoint_reads_and_resets(sandbox_env: Any) -> None:
    client = boto3.client("events", endpoint_url=sandbox_env.endpoint)
    result = client.put_partner_events(
        Entries=[{"Source": "aws.partner/a.com/b", "DetailType": "t", "Detail": '{"x": 1}'}]
    )
    status, body = _get(sandbox_env, "/_sandbox/received")
    assert status == 200
    assert [item["EventId"] for item in body["events"]] == [result["Entries"][0]["EventId"]]
    assert body["personalize-events"] == []
    assert body == sandbox_env.received()
    assert _get(sandbox_env, "/_sandbox/received", method="DELETE")[0] == 200
    assert _get(sandbox_env, "/_sandbox/received")[1]["events"] == []
    assert _get(sandbox_env, "/_sandbox/nope")[0] == 404


def test_request_without_authorization_is_refused(sandbox_env: Any) -> None:
    status, body = _get(sandbox_env, "/", method="POST")
    assert status == 403 and body["__type"] == "MissingAuthenticationTokenException"


def test_wrong_bearer_token_is_access_denied(sandbox_env: Any) -> None:
    status, body = _get(sandbox_env, "/v1/spaces", headers={"Authorization": "Bearer wrong"})
    assert status == 403 and "bearer token" in body["message"]


def test_unknown_signing_name_is_not_served(sandbox_env: Any) -> None:
    client = boto3.client("sqs", endpoint_url=sandbox_env.endpoint)
    with pytest.raises(ClientError) as caught:
        client.list_queues()
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501


def test_a_second_sandbox_in_the_same_process_is_refused(sandbox: Any) -> None:
    with pytest.raises(RuntimeError, match="already running"):
        start_sandbox()


def test_start_serves_the_data_file_and_stop_removes_the_certificate(tmp_path: Any) -> None:
    data = tmp_path / "data.json"
    data.write_text(json.dumps({"events": {"partner_event_sources": ["aws.partner/a.com/src"]}}))
    script = (
        "import json, os, sys\n"
        "from tui.sandbox import start_sandbox\n"
        f"sb = start_sandbox(data={str(data)!r}, faults='seed=1')\n"
        "import boto3\n"
        "for k, v in sb.env().items(): os.environ[k] = v\n"
        "c = boto3.client('events')\n"
        "src = c.describe_event_source(Name='aws.partner/a.com/src')['Name']\n"
        "bundle = sb.ca_bundle\n"
        "with sb: pass\n"
        "print(json.dumps({'src': src, 'exists': os.path.exists(bundle)}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["src"] == "aws.partner/a.com/src"
    assert result["exists"] is False
