"""One serializer for an alarm: REST answers, the command stream and officers' streams."""

from __future__ import annotations

from fieldops.alerts.models import Alert
from fieldops.auth.models import User
from fieldops.formats import iso
from fieldops.incidents.lifecycle import ACTIVE_ASSIGNMENT
from fieldops.tracking import live
from fieldops.tracking.geometry import distance_m


def _someone(user: User | None) -> dict | None:
    return {"id": user.id, "name": user.display_name} if user else None


def responders(alert: Alert) -> list[dict]:
    """Officers sent to the alarm's incident, with how far they are from it now."""
    incident = alert.incident
    if incident is None:
        return []
    target = (alert.lat, alert.lon) if alert.lat is not None else (incident.lat, incident.lon)
    found = []
    for assignment in incident.assignments:
        if assignment.status not in ACTIVE_ASSIGNMENT:
            continue
        state = live.officer(alert.event_id, assignment.officer_id)
        fix = state.fix if state else None
        found.append(
            {
                "officer_id": assignment.officer_id,
                "name": assignment.officer.display_name,
                "badge": assignment.officer.badge,
                "status": assignment.status.value,
                "distance_m": round(distance_m(*target, fix["lat"], fix["lon"])) if fix else None,
            }
        )
    return found


def alert_to_dict(alert: Alert) -> dict:
    """The one serializer for an alarm: REST answers, the command stream, officers' streams."""
    officer = alert.officer
    incident = alert.incident
    return {
        "id": alert.id,
        "event_id": alert.event_id,
        "kind": alert.kind.value,
        "priority": alert.priority,
        "incident_id": alert.incident_id,
        "incident_status": incident.status.value if incident is not None else None,
        "officer": {"id": officer.id, "name": officer.display_name, "badge": officer.badge}
        if officer
        else None,
        "lat": alert.lat,
        "lon": alert.lon,
        "place": alert.place,
        "message": alert.message,
        "raised_at": iso(alert.raised_at),
        "acknowledged_at": iso(alert.acknowledged_at),
        "acknowledged_by": _someone(alert.acknowledged_by),
        "cancelled_at": iso(alert.cancelled_at),
        "cancelled_by": _someone(alert.cancelled_by),
        "responders": responders(alert),
    }
