"""The client factory: shared clients, prewarming, and when prewarming must not happen."""

from __future__ import annotations

from pathlib import Path

from tui.services.session import ClientFactory, profile_may_prompt


def test_profile_may_prompt_follows_source_profiles(isolated_dirs: Path) -> None:
    (isolated_dirs / ".aws" / "config").write_text(
        "[profile base]\nmfa_serial = arn:aws:iam::1:mfa/me\n"
        "[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n"
        "[profile plain]\nregion = us-east-1\n"
    )
    assert profile_may_prompt("role") is True
    assert profile_may_prompt("base") is True
    assert profile_may_prompt("plain") is False
    assert profile_may_prompt(None) is False


def test_prewarm_builds_the_client_once_and_shares_it(sandbox_options) -> None:  # type: ignore[no-untyped-def]
    factory = ClientFactory(sandbox_options)
    thread = factory.prewarm("ivs-realtime")
    assert thread is not None
    thread.join(10)
    client = factory.client("ivs-realtime")
    assert factory.client("ivs-realtime") is client
    assert client.list_stages()["stages"]
    assert factory.prewarm("ivs-realtime") is None  # the session exists: nothing to do


def test_no_prewarm_for_a_profile_that_asks_for_mfa(isolated_dirs: Path) -> None:
    (isolated_dirs / ".aws" / "config").write_text(
        "[profile mfa]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n"
        "mfa_serial = arn:aws:iam::1:mfa/me\n[profile base]\n"
    )
    from tui.services.options import ConnectionOptions

    assert ClientFactory(ConnectionOptions(profile="mfa")).prewarm("ivs-realtime") is None


def test_region_and_endpoint_environment_are_honoured(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tui.services.options import ConnectionOptions

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://all.example.test")
    monkeypatch.setenv("AWS_ENDPOINT_URL_IVS_REALTIME", "https://ivs.example.test")
    factory = ClientFactory(ConnectionOptions())
    assert factory.client("ivs-realtime").meta.region_name == "eu-west-1"
    assert factory.client("ivs-realtime").meta.endpoint_url == "https://ivs.example.test"
    assert factory.client("events").meta.endpoint_url == "https://all.example.test"
    # --region wins over the environment.
    other = ClientFactory(ConnectionOptions(region="ap-south-1"))
    assert other.client("events").meta.region_name == "ap-south-1"


def test_a_stand_in_resolution_is_shown_but_no_client_is_built_under_another(  # type: ignore[no-untyped-def]
    sandbox_options,
) -> None:
    """The early child's resolution is shown until confirmed; calls never go elsewhere meanwhile."""
    from dataclasses import replace

    import pytest

    from tui.errors import ConfigError
    from tui.services.resolve import Setting, resolve

    own = resolve(sandbox_options)
    other = replace(own, region=Setting("eu-north-1", "AWS_REGION"))
    factory = ClientFactory(sandbox_options)
    factory.stand_in(other)
    assert factory.provisional and factory.resolved is other  # what the header shows
    with pytest.raises(ConfigError, match="changed while eventdeck started"):
        factory.client("ivs-realtime")  # built from this process's own resolution: it differs
    assert factory.confirm(own) is False and factory.provisional  # the app switches instead

    same = ClientFactory(sandbox_options)
    same.stand_in(own)
    assert same.confirm(resolve(sandbox_options)) is True
    assert not same.provisional and same.resolved == own
    assert same.client("ivs-realtime").list_stages()["stages"]


def test_a_confirmed_resolution_hands_its_session_to_the_clients(sandbox_options) -> None:  # type: ignore[no-untyped-def]
    """The app's own resolution after the first paint reads the AWS config once: its session
    goes to the clients instead of a second one being built."""
    from tui.services.resolve import resolve_with_session

    own, session = resolve_with_session(sandbox_options)
    factory = ClientFactory(sandbox_options)
    factory.stand_in(own)
    assert factory.confirm(own, session) is True
    assert factory.client("ivs-realtime").list_stages()["stages"]
    assert factory._session is session
