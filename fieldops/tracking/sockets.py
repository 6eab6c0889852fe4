"""Tracking over the socket: an officer's phone streams its fixes."""

from __future__ import annotations

from fieldops.errors import ApiError, Forbidden
from fieldops.events.access import visible_event
from fieldops.sockets import handler, joined_event_id, principal
from fieldops.tracking import services
from fieldops.tracking.schemas import parse_fixes


@handler("position")
def on_position(payload):
    """Officer's phone, after `join`: one fix or a list (the HTTP body); ack {"accepted": n}."""
    user, token_event = principal()
    if user.role != "officer":
        raise Forbidden("only officers report positions")
    event_id = joined_event_id()
    if event_id is None:
        raise ApiError(
            "join an event before sending positions",
            code="not_joined",
            field="event_id",
            status=409,
        )
    visible_event(user, event_id, token_event)
    fixes = parse_fixes(payload)
    return {"accepted": services.record_fixes(event_id, user, fixes, "socket")}
