"""Drills over HTTP: command starts one and gives the all clear; whoever is in an area (its
lead, an officer sweeping it, command relaying the radio) reports it."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template
from flask_login import current_user

from fieldops.api import body_as, caller_and_event
from fieldops.auth.models import Role
from fieldops.auth.principal import require
from fieldops.db import write_transaction
from fieldops.drills import record, services
from fieldops.drills.schemas import AreaReportIn, DrillNotes, DrillStart, organizer_copy
from fieldops.events.access import visible_event

bp = Blueprint("drills", __name__)

REPORTERS = (Role.ADMIN, Role.COMMAND, Role.OFFICER, Role.AREA_LEAD)


def _copy(user, drill) -> dict:
    data = services.to_dict(drill)
    return organizer_copy(data) if user.role == Role.ORGANIZER else data


def _drill_and_caller(drill_id: int):
    drill = services.get_drill(drill_id)
    user, _event = caller_and_event(drill.event_id)
    return user, drill


@bp.post("/api/v1/events/<int:event_id>/drills")
@require(Role.ADMIN, Role.COMMAND)
def start_drill(event_id: int):
    """Hold, Secure, Lockdown, Evacuate or Shelter, as a DRILL or REAL, for the whole campus
    (no `area_ids`) or some of its areas. 409 `drill_in_progress` while another is on."""
    user, event = caller_and_event(event_id)
    body = body_as(DrillStart)
    with write_transaction():
        drill, created = services.start(event, user, body)
        data = services.to_dict(drill)
    return jsonify(data), 201 if created else 200


@bp.get("/api/v1/events/<int:event_id>/drills")
@require()
def list_drills(event_id: int):
    """Every drill of the event, newest first."""
    user, event = caller_and_event(event_id)
    copies = services.to_dicts(services.drills_of(event.id), event.id)
    if user.role == Role.ORGANIZER:
        copies = [organizer_copy(c) for c in copies]
    return jsonify(drills=copies)


@bp.get("/api/v1/drills/<int:drill_id>")
@require()
def get_drill(drill_id: int):
    user, drill = _drill_and_caller(drill_id)
    return jsonify(_copy(user, drill))


@bp.post("/api/v1/drills/<int:drill_id>/reports")
@require(*REPORTERS)
def report_area(drill_id: int):
    """An area secured or evacuated, with its counts and problems; the answer is the drill."""
    user, drill = _drill_and_caller(drill_id)
    body = body_as(AreaReportIn)
    with write_transaction():
        drill, created = services.report_area(drill, user, body)
        data = services.to_dict(drill)
    return jsonify(data), 201 if created else 200


@bp.post("/api/v1/drills/<int:drill_id>/all-clear")
@require(Role.ADMIN, Role.COMMAND)
def all_clear(drill_id: int):
    user, drill = _drill_and_caller(drill_id)
    body = body_as(DrillNotes, required=False)
    with write_transaction():
        drill = services.all_clear(drill, user, body.notes or None)
        data = services.to_dict(drill)
    return jsonify(data)


@bp.patch("/api/v1/drills/<int:drill_id>")
@require(Role.ADMIN, Role.COMMAND)
def patch_drill(drill_id: int):
    """The drill record's notes (what the state's form asks for besides the timings)."""
    user, drill = _drill_and_caller(drill_id)
    body = body_as(DrillNotes)
    with write_transaction():
        data = services.to_dict(services.set_notes(drill, user, body.notes))
    return jsonify(data)


@bp.get("/events/<int:event_id>/drills")
def record_page(event_id: int):
    """The school's drill record (printable): every drill at its events with its timings,
    problems and notes, time to complete across drills, and the count per type and school
    year. Organizers (the principal) read it without the notes."""
    if not current_user.is_authenticated:
        abort(401)
    if current_user.role not in (Role.ADMIN, Role.COMMAND, Role.ORGANIZER):
        abort(403)
    event = visible_event(current_user, event_id)
    page = record.build(event, private=current_user.role != Role.ORGANIZER)
    return render_template("drills.html", **page)
