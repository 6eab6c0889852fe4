"""Join PINs and the requests of phones that claim a badge already at the event."""

from __future__ import annotations

import enum

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.db import UTCDateTime, utcnow
from fieldops.extensions import db
from fieldops.formats import str_enum


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    CANCELLED = "cancelled"  # the phone gave up waiting


class RequestReason(enum.StrEnum):
    """Why the phone did not join at once."""

    NO_PIN = "no_pin"
    WRONG_PIN = "wrong_pin"
    PIN_USED = "pin_used"  # the PIN already let a first phone in
    PIN_LOCKED = "pin_locked"  # too many wrong PINs: only command lets anyone in now


class JoinPin(db.Model):
    """An officer's personal join PIN at one event, issued with their first roster entry (or
    again by admin or command). The first phone that gives it joins as them without waiting
    for command; after that, or after MAX_PIN_FAILURES wrong ones, it no longer works.
    Stored as an HMAC keyed with the app's secret key."""

    __tablename__ = "join_pins"
    __table_args__ = (UniqueConstraint("event_id", "officer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    pin_hash: Mapped[str] = mapped_column(String(64))
    issued_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    used_at = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)


class DeviceRequest(db.Model):
    """A phone that claimed the badge of an officer already at the event without a working
    PIN: it waits for command to approve or refuse it, polling with its secret."""

    __tablename__ = "device_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    given_name: Mapped[str] = mapped_column(String(120))  # what the phone typed
    reason: Mapped[RequestReason] = mapped_column(str_enum(RequestReason))
    status: Mapped[RequestStatus] = mapped_column(
        str_enum(RequestStatus), default=RequestStatus.PENDING
    )
    secret_hash: Mapped[str] = mapped_column(String(64))
    requested_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    decided_at = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    replace_old: Mapped[bool] = mapped_column(Boolean, default=False)
    # The device token the approved phone collected (a lost answer is collected again).
    device_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("device_tokens.id", ondelete="SET NULL")
    )
    claimed_at = mapped_column(UTCDateTime)

    officer = relationship("User", foreign_keys=[officer_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
