"""Who may see students' records, reading and adding them (each logged), and the log."""

from __future__ import annotations

from sqlalchemy import select

from fieldops.auth.models import Role, User
from fieldops.db import utcnow
from fieldops.errors import Forbidden
from fieldops.events.models import Event
from fieldops.extensions import db
from fieldops.incidents.models import Incident
from fieldops.incidents.services import publish
from fieldops.students.models import StudentAccess, StudentRecord
from fieldops.students.schemas import StudentIn


def _school_admin(user: User, event: Event) -> bool:
    return event.school_admin_id is not None and user.id == event.school_admin_id


def may_see(user: User, event: Event) -> bool:
    """Command and admin, and the school's designated administrator for its events."""
    return user.role in (Role.ADMIN, Role.COMMAND) or _school_admin(user, event)


def check_access(user: User, event: Event) -> None:
    """Students' records: command, admin and the school's administrator (Forbidden else)."""
    if not may_see(user, event):
        raise Forbidden("students' records are for command, admin and the school's administrator")


def _log(incident: Incident, user: User, action: str) -> None:
    db.session.add(
        StudentAccess(
            event_id=incident.event_id,
            incident_id=incident.id,
            user_id=user.id,
            action=action,
            at=utcnow(),
        )
    )


def students_of(incident: Incident, user: User) -> list[StudentRecord]:
    """The incident's students; the read is logged (commit the transaction this runs in)."""
    check_access(user, db.session.get(Event, incident.event_id))
    _log(incident, user, "viewed")
    query = select(StudentRecord).where(StudentRecord.incident_id == incident.id)
    return list(db.session.scalars(query.order_by(StudentRecord.id)))


def add_student(incident: Incident, user: User, body: StudentIn) -> StudentRecord:
    """A student recorded on the incident, which is then marked as involving students."""
    check_access(user, db.session.get(Event, incident.event_id))
    record = StudentRecord(
        incident_id=incident.id,
        name=body.name,
        grade=body.grade,
        role_in_incident=body.role_in_incident,
        details=body.details,
        guardian_contacted_at=body.guardian_contacted_at,
        created_by_id=user.id,
        created_at=utcnow(),
    )
    db.session.add(record)
    _log(incident, user, "added")
    if not incident.involves_students:  # the flag (never who) reaches every screen
        incident.involves_students = True
        incident.updated_at = utcnow()
        publish(incident, actor=user)
    db.session.flush()
    return record


def access_log(event: Event, user: User) -> list[StudentAccess]:
    if user.role != Role.ADMIN and not _school_admin(user, event):
        raise Forbidden("the access log is for admins and the school's administrator")
    query = select(StudentAccess).where(StudentAccess.event_id == event.id)
    return list(db.session.scalars(query.order_by(StudentAccess.id)))
