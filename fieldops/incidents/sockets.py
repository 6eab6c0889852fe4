"""Incidents and help calls over the socket: the same services as HTTP, answered in the ack."""

from __future__ import annotations

from fieldops.alerts import services as alerts
from fieldops.alerts.schemas import parse_help
from fieldops.db import write_transaction
from fieldops.errors import Forbidden
from fieldops.events.access import visible_event
from fieldops.incidents import services
from fieldops.incidents.schemas import incident_to_dict, parse_incident
from fieldops.sockets import handler, joined_event, joined_officer, principal


@handler("report")
def on_report(payload):
    """Officer or command, after `join`: an incident report → {"incident", "created"}."""
    user, token_event = principal()
    event = visible_event(user, joined_event(), token_event)
    body = parse_incident(payload)
    with write_transaction():
        incident, created = services.report(event, user, body)
        data = incident_to_dict(incident)
    return {"incident": data, "created": created}


@handler("help")
def on_help(payload):
    """Officer, after `join`: officer needs help → {"alert"}."""
    officer_id, event_id = joined_officer()
    user, _token_event = principal()
    if user.id != officer_id:
        raise Forbidden()
    body = parse_help(payload)
    with write_transaction():
        alert, _created = alerts.raise_help(event_id, user, body.client_id, body.lat, body.lon)
        data = alerts.alert_to_dict(alert)
    return {"alert": data}
