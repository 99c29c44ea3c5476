"""The size limits of a request: the 256 KB PutPartnerEvents entry size, entries per call.

Why apart: AWS counts sizes its own way (14 bytes for any Time, UTF-8 bytes of the rest) and the
list limits come from the model; the form, the batch check and bulk import's splitting by size
must all count alike.
"""

from __future__ import annotations

from typing import Any

from botocore.model import Shape

from tui.services import model
from tui.services.validation_fields import FieldError
from tui.words import count

MAX_PARTNER_ENTRY_BYTES = 256 * 1024
TIME_ENTRY_BYTES = 14  # what AWS counts for a Time member, whatever its value


def partner_entry_size(entry: dict[str, Any]) -> int:
    """The entry size as AWS computes it: 14 bytes for Time plus the UTF-8 sizes of the rest."""
    size = TIME_ENTRY_BYTES if entry.get("Time") is not None else 0
    for key in ("Source", "DetailType", "Detail"):
        value = entry.get(key)
        if isinstance(value, str):
            size += len(value.encode("utf-8"))
    for resource in entry.get("Resources") or []:
        if isinstance(resource, str):
            size += len(resource.encode("utf-8"))
    return size


def count_errors(n: int, shape: Shape, field: str, noun: str) -> list[FieldError]:
    low, high = model.limit(shape, "min") or 0, model.limit(shape, "max")
    if n < low:
        return [FieldError(None, field, f"add at least {low} {noun} before sending")]
    if high is not None and n > high:
        return [
            FieldError(
                None,
                field,
                f"at most {count(high, noun)} per call; this batch has {n}: "
                "remove some, or use bulk import to send them in batches",
            )
        ]
    return []
