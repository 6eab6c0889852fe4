"""Incidents in a stream's snapshot: the command post's queue, an officer's own incidents."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists

from fieldops.db import utcnow
from fieldops.incidents import services
from fieldops.incidents.lifecycle import FINAL
from fieldops.incidents.models import Incident
from fieldops.incidents.schemas import incident_to_dict
from fieldops.snapshots import COMMAND, EVENT, OFFICER, VIEWER, part

# A closed incident stays on the desk this long after its last change.
CLOSED_KEPT_FOR = timedelta(hours=1)


@part(COMMAND)
def queue(event, viewer) -> dict:
    since = utcnow() - CLOSED_KEPT_FOR
    found = services.incidents_for(event, viewer)
    kept = [i for i in found if i.status not in FINAL or i.updated_at >= since]
    rule = {"statuses": sorted(FINAL), "for_s": CLOSED_KEPT_FOR.total_seconds()}
    return {"incidents": [incident_to_dict(i) for i in kept], "kept_closed_incidents": rule}


@part(OFFICER, rows=exists().where(Incident.event_id == EVENT, services.seen_by(VIEWER)))
def own_incidents(event, viewer, *, any_rows: bool) -> dict:
    """Those they reported or were ever sent to: the ones their stream tells them about."""
    found = services.incidents_for(event, viewer) if any_rows else []
    return {"incidents": [incident_to_dict(i) for i in found]}
