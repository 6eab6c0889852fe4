"""Alarms over HTTP: the command post's list and acknowledgement (the help button: help/)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from fieldops import openapi
from fieldops.alerts import services
from fieldops.alerts.schemas import alert_to_dict
from fieldops.api import caller_and_event
from fieldops.auth.models import Role
from fieldops.auth.principal import request_user, require
from fieldops.db import write_transaction
from fieldops.events.access import visible_event

bp = Blueprint("alerts", __name__)


@bp.get("/api/v1/events/<int:event_id>/alerts")
@require()
@openapi.query(open="`1`: only alarms still open")
def list_alerts(event_id: int):
    """Staff: the event's alarms (`?open=1`: not yet acknowledged or called off). An officer:
    their own help alarms and the colleagues' they were told of."""
    user, event = caller_and_event(event_id)
    open_only = request.args.get("open") in ("1", "true")
    found = services.alerts_for(event.id, open_only=open_only, viewer=user)
    return jsonify(alerts=[alert_to_dict(a) for a in found])


def act_on_alert(alert_id: int, act) -> dict:
    """The alarm, if the caller may see its event, after `act(alert, user)` is committed."""
    user = request_user()
    alert = services.get_alert(alert_id)
    visible_event(user, alert.event_id)
    with write_transaction():
        act(alert, user)
        return alert_to_dict(alert)


@bp.post("/api/v1/alerts/<int:alert_id>/acknowledge")
@require(Role.ADMIN, Role.COMMAND)
def acknowledge_alert(alert_id: int):
    """A named command user silences the alarm on every screen; 409 if someone already did."""
    return jsonify(act_on_alert(alert_id, services.acknowledge))
