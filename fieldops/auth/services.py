"""Users, passwords, and officers joining an event with its enrollment code."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from fieldops.auth.models import DeviceToken, Role, User, hash_token
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
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ApiError(
            f"password must be at least {MIN_PASSWORD_LENGTH} characters",
            field="password",
            status=422,
        )
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
    return user


def authenticate(username: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def code_matches(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.strip().upper().encode(), expected.upper().encode())


@dataclass
class Enrollment:
    officer: User
    token: str


def issue_device_token(officer: User, event_id: int) -> str:
    token = secrets.token_urlsafe(18)
    db.session.add(DeviceToken(token_hash=hash_token(token), user_id=officer.id, event_id=event_id))
    return token


def officer_for_token(token: str) -> tuple[User, int] | None:
    """(officer, event id) for a live device token."""
    row = db.session.scalar(
        select(DeviceToken).where(
            DeviceToken.token_hash == hash_token(token), DeviceToken.revoked_at.is_(None)
        )
    )
    return (row.user, row.event_id) if row else None


def revoke_device_tokens(officer: User, event_id: int) -> None:
    for row in db.session.scalars(
        select(DeviceToken).where(
            DeviceToken.user_id == officer.id,
            DeviceToken.event_id == event_id,
            DeviceToken.revoked_at.is_(None),
        )
    ):
        row.revoked_at = utcnow()
