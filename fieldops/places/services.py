"""An event's gazetteer (course, posts and campus), built once per version of them."""

from __future__ import annotations

import threading

from fieldops.events import course_display
from fieldops.events.models import Event
from fieldops.events.schemas import UNIT_METRES
from fieldops.places.words import CampusPlace, Gazetteer, Place, PostArea

_cache: dict[int, tuple[tuple, Gazetteer]] = {}
_lock = threading.Lock()


def _version(event: Event) -> tuple:
    course = event.course
    # Not the lines themselves: a big course's are megabytes (a deferred column).
    course_key = (
        (course.id, course.start_m, course.length_m, course.source_name, course.source_format)
        if course
        else None
    )
    posts = tuple((p.id, p.name, p.lat, p.lon, p.radius_m, repr(p.polygon)) for p in event.posts)
    campus = tuple((f.id, f.kind, f.name, f.lat, f.lon, repr(f.polygon)) for f in event.campus)
    return (event.distance_unit, course_key, posts, campus)


def gazetteer(event: Event) -> Gazetteer:
    version = _version(event)
    with _lock:
        known = _cache.get(event.id)
        if known and known[0] == version:
            return known[1]
    course = event.course
    # The maps' simplified copy (within 3 m, at most a few thousand points, computed once and
    # off the hub), not the stored lines: a recorded course can hold hundreds of thousands.
    lines = course_display.for_map(course, UNIT_METRES[event.distance_unit])[0] if course else []
    built = Gazetteer(
        lines,
        [PostArea(p.id, p.name, p.lat, p.lon, p.radius_m, p.polygon) for p in event.posts],
        unit=event.distance_unit,
        start_m=course.start_m if course else 0.0,
        length_m=course.length_m if course else None,
        campus=[
            CampusPlace(f.id, f.name, f.lat, f.lon, 0.0, f.polygon, kind=f.kind.value)
            for f in event.campus
        ],
    )
    with _lock:
        _cache[event.id] = (version, built)
    return built


def forget(event_id: int) -> None:
    """After the event's course is replaced: build its gazetteer again on the next use."""
    with _lock:
        _cache.pop(event_id, None)


def describe(event: Event, lat: float | None, lon: float | None) -> Place:
    if lat is None or lon is None:
        return Place("")
    return gazetteer(event).describe(lat, lon)


def place_text(event: Event, lat: float | None, lon: float | None) -> str:
    """What a person says on the radio for this point ("" when nothing near has a name)."""
    return describe(event, lat, lon).text[:200]
