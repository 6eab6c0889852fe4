"""A message and, per recipient, whether they acknowledged it."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.db import UTCDateTime, utcnow
from fieldops.extensions import db


class Message(db.Model):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    to_kind: Mapped[str] = mapped_column(String(16))  # event | post | officer
    to_id: Mapped[int | None] = mapped_column(Integer)
    to_label: Mapped[str] = mapped_column(String(200))
    sent_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    sender = relationship("User", lazy="joined")
    recipients = relationship("MessageRecipient", order_by="MessageRecipient.id", lazy="selectin")


class MessageRecipient(db.Model):
    __tablename__ = "message_recipients"
    __table_args__ = (UniqueConstraint("message_id", "officer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    acknowledged_at = mapped_column(UTCDateTime)

    officer = relationship("User", lazy="joined")
