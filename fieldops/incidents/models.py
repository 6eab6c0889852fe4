"""Incidents, who was sent to them, their append-only timeline, and their photos."""

from __future__ import annotations

import enum

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.db import UTCDateTime, utcnow
from fieldops.extensions import db
from fieldops.formats import str_enum


class IncidentType(enum.StrEnum):
    MEDICAL = "medical"
    CROWD = "crowd"
    TRAFFIC = "traffic"
    SUSPICIOUS = "suspicious"
    FIGHT = "fight"
    LOST_PERSON = "lost_person"
    HAZARD = "hazard"
    OTHER = "other"
    # At schools (issue 11): incidents that often involve students.
    BEHAVIOURAL = "behavioural"
    BULLYING = "bullying"
    THREAT = "threat"
    WEAPON = "weapon"
    INTRUDER = "intruder"
    DRUGS = "drugs"
    WELFARE = "welfare"
    # Raised by the help button, never by the report form: the alarm's incident, so command
    # can dispatch officers to it and the phone can say who is on the way.
    OFFICER_HELP = "officer_help"


class Severity(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class IncidentStatus(enum.StrEnum):
    REPORTED = "reported"
    ACKNOWLEDGED = "acknowledged"
    DISPATCHED = "dispatched"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"


class Disposition(enum.StrEnum):
    TREATED_ON_SITE = "treated_on_site"
    TRANSPORTED_BY_EMS = "transported_by_ems"
    ARREST_BY_AGENCY = "arrest_by_agency"
    REFERRED = "referred"
    REUNITED = "reunited"
    UNFOUNDED = "unfounded"
    # Restorative outcomes of a behavioural incident at a school
    MEDIATION = "mediation"
    COUNSELLOR_REFERRAL = "counsellor_referral"
    GUARDIAN_CONTACTED = "guardian_contacted"
    ADMINISTRATION_REFERRAL = "administration_referral"
    OTHER = "other"


class AssignmentStatus(enum.StrEnum):
    DISPATCHED = "dispatched"
    ACKNOWLEDGED = "acknowledged"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    RELEASED = "released"


class Incident(db.Model):
    __tablename__ = "incidents"
    # Idempotent reporting: a phone's retry of the same report hits this constraint.
    __table_args__ = (UniqueConstraint("reported_by_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    body_hash: Mapped[str] = mapped_column(String(64))
    type: Mapped[IncidentType] = mapped_column(str_enum(IncidentType))
    severity: Mapped[Severity] = mapped_column(str_enum(Severity))
    status: Mapped[IncidentStatus] = mapped_column(str_enum(IncidentStatus))
    disposition: Mapped[Disposition | None] = mapped_column(str_enum(Disposition))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    place: Mapped[str] = mapped_column(String(200), default="", server_default="")  # in words
    note: Mapped[str] = mapped_column(Text, default="")
    # Who the students were is kept apart (fieldops.students), for command and admin only.
    involves_students: Mapped[bool] = mapped_column(default=False, server_default="0")
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reported_at = mapped_column(UTCDateTime, nullable=False)  # the device's clock
    received_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)  # the server's
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    reported_by = relationship("User", lazy="joined")
    assignments = relationship(
        "IncidentAssignment", order_by="IncidentAssignment.id", lazy="selectin"
    )
    photos = relationship("Photo", order_by="Photo.id", lazy="selectin")


class IncidentAssignment(db.Model):
    """One officer sent to one incident, and how far they got."""

    __tablename__ = "incident_assignments"
    __table_args__ = (
        UniqueConstraint("incident_id", "officer_id"),
        Index("ix_incident_assignments_officer_status", "officer_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[AssignmentStatus] = mapped_column(str_enum(AssignmentStatus))
    dispatched_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    dispatched_at = mapped_column(UTCDateTime, nullable=False)
    acknowledged_at = mapped_column(UTCDateTime)
    en_route_at = mapped_column(UTCDateTime)
    on_scene_at = mapped_column(UTCDateTime)
    released_at = mapped_column(UTCDateTime)
    escalated_at = mapped_column(UTCDateTime)  # the "not acknowledged in time" alarm went off
    stale_alerted_at = mapped_column(UTCDateTime)  # the "gone stale while assigned" alarm

    officer = relationship("User", foreign_keys=[officer_id], lazy="joined")


class TimelineEntry(db.Model):
    """Append-only: every transition, assignment, response, note and photo."""

    __tablename__ = "incident_timeline"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(24))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("User", lazy="joined")


class StoredPhoto:
    """The columns of a photo stored under instance/ (photos.store_once): who sent it, where
    it is, its hash (unique per owner, with the owner's id column of each model), its size."""

    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    path: Mapped[str] = mapped_column(String(255))  # relative to the instance folder
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class Photo(StoredPhoto, db.Model):
    __tablename__ = "incident_photos"
    __table_args__ = (UniqueConstraint("incident_id", "sha256"),)

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
