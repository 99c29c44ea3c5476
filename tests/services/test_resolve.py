"""Where calls go, configured as users do (env, ~/.aws/config, the sandbox's export lines, no flags).

Each test makes real calls over HTTPS to the sandbox and checks that the resolver, the client, the
journal, copy-as-CLI and doctor all name the same region and endpoint.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from tui.args import build_parser
from tui.doctor import run_doctor
from tui.services.cli_command import cli_command
from tui.services.options import ConnectionOptions
from tui.services.outbox import Outbox
from tui.services.partner_events import put_partner_events
from tui.services.session import ClientFactory

SERVICES = ("ivs-realtime", "codecatalyst", "customer-profiles", "events", "personalize-events")

ENTRY = {"Source": "aws.partner/example.com/orders", "DetailType": "Placed", "Detail": "{}"}


def doctor_text(argv: list[str]) -> tuple[int, str]:
    args, rest = build_parser().parse_known_args([*argv, "doctor"])
    out = io.StringIO()
    status = run_doctor(args, rest[1:], out=out)
    return status, out.getvalue()


def test_sandbox_export_lines_alone_reach_it_over_https(sandbox_exports: dict[str, str]) -> None:
    """The README's recipe: eval the sandbox's export lines, run with no flags; everything agrees."""
    endpoint, region = sandbox_exports["AWS_ENDPOINT_URL"], sandbox_exports["AWS_REGION"]
    factory = ClientFactory(ConnectionOptions())
    # A real call over HTTPS, trusting the bundle from AWS_CA_BUNDLE.
    assert factory.client("ivs-realtime").list_stages()["stages"]
    outbox = Outbox()
    result = put_partner_events(factory, [ENTRY], outbox=outbox)
    assert result.failed_count == 0, result
    (record,) = outbox.history()
    assert record.context == {"profile": "default", "region": region, "endpoint": endpoint}

    command = cli_command(ConnectionOptions(), "events", "put-partner-events", {})
    assert f"--region {region}" in command and f"--endpoint-url {endpoint}" in command
    assert "--ca-bundle" in command and "--profile" not in command

    _status, text = doctor_text([])
    assert f"region    {region} (from AWS_REGION)" in text, text
    assert f"[ok  ] events              {endpoint} (from AWS_ENDPOINT_URL)" in text, text
    assert f"CA bundle {sandbox_exports['AWS_CA_BUNDLE']} (from AWS_CA_BUNDLE)" in text
    assert "[FAIL]" not in text, text

    where = factory.resolved
    assert (where.region.value, where.region.source) == (region, "AWS_REGION")
    assert where.endpoint("events").value == endpoint
    assert where.endpoint("events").source == "AWS_ENDPOINT_URL"
    assert where.verify.value == sandbox_exports["AWS_CA_BUNDLE"]
    assert where.verify.source == "AWS_CA_BUNDLE"
    assert where.verify_argument is None  # botocore resolves AWS_CA_BUNDLE itself


def write_profiles(home: Path, config: str, credentials: str = "") -> None:
    (home / ".aws" / "config").write_text(config)
    (home / ".aws" / "credentials").write_text(credentials)


def test_profile_region_endpoint_and_ca_bundle_from_the_config_file(
    sandbox, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    write_profiles(
        isolated_dirs,
        f"[profile sb]\nregion = {sandbox.region}\nendpoint_url = {sandbox.endpoint}\n"
        f"ca_bundle = {sandbox.ca_bundle}\n",
        "[sb]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n",
    )
    monkeypatch.setenv("AWS_PROFILE", "sb")
    factory = ClientFactory(ConnectionOptions())
    assert factory.client("ivs-realtime").list_stages()["stages"]  # HTTPS via the profile's bundle
    outbox = Outbox()
    assert put_partner_events(factory, [ENTRY], outbox=outbox).failed_count == 0
    assert outbox.history()[0].context == {
        "profile": "sb",
        "region": sandbox.region,
        "endpoint": sandbox.endpoint,
    }
    command = cli_command(ConnectionOptions(), "ivs-realtime", "list-stages", {})
    assert "--profile sb" in command and f"--endpoint-url {sandbox.endpoint}" in command
    _status, text = doctor_text([])
    assert "profile   sb (from AWS_PROFILE)" in text, text
    assert f"[ok  ] ivs-realtime        {sandbox.endpoint} (from profile's endpoint_url)" in text
    where = factory.resolved
    assert (where.profile.value, where.profile.source) == ("sb", "AWS_PROFILE")
    assert (where.region.value, where.region.source) == (sandbox.region, "profile sb's region")
    assert where.endpoint("ivs-realtime").value == sandbox.endpoint
    assert where.endpoint("ivs-realtime").source == "profile's endpoint_url"
    assert where.ca_bundle.source == "profile sb's ca_bundle"


def test_services_section_sets_one_service_endpoint(
    sandbox, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    write_profiles(
        isolated_dirs,
        f"[profile svc]\nregion = eu-west-1\nservices = local\nca_bundle = {sandbox.ca_bundle}\n"
        f"[services local]\neventbridge =\n  endpoint_url = {sandbox.endpoint}\n",
        "[svc]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n",
    )
    factory = ClientFactory(ConnectionOptions(profile="svc"))
    where = factory.resolved
    assert where.endpoint("events").value == sandbox.endpoint
    assert where.endpoint("events").source == "[services local] eventbridge"
    assert where.endpoint("ivs-realtime").value is None
    assert factory.client("events").meta.endpoint_url == sandbox.endpoint
    assert put_partner_events(factory, [ENTRY]).failed_count == 0
    assert where.custom_endpoint == "several endpoints"  # the header cannot name just one


def test_precedence_matches_the_clients_botocore_builds(
    isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For each service, the resolver's endpoint and region are the ones the client really has."""
    write_profiles(
        isolated_dirs,
        "[default]\nregion = ap-south-1\nendpoint_url = https://profile.example.test\n"
        "services = s\n[services s]\npersonalize_events =\n"
        "  endpoint_url = https://section.example.test\n",
        "[default]\naws_access_key_id = a\naws_secret_access_key = b\n",
    )

    def check(expected_region: str, expected: dict[str, str | None], **env: str) -> None:
        for key in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
                    "AWS_ENDPOINT_URL_EVENTBRIDGE", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"):  # fmt: skip
            monkeypatch.delenv(key, raising=False)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        factory = ClientFactory(ConnectionOptions())
        where = factory.resolved
        assert where.region.value == expected_region
        for service in SERVICES:
            client = factory.client(service)
            url = where.endpoint(service).value
            assert url == expected.get(service, expected["*"]), service
            if url is not None:
                assert client.meta.endpoint_url == url, service
                assert client.meta.region_name == expected_region
            elif service != "codecatalyst":  # CodeCatalyst is global: codecatalyst.global.api.aws
                assert client.meta.region_name == expected_region
                assert f".{expected_region}.amazonaws.com" in client.meta.endpoint_url, service

    section = "https://section.example.test"
    check("ap-south-1", {"*": "https://profile.example.test", "personalize-events": section})
    check(
        "us-west-2",
        {"*": "https://env.example.test", "events": "https://events.example.test"},
        AWS_DEFAULT_REGION="us-west-2",
        AWS_ENDPOINT_URL="https://env.example.test",
        AWS_ENDPOINT_URL_EVENTBRIDGE="https://events.example.test",
    )
    check("eu-west-1", {"*": None}, AWS_REGION="eu-west-1", AWS_DEFAULT_REGION="us-west-2",
          AWS_ENDPOINT_URL="https://env.example.test",
          AWS_IGNORE_CONFIGURED_ENDPOINT_URLS="true")  # fmt: skip
    # --endpoint-url and --region win over everything.
    from tui.services.resolve import resolve

    where = resolve(ConnectionOptions(region="ca-central-1", endpoint_url="https://flag.test"))
    assert where.region.source == "--region"
    assert {where.endpoint(s).value for s in SERVICES} == {"https://flag.test"}


