"""Event set-up writes: events, courses, posts, the roster and its officers."""

from __future__ import annotations

import secrets
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from fieldops.auth.models import Role, User
from fieldops.db import after_commit
from fieldops.errors import ApiError, choice
from fieldops.events import course_display, course_import
from fieldops.events.models import (
    Assignment,
    Course,
    Event,
    EventKind,
    EventOfficer,
    Post,
    PostKind,
)
from fieldops.extensions import db
from fieldops.places import services as places
from fieldops.tracking.services import announce_officer

# No 0/O, 1/I/L: the code is read aloud at briefings and typed with gloves on.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def _invalid(message: str, field: str) -> ApiError:
    return ApiError(message, code="invalid", field=field, status=422)


def new_enrollment_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not db.session.scalar(select(Event.id).where(Event.enrollment_code == code)):
            return code


def create_event(
    *,
    name: str,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    venue: str = "",
    timezone: str = "UTC",
    distance_unit: str = "km",
) -> Event:
    if not name.strip():
        raise _invalid("name is required", "name")
    kind = choice(EventKind, kind, "kind")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise _invalid(f"unknown time zone {timezone!r}", "timezone") from None
    if distance_unit not in ("km", "mi"):
        raise _invalid("distance_unit must be km or mi", "distance_unit")
    if ends_at <= starts_at:
        raise _invalid("the event must end after it starts", "ends_at")
    event = Event(
        name=name.strip(),
        kind=kind,
        venue=venue,
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=timezone,
        distance_unit=distance_unit,
        enrollment_code=new_enrollment_code(),
    )
    db.session.add(event)
    db.session.flush()
    return event


def set_course(event: Event, data: bytes, source_name: str = "", start_m: float = 0.0) -> Course:
    """Import a GPX or GeoJSON file as the event's course (replacing any earlier one).

    `start_m`: how far into the race the file begins (a recording that started late)."""
    check_course_start(start_m)
    parsed = course_import.parse_course(data, source_name)  # CourseImportError on bad input
    return store_course(event, parsed, source_name, start_m)


def check_course_start(start_m: float) -> None:
    if not 0 <= start_m <= 1_000_000:
        raise _invalid("the course start must be between 0 and 1,000 km into the race", "start")


def store_course(
    event: Event, parsed: course_import.Course, source_name: str = "", start_m: float = 0.0
) -> Course:
    """Make an imported course the event's course (replacing any earlier one).

    The HTTP upload parses off the hub first (a big file takes seconds), then calls this."""
    check_course_start(start_m)
    lines = [[[lat, lon] for lat, lon in line] for line in parsed.lines]
    if event.course is None:
        event.course = Course(
            lines=lines,
            length_m=parsed.length_m,
            source_name=source_name,
            source_format=parsed.source_format,
            start_m=start_m,
        )
    else:
        event.course.lines = lines
        event.course.length_m = parsed.length_m
        event.course.source_name = source_name
        event.course.source_format = parsed.source_format
        event.course.start_m = start_m
    db.session.flush()
    course_id = event.course.id
    event_id = event.id

    def forget_earlier() -> None:  # what this process kept of an earlier course
        course_display.forget(course_id)
        places.forget(event_id)

    after_commit(forget_earlier)
    return event.course


def add_post(
    event: Event,
    *,
    name: str,
    kind: str,
    lat: float,
    lon: float,
    radius_m: float = 50.0,
    polygon: list | None = None,
    orders: str = "",
) -> Post:
    if not name.strip():
        raise _invalid("name is required", "name")
    kind = choice(PostKind, kind, "kind")
    if not (-90 <= lat <= 90):
        raise _invalid("lat must be between -90 and 90", "lat")
    if not (-180 <= lon <= 180):
        raise _invalid("lon must be between -180 and 180", "lon")
    if not (1 <= radius_m <= 5000):
        raise _invalid("radius_m must be between 1 and 5000", "radius_m")
    if polygon is not None and len(polygon) < 3:
        raise _invalid("a polygon needs at least 3 points", "polygon")
    post = Post(
        event=event,
        name=name.strip(),
        kind=kind,
        lat=lat,
        lon=lon,
        radius_m=radius_m,
        polygon=polygon,
        orders=orders,
    )
    db.session.add(post)
    db.session.flush()
    return post


def clean_officer(name: str, badge: str) -> tuple[str, str]:
    """The name and badge as stored, or a 422 naming the field."""
    name, badge = name.strip(), badge.strip()
    if not name:
        raise _invalid("name is required", "name")
    if not badge:
        raise _invalid("badge is required", "badge")
    if len(name) > 120 or len(badge) > 40:
        raise _invalid("name or badge is too long", "name" if len(name) > 120 else "badge")
    return name, badge


def lock_roster(event: Event) -> None:
    """Serialize writes to one event's officers: two phones (or a phone and the admin) claiming
    the same new badge at once make one officer, not two. SQLite's BEGIN IMMEDIATE already
    serializes every write transaction; PostgreSQL locks the event's row."""
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())


def member_by_badge(event: Event, badge: str) -> EventOfficer | None:
    return db.session.scalar(
        select(EventOfficer)
        .join(User, EventOfficer.officer_id == User.id)
        .where(EventOfficer.event_id == event.id, User.badge == badge.strip())
    )


def enroll_officer(event: Event, *, name: str, badge: str) -> EventOfficer:
    """The officer with this badge at this event, created on first sight (the roster, or a
    walk-up officer joining: fieldops.joining decides who may join as an existing one)."""
    name, badge = clean_officer(name, badge)
    lock_roster(event)
    member = member_by_badge(event, badge)
    if member is None:
        officer = User(role=Role.OFFICER, display_name=name, badge=badge)
        db.session.add(officer)
        db.session.flush()
        member = EventOfficer(event_id=event.id, officer_id=officer.id)
        db.session.add(member)
        db.session.flush()
        announce_officer(event.id, officer.id)
    return member


def event_by_code(code: str) -> Event | None:
    return db.session.scalar(select(Event).where(Event.enrollment_code == code.strip().upper()))


def assign(
    event: Event,
    *,
    officer: User,
    post: Post,
    starts_at: datetime,
    ends_at: datetime,
    hourly_rate: float | None = None,
) -> Assignment:
    if post.event_id != event.id:
        raise _invalid("that post belongs to another event", "post_id")
    if ends_at <= starts_at:
        raise _invalid("the shift must end after it starts", "ends_at")
    assignment = Assignment(
        event_id=event.id,
        officer_id=officer.id,
        post_id=post.id,
        starts_at=starts_at,
        ends_at=ends_at,
        hourly_rate=hourly_rate,
    )
    db.session.add(assignment)
    db.session.flush()
    announce_officer(event.id, officer.id)
    return assignment
