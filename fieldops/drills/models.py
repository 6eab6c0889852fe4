"""A drill (or a real response) by the Standard Response Protocol, and the reports of each area
of the campus it was ordered for. Reports are append-only: an area's state is its latest."""

from __future__ import annotations

import enum

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.db import UTCDateTime, utcnow
from fieldops.extensions import db
from fieldops.formats import str_enum


class DrillAction(enum.StrEnum):
    HOLD = "hold"
    SECURE = "secure"
    LOCKDOWN = "lockdown"
    EVACUATE = "evacuate"
    SHELTER = "shelter"


class DrillMode(enum.StrEnum):
    DRILL = "drill"
    REAL = "real"


class Hazard(enum.StrEnum):
    TORNADO = "tornado"
    HAZMAT = "hazmat"
    EARTHQUAKE = "earthquake"
    TSUNAMI = "tsunami"
    OTHER = "other"


class AreaState(enum.StrEnum):
    SECURED = "secured"
    EVACUATED = "evacuated"
    PROBLEM = "problem"  # neither, yet: say why in `problems`


class Problem(enum.StrEnum):
    DOOR_WOULD_NOT_LOCK = "door_would_not_lock"
    WINDOWS_NOT_COVERED = "windows_not_covered"
    LIGHTS_LEFT_ON = "lights_left_on"
    STUDENT_UNACCOUNTED = "student_unaccounted"
    OTHER = "other"


class Drill(db.Model):
    __tablename__ = "drills"
    __table_args__ = (UniqueConstraint("event_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[DrillAction] = mapped_column(str_enum(DrillAction))
    mode: Mapped[DrillMode] = mapped_column(str_enum(DrillMode))
    hazard: Mapped[Hazard | None] = mapped_column(str_enum(Hazard))
    # the campus areas it was ordered for, as [{"id", "name"}] when it started
    areas: Mapped[list] = mapped_column(JSON)
    whole_campus: Mapped[bool] = mapped_column(default=True)
    assembly_point_id: Mapped[int | None] = mapped_column(
        ForeignKey("campus_features.id", ondelete="SET NULL")
    )
    started_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at = mapped_column(UTCDateTime, nullable=False)  # when the alarm sounded
    concluded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    concluded_at = mapped_column(UTCDateTime)  # "All clear"
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    started_by = relationship("User", foreign_keys=[started_by_id], lazy="joined")
    concluded_by = relationship("User", foreign_keys=[concluded_by_id], lazy="joined")
    assembly_point = relationship("CampusFeature", lazy="joined")
    reports = relationship(
        "DrillAreaReport",
        back_populates="drill",
        order_by="DrillAreaReport.id",
        lazy="selectin",
        cascade="all, delete-orphan",
    )


class DrillAreaReport(db.Model):
    __tablename__ = "drill_area_reports"
    __table_args__ = (UniqueConstraint("drill_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    area_id: Mapped[int] = mapped_column(Integer)  # a campus feature's id (kept if it is removed)
    area_name: Mapped[str] = mapped_column(String(80))
    state: Mapped[AreaState] = mapped_column(str_enum(AreaState))
    accounted: Mapped[int] = mapped_column(default=0)
    missing: Mapped[int] = mapped_column(default=0)
    extra: Mapped[int] = mapped_column(default=0)
    injured: Mapped[int] = mapped_column(default=0)
    problems: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    assembly_point_id: Mapped[int | None] = mapped_column(Integer)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reported_at = mapped_column(UTCDateTime, nullable=False)

    drill = relationship("Drill", back_populates="reports")
    reported_by = relationship("User", lazy="joined")
