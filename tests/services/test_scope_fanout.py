"""Fan-out across profiles × regions: each target's own data, tagged; one failing profile; cancel."""

from __future__ import annotations

import threading
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests.aws_profiles import SSO_EXPIRED, write_profiles
from tui.services import ivs_realtime as ivs
from tui.services.options import ConnectionOptions
from tui.services.pool import CallPool
from tui.services.scan import ScanCancelled
from tui.services.scope import Scope, ScopeClients, Target, fan_out_scope, scope_regions
from tui.services.triage_scans import all_items


@pytest.fixture
def scope_env(sandbox_env: Any, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Profiles in ~/.aws/config (one SSO profile never signed in), the sandbox's exports."""
    write_profiles(isolated_dirs, expired_sso=True)
    monkeypatch.setenv("AWS_ENDPOINT_URL", sandbox_env.endpoint)
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(var, raising=False)  # each profile signs with its own keys
    sandbox_env.reset_requests()
    return sandbox_env


def _stages(factory: Any) -> list[ivs.Stage]:
    return all_items(partial(ivs.list_stages, factory), threading.Event())


def test_scope_label_and_targets() -> None:
    scope = Scope(("a", "b", "c"), ("us-east-1", "eu-central-1"))
    assert scope.label() == "3 profiles × 2 regions"
    assert Scope(("a",), ("us-east-1",)).label() == "1 profile × 1 region"
    assert len(scope.targets()) == 6 and scope.wide
    assert len(scope.targets("codecatalyst")) == 3  # one global endpoint: once per profile
    # A scope picked on IVS (eu-west-1) lists Customer Profiles only where that exists.
    ivs_scope = Scope(("a",), ("eu-west-1", "us-east-1"))
    assert [t.region for t in ivs_scope.targets("customer-profiles")] == ["us-east-1"]
    assert len(ivs_scope.targets("ivs-realtime")) == 2
    assert not Scope(("a",), ("us-east-1",)).wide


def test_scope_regions_only_where_the_service_exists() -> None:
    regions = scope_regions("customer-profiles", "us-east-1")
    assert "us-east-1" in regions and "eu-west-1" not in regions
    assert "eu-west-1" in scope_regions("ivs-realtime", "us-east-1")


def test_each_target_gets_its_own_stages_tagged_with_account(scope_env: Any) -> None:
    pool = CallPool(4)
    clients = ScopeClients(ConnectionOptions(max_attempts=1), pool)
    scope = Scope(("prod", "staging"), ("us-east-1", "us-west-2"))
    progress: list[tuple[int, int]] = []
    found = fan_out_scope(
        clients, scope.targets(), _stages, progress=lambda d, t: progress.append((d, t))
    )
    assert all(f.error is None for f in found)
    by_target: dict[Target, set[str]] = {}
    for f in found:
        assert f.item is not None
        by_target.setdefault(f.target, set()).add(f.item.name or "")
        # The item's ARN names the account and region the row is tagged with.
        assert f.item.arn.split(":")[3:5] == [f.target.region, f.account]
    assert set(by_target) == set(scope.targets())
    assert all(n.startswith("staging-usw2-") for n in by_target[Target("staging", "us-west-2")])
    assert {f.account for f in found if f.target.profile == "staging"} == {"210987654321"}
    assert sorted(progress)[-1] == (4, 4)
    seen = {(r["account"], r["region"]) for r in scope_env.requests() if r["route"] == "ivs"}
    assert ("210987654321", "us-west-2") in seen and ("123456789012", "us-east-1") in seen


def test_an_expired_sso_profile_is_one_error_the_others_fill_in(scope_env: Any) -> None:
    clients = ScopeClients(ConnectionOptions(max_attempts=1), CallPool(4))
    scope = Scope(("prod", SSO_EXPIRED, "eu"), ("us-east-1",))
    found = fan_out_scope(clients, scope.targets(), _stages)
    errors = [f for f in found if f.error is not None]
    assert len(errors) == 1 and errors[0].target.profile == SSO_EXPIRED
    assert errors[0].error is not None and errors[0].error.sso_sign_in
    assert {f.target.profile for f in found if f.item is not None} == {"prod", "eu"}


def test_a_profile_to_sign_in_is_one_row_across_its_regions(scope_env: Any) -> None:
    clients = ScopeClients(ConnectionOptions(max_attempts=1), CallPool(4))
    scope = Scope((SSO_EXPIRED, "prod"), ("us-east-1", "us-west-2", "eu-central-1"))
    found = fan_out_scope(clients, scope.targets(), _stages)
    errors = [f for f in found if f.error is not None]
    assert len(errors) == 1
    assert errors[0].regions == "us-east-1 +2"
    assert errors[0].where == f"{SSO_EXPIRED} · us-east-1, us-west-2, eu-central-1"
    assert {f.target.region for f in found if f.item is not None} == set(scope.regions)


def test_cancel_stops_outstanding_calls(scope_env: Any) -> None:
    """With one slot and the cancel set by the first listing, no other target is asked."""
    cancel = threading.Event()
    clients = ScopeClients(ConnectionOptions(max_attempts=1), CallPool(1))
    scope = Scope(("prod", "staging", "eu"), ("us-east-1", "us-west-2", "eu-central-1"))

    def listing(factory: Any) -> list[ivs.Stage]:
        stages = _stages(factory)
        cancel.set()  # the user pressed escape while this target was being listed
        return stages

    with pytest.raises(ScanCancelled):
        fan_out_scope(clients, scope.targets(), listing, cancel=cancel)
    asked = {(r["account"], r["region"]) for r in scope_env.requests() if r["route"] == "ivs"}
    assert len(asked) == 1  # 9 targets; only the first was listed
