"""Proactive work over HTTP: the officer logs it from the phone; staff read it."""

from __future__ import annotations

from flask import Blueprint, jsonify

from fieldops.api import body_as, caller_and_event
from fieldops.auth.models import Role
from fieldops.auth.principal import require
from fieldops.db import write_transaction
from fieldops.proactive import services
from fieldops.proactive.schemas import ProactiveIn, entry_to_dict, organizer_copy

bp = Blueprint("proactive", __name__)


@bp.post("/api/v1/events/<int:event_id>/proactive")
@require(Role.OFFICER)
def log_work(event_id: int):
    """A safety walk (`findings`), a conversation (`topic`: student, parent, staff) or a class
    or programme (`topic`, `attendees`); 200 for a repeat of the same `client_id`."""
    user, event = caller_and_event(event_id)
    body = body_as(ProactiveIn)
    with write_transaction():
        entry, created = services.log_work(event, user, body)
        data = entry_to_dict(entry)
    return jsonify(data), 201 if created else 200


@bp.get("/api/v1/events/<int:event_id>/proactive")
@require()
def list_work(event_id: int):
    """Staff: every entry (organizers without notes); an officer: their own."""
    user, event = caller_and_event(event_id)
    mine = user.id if user.role == Role.OFFICER else None
    entries = [entry_to_dict(e) for e in services.entries_of(event.id, mine)]
    if user.role == Role.ORGANIZER:
        entries = [organizer_copy(e) for e in entries]
    return jsonify(entries=entries)
