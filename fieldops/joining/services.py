"""Who joins as whom.

- A badge nobody at this event has (a walk-up officer) joins at once.
- A badge of an officer already at the event (rostered or joined) joins at once only with that
  officer's join PIN, and only the first time the PIN is given. Anything else (no PIN, a wrong
  one, a used one, a locked one) becomes a request that command approves or refuses.
- Each wrong PIN is counted; after MAX_PIN_FAILURES the PIN is locked until it is reissued.
- At most MAX_OPEN_REQUESTS requests wait for one officer: beyond that the phone is told to
  call command (429), and the failure is still counted.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from fieldops import realtime
from fieldops.audit import services as audit
from fieldops.audit.models import AuditAction
from fieldops.auth.models import DeviceToken, User, hash_token
from fieldops.auth.services import code_matches, issue_device_token, revoke_tokens
from fieldops.db import utcnow
from fieldops.errors import ApiError
from fieldops.events import roster
from fieldops.events.models import Event, EventOfficer
from fieldops.extensions import db
from fieldops.joining.models import DeviceRequest, JoinPin, RequestReason, RequestStatus
from fieldops.joining.schemas import device_request_to_dict

PIN_DIGITS = 6
MAX_PIN_FAILURES = 3
MAX_OPEN_REQUESTS = 5
# An approved phone whose answer was lost may collect a new token for this long.
CLAIM_WINDOW = timedelta(minutes=10)


@dataclass
class JoinOutcome:
    """Joined at once (token), or waiting for command (request + its secret), or refused for
    now because too many requests already wait for this officer (busy)."""

    officer: User
    token: str | None = None
    token_id: int | None = None
    request: DeviceRequest | None = None
    request_secret: str | None = None
    busy: bool = False


def join_event(event: Event, *, code: str, name: str, badge: str, pin: str = "") -> JoinOutcome:
    """A phone joins with the event's code, a name and a badge (and the officer's PIN)."""
    if not code_matches(code or "", event.enrollment_code):
        raise ApiError(
            "that enrollment code is not valid for this event",
            code="invalid_code",
            field="code",
            status=403,
        )
    name, badge = roster.clean_officer(name, badge)
    roster.lock_roster(event)
    member = roster.member_by_badge(event, badge)
    if member is None:  # a walk-up officer: a badge nobody here has
        member = roster.enroll_officer(event, name=name, badge=badge)
        return _joined(event, member.officer)
    reason = _spend_pin(event.id, member.officer_id, pin)
    if reason is None:
        return _joined(event, member.officer)
    return _ask_command(event, member, name, reason)


def _joined(event: Event, officer: User) -> JoinOutcome:
    enrollment = issue_device_token(officer, event.id)
    return JoinOutcome(officer=officer, token=enrollment.token, token_id=enrollment.token_id)


# --- PINs ------------------------------------------------------------------------------------


def _pin_hash(event_id: int, officer_id: int, pin: str) -> str:
    """HMAC-SHA256 keyed with the secret key: a copy of the database alone does not give the
    (short) PINs away; equal PINs of two officers hash differently."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"join-pin:{event_id}:{officer_id}:{pin}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def normalize_pin(pin: str) -> str:
    """What the officer typed, without the spaces or dashes of how it was written down."""
    return "".join(ch for ch in (pin or "") if ch not in " -")


def _pin_row(event_id: int, officer_id: int) -> JoinPin | None:
    return db.session.scalar(
        select(JoinPin).where(JoinPin.event_id == event_id, JoinPin.officer_id == officer_id)
    )


def _spend_pin(event_id: int, officer_id: int, pin: str) -> RequestReason | None:
    """None if the PIN lets this phone in (and is now used up); else why not."""
    given = normalize_pin(pin)
    if not given:
        return RequestReason.NO_PIN
    row = _pin_row(event_id, officer_id)
    if row is None:
        return RequestReason.WRONG_PIN
    if row.used_at is not None:
        return RequestReason.PIN_USED
    if row.failures >= MAX_PIN_FAILURES:
        return RequestReason.PIN_LOCKED
    if hmac.compare_digest(row.pin_hash, _pin_hash(event_id, officer_id, given)):
        row.used_at = utcnow()
        return None
    row.failures = JoinPin.failures + 1  # in SQL: concurrent wrong PINs all count
    db.session.flush()
    if row.failures == MAX_PIN_FAILURES:  # this wrong PIN locked it
        audit.record(
            AuditAction.JOIN_PIN_LOCKED,
            subject=audit.user_subject(officer_id),
            detail={"event_id": event_id, "failures": MAX_PIN_FAILURES},
        )
    return RequestReason.WRONG_PIN


def pin_still_works(event_id: int, officer_id: int, pin: str) -> bool:
    """Would this PIN let a phone in now (not used, not locked, right)? Spends nothing."""
    row = _pin_row(event_id, officer_id)
    return (
        row is not None
        and row.used_at is None
        and row.failures < MAX_PIN_FAILURES
        and hmac.compare_digest(row.pin_hash, _pin_hash(event_id, officer_id, normalize_pin(pin)))
    )


def issue_join_pin(event: Event, officer_id: int) -> str:
    """A new PIN for this officer at this event (any earlier one stops working); returns it,
    the only time it is shown."""
    roster.lock_roster(event)
    pin = f"{secrets.randbelow(10**PIN_DIGITS):0{PIN_DIGITS}d}"
    row = _pin_row(event.id, officer_id)
    audit.record(
        AuditAction.JOIN_PIN_ISSUED,
        subject=audit.user_subject(officer_id),
        detail={"event_id": event.id, "replaced": row is not None},
    )
    if row is None:
        row = JoinPin(event_id=event.id, officer_id=officer_id)
        db.session.add(row)
    row.pin_hash = _pin_hash(event.id, officer_id, pin)
    row.issued_at = utcnow()
    row.used_at = None
    row.failures = 0
    db.session.flush()
    return pin


