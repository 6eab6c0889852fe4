"""Event set-up writes: events, their course and posts (the roster: events.roster)."""

from __future__ import annotations

import secrets
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from fieldops import realtime
from fieldops.db import after_commit, before_commit_once
from fieldops.errors import choice, invalid
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
from fieldops.events.schemas import setup_to_dict
from fieldops.events.signals import roster_changed
from fieldops.extensions import db
from fieldops.places import services as places

# No 0/O, 1/I/L: the code is read aloud at briefings and typed with gloves on.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8  # 31⁸ ≈ 8.5e11: see docs/api.md, "Hardening"


def new_enrollment_code() -> str:
    """A code no event uses, as an officer's or a staff code."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        taken = select(Event.id).where((Event.enrollment_code == code) | (Event.staff_code == code))
        if not db.session.scalar(taken):
            return code


def _check_event(event: Event) -> None:
    if not event.name.strip():
        raise invalid("name is required", "name")
    event.name = event.name.strip()
    event.kind = choice(EventKind, event.kind, "kind")
    try:
        ZoneInfo(event.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid(f"unknown time zone {event.timezone!r}", "timezone") from None
    if event.distance_unit not in ("km", "mi"):
        raise invalid("distance_unit must be km or mi", "distance_unit")
    if event.ends_at <= event.starts_at:
        raise invalid("the event must end after it starts", "ends_at")


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
    event = Event(
        name=name,
        kind=kind,
        venue=venue,
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=timezone,
        distance_unit=distance_unit,
    )
    _check_event(event)
    event.enrollment_code = new_enrollment_code()
    db.session.add(event)
    db.session.flush()
    event.staff_code = new_enrollment_code()
    db.session.flush()
    return event


EVENT_DETAILS = ("name", "kind", "venue", "starts_at", "ends_at", "timezone", "distance_unit")


def _set_details(row, changes: dict, allowed: tuple[str, ...], what: str) -> None:
    """Set the given columns; a name that is not one of `allowed` is a programming error."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"not a detail of {what}: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(row, name, value)


def change_event(event: Event, **changes) -> Event:
    """Change an event's details (its window, time zone, name...): the same checks as
    creating it; a 422 naming the field leaves the event as it was (the transaction rolls
    back)."""
    _set_details(event, changes, EVENT_DETAILS, "an event")
    _check_event(event)
    publish_setup(event)
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
        raise invalid("the course start must be between 0 and 1,000 km into the race", "start")


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


def set_course_start(event: Event, start_m: float) -> Course:
    """How far into the race the event's course file begins (a recording that started late)."""
    if event.course is None:
        raise invalid("the event has no course yet", "start")
    check_course_start(start_m)
    event.course.start_m = start_m
    db.session.flush()
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
    is_exit: bool = False,
) -> Post:
    post = Post(
        name=name,
        kind=kind,
        lat=lat,
        lon=lon,
        radius_m=radius_m,
        polygon=polygon,
        orders=orders,
        is_exit=is_exit,
    )
    _check_post(post)  # before joining the event's posts: a refused post is never pending
    post.event = event
    db.session.add(post)
    db.session.flush()
    publish_setup(event)
    return post


def _check_post(post: Post) -> None:
    if not post.name.strip():
        raise invalid("name is required", "name")
    post.name = post.name.strip()
    post.kind = choice(PostKind, post.kind, "kind")
    if not (-90 <= post.lat <= 90):
        raise invalid("lat must be between -90 and 90", "lat")
    if not (-180 <= post.lon <= 180):
        raise invalid("lon must be between -180 and 180", "lon")
    if not (1 <= post.radius_m <= 5000):
        raise invalid("radius_m must be between 1 and 5000", "radius_m")
    if post.polygon is not None and len(post.polygon) < 3:
        raise invalid("a polygon needs at least 3 points", "polygon")


POST_DETAILS = ("name", "kind", "lat", "lon", "radius_m", "polygon", "orders", "is_exit")


def change_post(post: Post, **changes) -> Post:
    """Move a post, resize it, rename it or change its orders (the same checks as adding it).
    Officers posted there are refreshed on the map: their off-post flag depends on it."""
    _set_details(post, changes, POST_DETAILS, "a post")
    _check_post(post)
    db.session.flush()
    _roster_changed_at_post(post)
    publish_setup(post.event)
    return post


def _officers_at_post(post: Post) -> list[int]:
    rostered = select(Assignment.officer_id).where(Assignment.post_id == post.id)
    return sorted(set(db.session.scalars(rostered)))


def _roster_changed_at_post(post: Post) -> None:
    for officer_id in _officers_at_post(post):
        roster_changed.send(post.event, officer_id=officer_id)


def publish_setup(event: Event) -> None:
    """After commit, once per transaction: the event's details and posts as they now stand,
    to the command post and to every officer at the event (a `setup` envelope)."""
    before_commit_once(("setup", event.id), lambda: _push_setup(event))


def _push_setup(event: Event) -> None:
    db.session.flush()
    db.session.refresh(event, ["posts", "campus"])
    data = setup_to_dict(event)
    realtime.publish_to_staff_on_commit(event.id, "setup", data)
    for officer_id in member_ids(event.id):
        realtime.publish_on_commit(realtime.officer_room(officer_id), "setup", data)
    realtime.publish_on_commit(realtime.lead_room(event.id), "setup", data)


def member_ids(event_id: int) -> list[int]:
    """Every officer at the event, from the database (another process may have let one in):
    whom an envelope for every phone at the event goes to."""
    query = select(EventOfficer.officer_id).where(EventOfficer.event_id == event_id)
    return sorted(db.session.scalars(query))


def event_by_code(code: str) -> Event | None:
    return db.session.scalar(select(Event).where(Event.enrollment_code == code.strip().upper()))
