"""jsonable: the fast paths for botocore's exact types give what the general isinstance path gives."""

from __future__ import annotations

import json
from collections import OrderedDict
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from tui.services.jsonable import _general, jsonable


class _Text(str):
    pass


def _sample() -> dict[object, object]:
    plus2 = timezone(timedelta(hours=2))
    return {
        "s": "x",
        "n": 3,
        "f": 1.5,
        "b": True,
        "none": None,
        7: "int key",
        "utc": datetime(2025, 6, 1, 12, 0, 0, 123000, tzinfo=UTC),
        "plus2": datetime(2025, 6, 1, 14, 0, tzinfo=plus2),
        "naive": datetime(2025, 6, 1, 12, 0),
        "day": date(2025, 6, 1),
        "blob": b"\x00\xffdata",
        "dec": Decimal("2.5"),
        "set": {3, 1, 2},
        "tuple": (1, datetime(2025, 1, 1, tzinfo=UTC)),
        "ordered": OrderedDict(a=datetime(2025, 1, 1, tzinfo=plus2)),
        "sub": _Text("subclass"),
        "obj": ValueError("boom"),
        "nested": {"list": [{"t": datetime(2025, 1, 2, tzinfo=UTC)}, "plain", 4], "plain": [1, 2]},
    }


def test_fast_path_matches_general_path() -> None:
    sample = _sample()
    fast = jsonable(sample)
    assert fast == _general(sample)
    json.dumps(fast)
    assert fast["utc"] == "2025-06-01T12:00:00.123000+00:00"
    assert fast["plus2"] == "2025-06-01T12:00:00+00:00"
    assert fast["naive"] == "2025-06-01T12:00:00"
    assert fast["7"] == "int key"
    assert fast["blob"] == "AP9kYXRh"
    assert fast["set"] == [1, 2, 3]
    assert fast["nested"]["list"][0]["t"] == "2025-01-02T00:00:00+00:00"


def test_result_is_a_copy() -> None:
    sample = _sample()
    fast = jsonable(sample)
    assert fast is not sample
    assert fast["nested"] is not sample["nested"]
    assert fast["nested"]["plain"] is not sample["nested"]["plain"]
    fast["nested"]["plain"].append(3)
    assert sample["nested"]["plain"] == [1, 2]
