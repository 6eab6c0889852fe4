"""Incidents over the socket: the same services as HTTP, answered in the ack."""

from __future__ import annotations

from fieldops.alerts import flood
from fieldops.auth.models import FIELD_ROLES
from fieldops.db import write_transaction
from fieldops.errors import Forbidden
from fieldops.events.access import visible_event
from fieldops.incidents import services
from fieldops.incidents.schemas import incident_to_dict, parse_incident
from fieldops.sockets import handler, joined_event, principal


@handler("report")
def on_report(payload):
    """Officer or command, after `join`: an incident report → {"incident", "created"}."""
    user, token_event = principal()
    if user.role not in FIELD_ROLES:  # as POST .../incidents: before the payload is read
        raise Forbidden("organizers and area leads do not report incidents")
    event = visible_event(user, joined_event(), token_event)
    body = parse_incident(payload)
    flood.guard(event, user, "incident", body.client_id)
    with write_transaction():
        incident, created = services.report(event, user, body)
        data = incident_to_dict(incident)
    return {"incident": data, "created": created}
