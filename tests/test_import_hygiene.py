"""tui.services and tui.sandbox must load without textual or rich (house rule 1).

Checked in a fresh interpreter, since the test process itself has imported the UI.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import tui.sandbox
import tui.services

ROOT = Path(__file__).resolve().parents[1]


def _modules(package: object) -> list[str]:
    name = package.__name__  # type: ignore[attr-defined]
    paths = package.__path__  # type: ignore[attr-defined]
    return [name, *sorted(m.name for m in pkgutil.walk_packages(paths, prefix=f"{name}."))]


SCRIPT = """
import importlib, json, sys
names = json.loads(sys.argv[1])
failed = {}
for name in names:
    try:
        importlib.import_module(name)
    except Exception as exc:  # reported, so a broken module is not mistaken for a clean one
        failed[name] = f"{type(exc).__name__}: {exc}"
banned = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
print(json.dumps({"banned": banned, "failed": failed}))
"""


def _import_in_subprocess(names: list[str]) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(names)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_services_and_sandbox_never_load_textual_or_rich() -> None:
    names = _modules(tui.services) + _modules(tui.sandbox)
    assert "tui.services.errormap" in names and "tui.services.ivs_realtime" in names
    result = _import_in_subprocess(names)
    assert result["failed"] == {}, result["failed"]
    assert result["banned"] == [], (
        f"textual/rich loaded by tui.services or tui.sandbox: {result['banned']}"
    )


def test_the_check_can_fail() -> None:
    """Importing a UI module in the same way does load textual: the probe sees it."""
    result = _import_in_subprocess(["tui.ui.safe_text"])
    assert any(str(m).startswith("rich") for m in result["banned"])  # type: ignore[attr-defined]
