"""The debug log: redaction of every secret shape botocore writes, checked on real DEBUG output."""

from __future__ import annotations

import json
import logging
import stat
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from tui import logsetup
from tui.logsetup import (
    REDACTED,
    clear_registered_secrets,
    contains_registered_secret,
    redact,
    register_secret,
    setup_debug_log,
    stop_debug_log,
)

# Known fake secrets; each contains characters that change under URL or JSON encoding.
SECRET_KEY = "eventdeckFAKEsecretKEY/with+slash=and/plus0000"
SESSION_TOKEN = "FwoGZXIvYXdzEFAKEsessionTOKEN/abc+def//ghi==end"
ACCESS_KEY = "AKIAEVENTDECKFAKE001"
ACCESS_TOKEN = "aoaFAKEssoACCESStoken:abc/def+ghi.jkl"
REFRESH_TOKEN = "aorFAKErefreshTOKEN/xyz+123"
ID_TOKEN = "eyJFAKEidTOKEN.payload.sig"
CLIENT_SECRET = "eyJraWQiFAKEclientSECRET/abc"
DEVICE_CODE = "FAKEdeviceCODE-abc_123/xyz"
ROLE_SECRET = "FAKEroleSECRETaccessKEY/portal+abc"
ROLE_TOKEN = "FAKEroleSESSIONtoken/portal+abc=="


@pytest.fixture(autouse=True)
def _clean_log_state() -> Iterator[None]:
    clear_registered_secrets()
    yield
    stop_debug_log()
    clear_registered_secrets()


@pytest.mark.parametrize(
    ("text", "secret", "kept"),
    [
        (
            "{'Authorization': b'AWS4-HMAC-SHA256 Credential=AKIAX/20250101/us-east-1/sts/"
            "aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef'}",
            "0123456789abcdef",
            "{'Authorization': b'",
        ),
        ("Authorization: AWS4-HMAC-SHA256 Credential=AKIAX/x, Signature=feedbeef", "feedbeef", ""),
        ("headers={'Authorization': 'Bearer tok.en-value_1'}", "tok.en-value_1", "headers="),
        ("sending Bearer abcDEF123/+= now", "abcDEF123", "now"),
        ("x-amz-security-token:FQoGtoken/abc\nhost:example", "FQoGtoken", "host:example"),
        (
            "https://s3/?X-Amz-Credential=AKIA%2Fx&X-Amz-Signature=abc123&X-Amz-Security-Token="
            "tok%2Fen&nextToken=page2",
            "abc123",
            "nextToken=page2",
        ),
        ("X-Amz-Security-Token=tok%2Fen&x=1", "tok%2Fen", "x=1"),
        ("X-Amz-Credential=AKIAQQQ%2F20250101", "AKIAQQQ", ""),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG", "wJalrXUtnFEMI", "aws_secret_access_key"),
        ("aws_session_token=IQoJb3JpZ2luFAKE", "IQoJb3JpZ2luFAKE", ""),
        (
            '{"SecretAccessKey": "s3cr3tVALUE", "AccessKeyId": "ASIAKEEP"}',
            "s3cr3tVALUE",
            "ASIAKEEP",
        ),
        ('{"SessionToken":"sessTOKENvalue"}', "sessTOKENvalue", "SessionToken"),
        ("<SecretAccessKey>xmlSECRET/+</SecretAccessKey>", "xmlSECRET", "<SecretAccessKey>"),
        ("<SessionToken>xmlTOKEN==</SessionToken>", "xmlTOKEN", "</SessionToken>"),
        ('b\'{"accessToken":"atVALUE","nextToken":"keep1"}\'', "atVALUE", "keep1"),
        ("{'refreshToken': 'rtVALUE'}", "rtVALUE", "refreshToken"),
        ('{"clientSecret": "csVALUE", "clientId": "cidKEEP"}', "csVALUE", "cidKEEP"),
        ("{'roleCredentials': {'secretAccessKey': 'raSECRET'}}", "raSECRET", "roleCredentials"),
        ("{'x-amz-sso_bearer_token': 'ssoBEARER'}", "ssoBEARER", "x-amz-sso_bearer_token"),
        ("AWS_BEARER_TOKEN_CODECATALYST=ccBEARER", "ccBEARER", "AWS_BEARER_TOKEN"),
        ("{'TokenCode': '123456'}", "123456", "TokenCode"),
        ("Signature:\n" + "ab" * 32, "ab" * 32, "Signature:"),
        (r"{'body': b'{\'deviceCode\': \'dcVALUE\'}'}", "dcVALUE", "deviceCode"),
    ],
)
def test_redact_removes_each_secret_shape(text: str, secret: str, kept: str) -> None:
    out = redact(text)
    assert secret not in out
    assert REDACTED in out
    assert kept in out


