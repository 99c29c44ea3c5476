"""The launch's early call: a child forked before Textual loads fetches the first page.

Each test runs `eventdeck ivs-realtime list-participant-events …` through the real start-up path
in a subprocess (tests/ui/launch_probe.py), configured as users do: the sandbox's AWS_* variables
(AWS_ENDPOINT_URL, AWS_CA_BUNDLE, AWS_REGION, keys) or an AWS_PROFILE in ~/.aws/config. The
sandbox in this process counts the ListParticipantEvents requests it answers.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from tui.sandbox import backends

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def user_env(sandbox_env, monkeypatch: pytest.MonkeyPatch) -> Any:  # type: ignore[no-untyped-def]
    """The sandbox's export lines in the environment, AWS_ENDPOINT_URL included."""
    for key, value in sandbox_env.env().items():
        monkeypatch.setenv(key, value)
    return sandbox_env


class Requests:
    """ListParticipantEvents requests the sandbox answered: how many, and which failed on purpose."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.answered = 0
        self.fail_first = 0
        self.hold_first = threading.Event()  # set: the first request is answered only then
        self.hold_first.set()


@pytest.fixture
def requests(monkeypatch: pytest.MonkeyPatch) -> Requests:
    module = backends.get("ivs")
    assert module is not None
    seen = Requests()
    original = module.handle

    def counting(method: str, path: str, *rest: Any) -> Any:
        if path.endswith("/ListParticipantEvents"):
            with seen.lock:
                seen.count += 1
                number = seen.count
            if number <= seen.fail_first:  # the sandbox answers 500 InternalFailure
                raise RuntimeError("injected by the test")
            if number == 1:
                seen.hold_first.wait(120)
            with seen.lock:
                seen.answered += 1
        return original(method, path, *rest)

    monkeypatch.setattr(module, "handle", counting)
    return seen


def participant(sandbox: Any) -> tuple[str, str, str, list[str]]:
    """A demo participant with events: stage ARN, session id, participant id, event names."""
    import boto3

    client = boto3.client(
        "ivs-realtime",
        endpoint_url=sandbox.endpoint,
        verify=sandbox.ca_bundle,
        region_name=sandbox.region,
    )
    for stage in client.list_stages()["stages"]:
        for session in client.list_stage_sessions(stageArn=stage["arn"])["stageSessions"]:
            sid = session["sessionId"]
            for p in client.list_participants(stageArn=stage["arn"], sessionId=sid)["participants"]:
                events = client.list_participant_events(
                    stageArn=stage["arn"], sessionId=sid, participantId=p["participantId"]
                )["events"]
                if events:
                    return stage["arn"], sid, p["participantId"], [e["name"] for e in events]
    raise AssertionError("the demo data has no participant events")


def launch_words(who: tuple[str, str, str, list[str]]) -> list[str]:
    """The AWS CLI words a user pastes for ``who``'s events."""
    stage, sid, pid, _ = who
    words = ["ivs-realtime", "list-participant-events"]
    return [*words, "--stage-arn", stage, "--session-id", sid, "--participant-id", pid]


