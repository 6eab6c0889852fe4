"""Area leads over HTTP: the staff code's areas and the join (anonymous, like an officer's),
the lead page, and an admin's new staff code."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from fieldops import openapi
from fieldops.api import body_as, caller_and_event
from fieldops.auth.models import Role
from fieldops.auth.principal import require
from fieldops.db import write_transaction
from fieldops.errors import ApiError
from fieldops.events.schemas import event_to_dict
from fieldops.leads import services
from fieldops.leads.schemas import LeadJoinIn, lead_to_dict
from fieldops.throttle import code_guess

bp = Blueprint("leads", __name__)


@bp.get("/api/v1/lead/areas")
@openapi.query(code="the event's staff code")
def areas_for_code():
    """What a staff code opens: the school's name and its buildings and areas, to pick from."""
    code = request.args.get("code", "")
    if not code.strip():
        raise ApiError("give the staff code", code="invalid", field="code", status=422)
    with code_guess():
        event = services.event_by_staff_code(code)
    return jsonify(event={"id": event.id, "name": event.name}, areas=services.campus_areas(event))


@bp.post("/api/v1/lead/join")
def join():
    """A teacher or staff member joins for the areas they lead: a device token for their
    phone, which reaches only the drills (no location is shared, no officer is shown)."""
    body = body_as(LeadJoinIn)
    with code_guess(), write_transaction():
        lead, token, event = services.join(body.code, body.name, body.area_ids)
        names = {a["id"]: a["name"] for a in services.campus_areas(event)}
        data = {"lead": lead_to_dict(lead, names), "event": event_to_dict(event)}
    return jsonify(data | {"device_token": token}), 201


@bp.post("/api/v1/events/<int:event_id>/staff-code")
@require(Role.ADMIN)
def reissue_staff_code(event_id: int):
    _user, event = caller_and_event(event_id)
    with write_transaction():
        code = services.new_staff_code(event)
    return jsonify(event_id=event.id, staff_code=code)


@bp.get("/lead")
def lead_page():
    """An area lead's phone: join with the staff code, then the drill and the area report."""
    from fieldops.vocabulary import vocabulary

    return render_template("lead.html", vocabulary=vocabulary())
