"""Alarms over HTTP: an officer's help call, the command post's list and acknowledgement."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from fieldops.alerts import services
from fieldops.alerts.schemas import parse_help
from fieldops.api import caller_and_event, json_body
from fieldops.auth.models import Role
from fieldops.auth.principal import request_user, require
from fieldops.db import write_transaction
from fieldops.events.access import visible_event

bp = Blueprint("alerts", __name__)


@bp.post("/api/v1/events/<int:event_id>/help")
@require(Role.OFFICER)
def post_help(event_id: int):
    """Officer needs help: the top alarm on every command screen; 200 for a retry."""
    user, event = caller_and_event(event_id)
    body = parse_help(json_body())
    with write_transaction():
        alert, created = services.raise_help(event.id, user, body.client_id, body.lat, body.lon)
        data = services.alert_to_dict(alert)
    return jsonify(data), 201 if created else 200


@bp.get("/api/v1/events/<int:event_id>/alerts")
@require(Role.ADMIN, Role.COMMAND, Role.ORGANIZER)
def list_alerts(event_id: int):
    _user, event = caller_and_event(event_id)
    open_only = request.args.get("open") in ("1", "true")
    found = services.alerts_for(event.id, open_only=open_only)
    return jsonify(alerts=[services.alert_to_dict(a) for a in found])


@bp.post("/api/v1/alerts/<int:alert_id>/acknowledge")
@require(Role.ADMIN, Role.COMMAND)
def acknowledge_alert(alert_id: int):
    """A named command user silences the alarm on every screen; 409 if someone already did."""
    user = request_user()
    alert = services.get_alert(alert_id)
    visible_event(user, alert.event_id)
    with write_transaction():
        services.acknowledge(alert, user)
        data = services.alert_to_dict(alert)
    return jsonify(data)
