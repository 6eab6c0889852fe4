"""Tracking over HTTP: the officer page's fallback, shifts, status, and the snapshot."""

from __future__ import annotations

from flask import Blueprint, jsonify

from fieldops import openapi, snapshots
from fieldops.api import body_as, caller_and_event, json_body
from fieldops.auth.models import Role
from fieldops.auth.principal import request_caller, require
from fieldops.db import write_transaction
from fieldops.errors import Forbidden
from fieldops.payloads import Position
from fieldops.tracking import live, services
from fieldops.tracking.schemas import CheckInIn, FixIn, StatusIn, shift_to_dict

bp = Blueprint("tracking", __name__)


def _officer_and_event(event_id: int):
    user, event = caller_and_event(event_id)
    if user.role != Role.OFFICER:
        raise Forbidden("only officers report positions and shifts")
    return user, event


@bp.post("/api/v1/events/<int:event_id>/positions")
@require(Role.OFFICER)
@openapi.body(FixIn | list[FixIn])
@openapi.unavailable("not stored, or the server is behind (`busy`): send the fixes again")
def post_positions(event_id: int):
    """An officer's phone (or any token holder) sends one fix or a list; answered once the
    next tick has stored them (503 `not_stored`: send them again)."""
    caller = request_caller()
    if not live.is_member(caller, event_id):
        _officer_and_event(event_id)  # the reason, from the database
    accepted = services.take_fixes(event_id, caller.user_id, json_body, "web")
    return jsonify(accepted=accepted), 202


@bp.get("/api/v1/events/<int:event_id>/snapshot")
@require()
def get_snapshot(event_id: int):
    """What the caller's stream's join would carry (fieldops.snapshots), without its seq."""
    user, event = caller_and_event(event_id)
    return jsonify(snapshots.build(event, user))


@bp.get("/api/v1/events/<int:event_id>/me")
@require(Role.OFFICER)
def get_me(event_id: int):
    """The officer's page: own post, orders, shift."""
    user, event = _officer_and_event(event_id)
    return jsonify(services.officer_view(event, user))


@bp.post("/api/v1/events/<int:event_id>/shift/check-in")
@require(Role.OFFICER)
def post_check_in(event_id: int):
    """The officer starts the billed shift at their post; pushes `officer`."""
    user, event = _officer_and_event(event_id)
    body = body_as(CheckInIn, required=False)
    with write_transaction():
        shift = services.check_in(event, user, post_id=body.post_id, lat=body.lat, lon=body.lon)
    return jsonify(shift_to_dict(shift)), 201


@bp.post("/api/v1/events/<int:event_id>/shift/check-out")
@require(Role.OFFICER)
def post_check_out(event_id: int):
    """The officer ends the shift; pushes `officer`."""
    user, event = _officer_and_event(event_id)
    body = body_as(Position, required=False)
    with write_transaction():
        shift = services.check_out(event, user, lat=body.lat, lon=body.lon)
    return jsonify(shift_to_dict(shift))


@bp.post("/api/v1/events/<int:event_id>/status")
@require(Role.OFFICER)
def post_status(event_id: int):
    """The officer sets on_post / responding / on_break; pushes `officer`."""
    user, event = _officer_and_event(event_id)
    body = body_as(StatusIn)
    with write_transaction():
        services.set_status(event, user, body.status)
    return jsonify(services.officer_view(event, user)["officer"])
