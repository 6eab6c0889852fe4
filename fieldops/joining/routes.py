"""Joining over HTTP: the phone's join and its wait for command; command's decisions; ending
an officer's devices and reissuing their join PIN."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from fieldops import openapi
from fieldops.api import body_as, caller_and_event, json_body
from fieldops.auth.models import Role, User
from fieldops.auth.principal import csrf_token, request_user, require
from fieldops.auth.qr import qr_svg
from fieldops.auth.schemas import user_to_dict
from fieldops.auth.sessions import sign_in, start_session
from fieldops.db import get_or_404, write_transaction
from fieldops.errors import ApiError
from fieldops.events import services as event_services
from fieldops.events.access import visible_event
from fieldops.events.models import Event, EventOfficer
from fieldops.events.schemas import event_to_dict
from fieldops.extensions import db
from fieldops.joining import services
from fieldops.joining.models import DeviceRequest, RequestStatus
from fieldops.joining.schemas import (
    ApproveIn,
    CodeIn,
    JoinIn,
    SecretIn,
    device_request_to_dict,
    phone_view,
)
from fieldops.leads.schemas import LeadJoinIn
from fieldops.throttle import code_guess

bp = Blueprint("joining", __name__)


def _signed_in_answer(event: Event, officer: User, token: str, sid: str, **extra) -> dict:
    """The phone is in: its device token (and QR for a tracking app) and a cookie session."""
    sign_in(officer, sid)
    return {
        "event": event_to_dict(event),
        "officer": user_to_dict(officer),
        "device_token": token,
        "device_token_qr": qr_svg(token),
        "csrf_token": csrf_token(),
        **extra,
    }


def _join(event: Event):
    body = body_as(JoinIn)
    with write_transaction():
        outcome = services.join_event(
            event, code=body.code, name=body.name, badge=body.badge, pin=body.pin
        )
        sid = ""
        if outcome.token:
            sid = start_session(outcome.officer, device_token_id=outcome.token_id)
        waiting = outcome.request and phone_view(outcome.request)
    if outcome.busy:
        raise ApiError(
            f"{services.MAX_OPEN_REQUESTS} phones already wait for command to let them in as "
            "this badge: call command on the radio",
            code="too_many_requests",
            field="badge",
            status=429,
        )
    if waiting:
        return jsonify(
            event=event_to_dict(event),
            request=waiting,
            request_secret=outcome.request_secret,
            poll_url=f"/api/v1/device-requests/{waiting['id']}/poll",
        ), 202
    return jsonify(_signed_in_answer(event, outcome.officer, outcome.token, sid)), 201


@bp.post("/api/v1/events/<int:event_id>/join")
@openapi.body(JoinIn | LeadJoinIn)
def api_join(event_id: int):
    """An officer's phone joins an event with its code, name, badge (and PIN): 201 with a
    device token, or 202 when command must approve this phone first. With the event's staff
    code instead, a teacher's phone joins as an area lead (fieldops.leads: name, area_ids)."""
    event = get_or_404(Event, event_id, "event")
    body = json_body(required=False)
    code = body.get("code") if isinstance(body, dict) else None
    if isinstance(code, str) and event.staff_code and code.strip().upper() == event.staff_code:
        from fieldops.leads.routes import join as lead_join

        return lead_join()
    with code_guess():
        return _join(event)


@bp.post("/api/v1/join")
def api_join_by_code():
    """The same, when the phone knows only the code (the usual case)."""
    with code_guess():
        event = event_services.event_by_code(body_as(CodeIn).code)
        if event is None:
            raise ApiError(
                "no event has that enrollment code", code="invalid_code", field="code", status=404
            )
        return _join(event)


# --- the waiting phone (no device token yet: its request secret is its credential) ----------


def _phone_request(request_id: int) -> DeviceRequest:
    return services.request_for_secret(request_id, body_as(SecretIn).secret)


