"""Lost persons in a stream's snapshot: for the command post (and organizers, their copy)
the open ones and those closed within the last hour; for an officer, the open ones."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists

from fieldops.auth.models import Role
from fieldops.db import utcnow
from fieldops.lostpersons import services
from fieldops.lostpersons.models import LostPerson
from fieldops.lostpersons.schemas import (
    is_open,
    lost_person_to_dict,
    officer_copy,
    organizer_copy,
)
from fieldops.snapshots import COMMAND, EVENT, OFFICER, part

# A closed record (reunited, cancelled, matched) stays on the desk this long after its last
# change.
CLOSED_KEPT_FOR = timedelta(hours=1)


@part(COMMAND)
def desk(event, viewer) -> dict:
    since = utcnow() - CLOSED_KEPT_FOR
    kept = [p for p in services.lost_persons_of(event.id) if is_open(p) or p.updated_at >= since]
    copies = [lost_person_to_dict(p) for p in kept]
    if viewer.role == Role.ORGANIZER:
        copies = [organizer_copy(c) for c in copies]
    rule = {"for_s": CLOSED_KEPT_FOR.total_seconds()}
    return {"lost_persons": copies, "kept_closed_lost_persons": rule}


@part(OFFICER, rows=exists().where(LostPerson.event_id == EVENT))
def search(event, viewer, *, any_rows: bool) -> dict:
    found = [p for p in services.lost_persons_of(event.id) if is_open(p)] if any_rows else []
    at_exit = bool(found) and viewer.id in services.officers_at_exits(event.id)
    return {"lost_persons": [officer_copy(lost_person_to_dict(p), at_exit=at_exit) for p in found]}
