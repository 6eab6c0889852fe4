"""The help button over HTTP: call for help, call it off."""

from __future__ import annotations

from flask import Blueprint, jsonify

from fieldops.alerts import flood
from fieldops.alerts.routes import act_on_alert
from fieldops.alerts.schemas import alert_to_dict
from fieldops.api import body_as, caller_and_event
from fieldops.auth.models import Role
from fieldops.auth.principal import require
from fieldops.db import write_transaction
from fieldops.help import services
from fieldops.help.schemas import HelpIn

bp = Blueprint("help", __name__)


@bp.post("/api/v1/events/<int:event_id>/help")
@require(Role.OFFICER)
def post_help(event_id: int):
    """Officer needs help: the top alarm on every command screen and a critical incident;
    201, or 200 for a retry of the same press. Pushed to command, the officer and the officers
    within 1 km."""
    user, event = caller_and_event(event_id)
    body = body_as(HelpIn)
    flood.guard(event, user, "help", body.client_id)
    with write_transaction():
        alert, created = services.raise_help(event, user, body.client_id, body.lat, body.lon)
        data = alert_to_dict(alert)
    return jsonify(data), 201 if created else 200


@bp.post("/api/v1/alerts/<int:alert_id>/cancel")
@require(Role.OFFICER)
def cancel_help(alert_id: int):
    """The officer who called for help calls it off (a false alarm); kept on the record,
    pushed to everyone who follows the call."""
    return jsonify(act_on_alert(alert_id, services.cancel_help))
