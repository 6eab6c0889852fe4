"""The few statistics the report states, with the rule it prints beside them."""

from __future__ import annotations

import math
from collections.abc import Iterable

PERCENTILE_RULE = (
    "Median and 90th percentile by linear interpolation between the closest ranks "
    "(as spreadsheets' PERCENTILE.INC does)."
)


def percentile(values: Iterable[float], p: float) -> float | None:
    """The p-th percentile (0–100) by linear interpolation between closest ranks; None if
    there are no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Iterable[float]) -> float | None:
    return percentile(values, 50)


def spread(values: list[float]) -> dict:
    """{n, median, p90, max} of a list of seconds (None where empty)."""
    return {
        "n": len(values),
        "median": median(values),
        "p90": percentile(values, 90),
        "max": max(values) if values else None,
    }
