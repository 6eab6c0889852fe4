"""A student as command records them on an incident, and the one serializer of a record (it
travels only in answers to command, admin and the school's administrator: never in a
snapshot, an envelope, a report or an export)."""

from __future__ import annotations

from fieldops.formats import iso
from fieldops.payloads import Id, Payload, Text, When
from fieldops.students.models import StudentAccess, StudentRecord


class StudentIn(Payload):
    name: Text(120, strip=True)
    grade: Text(20, blank=True, strip=True) = ""
    role_in_incident: Text(40, blank=True, strip=True) = ""  # "involved", "witness", "target"…
    details: Text(4000, blank=True) = ""
    guardian_contacted_at: When | None = None


def student_to_dict(record: StudentRecord) -> dict:
    return {
        "id": record.id,
        "incident_id": record.incident_id,
        "name": record.name,
        "grade": record.grade,
        "role_in_incident": record.role_in_incident,
        "details": record.details,
        "guardian_contacted_at": iso(record.guardian_contacted_at),
        "created_by": {"id": record.created_by.id, "name": record.created_by.display_name},
        "created_at": iso(record.created_at),
    }


def access_to_dict(entry: StudentAccess) -> dict:
    return {
        "incident_id": entry.incident_id,
        "user": {
            "id": entry.user.id,
            "name": entry.user.display_name,
            "role": entry.user.role.value,
        },
        "action": entry.action,
        "at": iso(entry.at),
    }


class SchoolAdminIn(Payload):
    user_id: Id | None
