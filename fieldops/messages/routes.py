"""Messages over HTTP: command sends, officers read and acknowledge."""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from fieldops.api import body_as, caller_and_event
from fieldops.auth.models import Role
from fieldops.auth.principal import request_user, require
from fieldops.db import write_transaction
from fieldops.events.access import visible_event
from fieldops.messages import services
from fieldops.messages.schemas import MessageIn, message_to_dict

bp = Blueprint("messages", __name__)


@bp.post("/api/v1/events/<int:event_id>/messages")
@require(Role.ADMIN, Role.COMMAND)
def post_message(event_id: int):
    user, event = caller_and_event(event_id)
    body = body_as(MessageIn)
    with write_transaction():
        message = services.send(event, user, body.text, body.to, body.priority)
        data = message_to_dict(message)
    return jsonify(data), 201


@bp.get("/api/v1/events/<int:event_id>/messages")
@require()
def list_messages(event_id: int):
    user, event = caller_and_event(event_id)
    return jsonify(messages=services.messages_for(event, user))


@bp.post("/api/v1/messages/<int:message_id>/acknowledge")
@require(Role.OFFICER)
def acknowledge_message(message_id: int):
    user = request_user()
    message = services.get_message(message_id)
    visible_event(user, message.event_id, g.get("token_event_id"))
    with write_transaction():
        data = services.acknowledge(message, user)
    return jsonify(data)