def run_probe(mode: str, who: tuple[str, str, str, list[str]], **env: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.ui.launch_probe", mode, *launch_words(who)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def assert_page_shown(result: dict[str, Any], who: tuple[str, str, str, list[str]]) -> None:
    """The early call was forked and the pane shows the participant's first page, no error."""
    assert result["forked"]
    assert result["error"] is None
    assert result["events"][: len(who[3])] == who[3]


@pytest.fixture
def who(user_env) -> tuple[str, str, str, list[str]]:  # type: ignore[no-untyped-def]
    return participant(user_env)


def test_the_first_page_comes_from_the_early_call_one_request(user_env, requests, who) -> None:  # type: ignore[no-untyped-def]
    requests.count = 0
    result = run_probe("parent-never-calls", who)
    assert_page_shown(result, who)
    assert requests.count == 1  # one ListParticipantEvents for the first page, not two


def test_a_page_for_another_destination_is_discarded(user_env, requests, who, tmp_path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "same-ca-other-path.pem"
    shutil.copy(user_env.ca_bundle, other)
    early = run_probe("early-only", who, PROBE_OTHER_CA_BUNDLE=str(other))
    assert "events" not in early
    assert early["discarded"] == ["the early page was fetched for another destination"]
    same = run_probe("early-only", who)
    assert same["events"] == who[3][: len(same["events"])]  # the same destination: handed over

    requests.count = 0
    result = run_probe("other-destination", who, PROBE_OTHER_CA_BUNDLE=str(other))
    assert_page_shown(result, who)
    assert requests.count == 2  # the app switched: it asked again itself, at the new destination


def test_a_failed_early_call_falls_back_to_the_normal_call(
    user_env, requests, who, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # the child's one attempt gets the 500
    requests.count, requests.fail_first = 0, 1
    result = run_probe("plain", who)
    assert_page_shown(result, who)
    assert requests.count == 2
    assert len(result["discarded"]) == 1
    assert result["discarded"][0].startswith("the early call failed")


def test_a_killed_early_call_falls_back_to_the_normal_call(user_env, requests, who) -> None:  # type: ignore[no-untyped-def]
    requests.answered = 0
    requests.hold_first.clear()  # the child's request, if it gets one out, is never answered
    try:
        result = run_probe("kill", who)
    finally:
        requests.hold_first.set()
    assert_page_shown(result, who)
    assert result["discarded"] == ["the early call's process ended without an answer"]
    assert requests.answered == 1  # the app's own call


def test_an_mfa_profile_is_left_to_the_app_the_child_never_prompts(  # type: ignore[no-untyped-def]
    user_env, requests, who, isolated_dirs, monkeypatch
) -> None:
    aws = isolated_dirs / ".aws"
    (aws / "config").write_text(
        "[profile base]\nregion = us-east-1\n"
        "[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/triage\n"
        "source_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n"
    )
    (aws / "credentials").write_text(
        "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = secretbase\n"
    )
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_PROFILE", "mfa")
    requests.count = 0
    result = run_probe("early-only", who)
    assert result["forked"]
    assert len(result["discarded"]) == 1 and "MFA" in result["discarded"][0]
    assert requests.count == 0


def test_nothing_of_the_page_or_the_keys_lands_on_disk(user_env, requests, who, tmp_path) -> None:  # type: ignore[no-untyped-def]
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    before = {p for p in tmp_path.rglob("*") if p.is_file()}
    result = run_probe("parent-never-calls", who, TMPDIR=str(scratch))
    assert result["events"]
    secret = os.environ["AWS_SECRET_ACCESS_KEY"].encode()
    for path in (p for p in tmp_path.rglob("*") if p.is_file() and p not in before):
        data = path.read_bytes()
        assert secret not in data, path
        assert who[2].encode() not in data, path  # the participant's id: its page, its request
        assert b"eventTime" not in data, path


def test_the_fork_happens_before_textual_is_imported(user_env, requests, who) -> None:  # type: ignore[no-untyped-def]
    """The child is forked before the UI loads (so it runs beside it), and by the real path."""
    script = (
        "import sys\n"
        "from tui.args import build_parser, parse_operation\n"
        "from tui.launch import prepare_launch\n"
        "args, rest = build_parser().parse_known_args(sys.argv[1:])\n"
        "ctx, early = prepare_launch(args, parse_operation(rest))\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich'})\n"
        "print(early is not None, loaded)\n"
        "early.discard()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, *launch_words(who)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == ["True", "[]"]


def test_the_first_paint_needs_no_botocore_the_child_resolves(user_env, requests, who) -> None:  # type: ignore[no-untyped-def]
    """The parent paints with the child's resolution; it imports botocore only afterwards."""
    requests.count = 0
    result = run_probe("parent-never-calls", who)
    assert_page_shown(result, who)
    assert result["botocore_at_first_paint"] is False
    # The launcher's pause of the cyclic GC lasts through the first frame, and ends after it.
    assert result["gc_enabled_in_compose"] is False
    assert result["gc_enabled"]
    region = user_env.region
    assert result["header_before_confirm"] == f"{region} (from AWS_REGION)"
    assert result["region"] == region and region in result["header"]


def test_a_config_changed_before_the_app_resolves_switches_and_refetches(  # type: ignore[no-untyped-def]
    user_env, requests, who
) -> None:
    """The child resolved one region, the app another: the early page is not shown under it."""
    requests.count = 0
    result = run_probe("config-changes", who, PROBE_NEW_REGION="eu-north-1")
    assert result["forked"]
    assert result["header_before_confirm"].startswith(user_env.region)
    assert result["region"] == "eu-north-1" and "eu-north-1" in result["header"]
    assert user_env.region not in result["header"]
    # The participant lives in the first region: nothing of its page stays on screen.
    assert result["events"] == [] and "Stage not found" in result["error"]
    assert result["crumb"] == f"participant {who[2]}"  # the launch view, opened again there
    assert requests.count == 2  # the child's call, then the app's own at the new region


def test_an_unknown_profile_exits_2_in_one_line_with_the_early_child(  # type: ignore[no-untyped-def]
    user_env, requests, who, tmp_path
) -> None:
    """The child's resolution says the profile is unknown: one line, status 2, no UI, no call."""
    trace = tmp_path / "trace"
    requests.count = 0
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from tui.cli import main; sys.exit(main())",
            "--profile",
            "nope",
            *launch_words(who),
        ],
        cwd=ROOT,
        env={**os.environ, "EVENTDECK_LAUNCH_TRACE": str(trace)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr[-3000:]
    lines = proc.stderr.strip().splitlines()
    assert lines[0].startswith("eventdeck: The AWS profile 'nope' (from --profile) does not exist")
    assert proc.stdout == ""  # the UI never took the terminal
    assert "early-forked" in trace.read_text()  # the child resolved it, not the parent
    assert requests.count == 0
