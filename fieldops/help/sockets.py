"""The help button over the socket: the same service as HTTP, answered in the ack."""

from __future__ import annotations

from fieldops.alerts import flood
from fieldops.alerts.schemas import alert_to_dict
from fieldops.db import write_transaction
from fieldops.errors import Forbidden
from fieldops.events.access import visible_event
from fieldops.help import services
from fieldops.help.schemas import parse_help
from fieldops.sockets import handler, joined_officer, principal


@handler("help")
def on_help(payload):
    """Officer, after `join`: officer needs help → {"alert"}."""
    officer_id, event_id = joined_officer()
    user, token_event = principal()
    if user.id != officer_id:
        raise Forbidden()
    event = visible_event(user, event_id, token_event)
    body = parse_help(payload)
    flood.guard(event, user, "help", body.client_id)
    with write_transaction():
        alert, _created = services.raise_help(event, user, body.client_id, body.lat, body.lon)
        data = alert_to_dict(alert)
    return {"alert": data}
