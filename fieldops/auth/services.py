"""Users, passwords, device tokens, and ending them: sign-in refusals, revocation, disabling."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from fieldops.audit import services as audit
from fieldops.audit.models import AuditAction
from fieldops.auth import ending
from fieldops.auth.models import STAFF_ROLES, DeviceToken, Role, User, UserSession, hash_token
from fieldops.auth.sessions import revoke_sessions
from fieldops.db import utcnow
from fieldops.errors import ApiError
from fieldops.extensions import db

MIN_PASSWORD_LENGTH = 10
# A real hash to compare against when the username is unknown, so timing does not tell.
_DUMMY_HASH = generate_password_hash("fieldops-dummy-password")


def create_user(*, username: str, password: str, role: Role | str, display_name: str = "") -> User:
    """A staff login (admin, command, organizer; officers too, for tests and the CLI)."""
    role = Role(role)
    username = username.strip()
    if not username:
        raise ApiError("username is required", field="username", status=422)
    _check_password(password)
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise ApiError(
            f"username {username!r} is taken", code="conflict", field="username", status=409
        )
    user = User(
        username=username,
        password_hash=generate_password_hash(password),
        role=role,
        display_name=display_name or username,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        AuditAction.USER_CREATED,
        subject=audit.user_subject(user.id),
        detail={"username": user.username, "role": user.role.value},
    )
    return user


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ApiError(
            f"password must be at least {MIN_PASSWORD_LENGTH} characters",
            field="password",
            status=422,
        )


def set_password(user: User, password: str) -> User:
    """A new password for a staff login (a forgotten one, the demo's lost file): the old one
    stops working, and so does every session signed in with it; its sockets are dropped."""
    if user.role not in STAFF_ROLES:
        raise ApiError("officers have no password: they join with a PIN", status=422)
    _check_password(password)
    user.password_hash = generate_password_hash(password)
    sessions = revoke_sessions(UserSession.user_id == user.id)
    ending.drop_on_commit(session_ids=sessions)
    db.session.flush()
    audit.record(
        AuditAction.USER_PASSWORD_CHANGED,
        subject=audit.user_subject(user.id),
        detail={"sessions_ended": len(sessions)},
    )
    return user


def authenticate(username: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def refuse_disabled(user: User) -> None:
    """A right password for a disabled account is still no sign-in (401, saying why)."""
    if user.disabled_at is not None:
        raise ApiError(
            "this account is disabled: ask an admin to enable it",
            code="account_disabled",
            status=401,
        )


def code_matches(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.strip().upper().encode(), expected.upper().encode())


@dataclass
class Enrollment:
    officer: User
    token: str
    token_id: int | None = None


def issue_device_token(officer: User, event_id: int) -> Enrollment:
    """A new device token for this officer at this event (its row flushed, for its id)."""
    token = secrets.token_urlsafe(18)
    row = DeviceToken(token_hash=hash_token(token), user_id=officer.id, event_id=event_id)
    db.session.add(row)
    db.session.flush()
    audit.record(
        AuditAction.TOKEN_ISSUED,
        subject=audit.user_subject(officer.id),
        detail={"event_id": event_id, "token_id": row.id, "role": officer.role.value},
    )
    return Enrollment(officer=officer, token=token, token_id=row.id)


def find_device_token(token: str) -> DeviceToken | None:
    """The live (not revoked) device token row for this secret, with its user (one query)."""
    return db.session.scalar(
        select(DeviceToken)
        .options(joinedload(DeviceToken.user))
        .where(DeviceToken.token_hash == hash_token(token), DeviceToken.revoked_at.is_(None))
    )


def officer_for_token(token: str) -> tuple[User, int] | None:
    """(officer, event id) for a live device token."""
    row = find_device_token(token)
    return (row.user, row.event_id) if row else None


def revoke_tokens(*conditions, reason: str = "revoked") -> list[int]:
    """Inside a write transaction: end the live device tokens matching the conditions, and the
    phone sessions started with them; their sockets are dropped after the commit. The audit
    trail says why (`reason`: revoked, signed_out, replaced, collected_again)."""
    rows = db.session.execute(
        select(DeviceToken.id, DeviceToken.user_id, DeviceToken.event_id).where(
            DeviceToken.revoked_at.is_(None), *conditions
        )
    ).all()
    ids = [row[0] for row in rows]
    if not ids:
        return []
    audit.tokens_revoked(rows, reason)
    db.session.execute(
        update(DeviceToken).where(DeviceToken.id.in_(ids)).values(revoked_at=utcnow())
    )
    sessions = revoke_sessions(UserSession.device_token_id.in_(ids))
    ending.drop_on_commit(token_ids=ids, session_ids=sessions)
    return ids


def revoke_device_tokens(officer: User, event_id: int) -> int:
    """Every device token this officer holds for this event (admin or command, or the demo
    replacing tokens it lost); returns how many were live."""
    return len(revoke_tokens(DeviceToken.user_id == officer.id, DeviceToken.event_id == event_id))


def revoke_token(token: str) -> int:
    """One device token by its secret (the phone leaving the event); returns 1 or 0."""
    return len(revoke_tokens(DeviceToken.token_hash == hash_token(token), reason="signed_out"))


def staff_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role not in STAFF_ROLES:
        raise ApiError(f"staff user {user_id} does not exist", code="not_found", status=404)
    return user


def disable_user(user: User, *, by: User | None) -> User:
    """An admin takes a staff login away: it cannot sign in, its sessions end, its sockets go."""
    if user.role not in STAFF_ROLES:
        raise ApiError(
            "officers have no login to disable: revoke their device tokens instead",
            code="invalid",
            status=422,
        )
    if by is not None and by.id == user.id:
        raise ApiError("you cannot disable your own account", code="invalid", status=422)
    was_active = user.disabled_at is None
    if was_active:
        user.disabled_at = utcnow()
    sessions = revoke_sessions(UserSession.user_id == user.id)
    ending.drop_on_commit(user_ids=[user.id], session_ids=sessions)
    db.session.flush()
    if was_active:
        audit.record(
            AuditAction.USER_DEACTIVATED,
            subject=audit.user_subject(user.id),
            actor=by,
            detail={"sessions_ended": len(sessions)},
        )
    return user


def enable_user(user: User) -> User:
    """An admin gives a disabled staff login back (it signs in afresh: old sessions stay ended)."""
    if user.disabled_at is not None:
        audit.record(AuditAction.USER_REACTIVATED, subject=audit.user_subject(user.id))
    user.disabled_at = None
    db.session.flush()
    return user


def update_user(
    user: User, *, by: User | None, role: Role | str | None = None, display_name: str | None = None
) -> User:
    """An admin renames a staff login or gives it another staff role. A new role ends its
    sessions and sockets (it signs in again as the new role: a socket keeps the rooms of the
    role it connected with); the audit trail keeps the old role and the new."""
    if user.role not in STAFF_ROLES:
        raise ApiError("officers and area leads have no staff role", code="invalid", status=422)
    if display_name is not None and display_name.strip() and display_name != user.display_name:
        user.display_name = display_name.strip()
        audit.record(
            AuditAction.USER_UPDATED,
            subject=audit.user_subject(user.id),
            actor=by,
            detail={"changed": ["name"]},
        )
    if role is not None and Role(role) != user.role:
        role = Role(role)
        if role not in STAFF_ROLES:
            raise ApiError("a staff login is admin, command or organizer", field="role", status=422)
        if by is not None and by.id == user.id:
            raise ApiError("you cannot change your own role", code="invalid", status=422)
        old, user.role = user.role, role
        sessions = revoke_sessions(UserSession.user_id == user.id)
        ending.drop_on_commit(user_ids=[user.id], session_ids=sessions)
        audit.record(
            AuditAction.USER_ROLE_CHANGED,
            subject=audit.user_subject(user.id),
            actor=by,
            detail={"from": old.value, "to": role.value, "sessions_ended": len(sessions)},
        )
    db.session.flush()
    return user
