"""What a map draws of a course: simplified lines and distance markers, computed once per course.

A recorded or densified course can hold hundreds of thousands of points (a 15 MB GPX: about
380,000, 7.6 MB of JSON in every dashboard's join). A map needs far fewer: the lines are
thinned to within TOLERANCE_M of the original (a few metres, inside the drawn line's width at
street zoom) and to at most MAX_POINTS (the tolerance doubles until they fit). Start and finish
of every line are kept; the length and the markers come from the full course.

The work per point is pure Python (seconds for such a course): it runs in a child process
(`offload.in_process`) the first time a version of a course is drawn, and the result is kept in
this process (`for_map`); an upload computes it with the import (`import_for_map`, `keep`).
Stdlib only, so the child starts quickly.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict

from fieldops import offload
from fieldops.events import course_import

TOLERANCE_M = 3.0
MAX_POINTS = 4000
MAX_TOLERANCE_M = 1000.0
CACHE_SIZE = 32  # courses (x units) kept; each at most MAX_POINTS points

Course = course_import.Course
MapForm = tuple[list[list[list[float]]], list[dict]]  # (lines, markers with distance_m)

_cache: OrderedDict[tuple, MapForm] = OrderedDict()
_pending: dict[tuple, threading.Event] = {}
_lock = threading.Lock()


def for_map(course, every_m: float) -> MapForm:
    """(simplified lines, markers every every_m along the full course) for a `Course` row.

    Kept by the course's id and what changes with a new import (length, source, where the
    file starts in the race); `forget` drops a course at once in this process. Concurrent
    first calls compute it once.
    """
    key = _key(course, every_m)
    while True:
        with _lock:
            if key in _cache:
                _cache.move_to_end(key)
                return _cache[key]
            waiting = _pending.get(key)
            if waiting is None:
                _pending[key] = threading.Event()
        if waiting is None:
            break
        waiting.wait()  # then it is cached, or that computation failed and this one tries
    try:
        value = offload.in_process(
            prepare, course.lines, course.length_m, course.source_format, every_m, _start(course)
        )
        keep(course, every_m, value)
        return value
    finally:
        with _lock:
            _pending.pop(key).set()


def forget(course_id: int) -> None:
    """After a course is replaced: drop what this process kept of it."""
    with _lock:
        for key in [k for k in _cache if k[0] == course_id]:
            del _cache[key]


def _start(course) -> float:
    return course.start_m or 0.0


def _key(course, every_m: float) -> tuple:
    return (
        course.id,
        course.length_m,
        course.source_format,
        course.source_name,
        _start(course),
        every_m,
    )


def keep(course, every_m: float, form: MapForm) -> None:
    """An upload computed the map form with the import (`import_for_map`): keep it."""
    key = _key(course, every_m)
    with _lock:
        _cache[key] = form
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def import_for_map(
    data: bytes, source_name: str, every_m: float, start_m: float = 0.0
) -> tuple[Course, MapForm]:
    """parse_course, and the map form of what it read: one child process for an upload, and no
    megabytes of lines to send back to one. Markers stand at race distances (`start_m`: where
    the file begins in the race)."""
    course = course_import.parse_course(data, source_name)
    markers = course_import.distance_markers(course, every_m, start_m)
    return course, (display_lines(course), markers)


def prepare(
    lines: list, length_m: float, source_format: str, every_m: float, start_m: float = 0.0
) -> MapForm:
    """The map form of stored lines ([[lat, lon], ...] per line). Pure; runs in the child."""
    course = Course([[(lat, lon) for lat, lon in line] for line in lines], length_m, source_format)
    return display_lines(course), course_import.distance_markers(course, every_m, start_m)


def display_lines(
    course: Course, tolerance_m: float = TOLERANCE_M, max_points: int = MAX_POINTS
) -> list[list[list[float]]]:
    """Each line within tolerance_m of the original, all together at most max_points points
    (tolerance doubled as needed, up to MAX_TOLERANCE_M), coordinates to 6 decimals (0.1 m).

    A radial pass first drops points closer than tolerance/2 to the last kept one (linear, and
    most points of a dense recording), then Douglas-Peucker at tolerance/2 shapes the rest:
    every dropped point stays within tolerance of the result.
    """
    tolerance = tolerance_m
    while True:
        half = tolerance / 2
        thinned = Course(
            [_radial(line, half) for line in course.lines], course.length_m, course.source_format
        )
        simple = course_import.simplify(thinned, half)
        if sum(len(line) for line in simple.lines) <= max_points or tolerance >= MAX_TOLERANCE_M:
            break
        tolerance *= 2
    return [[[round(lat, 6), round(lon, 6)] for lat, lon in line] for line in simple.lines]


def _radial(line: list[tuple[float, float]], min_m: float) -> list[tuple[float, float]]:
    """The line without points closer than min_m to the previous kept point; ends kept."""
    if len(line) < 3:
        return list(line)
    cos_lat = math.cos(math.radians(line[0][0]))
    per_degree = math.radians(course_import.EARTH_RADIUS_M)
    min2 = (min_m / per_degree) ** 2  # in degrees of latitude, squared
    kept = [line[0]]
    last_lat, last_lon = line[0]
    for lat, lon in line[1:-1]:
        d_lat, d_lon = lat - last_lat, (lon - last_lon) * cos_lat
        if d_lat * d_lat + d_lon * d_lon >= min2:
            kept.append((lat, lon))
            last_lat, last_lon = lat, lon
    kept.append(line[-1])
    return kept
