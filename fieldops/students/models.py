"""A student involved in an incident (name and details apart from the incident's public
fields), and every access to those records."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.db import UTCDateTime, utcnow
from fieldops.extensions import db


class StudentRecord(db.Model):
    __tablename__ = "student_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    grade: Mapped[str] = mapped_column(String(20), default="")
    role_in_incident: Mapped[str] = mapped_column(String(40), default="")
    details: Mapped[str] = mapped_column(Text, default="")
    guardian_contacted_at = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    created_by = relationship("User", lazy="joined")


class StudentAccess(db.Model):
    """Who read or wrote an incident's student records, and when (append-only)."""

    __tablename__ = "student_access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(16))  # viewed | added
    at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    user = relationship("User", lazy="joined")
