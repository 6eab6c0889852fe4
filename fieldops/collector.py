"""The garbage collector, tuned for a serving process.

With 1,000 officers sending, Python's cyclic collector took a fifth of the server's CPU: a
full collection walked all 410,000 tracked objects (0.3 s) every ten seconds or so, and the
young generation was collected 40 times a second (bench/live.py, issue 13). Nearly all of
those objects are the app itself, loaded at start and never garbage, and nearly all the
garbage is freed by reference counting as it is made.

So, once the app is loaded, its objects are frozen out of the collector's view (`gc.freeze`,
about 200,000 here), and the collector runs less often: the young generation after 20,000
allocations, not 700. Full collections still come, after ten of the middle generation's,
about every 20 minutes at that load, so cycles that outlive a connection are still freed.
FIELDOPS_GC_THRESHOLDS sets the three thresholds ("700,10,10" is Python's own).
"""

from __future__ import annotations

import gc

DEFAULT_THRESHOLDS = "20000,50,10"


def parse_thresholds(text: str) -> tuple[int, int, int]:
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 3 or any(v < 1 for v in values):
        raise ValueError(f"FIELDOPS_GC_THRESHOLDS must be three positive integers, not {text!r}")
    return values


def tune(thresholds: tuple[int, int, int]) -> None:
    """Call once, when the app is loaded and before it serves."""
    gc.collect()  # what start-up left as garbage is not frozen with the rest
    gc.freeze()
    gc.set_threshold(*thresholds)


def stats() -> dict:
    """For /healthz."""
    return {
        "thresholds": list(gc.get_threshold()),
        "frozen": gc.get_freeze_count(),
        "collections": [generation["collections"] for generation in gc.get_stats()],
    }
