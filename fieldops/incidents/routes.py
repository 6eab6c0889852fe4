"""Incidents over HTTP: report, read, move through the lifecycle, dispatch, notes, photos."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from fieldops import openapi
from fieldops.alerts import flood
from fieldops.api import body_as, caller_and_event, photo_file, uploaded_photo
from fieldops.auth.models import FIELD_ROLES, Role
from fieldops.auth.principal import request_user, require
from fieldops.db import write_transaction
from fieldops.errors import Unauthorized
from fieldops.incidents import services
from fieldops.incidents.nearest import nearest_free_officers
from fieldops.incidents.schemas import (
    DispatchIn,
    IncidentIn,
    NoteIn,
    RespondIn,
    TransitionIn,
    incident_to_dict,
    photo_to_dict,
    timeline_entry_to_dict,
)

bp = Blueprint("incidents", __name__)


def _caller():
    user = request_user()
    if user is None:
        raise Unauthorized()
    return user


def _incident(incident_id: int):
    user = _caller()
    return user, services.visible_incident(incident_id, user, g.get("token_event_id"))


def _csv_arg(name: str) -> list[str] | None:
    value = request.args.get(name)
    return [v for v in value.split(",") if v] if value else None


@bp.post("/api/v1/events/<int:event_id>/incidents")
@require(*FIELD_ROLES)
def create_incident(event_id: int):
    """An officer's phone or a command user: 201 new, 200 a repeat of the same report."""
    user, event = caller_and_event(event_id)
    body = body_as(IncidentIn)
    flood.guard(event, user, "incident", body.client_id)
    with write_transaction():
        incident, created = services.report(event, user, body)
        data = incident_to_dict(incident)
    return jsonify(data), 201 if created else 200


@bp.get("/api/v1/events/<int:event_id>/incidents")
@require()
@openapi.query(status="comma-separated statuses", type="comma-separated types")
def list_incidents(event_id: int):
    """Staff: every incident; an officer: those they reported or were sent to."""
    user, event = caller_and_event(event_id)
    found = services.incidents_for(event, user, statuses=_csv_arg("status"), types=_csv_arg("type"))
    return jsonify(incidents=[incident_to_dict(i) for i in found])


@bp.get("/api/v1/incidents/<int:incident_id>")
@require()
def get_incident(incident_id: int):
    """The incident with its whole timeline, oldest first."""
    _user, incident = _incident(incident_id)
    entries = services.timeline(incident)
    return jsonify(
        incident_to_dict(incident) | {"timeline": [timeline_entry_to_dict(e) for e in entries]}
    )


@bp.post("/api/v1/incidents/<int:incident_id>/transitions")
@require(*FIELD_ROLES)
def post_transition(incident_id: int):
    """Acknowledge, resolve (with a disposition), cancel...; illegal moves are 409."""
    user, incident = _incident(incident_id)
    body = body_as(TransitionIn)
    with write_transaction():
        services.transition(
            incident,
            user,
            body.to,
            disposition=body.disposition,
            note=body.note,
            lat=body.lat,
            lon=body.lon,
        )
        data = incident_to_dict(incident)
    return jsonify(data)


@bp.get("/api/v1/incidents/<int:incident_id>/nearest")
@require()
def get_nearest(incident_id: int):
    """Free officers by distance from their latest fresh fix; stale ones apart."""
    user, incident = _incident(incident_id)
    services.require_dispatcher(user)
    return jsonify(nearest_free_officers(incident))


@bp.post("/api/v1/incidents/<int:incident_id>/assignments")
@require(Role.ADMIN, Role.COMMAND)
def post_assignments(incident_id: int):
    """Dispatch: each officer gets the incident full screen on their phone."""
    user, incident = _incident(incident_id)
    body = body_as(DispatchIn)
    with write_transaction():
        services.dispatch(incident, user, body.officer_ids)
        data = incident_to_dict(incident)
    return jsonify(data), 201


@bp.post("/api/v1/incidents/<int:incident_id>/respond")
@require(Role.OFFICER)
def post_respond(incident_id: int):
    """The officer sent to it: acknowledged, en_route, on_scene."""
    user, incident = _incident(incident_id)
    body = body_as(RespondIn)
    with write_transaction():
        services.respond(incident, user, body.status, lat=body.lat, lon=body.lon)
        data = incident_to_dict(incident)
    return jsonify(data)


@bp.post("/api/v1/incidents/<int:incident_id>/notes")
@require(*FIELD_ROLES)
def post_note(incident_id: int):
    user, incident = _incident(incident_id)
    body = body_as(NoteIn)
    with write_transaction():
        entry = services.add_note(incident, user, body.text, lat=body.lat, lon=body.lon)
        data = timeline_entry_to_dict(entry)
    return jsonify(data), 201


@bp.post("/api/v1/incidents/<int:incident_id>/photos")
@require(*FIELD_ROLES)
@openapi.upload("photo", "image/jpeg")
def post_photo(incident_id: int):
    """A real image only (checked by content), re-encoded without EXIF; 413 too big.

    Decoding and re-encoding take seconds for a big photo: they run off the hub."""
    user, incident = _incident(incident_id)
    processed = uploaded_photo()
    with write_transaction():
        photo, created = services.add_photo(incident, user, processed, current_app.instance_path)
        data = photo_to_dict(photo)
    return jsonify(data), 201 if created else 200


@bp.get("/api/v1/photos/<int:photo_id>")
@require()
@openapi.returns("image/jpeg")
def get_photo(photo_id: int):
    """Only to users who may see the photo's incident."""
    user = _caller()
    photo = services.visible_photo(photo_id, user, g.get("token_event_id"))
    path = services.photo_path(photo, current_app.instance_path)
    return photo_file(path)
