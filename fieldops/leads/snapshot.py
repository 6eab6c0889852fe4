"""An area lead's stream: the event, the campus and their areas (its drills come from
fieldops.drills.snapshot); nothing about officers, incidents or positions."""

from __future__ import annotations

from fieldops.db import utcnow
from fieldops.events.schemas import campus_to_list, event_to_dict
from fieldops.formats import iso
from fieldops.leads import services
from fieldops.leads.schemas import lead_to_dict
from fieldops.snapshots import LEAD, part


@part(LEAD)
def lead_view(event, viewer) -> dict:
    lead = services.lead_of(viewer, event.id)
    names = {a["id"]: a["name"] for a in services.campus_areas(event)}
    return {
        "event": event_to_dict(event),
        "campus": campus_to_list(event),
        "lead": lead_to_dict(lead, names) if lead else None,
        "server_time": iso(utcnow()),
    }