def test_retries_come_from_env_then_profile_then_eventdeck(
    isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_profiles(
        isolated_dirs,
        "[default]\nregion = us-east-1\nmax_attempts = 4\nretry_mode = legacy\n",
        "[default]\naws_access_key_id = a\naws_secret_access_key = b\n",
    )

    def retries(options: ConnectionOptions) -> dict[str, object]:
        return dict(ClientFactory(options).client("events").meta.config.retries)

    assert retries(ConnectionOptions(max_attempts=9)) == {"mode": "legacy", "total_max_attempts": 4}
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("AWS_RETRY_MODE", "adaptive")
    assert retries(ConnectionOptions(max_attempts=9)) == {
        "mode": "adaptive",
        "total_max_attempts": 2,
    }
    write_profiles(isolated_dirs, "[default]\nregion = us-east-1\n")
    monkeypatch.delenv("AWS_MAX_ATTEMPTS")
    monkeypatch.delenv("AWS_RETRY_MODE")
    assert retries(ConnectionOptions(max_attempts=9)) == {
        "mode": "standard",
        "total_max_attempts": 9,
    }


def test_unknown_profile_names_the_profiles_that_exist(
    isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.services.resolve import ProfileNotFoundError, resolve

    write_profiles(isolated_dirs, "[profile prod]\nregion = eu-west-1\n[default]\n")
    with pytest.raises(ProfileNotFoundError) as caught:
        resolve(ConnectionOptions(profile="nosuch"))
    assert str(caught.value) == (
        "The AWS profile 'nosuch' (from --profile) does not exist; profiles: default, prod."
    )
    monkeypatch.setenv("AWS_PROFILE", "nosuch")
    with pytest.raises(ProfileNotFoundError, match="from AWS_PROFILE"):
        resolve(ConnectionOptions())


@pytest.mark.parametrize(
    ("argv", "env"),
    [
        (["--profile", "nosuch"], {}),
        ([], {"AWS_PROFILE": "nosuch"}),
        (["--profile", "nosuch", "doctor"], {}),
        (["doctor"], {"AWS_PROFILE": "nosuch"}),
    ],
)
def test_eventdeck_with_an_unknown_profile_says_so_in_one_line(
    argv: list[str], env: dict[str, str], isolated_dirs: Path
) -> None:
    import os

    write_profiles(isolated_dirs, "[profile prod]\nregion = eu-west-1\n")
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
    )
    assert "Traceback" not in result.stderr, result.stderr
    if "doctor" in argv:
        assert result.returncode == 1
        assert "[FAIL] The AWS profile 'nosuch'" in result.stdout, result.stdout
        assert "profiles: prod." in result.stdout
    else:
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [
            "eventdeck: The AWS profile 'nosuch' (from "
            + ("--profile" if argv else "AWS_PROFILE")
            + ") does not exist; profiles: prod."
        ]


def test_eventdeck_config_profile_and_region_lose_to_the_environment(
    isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """config.toml's [aws] profile/region are eventdeck's defaults: env vars win, as for the CLI."""
    from tui.args import build_args
    from tui.launch import build_context

    write_profiles(isolated_dirs, "[profile ops]\nregion = ap-south-1\n[profile dev]\n")
    config = isolated_dirs / "config" / "eventdeck" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[aws]\nprofile = "ops"\nregion = "eu-west-1"\n')
    where = build_context(build_args([]), None).resolved
    assert (where.profile.value, where.region.value) == ("ops", "eu-west-1")
    assert where.profile.source == "eventdeck config [aws] profile"
    monkeypatch.setenv("AWS_PROFILE", "dev")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    where = build_context(build_args([]), None).resolved
    assert (where.profile.value, where.profile.source) == ("dev", "AWS_PROFILE")
    assert (where.region.value, where.region.source) == ("us-west-2", "AWS_DEFAULT_REGION")


def test_profile_from_the_environment_is_the_one_botocore_uses(
    isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With AWS_PROFILE and AWS_DEFAULT_PROFILE both set, the shown profile is the one in use."""
    write_profiles(
        isolated_dirs,
        "[profile a]\nregion = eu-west-1\n[profile b]\nregion = ap-south-1\n",
        "[a]\naws_access_key_id = a\naws_secret_access_key = a\n"
        "[b]\naws_access_key_id = b\naws_secret_access_key = b\n",
    )
    monkeypatch.setenv("AWS_PROFILE", "a")
    monkeypatch.setenv("AWS_DEFAULT_PROFILE", "b")
    factory = ClientFactory(ConnectionOptions())
    client = factory.client("events")
    where = factory.resolved
    assert where.profile.value == factory.session.profile
    assert where.region.value == client.meta.region_name
    assert client._request_signer._credentials.access_key == where.profile.value