def first_join_pin(event: Event, officer_id: int) -> str | None:
    """A roster entry issues the officer's PIN if they have none yet; None if they have one."""
    if _pin_row(event.id, officer_id) is not None:
        return None
    return issue_join_pin(event, officer_id)


# --- requests --------------------------------------------------------------------------------


def _ask_command(
    event: Event, member: EventOfficer, name: str, reason: RequestReason
) -> JoinOutcome:
    waiting = db.session.scalar(
        select(func.count(DeviceRequest.id)).where(
            DeviceRequest.event_id == event.id,
            DeviceRequest.officer_id == member.officer_id,
            DeviceRequest.status == RequestStatus.PENDING,
        )
    )
    if waiting >= MAX_OPEN_REQUESTS:
        return JoinOutcome(officer=member.officer, busy=True)
    secret = secrets.token_urlsafe(24)
    request = DeviceRequest(
        event_id=event.id,
        officer_id=member.officer_id,
        given_name=name,
        reason=reason,
        status=RequestStatus.PENDING,
        secret_hash=hash_token(secret),
        requested_at=utcnow(),
    )
    db.session.add(request)
    db.session.flush()
    publish(request)
    return JoinOutcome(officer=member.officer, request=request, request_secret=secret)


def live_devices(event_id: int, officer_id: int) -> int:
    return db.session.scalar(
        select(func.count(DeviceToken.id)).where(
            DeviceToken.event_id == event_id,
            DeviceToken.user_id == officer_id,
            DeviceToken.revoked_at.is_(None),
        )
    )


def publish(request: DeviceRequest) -> None:
    """The request as it now stands, to the command stream, once committed."""
    db.session.flush()
    data = device_request_to_dict(request, live_devices(request.event_id, request.officer_id))
    realtime.publish_to_staff_on_commit(request.event_id, "device_request", data)


def _decide(request: DeviceRequest, to: RequestStatus, by: User | None) -> None:
    if request.status != RequestStatus.PENDING:
        who = f" by {request.decided_by.display_name}" if request.decided_by else ""
        raise ApiError(
            f"this request was already {request.status.value}{who}",
            code="already_decided",
            status=409,
        )
    request.status = to
    request.decided_at = utcnow()
    request.decided_by = by
    if by is not None:  # command's decision (a phone cancelling its own is not audited)
        action = {
            RequestStatus.APPROVED: AuditAction.DEVICE_REQUEST_APPROVED,
            RequestStatus.REFUSED: AuditAction.DEVICE_REQUEST_REFUSED,
        }[to]
        audit.record(
            action,
            subject=audit.user_subject(request.officer_id),
            actor=by,
            detail={"event_id": request.event_id, "request_id": request.id},
        )


def approve_request(request: DeviceRequest, *, by: User, replace_old: bool = False) -> None:
    """Command lets the phone in as the officer; `replace_old` ends their other phones first."""
    _decide(request, RequestStatus.APPROVED, by)
    request.replace_old = replace_old
    if replace_old:
        revoke_tokens(
            DeviceToken.user_id == request.officer_id,
            DeviceToken.event_id == request.event_id,
            reason="replaced",
        )
    publish(request)


def refuse_request(request: DeviceRequest, *, by: User) -> None:
    """Command refuses the phone: it is told so and gets nothing."""
    _decide(request, RequestStatus.REFUSED, by)
    publish(request)


def cancel_request(request: DeviceRequest) -> None:
    """The waiting phone gives up (a typo in the badge, or it has the PIN after all)."""
    _decide(request, RequestStatus.CANCELLED, None)
    publish(request)


def request_for_secret(request_id: int, secret: str) -> DeviceRequest:
    """The request, if this is its secret; the same 404 whether it exists or not."""
    request = db.session.get(DeviceRequest, request_id)
    given = hash_token(secret or "")
    if request is None or not hmac.compare_digest(request.secret_hash, given):
        raise ApiError(
            f"no join request {request_id} with that secret", code="not_found", status=404
        )
    return request


def collect_token(request: DeviceRequest) -> JoinOutcome:
    """An approved phone collects its device token. Asking again (the answer was lost) within
    CLAIM_WINDOW gives a new token and ends the one given before."""
    now = utcnow()
    if request.claimed_at is not None and now - request.claimed_at > CLAIM_WINDOW:
        raise ApiError(
            "this approval was already collected: join again", code="already_collected", status=410
        )
    if request.device_token_id is not None:
        revoke_tokens(DeviceToken.id == request.device_token_id, reason="collected_again")
    enrollment = issue_device_token(request.officer, request.event_id)
    request.device_token_id = enrollment.token_id
    request.claimed_at = request.claimed_at or now
    publish(request)
    return JoinOutcome(
        officer=request.officer, token=enrollment.token, token_id=enrollment.token_id
    )


def list_requests(event_id: int, *, only_open: bool) -> list[DeviceRequest]:
    query = select(DeviceRequest).where(DeviceRequest.event_id == event_id)
    if only_open:
        query = query.where(DeviceRequest.status == RequestStatus.PENDING)
    return list(db.session.scalars(query.order_by(DeviceRequest.id.desc())))


def revoke_officer_devices(event: Event, officer_id: int) -> int:
    """Admin or command ends every device of this officer at this event; returns how many."""
    ids = revoke_tokens(DeviceToken.user_id == officer_id, DeviceToken.event_id == event.id)
    return len(ids)