@bp.post("/api/v1/device-requests/<int:request_id>/poll")
def poll_request(request_id: int):
    """The waiting phone, every few seconds: pending, refused, or approved with its token."""
    device_request = _phone_request(request_id)
    if device_request.status != RequestStatus.APPROVED:
        return jsonify(request=phone_view(device_request))
    with write_transaction():
        outcome = services.collect_token(device_request)
        sid = start_session(outcome.officer, device_token_id=outcome.token_id)
        event = db.session.get(Event, device_request.event_id)
        waited = phone_view(device_request)
    return jsonify(_signed_in_answer(event, outcome.officer, outcome.token, sid, request=waited))


@bp.post("/api/v1/device-requests/<int:request_id>/cancel")
def cancel_request(request_id: int):
    """The waiting phone gives up; command's desk drops the request."""
    device_request = _phone_request(request_id)
    with write_transaction():
        services.cancel_request(device_request)
    return jsonify(request=phone_view(device_request))


# --- command's side -----------------------------------------------------------------------


def _request_dict(device_request: DeviceRequest) -> dict:
    count = services.live_devices(device_request.event_id, device_request.officer_id)
    return device_request_to_dict(device_request, count)


@bp.get("/api/v1/events/<int:event_id>/device-requests")
@require(Role.ADMIN, Role.COMMAND, Role.ORGANIZER)
@openapi.query(open="`1`: only requests still waiting")
def list_requests(event_id: int):
    """The command desk on load: phones waiting to join as an officer (?open=1), or all."""
    _user, event = caller_and_event(event_id)
    only_open = request.args.get("open") in ("1", "true")
    found = services.list_requests(event.id, only_open=only_open)
    return jsonify(device_requests=[_request_dict(r) for r in found])


def _staff_request(request_id: int) -> tuple[User, DeviceRequest]:
    user = request_user()
    device_request = get_or_404(DeviceRequest, request_id, "device request")
    visible_event(user, device_request.event_id)
    return user, device_request


@bp.post("/api/v1/device-requests/<int:request_id>/approve")
@require(Role.ADMIN, Role.COMMAND)
def approve_request(request_id: int):
    """Command lets the phone in; {"replace_old": true} signs the officer's other phones out."""
    user, device_request = _staff_request(request_id)
    body = body_as(ApproveIn, required=False)
    with write_transaction():
        services.approve_request(device_request, by=user, replace_old=body.replace_old)
        data = _request_dict(device_request)
    return jsonify(data)


@bp.post("/api/v1/device-requests/<int:request_id>/refuse")
@require(Role.ADMIN, Role.COMMAND)
def refuse_request(request_id: int):
    """Command refuses the phone; it is told so."""
    user, device_request = _staff_request(request_id)
    with write_transaction():
        services.refuse_request(device_request, by=user)
        data = _request_dict(device_request)
    return jsonify(data)


# --- an officer's devices and PIN ---------------------------------------------------------


def _member(event: Event, officer_id: int) -> User:
    member = db.session.scalar(
        db.select(EventOfficer).where(
            EventOfficer.event_id == event.id, EventOfficer.officer_id == officer_id
        )
    )
    if member is None:
        raise ApiError(f"officer {officer_id} is not at this event", code="not_found", status=404)
    return member.officer


@bp.post("/api/v1/events/<int:event_id>/officers/<int:officer_id>/revoke-devices")
@require(Role.ADMIN, Role.COMMAND)
def revoke_devices(event_id: int, officer_id: int):
    """Admin or command: every phone (device token) of this officer here stops working and
    its live socket is dropped."""
    _user, event = caller_and_event(event_id)
    officer = _member(event, officer_id)
    with write_transaction():
        revoked = services.revoke_officer_devices(event, officer.id)
    return jsonify(officer=user_to_dict(officer), revoked=revoked)


@bp.post("/api/v1/events/<int:event_id>/officers/<int:officer_id>/join-pin")
@require(Role.ADMIN, Role.COMMAND)
def reissue_join_pin(event_id: int, officer_id: int):
    """Admin or command: a new join PIN for this officer (shown once; the old one stops)."""
    _user, event = caller_and_event(event_id)
    officer = _member(event, officer_id)
    with write_transaction():
        pin = services.issue_join_pin(event, officer.id)
    return jsonify(officer=user_to_dict(officer), join_pin=pin), 201
