"""A scope (profiles × regions) and one listing fanned out over it, every result tagged with where.

Why: on-call work crosses accounts and regions. A listing across a scope is one call chain per
(profile, region) target: each target gets its own client factory, resolved exactly as if the
user had chosen that profile and region (``ClientFactory`` over ``resolve``: endpoint, CA bundle
and credential rules included), and the chains run through ``scan.fan_out`` (bounded by the call
pool, cancellable, counted). A target that fails (an SSO token expired) is one error result; the
others fill in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import product
from typing import Generic, TypeVar

from tui.errors import EventdeckError
from tui.services.options import ConnectionOptions
from tui.services.pool import CallPool
from tui.services.regions import GLOBAL_SERVICES, available_in, picker_regions
from tui.services.resolve import Resolved, Setting
from tui.services.scan import fan_out
from tui.services.session import ClientFactory

T = TypeVar("T")


@dataclass(frozen=True, order=True)
class Target:
    """One (profile, region) of a scope: where one chain of calls goes."""

    profile: str
    region: str


@dataclass(frozen=True)
class Scope:
    """The profiles and regions a listing fans out over (their product, in the order given)."""

    profiles: tuple[str, ...]
    regions: tuple[str, ...]

    def targets(self, service: str | None = None) -> list[Target]:
        """Every (profile, region) where ``service`` exists; one region for a global service.

        Why: CodeCatalyst answers the same from every region, so asking it once per region
        would list each space several times; and a region the service is not in (botocore's
        endpoint data) could only answer "not available here".
        """
        regions = self.regions
        if service in GLOBAL_SERVICES and regions:
            regions = regions[:1]
        elif service is not None:  # a scope picked on another pane may hold regions without it
            regions = tuple(r for r in regions if available_in(service, r) is not False)
        return [Target(p, r) for p, r in product(self.profiles, regions)]

    @property
    def wide(self) -> bool:
        """Whether the scope holds more than one target (a table then names each row's)."""
        return len(self.profiles) > 1 or len(self.regions) > 1

    def label(self) -> str:
        """``3 profiles × 2 regions`` (the header's words), ``1 profile × 1 region`` at least."""

        def count(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        return f"{count(len(self.profiles), 'profile')} × {count(len(self.regions), 'region')}"


@dataclass(frozen=True)
class Found(Generic[T]):
    """One item found at one target, or that target's error (then ``item`` is None)."""

    target: Target
    account: str | None
    item: T | None = None
    error: EventdeckError | None = None
    also: tuple[str, ...] = ()  # other regions of the profile that failed to sign in alike

    @property
    def regions(self) -> str:
        """The row's region, or ``us-east-1 +2`` for a sign-in error of several regions."""
        return self.target.region + (f" +{len(self.also)}" if self.also else "")

    @property
    def where(self) -> str:
        """``profile (account) · region``: who and where, in one short string."""
        who = f"{self.target.profile} ({self.account})" if self.account else self.target.profile
        return f"{who} · {', '.join((self.target.region, *self.also))}"


def scope_regions(service: str, current: str | None) -> list[str]:
    """The regions a scope may hold for ``service``: where it exists, in ``current``'s partition."""
    return picker_regions([service], current)


@dataclass
class ScopeClients:
    """A client factory per target, made on first use and kept, and each target's account id.

    Why one per target: sessions and clients are per profile and region (clients are thread-safe
    and shared, sessions are not); the factory resolves the target as the user's own choice of
    that profile and region would (``options.with_(profile=…, region=…)``).
    """

    options: ConnectionOptions
    pool: CallPool
    make: Callable[[ConnectionOptions], ClientFactory] | None = None
    # profile -> its own dummy keys (the demo's profiles; never a real credential)
    credentials: dict[str, dict[str, str]] = field(default_factory=dict)
    _factories: dict[Target, ClientFactory] = field(default_factory=dict)
    _accounts: dict[Target, str | None] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def factory(self, target: Target) -> ClientFactory:
        """The factory whose calls go to ``target``'s profile and region."""
        with self._lock:
            found = self._factories.get(target)
            if found is None:
                given = self.credentials.get(target.profile)
                if given is not None:  # a demo profile: its keys, the demo's endpoint
                    extra = tuple(sorted(given.items()))
                    options = self.options.with_(region=target.region, extra=extra)
                else:
                    options = self.options.with_(profile=target.profile, region=target.region)
                found = (
                    self.make(options)
                    if self.make is not None
                    else ClientFactory(options, self.pool)
                )
                self._factories[target] = found
            return found

    def target_of(self, factory: ClientFactory) -> Target | None:
        """The target whose factory ``factory`` is (None: not one of this scope's)."""
        with self._lock:
            for target, made in self._factories.items():
                if made is factory:
                    return target
        return None

    def where(self, target: Target) -> Resolved:
        """``target``'s resolved connection, named by the target's profile and region.

        Why renamed: a demo profile signs with keys it carries (its resolved profile is then
        "default"); copy-as-CLI and the inspector must still say ``--profile staging``.
        """
        resolved = self.factory(target).resolved
        return replace(
            resolved,
            profile=Setting(target.profile, "--profile"),
            region=Setting(target.region, "--region"),
        )

    def account(self, target: Target) -> str | None:
        """The account id ``target``'s credentials belong to (STS GetCallerIdentity), or None.

        Why None and not an error: the account is a label; a role without sts permission (or a
        custom endpoint without STS) still lists, only without it. Asked once per target.
        """
        with self._lock:
            if target in self._accounts:
                return self._accounts[target]
        try:
            answer = self.factory(target).client("sts").get_caller_identity()
            account: str | None = str(answer.get("Account") or "") or None
        except Exception:  # the label is optional; the listing's own error is what matters
            account = None
        with self._lock:
            self._accounts[target] = account
        return account


def fan_out_scope(
    clients: ScopeClients,
    targets: Sequence[Target],
    listing: Callable[[ClientFactory], Iterable[T]],
    *,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
    hold_slot: bool = True,
) -> list[Found[T]]:
    """``listing(factory)`` at every target through the pool; items tagged with their target.

    Results keep the targets' order; a target whose listing raised gives one ``Found`` with its
    error (translated for the user: "SSO token expired … press L"), the others their items. A
    profile that must sign in is one row, whatever the number of its regions (``also``).
    ``hold_slot=False`` for listings that take pool slots themselves (a scan that fans out).
    Raises ScanCancelled once ``cancel`` is set (calls already on the wire finish).
    """

    def job(target: Target) -> tuple[str | None, list[T]]:
        items = list(listing(clients.factory(target)))
        return clients.account(target), items

    found: list[Found[T]] = []
    signed_out: dict[str, int] = {}  # profile -> index of its one sign-in error row
    outcomes = fan_out(
        clients.pool,
        job,
        list(targets),
        cancel=cancel,
        progress=progress,
        hold_slot=hold_slot,
        name="scope",
    )
    for outcome in outcomes:
        if outcome.error is not None:
            error = _translated(outcome.error)
            profile = outcome.item.profile
            if error.sso_sign_in and profile in signed_out:  # one row per profile to sign in
                first = found[signed_out[profile]]
                found[signed_out[profile]] = replace(first, also=(*first.also, outcome.item.region))
                continue
            if error.sso_sign_in:
                signed_out[profile] = len(found)
            found.append(Found(outcome.item, None, error=error))
            continue
        account, items = outcome.result or (None, [])
        found.extend(Found(outcome.item, account, item) for item in items)
    return found


def _translated(exc: BaseException) -> EventdeckError:
    from tui.services.errormap import translate

    return translate(exc)
