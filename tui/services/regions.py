"""Which AWS regions each service exists in, from botocore's own endpoint data.

Why: IVS Real-Time, Customer Profiles and Personalize exist in a handful of regions; a call in any
other region fails at DNS, which botocore reports as "Could not connect". Knowing where a service
is lets an error say "not available in X; available in …" and lets the region picker show, per
pane, where it works, without asking the network.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from tui.services.resolve import data_session

# Services with a single global endpoint: the region setting does not decide where calls go.
GLOBAL_SERVICES = frozenset({"codecatalyst"})
# Data-plane services absent from botocore's endpoints.json; they live where their control plane
# does (Personalize's PutEvents endpoint exists in every region Personalize does).
_REGIONS_OF = {"personalize-events": "personalize"}


@cache
def service_regions(service: str) -> tuple[str, ...]:
    """Every region (all partitions) where ``service`` has an endpoint; empty when unknown."""
    session = data_session()
    source = _REGIONS_OF.get(service, service)
    found: set[str] = set()
    for partition in session.get_available_partitions():
        found.update(session.get_available_regions(source, partition_name=partition))
    return tuple(sorted(found))


@cache
def _partitions() -> tuple[dict[str, Any], ...]:
    """The partitions of botocore's endpoints.json (regions and DNS suffix of each)."""
    data = data_session().get_component("data_loader").load_data("endpoints")
    return tuple(data.get("partitions", []))


@cache
def known_regions() -> frozenset[str]:
    """Every region botocore knows of, in every partition."""
    regions: set[str] = set()
    for partition in _partitions():
        regions.update(partition.get("regions", {}))
    return frozenset(regions)


@cache
def dns_suffixes() -> tuple[str, ...]:
    """The DNS suffixes of AWS's own endpoints (amazonaws.com, api.aws, amazonaws.com.cn, …)."""
    suffixes = {"api.aws"}
    for partition in _partitions():
        if partition.get("dnsSuffix"):
            suffixes.add(partition["dnsSuffix"])
    return tuple(sorted(suffixes))


def available_in(service: str, region: str | None) -> bool | None:
    """Whether ``service`` exists in ``region``: True, False, or None (global, or unknown)."""
    if not region or service in GLOBAL_SERVICES:
        return None
    regions = service_regions(service)
    if not regions:
        return None
    return region in regions


def _host(url: str) -> str:
    return (urlsplit(url if "//" in url else f"https://{url}").hostname or "").lower()


def is_aws_endpoint(url: str | None) -> bool:
    """Whether ``url`` is one of AWS's own endpoints (not the sandbox, a proxy or LocalStack)."""
    host = _host(url) if url else ""
    return bool(host) and any(host == s or host.endswith("." + s) for s in dns_suffixes())


def region_of_aws_endpoint(url: str | None) -> str | None:
    """The region named in an AWS endpoint URL (``ivsrealtime.sa-east-1.amazonaws.com``), else None.

    A custom endpoint (the sandbox, a proxy, LocalStack) gives None: its services are not AWS's.
    """
    if not url or not is_aws_endpoint(url):
        return None
    host = _host(url)
    regions = known_regions()
    for label in host.split("."):
        if label in regions:
            return label
    return None


def region_label(url: str | None) -> str | None:
    """The label before AWS's DNS suffix (``x.eu-west1.amazonaws.com`` → ``eu-west1``), if any.

    Why: a region botocore does not know (a typo) still lands in the hostname it builds.
    """
    if not url or not is_aws_endpoint(url):
        return None
    host = _host(url)
    for suffix in sorted(dns_suffixes(), key=len, reverse=True):
        if host.endswith("." + suffix):
            labels = host[: -len(suffix) - 1].split(".")
            return labels[-1] if len(labels) > 1 else None
    return None


def unavailable_message(service: str, region: str) -> str:
    """'ivs-realtime is not available in sa-east-1; available in: …' (one line)."""
    where = ", ".join(service_regions(service)) or "no region botocore knows of"
    if region not in known_regions():
        return f"'{region}' is not an AWS region; {service} is available in: {where}."
    return f"{service} is not available in {region}; available in: {where}."


def partition_of(region: str | None) -> str:
    """The partition (aws, aws-cn, aws-us-gov, …) that ``region`` belongs to; "aws" if unknown."""
    for partition in _partitions():
        if region and region in partition.get("regions", {}):
            return str(partition.get("partition", "aws"))
    return "aws"


def picker_regions(services: Iterable[str], current: str | None = None) -> list[str]:
    """The regions of ``current``'s partition where at least one of ``services`` exists.

    Why the partition: credentials of one partition (aws, aws-cn, aws-us-gov) do not work in
    another, so offering those regions would only lead to a sign-in error.
    """
    session = data_session()
    partition = partition_of(current)
    found: set[str] = set()
    for service in services:
        source = _REGIONS_OF.get(service, service)
        found.update(session.get_available_regions(source, partition_name=partition))
    if current:
        found.add(current)
    return sorted(found)


def region_note(region: str, panes: Sequence[tuple[str, str]]) -> str:
    """Which of ``panes`` ((label, service) pairs) work in ``region``, as a short note.

    'all panes', or 'not: IVS, Profiles' naming the panes whose service is absent there; a
    service with a global endpoint (CodeCatalyst) or no endpoint data counts as working.
    """
    missing = [label for label, service in panes if available_in(service, region) is False]
    if not missing:
        return "all panes"
    if len(missing) == len(panes):
        return "no pane"
    return "not: " + ", ".join(missing)


def where_note(label: str, service: str) -> str:
    """'IVS: ap-northeast-1, …' or 'CodeCatalyst: one global endpoint' for the picker's header."""
    if service in GLOBAL_SERVICES:
        return f"{label}: any region (one global endpoint)"
    regions = service_regions(service)
    return f"{label}: {', '.join(regions)}" if regions else f"{label}: unknown"
