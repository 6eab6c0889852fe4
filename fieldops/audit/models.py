"""One entry per security-relevant action, written in the action's own transaction and never
changed or removed: the database refuses UPDATE and DELETE on the table (migration 0014's
triggers, on SQLite and PostgreSQL alike)."""

from __future__ import annotations

import enum

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fieldops.db import UTCDateTime, utcnow
from fieldops.extensions import db
from fieldops.formats import str_enum


class AuditAction(enum.StrEnum):
    """Stable names: an admin's filter and any tool reading the trail rely on them."""

    LOGIN_SUCCEEDED = "login.succeeded"
    LOGIN_FAILED = "login.failed"  # a wrong password, an unknown username, a disabled login
    LOGOUT = "logout"  # a browser's session ended by signing out
    # A phone joined as an officer or area lead; left, was revoked, or was replaced.
    TOKEN_ISSUED = "token.issued"  # noqa: S105 - an action's name, not a secret
    TOKEN_REVOKED = "token.revoked"  # noqa: S105
    USER_CREATED = "user.created"
    USER_UPDATED = "user.updated"  # the display name
    USER_ROLE_CHANGED = "user.role_changed"
    USER_PASSWORD_CHANGED = "user.password_changed"  # noqa: S105
    USER_DEACTIVATED = "user.deactivated"
    USER_REACTIVATED = "user.reactivated"
    THROTTLE_TRIGGERED = "throttle.triggered"  # once per rule and key in a window
    JOIN_PIN_ISSUED = "join_pin.issued"
    JOIN_PIN_LOCKED = "join_pin.locked"  # too many wrong PINs for one officer
    STAFF_CODE_CHANGED = "staff_code.changed"
    SCHOOL_ADMIN_CHANGED = "school_admin.changed"
    DEVICE_REQUEST_APPROVED = "device_request.approved"
    DEVICE_REQUEST_REFUSED = "device_request.refused"


class AuditEntry(db.Model):
    """Who did what to whom, from where. `subject` names what was acted on ("user:12",
    "event:3", "address:10.0.0.7", "username:ana"); `detail` is small JSON and never holds a
    password, token, code or PIN. No foreign keys: the trail outlives what it names."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[AuditAction] = mapped_column(str_enum(AuditAction), index=True)
    subject: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(64))  # None: not over HTTP (the CLI)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
