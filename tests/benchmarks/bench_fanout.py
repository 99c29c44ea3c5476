"""Listing IVS stages across 4 profiles × 3 regions: through the call pool against one after another.

Run: ``python tests/benchmarks/bench_fanout.py [--reps N] [--latency 100ms] [--pool 4]``. The
sandbox runs in its own process with ``--faults latency=100ms`` (every request answered 100 ms
late, as a far region would), the profiles are an AWS config of the user's kind (four
``[profile …]`` sections whose keys sign for four sandbox accounts), and each of the 12 targets
makes the calls the app makes: ListStages (every page), and sts:GetCallerIdentity once per target
(the PROFILE column's account; asked in the warm-up, then cached as in the app). Both contenders
use ``tui.services.scope`` with warm clients: ``fan_out_scope`` through the pool, against the
same listing per target in a loop.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Table, interleave, isolate_home, load_line, start_sandbox_process

from tests.aws_profiles import write_profiles
from tui.services import ivs_realtime as ivs
from tui.services.options import ConnectionOptions
from tui.services.pool import CallPool
from tui.services.scope import Scope, ScopeClients, fan_out_scope
from tui.services.triage_scans import all_items

PROFILES = ("prod", "staging", "eu", "acct-1")
REGIONS = ("us-east-1", "us-west-2", "eu-central-1")


def listing(factory: Any) -> list[ivs.Stage]:
    """Every stage of one target (what the scoped stages level runs per target)."""
    return all_items(partial(ivs.list_stages, factory), threading.Event())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--latency", default="100ms")
    parser.add_argument(
        "--pool", type=int, default=4, help="the pool size (eventdeck's default: 4)"
    )
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="eventdeck-bench-fanout-"))
    isolate_home(home)
    (home / ".aws").mkdir()
    os.environ["AWS_CONFIG_FILE"] = str(home / ".aws" / "config")
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(home / ".aws" / "credentials")
    write_profiles(home, extra=1)
    sb = start_sandbox_process("--seed", "1", "--faults", f"latency={args.latency}")
    os.environ["AWS_ENDPOINT_URL"] = sb.endpoint  # the sandbox's export lines
    os.environ["AWS_CA_BUNDLE"] = sb.ca_bundle
    try:
        scope = Scope(PROFILES, REGIONS)
        targets = scope.targets()
        options = ConnectionOptions(max_attempts=1)
        pooled = ScopeClients(options, CallPool(args.pool))
        serial = ScopeClients(options, CallPool(args.pool))
        counts: dict[str, int] = {}

        def run_pooled() -> float:
            start = time.perf_counter()
            found = fan_out_scope(pooled, targets, listing)
            elapsed = time.perf_counter() - start
            counts["pooled"] = len(found)
            assert all(f.error is None for f in found), [f.error for f in found if f.error]
            return elapsed

        def run_serial() -> float:
            start = time.perf_counter()
            rows = 0
            for target in targets:
                factory = serial.factory(target)
                with serial.pool.slot():
                    rows += len(listing(factory))
                    serial.account(target)
            elapsed = time.perf_counter() - start
            counts["serial"] = rows
            return elapsed

        print(
            f"{len(targets)} targets ({scope.label()}), latency {args.latency} per request, "
            f"pool of {args.pool} · {load_line()}",
            file=sys.stderr,
        )
        results = interleave({"serial": run_serial, "pooled": run_pooled}, args.reps)
        assert counts["serial"] == counts["pooled"], counts
        table = Table(
            f"IVS stages across {scope.label()} ({len(targets)} targets, {counts['pooled']} "
            f"stages), sandbox latency {args.latency}, pool {args.pool}",
        )
        table.add("one after another (baseline)", results["serial"], results["serial"])
        table.add("fan_out_scope through the pool", results["pooled"], results["serial"])
        speedups = [s / p for s, p in zip(results["serial"], results["pooled"], strict=True)]
        speedups.sort()
        table.notes.append(
            f"speed-up: {speedups[len(speedups) // 2]:.2f}× median "
            f"({speedups[0]:.2f}–{speedups[-1]:.2f}×); {len(targets)} ListStages calls a run "
            "(accounts cached after the warm-up)"
        )
        table.print()
    finally:
        sb.stop()


if __name__ == "__main__":
    main()
