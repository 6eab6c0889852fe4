"""One piece of proactive work an officer logged at a school: a safety walk with its findings,
a conversation with a student, parent or staff member, or a class or programme delivered."""

from __future__ import annotations

import enum

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.db import UTCDateTime, utcnow
from fieldops.extensions import db
from fieldops.formats import str_enum


class WorkKind(enum.StrEnum):
    SAFETY_WALK = "safety_walk"
    CONVERSATION = "conversation"
    PROGRAMME = "programme"


class Finding(enum.StrEnum):
    DOOR_PROPPED_OPEN = "door_propped_open"
    CAMERA_OUT = "camera_out"
    LIGHTING_OUT = "lighting_out"
    FENCE_OR_GATE_DAMAGED = "fence_or_gate_damaged"
    OTHER = "other"


class Topic(enum.StrEnum):
    # a conversation, with whom
    STUDENT = "student"
    PARENT = "parent"
    STAFF = "staff"
    # a class or programme, on what
    DRUG_AWARENESS = "drug_awareness"
    INTERNET_SAFETY = "internet_safety"
    BULLYING_PREVENTION = "bullying_prevention"
    OTHER = "other"


class ProactiveEntry(db.Model):
    __tablename__ = "proactive_entries"
    __table_args__ = (UniqueConstraint("officer_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    client_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[WorkKind] = mapped_column(str_enum(WorkKind))
    topic: Mapped[Topic | None] = mapped_column(str_enum(Topic))
    findings: Mapped[list] = mapped_column(JSON, default=list)
    attendees: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(Text, default="")  # may name someone: command only
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    place: Mapped[str] = mapped_column(String(200), default="")
    logged_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    officer = relationship("User", lazy="joined")
