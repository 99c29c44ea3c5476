"""kill -9 during bulk imports, resumed each time: nothing lost, nothing doubled behind the user's back."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from measure_sending import measure_kills


@pytest.mark.slow
def test_kill_9_during_bulk_imports_loses_nothing_and_doubles_only_confirmed_resends(
    sandbox_env: Any, sandbox_options: Any, tmp_path: Path
) -> None:
    # Each kind: an import killed 3 times mid-send, resumed each time with the user confirming
    # the re-send of the cut-off partner batches (the only entries allowed to arrive twice).
    result = measure_kills(sandbox_env, sandbox_options, 6, tmp_path)
    partner, personalize = result["partner-events"], result["personalize-events"]
    assert partner["kills"] == 3 and personalize["kills"] == 3
    assert partner["lost"] == 0 and personalize["lost"] == 0
    assert partner["doubled_outside_confirmed_resends"] == 0
    assert personalize["doubled"] == 0
    assert partner["unfinished_jobs_left"] == 0 and personalize["unfinished_jobs_left"] == 0
