"""Event set-up: events, their course, posts, the roster and who has joined."""

from __future__ import annotations

import enum

from sqlalchemy import JSON, Boolean, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.db import UTCDateTime, utcnow
from fieldops.extensions import db
from fieldops.formats import str_enum


class EventKind(enum.StrEnum):
    MARATHON = "marathon"
    SCHOOL = "school"
    OTHER = "other"


class PostKind(enum.StrEnum):
    TRAFFIC_POINT = "traffic_point"
    ROAD_CLOSURE = "road_closure"
    WATER_STATION = "water_station"
    MEDICAL = "medical"
    SCHOOL_GATE = "school_gate"
    COMMAND_POST = "command_post"
    CROWD = "crowd"
    OTHER = "other"


class OfficerStatus(enum.StrEnum):
    ON_POST = "on_post"
    RESPONDING = "responding"
    ON_BREAK = "on_break"


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind))
    venue: Mapped[str] = mapped_column(String(200), default="")
    starts_at = mapped_column(UTCDateTime, nullable=False)
    ends_at = mapped_column(UTCDateTime, nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    distance_unit: Mapped[str] = mapped_column(String(2), default="km")  # km | mi
    enrollment_code: Mapped[str] = mapped_column(String(16), unique=True)
    # What a school's area leads (teachers, staff) join with; not an officer's code.
    staff_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    # How long found property unclaimed after the event is kept (lost and found's retention list).
    retention_days: Mapped[int] = mapped_column(default=30, server_default="30")
    # A school's designated administrator (an organizer login): reads its students' records.
    school_admin_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    # Which version of its set-up (details, course, posts, campus) the event is at: every change
    # to them bumps it in the same flush (fieldops.events.setup_view), so each process knows
    # whether the set-up it keeps for snapshots is still this one.
    setup_revision: Mapped[int] = mapped_column(default=0, server_default="0")

    course = relationship(
        "Course", uselist=False, back_populates="event", cascade="all, delete-orphan"
    )
    posts = relationship(
        "Post", back_populates="event", cascade="all, delete-orphan", order_by="Post.id"
    )
    campus = relationship(
        "CampusFeature",
        back_populates="event",
        cascade="all, delete-orphan",
        order_by="CampusFeature.id",
    )


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    # [[[lat, lon], ...], ...]: one or more polylines. Loaded only when read: maps draw the
    # simplified copy course_display keeps, and a big course is megabytes of JSON.
    lines: Mapped[list] = mapped_column(JSON, deferred=True)
    length_m: Mapped[float] = mapped_column(Float)
    source_name: Mapped[str] = mapped_column(String(255), default="")
    source_format: Mapped[str] = mapped_column(String(16), default="")
    # How far into the race the file begins (a recording that starts late): distances said on
    # the radio and the distance markers count from the race's start, not the file's.
    start_m: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")

    event = relationship("Event", back_populates="course")


class Post(db.Model):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[PostKind] = mapped_column(str_enum(PostKind))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    radius_m: Mapped[float] = mapped_column(Float, default=50.0)
    # [[lat, lon], ...] when the post is an area rather than a point with a radius
    polygon: Mapped[list | None] = mapped_column(JSON)
    orders: Mapped[str] = mapped_column(Text, default="")
    # An exit of the course or site: told to watch it when a lost person is reported.
    is_exit: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    event = relationship("Event", back_populates="posts")


class Assignment(db.Model):
    """The roster: one officer, one post, one shift window."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    starts_at = mapped_column(UTCDateTime, nullable=False)
    ends_at = mapped_column(UTCDateTime, nullable=False)
    hourly_rate: Mapped[float | None] = mapped_column(Float)

    post = relationship("Post")
    officer = relationship("User")


class EventOfficer(db.Model):
    """An officer's membership of an event, with their status and latest fix."""

    __tablename__ = "event_officers"
    __table_args__ = (UniqueConstraint("event_id", "officer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    joined_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    status: Mapped[OfficerStatus] = mapped_column(
        str_enum(OfficerStatus), default=OfficerStatus.ON_POST
    )
    fix_lat: Mapped[float | None] = mapped_column(Float)
    fix_lon: Mapped[float | None] = mapped_column(Float)
    fix_accuracy: Mapped[float | None] = mapped_column(Float)
    fix_heading: Mapped[float | None] = mapped_column(Float)
    fix_speed: Mapped[float | None] = mapped_column(Float)
    fix_battery: Mapped[float | None] = mapped_column(Float)
    fix_recorded_at = mapped_column(UTCDateTime)
    fix_received_at = mapped_column(UTCDateTime)

    officer = relationship("User")
