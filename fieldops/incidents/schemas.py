"""What a report and each later step must look like, and the one serializer for incidents
(REST and sockets)."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field, Strict
from pydantic_core import PydanticCustomError

from fieldops.formats import iso
from fieldops.incidents.models import (
    AssignmentStatus,
    Incident,
    IncidentAssignment,
    IncidentType,
    Photo,
    Severity,
    TimelineEntry,
)
from fieldops.payloads import Flag, Latitude, Longitude, Payload, Position, Text, When, parse

DEFAULT_SEVERITY = {
    IncidentType.MEDICAL: Severity.HIGH,
    IncidentType.CROWD: Severity.MEDIUM,
    IncidentType.TRAFFIC: Severity.MEDIUM,
    IncidentType.SUSPICIOUS: Severity.HIGH,
    IncidentType.FIGHT: Severity.HIGH,
    IncidentType.LOST_PERSON: Severity.HIGH,
    IncidentType.HAZARD: Severity.MEDIUM,
    IncidentType.OTHER: Severity.LOW,
    IncidentType.BEHAVIOURAL: Severity.LOW,
    IncidentType.BULLYING: Severity.MEDIUM,
    IncidentType.THREAT: Severity.HIGH,
    IncidentType.WEAPON: Severity.CRITICAL,
    IncidentType.INTRUDER: Severity.CRITICAL,
    IncidentType.DRUGS: Severity.MEDIUM,
    IncidentType.WELFARE: Severity.MEDIUM,
    IncidentType.OFFICER_HELP: Severity.CRITICAL,
}
SEVERITY_RANK = {s: rank for rank, s in enumerate(reversed(Severity))}  # critical = 0


# Made by the client (a UUID, say) so a retry is recognised as the same report.
ClientId = Annotated[
    str, Strict(), Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
]
MAX_DISPATCH = 20


class IncidentIn(Payload):
    model_config = ConfigDict(extra="forbid")

    client_id: ClientId
    type: IncidentType
    severity: Severity | None = None
    lat: Latitude
    lon: Longitude
    note: Text(2000, blank=True) = ""
    involves_students: Flag = False
    reported_at: When

    @property
    def effective_severity(self) -> Severity:
        return self.severity or DEFAULT_SEVERITY[self.type]

    def fingerprint(self, event_id: int) -> str:
        """Same report body, same hash: a repeat is recognised, a different body is not."""
        body = self.model_dump(mode="json") | {
            "event_id": event_id,
            "severity": self.effective_severity.value,
            "reported_at": self.reported_at.timestamp(),
        }
        if not self.involves_students:  # as before the flag existed: a retry still matches
            body.pop("involves_students")
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def parse_incident(body) -> IncidentIn:
    return parse(IncidentIn, body)


class TransitionIn(Position):
    """Acknowledge, resolve (with a disposition), cancel...: the lifecycle says which."""

    to: Text(24)
    disposition: Text(24) | None = None
    note: Text(2000, blank=True) = ""


def _different_ids(ids: list) -> list[int]:
    if (
        not ids
        or len(ids) > MAX_DISPATCH
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
        or len(set(ids)) != len(ids)
    ):
        raise PydanticCustomError(
            "officer_ids",
            "must be a list of 1 to {most} different officer ids",
            {"most": MAX_DISPATCH},
        )
    return ids


class DispatchIn(Payload):
    officer_ids: Annotated[list, Strict(), AfterValidator(_different_ids)]


class RespondIn(Position):
    status: Text(24)


class NoteIn(Position):
    text: Text(2000, strip=True)


def person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.id, "name": user.display_name, "badge": user.badge, "role": user.role.value}


def assignment_to_dict(assignment: IncidentAssignment) -> dict:
    overdue = assignment.escalated_at is not None and assignment.acknowledged_at is None
    return {
        "officer_id": assignment.officer_id,
        "name": assignment.officer.display_name,
        "badge": assignment.officer.badge,
        "status": assignment.status.value,
        "dispatched_at": iso(assignment.dispatched_at),
        "acknowledged_at": iso(assignment.acknowledged_at),
        "en_route_at": iso(assignment.en_route_at),
        "on_scene_at": iso(assignment.on_scene_at),
        "released_at": iso(assignment.released_at),
        "overdue": overdue and assignment.status == AssignmentStatus.DISPATCHED,
    }


def photo_to_dict(photo: Photo) -> dict:
    return {
        "id": photo.id,
        "url": f"/api/v1/photos/{photo.id}",
        "width": photo.width,
        "height": photo.height,
    }


def timeline_entry_to_dict(entry: TimelineEntry) -> dict:
    return {
        "id": entry.id,
        "kind": entry.kind,
        "actor": person(entry.actor),
        "at": iso(entry.at),
        "lat": entry.lat,
        "lon": entry.lon,
        "data": entry.data or {},
    }


def incident_to_dict(incident: Incident) -> dict:
    return {
        "id": incident.id,
        "event_id": incident.event_id,
        "client_id": incident.client_id,
        "type": incident.type.value,
        "severity": incident.severity.value,
        "status": incident.status.value,
        "disposition": incident.disposition.value if incident.disposition else None,
        "lat": incident.lat,
        "lon": incident.lon,
        "place": incident.place,
        "note": incident.note,
        "involves_students": incident.involves_students,
        "reported_by": person(incident.reported_by),
        "reported_at": iso(incident.reported_at),
        "received_at": iso(incident.received_at),
        "updated_at": iso(incident.updated_at),
        "assignments": [assignment_to_dict(a) for a in incident.assignments],
        "photos": [photo_to_dict(p) for p in incident.photos],
    }
