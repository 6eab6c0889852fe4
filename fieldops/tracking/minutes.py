"""The officer-minute summary the ingest keeps beside the fixes (tracking.models.OfficerMinute):
one row per officer and minute with a fix, saying whether a fix of that minute was inside
their post and whether one was outside it (only while on shift at a post)."""

from __future__ import annotations

import functools

from sqlalchemy.dialects import postgresql, sqlite

from fieldops.tracking import live
from fieldops.tracking.geometry import within_post
from fieldops.tracking.models import OfficerMinute


def rows(items) -> list[dict]:
    """The batch's fixes (ingest.PendingFix) as minute rows, one per officer and minute."""
    out: dict[tuple, dict] = {}
    for item in items:
        minute = item.fix.recorded_at.replace(second=0, microsecond=0)
        row = out.setdefault(
            (item.event_id, item.officer_id, minute),
            {
                "event_id": item.event_id,
                "officer_id": item.officer_id,
                "minute": minute,
                "inside": False,
                "outside": False,
            },
        )
        state = live.officer(item.event_id, item.officer_id)
        if state is None or state.post is None or state.shift is None:
            continue
        f = item.fix
        if within_post(f.lat, f.lon, f.accuracy, state.post):
            row["inside"] = True
        else:
            row["outside"] = True
    return list(out.values())


@functools.cache
def upsert(dialect: str):
    """INSERT … ON CONFLICT: a minute already kept becomes inside (outside) if any of its
    fixes was; resending a fix changes nothing."""
    table = OfficerMinute.__table__  # a plain executemany, as fieldops.tracking.ingest's
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return stmt.on_conflict_do_update(
        index_elements=["event_id", "officer_id", "minute"],
        set_={
            "inside": table.c.inside | stmt.excluded.inside,
            "outside": table.c.outside | stmt.excluded.outside,
        },
    )
