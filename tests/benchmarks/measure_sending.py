"""Measure "nothing doubled, nothing lost" for sends against the sandbox (issue 8, parts 2 and 3).

Run: ``python tests/benchmarks/measure_sending.py [--late-sends 10] [--lines 10000] [--kills 20]``.

1. Late answers: ``latency=1500ms,late=1.0`` (every request processed, every answer 1.5 s late)
   with a 1 s read timeout. Events received per event sent, for PutPartnerEvents and Personalize
   PutEvents, through eventdeck's send path and, for comparison, a plain boto3 client with the same
   retry settings (what eventdeck did before). Every unconfirmed entry must be reported as such.
2. A bulk import of a file with 5 bad lines, then the corrected file imported again (both kinds):
   events received, and how many were received twice.
3. kill -9 during bulk imports (half partner, half Personalize), each followed by a resume in which
   the user confirms re-sending the cut-off partner batches: lines lost, Personalize events
   recorded twice, partner entries received twice outside the batches the user confirmed.

The sandbox runs in this process; importers that get killed run in child processes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from tui.sandbox import start_sandbox
from tui.services.bulk_jobs import import_file, scan_file
from tui.services.options import ConnectionOptions
from tui.services.outbox import Outbox
from tui.services.partner_events import send_partner_request
from tui.services.personalize_events import send_personalize_request
from tui.services.session import ClientFactory

SOURCE = "aws.partner/example.com/measure"


def partner_line(n: int) -> str:
    return json.dumps({"Source": SOURCE, "DetailType": "t", "Detail": json.dumps({"n": n})})


def personalize_line(n: int) -> str:
    return json.dumps({"eventType": "click", "sentAt": "2024-05-01T12:00:00Z", "itemId": f"i-{n}"})


def measure_late(sb: Any, options: ConnectionOptions, sends: int) -> dict[str, Any]:
    """Events received per event sent when every answer comes after the read timeout."""
    out: dict[str, Any] = {}
    factory = ClientFactory(options.with_(read_timeout=1.0))
    sb.reset_received()
    sb.set_faults("latency=1500ms,late=1.0")
    statuses: Counter[str] = Counter()
    pstatuses: Counter[str] = Counter()
    for n in range(sends):
        entries = [{"Source": SOURCE, "DetailType": "t", "Detail": json.dumps({"n": n, "k": k})}
                   for k in range(2)]  # fmt: skip
        result = send_partner_request(factory, {"Entries": entries})
        statuses.update(r.status for r in result.entries)
        presult = send_personalize_request(factory, {
            "trackingId": "t", "sessionId": "s",
            "eventList": [{"eventType": "click", "sentAt": 1_700_000_000 + n, "eventId": f"e{n}"}],
        })  # fmt: skip
        pstatuses[presult.status] += 1
    time.sleep(1.6)  # let the last late answers finish server-side
    got = sb.received()
    from tui.sandbox.backends import personalize_events as pe

    out["eventdeck"] = {
        "partner_sent": 2 * sends,
        "partner_received": len(got["events"]),
        "partner_per_sent": len(got["events"]) / (2 * sends),
        "partner_statuses": dict(statuses),
        "personalize_sent": sends,
        "personalize_kept": len(got["personalize-events"]),
        "personalize_per_sent": len(got["personalize-events"]) / sends,
        "personalize_arrivals_incl_repeats": len(got["personalize-events"]) + pe.repeats(),
        "personalize_statuses": dict(pstatuses),
    }
    # Before: a plain botocore client, standard retries, same attempts (what eventdeck did).
    sb.reset_received()
    client = boto3.client(
        "events", endpoint_url=options.endpoint_url, verify=options.ca_bundle,
        region_name=options.region,
        config=Config(read_timeout=1.0, retries={"mode": "standard",
                                                 "total_max_attempts": options.max_attempts}),
    )  # fmt: skip
    for n in range(min(sends, 3)):
        with contextlib.suppress(Exception):  # the read timeout after the last attempt
            entry = {"Source": SOURCE, "DetailType": "t", "Detail": json.dumps({"n": n})}
            client.put_partner_events(Entries=[entry])
    time.sleep(1.6)
    out["plain_boto3_standard_retries"] = {
        "partner_per_sent": len(sb.received()["events"]) / min(sends, 3)
    }
    sb.set_faults(None)
    return out


def measure_reimport(sb: Any, options: ConnectionOptions, lines: int, tmp: Path) -> dict[str, Any]:
    """A file with 5 bad lines, then the corrected file: received and doubled, per kind."""
    out: dict[str, Any] = {}
    for kind, make, service, key in (
        ("partner-events", partner_line, "events", "Detail"),
        ("personalize-events", personalize_line, "personalize-events", "itemId"),
    ):
        sb.reset_received()
        outbox = Outbox(tmp / f"reimport-{kind}")
        factory = ClientFactory(options)
        good = [make(n) for n in range(lines)]
        bad_at = sorted(random.Random(8).sample(range(lines), 5))
        broken = [("{oops" if i in bad_at else line) for i, line in enumerate(good)]
        path = tmp / f"{kind}.jsonl"
        path.write_text("\n".join(broken) + "\n")
        ids: dict[str, Any] = (
            {"tracking_id": "t", "session_id": "s"} if kind == "personalize-events" else {}
        )
        report = scan_file(factory, outbox, path, kind, **ids)
        first = import_file(factory, outbox, path, kind, workers=4, **ids)
        path.write_text("\n".join(good) + "\n")
        second = import_file(factory, outbox, path, kind, workers=4, **ids)
        got = Counter(str(r[key]) for r in sb.received()[service])
        out[kind] = {
            "bad_lines_reported": [n for n, _ in report.bad],
            "first": {"sent": first.sent, "skipped": first.skipped},
            "second": {
                "sent": second.sent,
                "skipped": second.skipped,
                "delivered_before": second.delivered_before,
            },
            "received": len(got),
            "doubled": sum(1 for c in got.values() if c > 1),
        }
    return out


IMPORTER = """
import sys
from pathlib import Path
from tui.services.bulk_jobs import import_file, resume_import
from tui.services.options import ConnectionOptions
from tui.services.outbox import Outbox
from tui.services.session import ClientFactory
endpoint, ca, root, source, kind, job = sys.argv[1:7]
factory = ClientFactory(ConnectionOptions(region="us-east-1", endpoint_url=endpoint, ca_bundle=ca))
ids = {"tracking_id": "t", "session_id": "s"} if kind == "personalize-events" else {}
progress = lambda p: print(p.batches_done, flush=True)
if job == "-":
    import_file(factory, Outbox(Path(root)), source, kind, workers=4, progress=progress, **ids)
