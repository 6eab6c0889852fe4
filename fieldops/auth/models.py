"""Who can act: users with roles, and officers' personal device tokens."""

from __future__ import annotations

import enum
import hashlib

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from fieldops.db import UTCDateTime, utcnow
from fieldops.extensions import db


class Role(enum.StrEnum):
    ADMIN = "admin"
    COMMAND = "command"
    OFFICER = "officer"
    ORGANIZER = "organizer"
    # A teacher or staff member at a school (issue 11): joins with the event's staff code,
    # bound to campus areas, never tracked, sees drills only.
    AREA_LEAD = "area_lead"


STAFF_ROLES = (Role.ADMIN, Role.COMMAND, Role.ORGANIZER)
# Who acts at an event (reports, logs, hands on, searches): organizers only read, and an area
# lead's token reaches only the drills.
FIELD_ROLES = (Role.ADMIN, Role.COMMAND, Role.OFFICER)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Officers who joined with a code have no username or password: they hold a device token.
    username: Mapped[str | None] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16))
    display_name: Mapped[str] = mapped_column(String(120))
    badge: Mapped[str | None] = mapped_column(String(40))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    # Set by an admin: the user cannot sign in and their sessions have ended.
    disabled_at = mapped_column(UTCDateTime)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def is_active(self) -> bool:  # Flask-Login refuses to sign in an inactive user
        return self.disabled_at is None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class DeviceToken(db.Model):
    """A personal secret for one officer at one event; only its hash is stored."""

    __tablename__ = "device_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    revoked_at = mapped_column(UTCDateTime, index=True)

    user = db.relationship("User")


class UserSession(db.Model):
    """A signed-in browser: the cookie holds a random id, the server its hash and its end.

    Checked on every request and socket connect (fieldops.auth.sessions), so signing out,
    revoking the device token it came with, disabling the user or reaching `expires_at` ends
    it on the server, for every copy of the cookie.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # An officer's phone session, started by joining: it ends with that device token.
    device_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("device_tokens.id", ondelete="CASCADE"), index=True
    )
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    revoked_at = mapped_column(UTCDateTime, index=True)

    user = db.relationship("User")