def test_redact_leaves_ordinary_text_alone() -> None:
    text = "ListParticipantEvents nextToken=abc123 stageArn=arn:aws:ivs:us-east-1:1:stage/x 200 OK"
    assert redact(text) == text


def test_registered_secret_is_removed_in_raw_url_and_json_forms() -> None:
    value = 'tok/en+with"quote=='
    register_secret(value)
    register_secret("short")  # below MIN_SECRET_LENGTH: ignored, or everything would vanish
    assert contains_registered_secret(f"xx{value}xx")
    raw = f"raw {value} end"
    url = "q=tok%2Fen%2Bwith%22quote%3D%3D&x=1"
    plus = "q=tok%2Fen%2Bwith%22quote%3D%3D"
    js = json.dumps({"v": value})
    for text in (raw, url, plus, js):
        out = redact(text)
        assert "tok/en" not in out and "tok%2Fen" not in out, out
        assert REDACTED in out
    assert redact("a short word") == "a short word"
    clear_registered_secrets()
    assert not contains_registered_secret(raw)


def test_redacting_filter_rewrites_the_record() -> None:
    record = logging.LogRecord(
        "botocore", logging.DEBUG, __file__, 1, "headers %s", ({"SessionToken": "stVALUE"},), None
    )
    assert logsetup.RedactingFilter().filter(record)
    assert "stVALUE" not in record.getMessage()
    assert REDACTED in record.getMessage()


