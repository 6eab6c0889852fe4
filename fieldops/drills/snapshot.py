"""Drills in every stream's snapshot: the one on now and those ended within the last hour
(organizers: their copy)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists

from fieldops.auth.models import Role
from fieldops.db import utcnow
from fieldops.drills import services
from fieldops.drills.models import Drill
from fieldops.drills.schemas import organizer_copy
from fieldops.snapshots import COMMAND, EVENT, LEAD, OFFICER, part

CLOSED_KEPT_FOR = timedelta(hours=1)


@part(COMMAND, OFFICER, LEAD, rows=exists().where(Drill.event_id == EVENT))
def drills(event, viewer, *, any_rows: bool) -> dict:
    since = utcnow() - CLOSED_KEPT_FOR
    found = services.drills_of(event.id) if any_rows else []
    kept = [d for d in found if d.concluded_at is None or d.updated_at >= since]
    copies = services.to_dicts(kept, event.id)
    if viewer.role == Role.ORGANIZER:
        copies = [organizer_copy(c) for c in copies]
    return {"drills": copies, "kept_closed_drills": {"for_s": CLOSED_KEPT_FOR.total_seconds()}}
