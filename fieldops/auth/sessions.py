"""Server-side sessions: the signed cookie holds a random id; the server keeps its hash and end.

A Flask cookie on its own cannot be ended: a copy taken before signing out would keep working
for as long as it is signed. Here the cookie only names a `user_sessions` row, and every request
and socket connect checks that row: not revoked, not past `expires_at` (the sign-in time plus
`SESSION_HOURS`, however often the cookie is refreshed), its user not disabled and, for an
officer's phone, its device token not revoked.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, g, session
from flask_login import login_user
from sqlalchemy import or_, select, update

from fieldops.audit import services as audit
from fieldops.audit.models import AuditAction
from fieldops.auth.models import DeviceToken, User, UserSession, hash_token
from fieldops.db import utcnow
from fieldops.extensions import db

SESSION_KEY = "fieldops_sid"


@dataclass(frozen=True)
class LiveSession:
    """What a socket remembers of the session it connected with (for dropping it later)."""

    id: int
    expires_at: datetime
    device_token_id: int | None


def start_session(user: User, *, device_token_id: int | None = None) -> str:
    """Inside a write transaction: a new session row; returns the id for the cookie."""
    sid = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        UserSession(
            token_hash=hash_token(sid),
            user_id=user.id,
            device_token_id=device_token_id,
            created_at=now,
            expires_at=now + timedelta(hours=current_app.config["SESSION_HOURS"]),
        )
    )
    db.session.flush()
    return sid


def sign_in(user: User, sid: str) -> None:
    """After the commit: a fresh cookie that names the new session (nothing of an earlier
    session, such as its CSRF token, carries over)."""
    session.clear()
    session[SESSION_KEY] = sid
    session.permanent = True
    login_user(user)


def _live_row(sid: str) -> UserSession | None:
    return db.session.scalar(
        select(UserSession)
        .join(User, User.id == UserSession.user_id)
        .outerjoin(DeviceToken, DeviceToken.id == UserSession.device_token_id)
        .where(
            UserSession.token_hash == hash_token(sid),
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > utcnow(),
            User.disabled_at.is_(None),
            or_(UserSession.device_token_id.is_(None), DeviceToken.revoked_at.is_(None)),
        )
    )


def user_for_cookie(user_id: str) -> User | None:
    """Flask-Login's user loader: the cookie's user, only while its session is live."""
    sid = session.get(SESSION_KEY)
    row = _live_row(sid) if isinstance(sid, str) else None
    if row is None or str(row.user_id) != str(user_id):
        return None
    g.fieldops_session = LiveSession(row.id, row.expires_at, row.device_token_id)
    return row.user


def current() -> LiveSession | None:
    """The live session of this request's cookie (after current_user was loaded), or None."""
    return g.get("fieldops_session")


def revoke_sessions(*conditions) -> list[int]:
    """Inside a write transaction: end every live session matching the conditions."""
    ids = list(
        db.session.scalars(
            select(UserSession.id).where(UserSession.revoked_at.is_(None), *conditions)
        )
    )
    if ids:
        db.session.execute(
            update(UserSession).where(UserSession.id.in_(ids)).values(revoked_at=utcnow())
        )
    return ids


def end_cookie_session() -> list[int]:
    """Inside a write transaction: end the session this request's cookie names, live or not."""
    sid = session.get(SESSION_KEY)
    if not isinstance(sid, str):
        return []
    ended = revoke_sessions(UserSession.token_hash == hash_token(sid))
    if ended:
        owners = db.session.scalars(select(UserSession.user_id).where(UserSession.id.in_(ended)))
        for user_id in set(owners):
            audit.record(
                AuditAction.LOGOUT,
                subject=audit.user_subject(user_id),
                actor=user_id,
                detail={"agent": audit.agent()},
            )
    return ended
