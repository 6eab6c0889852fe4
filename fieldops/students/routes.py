"""Students' records over HTTP: command, admin and the school's designated administrator;
every read and write is logged, and the log is for admins and that administrator."""

from __future__ import annotations

from flask import Blueprint, jsonify

from fieldops.api import body_as, caller_and_event
from fieldops.audit import services as audit
from fieldops.audit.models import AuditAction
from fieldops.auth.models import Role, User
from fieldops.auth.principal import require
from fieldops.db import get_or_404, write_transaction
from fieldops.errors import ApiError
from fieldops.extensions import db
from fieldops.incidents.models import Incident
from fieldops.students import services
from fieldops.students.schemas import SchoolAdminIn, StudentIn, access_to_dict, student_to_dict

bp = Blueprint("students", __name__)


def _incident(incident_id: int):
    incident = get_or_404(Incident, incident_id, "incident")
    user, event = caller_and_event(incident.event_id)
    services.check_access(user, event)  # before the body is read: a stranger gets 403
    return user, event, incident


@bp.get("/api/v1/incidents/<int:incident_id>/students")
@require(Role.ADMIN, Role.COMMAND, Role.ORGANIZER)
def list_students(incident_id: int):
    user, _event, incident = _incident(incident_id)
    with write_transaction():  # the read is logged before it is answered
        data = [student_to_dict(s) for s in services.students_of(incident, user)]
    return jsonify(students=data)


@bp.post("/api/v1/incidents/<int:incident_id>/students")
@require(Role.ADMIN, Role.COMMAND, Role.ORGANIZER)
def add_student(incident_id: int):
    user, _event, incident = _incident(incident_id)
    body = body_as(StudentIn)
    with write_transaction():
        data = student_to_dict(services.add_student(incident, user, body))
    return jsonify(data), 201


@bp.get("/api/v1/events/<int:event_id>/students/access-log")
@require(Role.ADMIN, Role.ORGANIZER)
def access_log(event_id: int):
    user, event = caller_and_event(event_id)
    return jsonify(access=[access_to_dict(e) for e in services.access_log(event, user)])


@bp.put("/api/v1/events/<int:event_id>/school-admin")
@require(Role.ADMIN)
def set_school_admin(event_id: int):
    """Designate the school's administrator (an organizer login) who, besides command and
    admin, may read the students' records of this event; `{"user_id": null}` removes them."""
    _user, event = caller_and_event(event_id)
    body = body_as(SchoolAdminIn)
    with write_transaction():
        if body.user_id is not None:
            chosen = db.session.get(User, body.user_id)
            if chosen is None or chosen.role != Role.ORGANIZER:
                raise ApiError(
                    "the school's administrator is an organizer login",
                    code="invalid",
                    field="user_id",
                    status=422,
                )
        if event.school_admin_id != body.user_id:
            audit.record(
                AuditAction.SCHOOL_ADMIN_CHANGED,
                subject=audit.event_subject(event.id),
                detail={"from": event.school_admin_id, "to": body.user_id},
            )
        event.school_admin_id = body.user_id
    return jsonify(event_id=event.id, school_admin_id=body.user_id)
