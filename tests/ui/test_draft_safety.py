"""Nothing composed is lost: autosave while typing, SIGHUP/SIGTERM, a full disk, lone surrogates."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from compose_helpers import error_at, make_app, open_pane, wait_until

from tui.services import outbox as outbox_module
from tui.services.outbox import Outbox

REPO = Path(__file__).resolve().parents[2]


def _draft_on_disk(kind: str, root: Path | None = None) -> dict[str, Any] | None:
    """The draft file exactly as a kill -9 would leave it (read directly, not through the app)."""
    path = (root or outbox_module.default_root()) / "drafts" / f"{kind}.json"
    try:
        return json.loads(path.read_bytes())  # type: ignore[no-any-return]
    except FileNotFoundError:
        return None


async def test_steady_typing_is_saved_within_a_second(sandbox_options) -> None:  # type: ignore[no-untyped-def]
    """10 s of typing without a 1 s pause: the draft on disk lacks at most the last second.

    Reading the file while the app still runs is what a kill -9 leaves (no unmount, no save).
    The old debounce saved nothing until typing paused for a second: no draft at all here.
    """
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        field = pane.query_one("#entry-field-DetailType")
        field.focus()
        typed: list[tuple[float, str]] = []  # (when the app had processed it, text so far)
        text = ""
        start = time.monotonic()
        n = 0
        while time.monotonic() - start < 10.0:
            char = "abcdefghij"[n % 10]
            n += 1
            await pilot.press(char)
            text += char
            typed.append((time.monotonic(), text))
            await pilot.pause(0.1)
        killed_at = time.monotonic()
        draft = _draft_on_disk("partner-events")
        assert pane.entries[0]["DetailType"] == text
    assert draft is not None, "10 s of steady typing left no draft on disk"
    on_disk = draft["entries"][0]["DetailType"]
    assert text.startswith(on_disk)
    # Everything typed more than a second (plus a write's time: 0.75 s on a busy machine) before
    # the kill is there.
    older = [t for when, t in typed if when < killed_at - 1.75]
    assert older and len(on_disk) >= len(older[-1]), (len(on_disk), len(older[-1]), len(text))
    lag = killed_at - next(when for when, t in typed if t == on_disk)
    print(f"draft on disk lagged the last keystroke by {lag:.2f} s")


# -- a real `eventdeck --demo` in a pseudo-terminal ---------------------------------------------
class PtyApp:
    """``eventdeck --demo`` on a pseudo-terminal of 80x24, its output read in a thread."""

    def __init__(self, env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.master = master
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tui.cli", "--demo"],
            stdin=slave, stdout=slave, stderr=slave, cwd=REPO, start_new_session=True,
            env={**env, "TERM": "xterm-256color", "PYTHONPATH": str(REPO)},
        )  # fmt: skip
        os.close(slave)
        self._out = bytearray()
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self._out += data

    def screen_text(self) -> str:
        """Everything written so far, escape sequences removed (enough to find a drawn word)."""
        with self._lock:
            raw = bytes(self._out)
        return re.sub(r"\x1b(\[[0-9;?<>]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|.)", "", raw.decode(
            "utf-8", "replace"))  # fmt: skip

    def wait_for(self, words: str, *, after: int = 0, timeout: float = 60.0) -> None:
        """Wait until ``words`` is drawn (in what was written from offset ``after`` on)."""
        deadline = time.monotonic() + timeout
        while words not in self.screen_text()[after:]:
            assert self.proc.poll() is None, f"eventdeck exited: {self.screen_text()[-2000:]}"
            assert time.monotonic() < deadline, f"{words!r} never shown"
            time.sleep(0.05)

    def send(self, data: str) -> None:
        os.write(self.master, data.encode("utf-8"))

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        with contextlib.suppress(OSError):
            os.close(self.master)


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_sighup_and_sigterm_save_the_draft_and_exit_cleanly(isolated_dirs: Path, sig: int) -> None:
    """The SSH link drops (the terminal goes away, SIGHUP) or a supervisor stops us (SIGTERM).

    The text is pasted and the signal sent as soon as it is on screen: well within the autosave's
    second, so only the signal handler can have saved it (today's code dies with nothing saved).
    """
    app = PtyApp(dict(os.environ))
    try:
        app.wait_for("IVS")
        app.send("4")
        app.wait_for("Entry list")
        drawn = len(app.screen_text())
        app.send("\r")  # Enter on the entry: edit its first field (Source)
        app.wait_for("f1 Help", after=drawn)  # the hint line of a text field: focus moved
        marker = f"aws.partner/example.com/sig{int(sig)}"
        app.send(f"\x1b[200~{marker}\x1b[201~")  # a paste, drawn in one piece
        app.wait_for(marker)
        if sig == signal.SIGHUP:
            os.close(app.master)  # the terminal is gone: every write from now on fails
        os.kill(app.proc.pid, sig)
        app.proc.wait(30)
    finally:
        app.close()
    root = isolated_dirs / "data" / "eventdeck" / "demo" / "outbox"
    draft = _draft_on_disk("partner-events", root)
    assert draft is not None, "no draft written on the signal"
    assert draft["entries"][0]["Source"] == marker
    # An exit through the handler (0, or 128+signal if the launcher passes the app's code on),
    # not death by the signal (a negative return code).
    assert app.proc.returncode in (0, 128 + sig), app.proc.returncode
    if sig == signal.SIGTERM:
        assert "Traceback" not in app.screen_text()


# -- a failed save says so ----------------------------------------------------------------------
async def test_a_full_disk_says_draft_not_saved(sandbox_options, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """ENOSPC while autosaving: "Draft not saved: disk full", never "AWS call failed"."""
    real_write = outbox_module.atomic_write_bytes

    def full_disk(path: Path, data: bytes, **kwargs: Any) -> None:
        if path.parent.name == "drafts":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real_write(path, data, **kwargs)

    monkeypatch.setattr(outbox_module, "atomic_write_bytes", full_disk)
    app = make_app(sandbox_options)
    shown: list[tuple[str, str]] = []
    notify = app.notify

    def record(message: str, **kwargs: Any) -> None:
        shown.append((str(kwargs.get("title", "")), message))
        notify(message, **kwargs)

    monkeypatch.setattr(app, "notify", record)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        pane.query_one("#entry-field-DetailType").focus()
        await pilot.press(*"Order")
        status = pane.query_one("#compose-status")
        await wait_until(pilot, lambda: "Draft not saved" in str(status.render()))
        assert "Draft not saved: disk full" in str(status.render())
        assert pane.entries[0]["DetailType"] == "Order"  # still on screen, still editable
        await pilot.press(*"s")
        await pilot.pause(1.5)  # another save fails: one message, not one a second
    titles = [title for title, _ in shown]
    assert "AWS call failed" not in titles
    assert titles.count("Draft not saved") == 1
    assert any("Draft not saved: disk full" in message for _, message in shown)


# -- lone surrogates are refused where they are typed -------------------------------------------
async def test_lone_surrogate_in_the_raw_json_is_refused_and_the_draft_survives(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        pane.query_one("#entry-field-DetailType").focus()
        await pilot.press(*"kept")
        await pilot.press("f2")
        raw = pane.query_one("#compose-raw")
        bad = {"Entries": [{"Source": "aws.partner/example.com/o", "DetailType": "x",
                            "Detail": {"note": "PLACEHOLDER"}}]}  # fmt: skip
        raw.load_text(json.dumps(bad).replace("PLACEHOLDER", "\\ud800"))  # type: ignore[attr-defined]
        await pilot.pause()
        label = pane.query_one("#compose-raw-error")
        await wait_until(pilot, lambda: "not valid Unicode" in label.message)  # type: ignore[attr-defined]
        assert "lone surrogate at Entries[0].Detail.note" in label.message  # type: ignore[attr-defined]
        await pilot.press("f2")  # refused: stays in the JSON view, the form keeps its batch
        assert pane.json_mode
        assert pane.entries[0]["DetailType"] == "kept"
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
    # The app stopped without a UnicodeEncodeError, the draft on disk is readable and whole.
    draft = _draft_on_disk("partner-events")
    assert draft is not None and draft["entries"][0]["DetailType"] == "kept"
    assert sandbox_env.received()["events"] == []


async def test_lone_surrogate_in_personalize_properties_is_refused_at_the_field(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    from compose_helpers import fill

    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "5")
        await fill(pilot, pane, "trackingId", "t-1", header=True)
        await fill(pilot, pane, "sessionId", "s-1", header=True)
        await fill(pilot, pane, "eventType", "click")
        await fill(pilot, pane, "properties", '{"note": "\\ud800"}')
        assert "not valid Unicode: lone surrogate at properties.note" in error_at(
            pane, "properties"
        )
        await fill(pilot, pane, "eventValue", "1_000")
        assert "as JSON writes it" in error_at(pane, "eventValue")
        await pilot.press("ctrl+s")  # refused: no confirmation, nothing sent
        await pilot.pause(0.3)
        assert pane.sends_in_flight == 0
    assert sandbox_env.received()["personalize-events"] == []
    draft = _draft_on_disk("personalize-events")
    assert draft is not None and draft["entries"][0]["properties"] == '{"note": "\\ud800"}'


def test_a_file_batch_with_a_lone_surrogate_is_refused(tmp_path: Path) -> None:
    from tui.errors import InputError
    from tui.services.cli_input import load_request_file

    path = tmp_path / "batch.json"
    path.write_text('[{"Source": "aws.partner/a/b", "DetailType": "x\\udc80", "Detail": "{}"}]')
    with pytest.raises(InputError) as caught:
        load_request_file(f"file://{path}", "put-partner-events")
    assert "not valid Unicode: lone surrogate at Entries[0].DetailType, character 2" in str(
        caught.value
    )


def test_a_draft_holding_a_lone_surrogate_is_still_saved_whole(tmp_path: Path) -> None:
    """If one ever gets past the fields, the draft is written with \\u escapes, not lost."""
    outbox = Outbox(tmp_path)
    draft = {"entries": [{"Detail": '{"a": "\ud800"}'}]}
    outbox.save_draft("partner-events", draft)
    assert Outbox(tmp_path).load_draft("partner-events") == draft