def test_formatter_redacts_args_and_tracebacks(tmp_path: Path) -> None:
    path = setup_debug_log(tmp_path / "log" / "debug.log")
    log = logging.getLogger("tui.test")
    log.debug("params: %s", {"SecretAccessKey": "argSECRETvalue"})
    try:
        raise RuntimeError("failed with Authorization: Bearer excTOKENvalue")
    except RuntimeError:
        log.exception("call failed")
    stop_debug_log()
    text = path.read_text()
    assert "argSECRETvalue" not in text and "excTOKENvalue" not in text
    assert "call failed" in text and "RuntimeError" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_existing_log_file_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "debug.log"
    path.write_text("old\n")
    path.chmod(0o644)
    setup_debug_log(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_default_path_is_in_platformdirs_log_dir_and_old_logs_are_pruned() -> None:
    directory = logsetup.default_log_dir()
    directory.mkdir(parents=True)
    for n in range(logsetup.KEEP_LOGS + 3):
        (directory / f"debug-2000010{n:02d}-000000-1.log").write_text("x")
    path = setup_debug_log()
    assert path.parent == directory
    assert len(list(directory.glob("debug-*.log"))) == logsetup.KEEP_LOGS
    assert path.exists()


# --- real botocore DEBUG output --------------------------------------------------------------


@pytest.fixture
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


class _SsoHandler(BaseHTTPRequestHandler):
    """Answers SSO-OIDC and the SSO portal the way AWS does, with known fake secrets."""

    def _reply(self, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/client/register":
            self._reply(
                {
                    "clientId": "fake-client-id",
                    "clientSecret": CLIENT_SECRET,
                    "clientIdIssuedAt": 1700000000,
                    "clientSecretExpiresAt": 1800000000,
                }
            )
        elif self.path == "/device_authorization":
            self._reply(
                {
                    "deviceCode": DEVICE_CODE,
                    "userCode": "ABCD-EFGH",
                    "verificationUri": "https://device.sso.us-east-1.amazonaws.com/",
                    "verificationUriComplete": "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH",
                    "expiresIn": 600,
                    "interval": 1,
                }
            )
        else:  # /token
            self._reply(
                {
                    "accessToken": ACCESS_TOKEN,
                    "tokenType": "Bearer",
                    "expiresIn": 28800,
                    "refreshToken": REFRESH_TOKEN,
                    "idToken": ID_TOKEN,
                }
            )

    def do_GET(self) -> None:  # /federation/credentials
        self._reply(
            {
                "roleCredentials": {
                    "accessKeyId": "ASIAFAKEPORTAL0001",
                    "secretAccessKey": ROLE_SECRET,
                    "sessionToken": ROLE_TOKEN,
                    "expiration": 1800000000000,
                }
            }
        )

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        return


@pytest.fixture
def sso_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SsoHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _scan(text: str, secrets: list[str]) -> list[str]:
    """Every secret, or an encoded form of it, that appears in ``text``."""
    from urllib.parse import quote, quote_plus

    found = []
    for secret in secrets:
        for form in {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}:
            if form in text:
                found.append(form)
    return found


def test_real_botocore_debug_log_holds_no_secret(
    tmp_path: Path, moto_endpoint: str, sso_endpoint: str
) -> None:
    path = setup_debug_log(tmp_path / "logs" / "debug.log")
    # An unredacted copy of the same records proves the secrets really went through logging.
    raw_handler = logging.FileHandler(tmp_path / "raw.log")
    raw_handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    for name in ("botocore", "tui"):
        logging.getLogger(name).addHandler(raw_handler)
    session = boto3.Session(
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        aws_session_token=SESSION_TOKEN,
        region_name="ap-southeast-2",  # not the sandbox's region: moto's backends are shared
    )
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    sts = session.client("sts", endpoint_url=moto_endpoint, config=config)
    sts.get_caller_identity()
    assumed = sts.assume_role(
        RoleArn="arn:aws:iam::123456789012:role/triage",
        RoleSessionName="eventdeck",
        SerialNumber="arn:aws:iam::123456789012:mfa/me",
        TokenCode="246810",
    )["Credentials"]
    events = session.client("events", endpoint_url=moto_endpoint, config=config)
    events.create_partner_event_source(Name="aws.partner/eventdeck/x", Account="123456789012")
    events.put_partner_events(
        Entries=[{"Source": "aws.partner/eventdeck/x", "DetailType": "t", "Detail": '{"ok": 1}'}]
    )
    url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=60)
    logging.getLogger("tui.services").debug("presigned %s", url)

    unsigned = boto3.Session(region_name="us-east-1")
    oidc = unsigned.client("sso-oidc", endpoint_url=sso_endpoint, config=config)
    client = oidc.register_client(clientName="eventdeck", clientType="public")
    device = oidc.start_device_authorization(
        clientId=client["clientId"],
        clientSecret=client["clientSecret"],
        startUrl="https://example.awsapps.com/start",
    )
    token = oidc.create_token(
        clientId=client["clientId"],
        clientSecret=client["clientSecret"],
        grantType="urn:ietf:params:oauth:grant-type:device_code",
        deviceCode=device["deviceCode"],
    )
    sso = unsigned.client("sso", endpoint_url=sso_endpoint, config=config)
    sso.get_role_credentials(
        roleName="triage", accountId="123456789012", accessToken=token["accessToken"]
    )
    stop_debug_log()
    for name in ("botocore", "tui"):
        logging.getLogger(name).removeHandler(raw_handler)
    raw_handler.close()

    text = path.read_text()
    # The log really holds botocore's request/response debug output …
    for marker in ("CanonicalRequest", "Response body", "Sending http request", "AssumeRole"):
        assert marker in text, marker
    assert "GetRoleCredentials" in text and "CreateToken" in text
    assert REDACTED in text
    # … and none of the secrets, in any encoding.
    secrets = [
        SECRET_KEY,
        SESSION_TOKEN,
        assumed["SecretAccessKey"],
        assumed["SessionToken"],
        "246810",
        ACCESS_TOKEN,
        REFRESH_TOKEN,
        ID_TOKEN,
        CLIENT_SECRET,
        DEVICE_CODE,
        ROLE_SECRET,
        ROLE_TOKEN,
    ]
    raw = (tmp_path / "raw.log").read_text()
    on_the_wire = [secret for secret in secrets if secret != SECRET_KEY]
    assert all(_scan(raw, [secret]) for secret in on_the_wire), "test did not exercise a secret"
    assert _scan(text, secrets) == []
    # Signatures are gone too: no 64-hex SigV4 signature survives after "Signature".
    assert "Signature=" in text and "Signature=[REDACTED]" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_bearer_token_over_https_sandbox_is_redacted(tmp_path: Path, sandbox_env) -> None:  # type: ignore[no-untyped-def]
    path = setup_debug_log(tmp_path / "debug.log")
    client = boto3.Session().client(
        "codecatalyst",
        endpoint_url=sandbox_env.endpoint,
        verify=sandbox_env.ca_bundle,
        region_name=sandbox_env.region,
    )
    client.list_spaces()
    stop_debug_log()
    text = path.read_text()
    assert "ListSpaces" in text
    assert "'Authorization': b'[REDACTED]'" in text
    assert _scan(text, [sandbox_env.bearer_token]) == []
