"""Serializers for event set-up resources, shared by REST responses and socket snapshots."""

from __future__ import annotations

from fieldops.events import course_display
from fieldops.events.models import Course, Event, Post

UNIT_METRES = {"km": 1000.0, "mi": 1609.344}
UNIT_WORD = {"km": "Km", "mi": "Mile"}  # "Mile 25.8", "Km 41.5": distances said on the radio


def iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


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