else:
    resume_import(factory, Outbox(Path(root)), job, workers=4, progress=progress,
                  resend_unconfirmed=True)
print("finished", flush=True)
"""


def measure_kills(sb: Any, options: ConnectionOptions, kills: int, tmp: Path) -> dict[str, Any]:
    """kill -9 a bulk import ``kills`` times (half per kind), resuming (re-send confirmed)."""
    out: dict[str, Any] = {}
    rng = random.Random(20)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    for kind, make, service, key in (
        ("partner-events", partner_line, "events", "Detail"),
        ("personalize-events", personalize_line, "personalize-events", "itemId"),
    ):
        sb.reset_received()
        sb.set_faults("latency=15ms")
        lines = 3000
        path = tmp / f"kill-{kind}.jsonl"
        path.write_text("".join(make(n) + "\n" for n in range(lines)))
        root = tmp / f"kill-{kind}"
        confirmed: set[str] = set()  # lines in cut-off batches the user chose to re-send
        killed = 0
        job = "-"
        for _ in range(kills // 2 + 1):
            outbox = Outbox(root)
            jobs = outbox.unfinished_jobs()
            if jobs:
                job = jobs[0]["id"]
                for record in outbox.job_batches(job):
                    if record.pending and record.kind == "partner-events":
                        confirmed.update(e["Detail"] for e in record.request["Entries"])
            proc = subprocess.Popen(
                [sys.executable, "-c", IMPORTER, options.endpoint_url or "",
                 options.ca_bundle or "", str(root), str(path), kind, job],
                stdout=subprocess.PIPE, text=True, env=env,
            )  # fmt: skip
            assert proc.stdout is not None
            if killed < kills // 2:
                target = rng.randint(2, 25)
                finished = False
                for line in proc.stdout:
                    if line.strip() == "finished":
                        finished = True
                        break
                    if line.strip().isdigit() and int(line) >= target:
                        break
                if not finished:
                    proc.send_signal(signal.SIGKILL)
                    killed += 1
                proc.wait()
            else:
                proc.communicate()
                break
        sb.set_faults(None)
        got = Counter(str(r[key]) for r in sb.received()[service])
        expected = {json.loads(make(n))[key] for n in range(lines)}
        doubled = {k for k, c in got.items() if c > 1}
        out[kind] = {
            "kills": killed,
            "lost": len(expected - set(got)),
            "doubled": len(doubled),
            "doubled_outside_confirmed_resends": len(doubled - confirmed),
            "confirmed_resend_entries": len(confirmed),
            "unfinished_jobs_left": len(Outbox(root).unfinished_jobs()),
        }
        if kind == "personalize-events":
            from tui.sandbox.backends import personalize_events as pe

            out[kind]["repeats_dropped_by_eventId"] = pe.repeats()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--late-sends", type=int, default=10)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--only", choices=["late", "reimport", "kills"], default=None)
    args = parser.parse_args()
    sb = start_sandbox(host="127.0.0.1", port=0, seed=1)
    for k, v in sb.env().items():
        if k != "AWS_ENDPOINT_URL":
            os.environ[k] = v
    options = ConnectionOptions(region=sb.region, endpoint_url=sb.endpoint,
                                ca_bundle=sb.ca_bundle, max_attempts=3)  # fmt: skip
    results: dict[str, Any] = {"load": os.getloadavg()}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["XDG_DATA_HOME"] = tmp
            if args.only in (None, "late"):
                results["late"] = measure_late(sb, options, args.late_sends)
            if args.only in (None, "reimport"):
                results["reimport"] = measure_reimport(sb, options, args.lines, Path(tmp))
            if args.only in (None, "kills"):
                results["kills"] = measure_kills(sb, options, args.kills, Path(tmp))
    finally:
        sb.stop()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
