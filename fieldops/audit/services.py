"""Recording the trail, and reading it back.

`record()` adds an entry inside the action's own write transaction, so the entry commits or
rolls back with what it describes. What has no transaction of its own (a refused sign-in, a
throttled request) is recorded by `record_alone()`, in its own short write transaction,
whose failure is logged and never turns the refusal into a 500: call it outside any write
transaction. Nothing here updates or deletes an entry, and the database would refuse it.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

from flask import g, has_request_context, request
from sqlalchemy import select

from fieldops.audit.models import AuditAction, AuditEntry
from fieldops.db import utcnow, write_transaction
from fieldops.extensions import db
from fieldops.throttle import client_address  # the address the throttle counts

log = logging.getLogger(__name__)

# The actor by default: whoever this request authenticated as (nobody on the CLI).
CURRENT = object()
# Keys a detail may never have: the trail tells what happened, never the secret itself.
SECRET_KEYS = frozenset(
    {
        "password",
        "token",
        "device_token",
        "secret",
        "request_secret",
        "code",
        "enrollment_code",
        "staff_code",
        "pin",
        "join_pin",
    }
)
MAX_TEXT = 200  # any string in a detail
AGENT_LENGTH = 120  # the client's User-Agent, cut short
# What a throttle rule's key is (fieldops.throttle.RULES), for the entry's subject.
THROTTLE_KEYS = {
    "login-user": "username",
    "login-address": "address",
    "code-address": "address",
    "help-officer": "user",
    "incident-officer": "user",
}


def user_subject(user_id: int) -> str:
    return f"user:{user_id}"


def event_subject(event_id: int) -> str:
    return f"event:{event_id}"


def agent() -> str | None:
    """This request's User-Agent, short; None outside a request."""
    if not has_request_context():
        return None
    return (request.headers.get("User-Agent") or "")[:AGENT_LENGTH] or None


def _actor_id(actor) -> int | None:
    if actor is CURRENT:
        actor = g.get("principal") if has_request_context() else None
    if actor is None or isinstance(actor, int):
        return actor
    return actor.id


def _address() -> str | None:
    return client_address()[:64] if has_request_context() else None


def _small(value):
    """The detail as plain, short JSON: strings cut to MAX_TEXT, lists to 50 items."""
    if isinstance(value, str):
        return str(value)[:MAX_TEXT]
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        return {str(k)[:40]: _small(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_small(v) for v in list(value)[:50]]
    return str(value)[:MAX_TEXT]


def record(
    action: AuditAction, *, subject: str | None = None, actor=CURRENT, detail: dict | None = None
) -> AuditEntry:
    """Inside the action's write transaction: its entry, committed or rolled back with it.

    `actor`: a User, a user id, None (anonymous, or the command line), or by default the
    request's authenticated caller. The address is the request's client, None outside one."""
    detail = dict(detail or {})
    leaked = SECRET_KEYS & set(detail)
    if leaked:
        raise ValueError(f"an audit entry never holds {', '.join(sorted(leaked))}")
    entry = AuditEntry(
        at=utcnow(),
        action=AuditAction(action),
        actor_user_id=_actor_id(actor),
        subject=subject[:120] if subject else None,
        address=_address(),
        detail=_small(detail),
    )
    db.session.add(entry)
    return entry


def record_alone(action: AuditAction, **kwargs) -> None:
    """For an action without a transaction (a refusal): the entry in its own write
    transaction. Never raises: a trail that cannot be written is logged, and the caller's
    answer (a 401, a 429) stands."""
    try:
        with write_transaction():
            record(action, **kwargs)
    except Exception:
        log.exception("could not record %s in the audit trail", action)


# --- what the other packages record ---------------------------------------------------------


def login_succeeded(user) -> None:
    """Inside the sign-in's transaction (the new session)."""
    record(
        AuditAction.LOGIN_SUCCEEDED,
        subject=user_subject(user.id),
        actor=user,
        detail={"username": user.username, "agent": agent()},
    )


def login_failed(username: str, reason: str) -> None:
    """A refused sign-in, in its own transaction: the username tried (never the password),
    and the login it names, if any."""
    from fieldops.auth.models import User

    user_id = None
    try:
        user_id = db.session.scalar(select(User.id).where(User.username == username))
    except Exception:
        log.exception("could not look up %r for the audit trail", username[:80])
    record_alone(
        AuditAction.LOGIN_FAILED,
        subject=user_subject(user_id) if user_id else None,
        actor=None,
        detail={"username": username[:80], "reason": reason, "agent": agent()},
    )


def tokens_revoked(rows, reason: str) -> None:
    """Inside the revoking transaction: one entry per officer and event whose device tokens
    ended. `rows`: (token id, user id, event id). A phone signing out is its own actor."""
    for (user_id, event_id), count in Counter((r[1], r[2]) for r in rows).items():
        record(
            AuditAction.TOKEN_REVOKED,
            subject=user_subject(user_id),
            actor=user_id if reason == "signed_out" else CURRENT,
            detail={"event_id": event_id, "tokens": count, "reason": reason},
        )


def throttled(rule: str, key: str, limit: str) -> None:
    """A throttle rule began refusing this key (once per key and window: fieldops.throttle),
    in its own transaction."""
    record_alone(
        AuditAction.THROTTLE_TRIGGERED,
        subject=f"{THROTTLE_KEYS.get(rule, 'key')}:{key}",
        actor=None,
        detail={"rule": rule, "limit": limit, "agent": agent()},
    )


# --- reading --------------------------------------------------------------------------------


def entries(
    *,
    actions: list[AuditAction] | None = None,
    subject: str | None = None,
    since: datetime | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """Newest first; `before_id` pages back from the last entry of the page before."""
    query = select(AuditEntry)
    if actions:
        query = query.where(AuditEntry.action.in_(actions))
    if subject:
        query = query.where(AuditEntry.subject == subject)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(db.session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)))
