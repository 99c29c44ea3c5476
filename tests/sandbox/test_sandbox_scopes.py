"""The sandbox serves several accounts and regions: the signing key's account, the scope's region."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from tests.aws_profiles import write_profiles
from tui.sandbox import backends


def _client(service: str, profile: str, region: str) -> Any:
    return botocore.session.Session(profile=profile).create_client(service, region_name=region)


@pytest.fixture
def profiles(sandbox_env: Any, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Three profiles in ~/.aws/config, the endpoint from the sandbox's export lines."""
    write_profiles(isolated_dirs)
    monkeypatch.setenv("AWS_ENDPOINT_URL", sandbox_env.endpoint)
    sandbox_env.reset_requests()
    return sandbox_env


def _stage_names(profile: str, region: str) -> list[str]:
    stages = _client("ivs-realtime", profile, region).list_stages(maxResults=100)["stages"]
    return sorted(stage["name"] for stage in stages)


def test_each_profile_and_region_lists_its_own_stages(profiles: Any) -> None:
    prod_use1 = _stage_names("prod", "us-east-1")
    staging_usw2 = _stage_names("staging", "us-west-2")
    eu_euc1 = _stage_names("eu", "eu-central-1")
    assert prod_use1 and staging_usw2 and eu_euc1
    assert not set(prod_use1) & set(staging_usw2)
    assert all(name.startswith("staging-usw2-") for name in staging_usw2)
    assert all(name.startswith("eu-euc1-") for name in eu_euc1)
    # The same profile in another region is another region's data.
    assert not set(_stage_names("staging", "eu-central-1")) & set(staging_usw2)
    seen = {(r["account"], r["region"]) for r in profiles.requests() if r["route"] == "ivs"}
    assert seen == {
        ("123456789012", "us-east-1"),
        ("210987654321", "us-west-2"),
        ("345678901234", "eu-central-1"),
        ("210987654321", "eu-central-1"),
    }


def test_arns_and_drill_down_stay_in_their_account_and_region(profiles: Any) -> None:
    ivs = _client("ivs-realtime", "staging", "us-west-2")
    stage = ivs.list_stages()["stages"][0]
    assert stage["arn"].split(":")[3:5] == ["us-west-2", "210987654321"]
    sessions = ivs.list_stage_sessions(stageArn=stage["arn"])["stageSessions"]
    assert sessions
    # Another account does not see that stage.
    other = _client("ivs-realtime", "prod", "us-west-2")
    with pytest.raises(other.exceptions.ResourceNotFoundException):
        other.list_stage_sessions(stageArn=stage["arn"])


def test_caller_identity_names_the_profiles_account(profiles: Any) -> None:
    for profile, account in (("prod", "123456789012"), ("staging", "210987654321")):
        identity = _client("sts", profile, "us-east-1").get_caller_identity()
        assert identity["Account"] == account


def test_customer_profiles_domains_differ_per_scope(profiles: Any) -> None:
    def domains(profile: str, region: str) -> set[str]:
        items = _client("customer-profiles", profile, region).list_domains()["Items"]
        return {item["DomainName"] for item in items}

    assert "retail-customers" in domains("prod", "us-east-1")
    assert all(d.startswith("eu-usw2-") for d in domains("eu", "us-west-2"))


def test_a_data_file_loads_per_scope(tmp_path: Path) -> None:
    from tui.sandbox import load_data

    modules = {"ivs": backends.get("ivs")}
    arn = "arn:aws:ivs:ap-south-1:555566667777:stage/ScopeFileTest1"
    payload = {
        "scopes": [
            {
                "account": "555566667777",
                "region": "ap-south-1",
                "ivs_realtime": {"stages": [{"arn": arn, "name": "from-file"}]},
            }
        ]
    }
    load_data(json.loads(json.dumps(payload)), modules)
    module = modules["ivs"]
    assert module is not None
    with backends.scoped("555566667777", "ap-south-1"):
        assert arn in module._scoped.get().stages
    with backends.scoped("555566667777", "us-east-1"):
        assert arn not in module._scoped.get().stages


def test_access_key_account_rule() -> None:
    assert backends.account_for_key("AKIASANDBOX210987654321") == "210987654321"
    assert backends.account_for_key("AKIASANDBOXEVENTDECK") == backends.DEFAULT_ACCOUNT


def test_the_demo_profiles_as_an_aws_config(
    sandbox_env: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`eventdeck sandbox --aws-config DIR`: each demo profile reaches its own account."""
    config, credentials = sandbox_env.write_aws_config(tmp_path / "aws")
    assert oct(config.stat().st_mode & 0o777) == "0o600"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_CA_BUNDLE", "AWS_REGION"):
        monkeypatch.delenv(var, raising=False)  # the profiles carry endpoint, CA and region
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    session = botocore.session.Session(profile="demo-staging")
    assert session.create_client("sts").get_caller_identity()["Account"] == "210987654321"
    stages = session.create_client("ivs-realtime").list_stages()["stages"]
    assert stages and all(s["name"].startswith("staging-usw2-") for s in stages)


def test_reloading_a_backends_demo_brings_the_other_accounts_back(profiles: Any) -> None:
    """A test that resets a backend and loads its demo again must not lose the other scopes."""
    from tui.sandbox.backends import customer_profiles

    def domains() -> set[str]:
        items = _client("customer-profiles", "staging", "us-west-2").list_domains()["Items"]
        return {item["DomainName"] for item in items}

    before = domains()
    assert before
    customer_profiles.reset()
    customer_profiles.load_demo(1)
    assert domains() == before
