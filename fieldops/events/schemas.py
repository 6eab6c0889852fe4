"""Event set-up bodies (events, posts, the roster), and the serializers of event set-up
resources, shared by REST responses and socket snapshots."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from fieldops.events import course_display
from fieldops.events.models import Assignment, Course, Event, EventOfficer, Post
from fieldops.formats import iso
from fieldops.payloads import (
    Flag,
    Integer,
    Latitude,
    Longitude,
    Number,
    Payload,
    Planned,
    Text,
    unchanged,
)

UNIT_METRES = {"km": 1000.0, "mi": 1609.344}
UNIT_WORD = {"km": "Km", "mi": "Mile"}  # "Mile 25.8", "Km 41.5": distances said on the radio


class EventIn(Payload):
    name: Text(200)
    kind: Text(24) = "other"
    venue: Text(200, blank=True) = ""
    starts_at: Planned
    ends_at: Planned
    timezone: Text(64) = "UTC"
    distance_unit: Text(8) = "km"


class PostIn(Payload):
    """A point with a radius, or an area (`polygon`: [[lat, lon], ...])."""

    name: Text(120)
    kind: Text(24) = "traffic_point"
    lat: Latitude
    lon: Longitude
    radius_m: Number = 50.0
    polygon: list[tuple[Latitude, Longitude]] | None = None
    orders: Text(4000, blank=True) = ""
    is_exit: Flag = False

    def polygon_points(self) -> list[list[float]] | None:
        return [list(point) for point in self.polygon] if self.polygon is not None else None


class RecurIn(Payload):
    """Weekdays as 0 (Monday) to 6 (Sunday); `until` the last school day (a date)."""

    weekdays: Annotated[
        list[Annotated[int, Field(ge=0, le=6, strict=True)]], Field(min_length=1, max_length=7)
    ]
    until: date


class PostChange(Payload):
    """What an admin changes of a post: only the fields given. A post always has a name, a
    place and a radius, so only `polygon` may be given as null (back to the circle)."""

    name: Text(120) = unchanged()
    kind: Text(24) = unchanged()
    lat: Latitude = unchanged()
    lon: Longitude = unchanged()
    radius_m: Number = unchanged()
    polygon: list[tuple[Latitude, Longitude]] | None = None
    orders: Text(4000, blank=True) = unchanged()
    is_exit: Flag = unchanged()

    def changes(self) -> dict:
        given = self.model_dump(exclude_unset=True)
        if "polygon" in given and self.polygon is not None:
            given["polygon"] = [list(point) for point in self.polygon]
        return given


class AssignmentIn(Payload):
    """An officer (by badge; enrolled if new) on a post for a shift window."""

    post_id: Integer
    name: Text(200)
    badge: Text(40)
    starts_at: Planned
    ends_at: Planned
    hourly_rate: Number | None = None


def event_to_dict(event: Event) -> dict:
    return {
        "id": event.id,
        "name": event.name,
        "kind": event.kind.value,
        "venue": event.venue,
        "starts_at": iso(event.starts_at),
        "ends_at": iso(event.ends_at),
        "timezone": event.timezone,
        "distance_unit": event.distance_unit,
    }


def setup_to_dict(event: Event) -> dict:
    """The `setup` envelope: what an admin may change while screens watch (details, posts,
    the campus)."""
    return {
        "event_id": event.id,
        "event": event_to_dict(event),
        "posts": [post_to_dict(p) for p in event.posts],
        "campus": campus_to_list(event),
    }


def campus_to_list(event: Event) -> list[dict]:
    """The event's campus features (fieldops.campus), in every screen's set-up."""
    from fieldops.campus.schemas import feature_to_dict

    return [feature_to_dict(f) for f in event.campus]


def post_to_dict(post: Post) -> dict:
    return {
        "id": post.id,
        "name": post.name,
        "kind": post.kind.value,
        "lat": post.lat,
        "lon": post.lon,
        "radius_m": post.radius_m,
        "polygon": post.polygon,
        "orders": post.orders,
        "is_exit": post.is_exit,
    }


def assignment_to_dict(assignment: Assignment) -> dict:
    return {
        "id": assignment.id,
        "officer_id": assignment.officer_id,
        "post_id": assignment.post_id,
        "starts_at": iso(assignment.starts_at),
        "ends_at": iso(assignment.ends_at),
    }


def member_to_dict(member: EventOfficer) -> dict:
    """An officer on the event's roster or joined: who, and since when."""
    return {
        "id": member.officer_id,
        "name": member.officer.display_name,
        "badge": member.officer.badge,
        "joined_at": iso(member.joined_at),
    }


def course_to_dict(course: Course | None, unit: str) -> dict | None:
    """The course as maps draw it: lines simplified to a few metres, markers and length of the
    full course (course_display: computed once per course, off the hub)."""
    if course is None:
        return None
    every = UNIT_METRES[unit]
    lines, placed = course_display.for_map(course, every)
    markers = [
        {"lat": m["lat"], "lon": m["lon"], "label": f"{round(m['distance_m'] / every)} {unit}"}
        for m in placed
    ]
    start = course.start_m or 0.0
    label = f"{course.length_m / every:.1f} {unit}"
    if start:
        word, end = UNIT_WORD[unit].lower(), (start + course.length_m) / every
        label += f" · {word} {start / every:.1f}–{end:.1f}"
    return {
        "lines": lines,
        "length_m": round(course.length_m, 1),
        "start_m": round(start, 1),
        "length_label": label,
        "markers": markers,
    }
