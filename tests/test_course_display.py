"""What the maps get of a course: a few metres from the original, a few thousand points at most,
computed once per course; and a huge course reaches a dashboard's join small."""

from __future__ import annotations

import json
import math
import re
from types import SimpleNamespace

import pytest

from fieldops.events import course_display
from fieldops.events.course_import import Course, parse_course
from tests.conftest import STAFF_PASSWORD
from tests.support.heavy import dense_course_gpx

M_PER_DEG = math.radians(6_371_008.8)


def _distance_to_line(point, line) -> float:
    """Metres from point to the polyline (local flat projection)."""
    cos_lat = math.cos(math.radians(point[0]))

    def xy(p):
        return ((p[1] - point[1]) * cos_lat * M_PER_DEG, (p[0] - point[0]) * M_PER_DEG)

    best = math.inf
    for a, b in zip(line, line[1:], strict=False):
        (ax, ay), (bx, by) = xy(a), xy(b)
        dx, dy = bx - ax, by - ay
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def test_the_drawn_line_stays_within_three_metres_of_every_recorded_point():
    course = parse_course(dense_course_gpx(points=20_000, length_m=5_000))
    [line] = course_display.display_lines(course)
    assert len(line) < 500
    assert line[0] == [round(c, 6) for c in course.lines[0][0]]  # start
    assert line[-1] == [round(c, 6) for c in course.lines[0][-1]]  # finish
    # every 7th recorded point, each against the nearby stretch of the drawn line
    for i in range(0, 20_000, 7):
        point = course.lines[0][i]
        nearby = [p for p in line if abs(p[0] - point[0]) + abs(p[1] - point[1]) < 0.01]
        assert _distance_to_line(point, nearby) <= course_display.TOLERANCE_M + 0.1, i


def test_too_many_points_raise_the_tolerance_until_they_fit_and_every_line_keeps_its_ends():
    zigzag = [(40.6 + i * 1e-4, -74.0 + (i % 2) * 2e-4) for i in range(1_000)]  # 17 m wiggles
    second = [(40.8, -74.0), (40.8, -73.9)]
    course = Course([zigzag, second], 0.0, "gpx-trk")
    lines = course_display.display_lines(course, max_points=60)
    assert sum(len(line) for line in lines) <= 60
    assert [lines[0][0], lines[0][-1]] == [[40.6, -74.0], [round(40.6 + 999e-4, 6), -73.9998]]
    assert lines[1] == [[40.8, -74.0], [40.8, -73.9]]
    assert len(course_display.display_lines(course, max_points=5_000)[0]) == 1_000  # all needed


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = course_display.prepare

    def prepare(*args):
        calls.append(args[1:])
        return real(*args)

    monkeypatch.setattr(course_display, "prepare", prepare)
    monkeypatch.setattr(course_display, "_cache", type(course_display._cache)())
    return calls


def test_a_course_is_simplified_once_per_unit_until_it_is_replaced(counted):
    row = SimpleNamespace(
        id=7, lines=[[[40.6, -74.0], [40.61, -74.0]]], length_m=1112.0, source_format="gpx-trk"
    )
    row.source_name, row.start_m = "a.gpx", 0.0
    first = course_display.for_map(row, 1000.0)
    assert course_display.for_map(row, 1000.0) is first
    course_display.for_map(row, 1609.344)
    assert len(counted) == 2  # km and miles
    row.length_m, row.lines = 2224.0, [[[40.6, -74.0], [40.62, -74.0]]]  # a new import
    assert course_display.for_map(row, 1000.0)[0] == [[[40.6, -74.0], [40.62, -74.0]]]
    course_display.forget(7)
    course_display.for_map(row, 1000.0)
    assert len(counted) == 4
    row.start_m = 500.0  # the file begins 500 m into the race: markers at race distances
    _lines, markers = course_display.for_map(row, 1000.0)
    assert len(counted) == 5
    assert [m["distance_m"] for m in markers] == [1000.0, 2000.0]


def test_a_huge_course_reaches_a_dashboards_join_small_with_its_start_finish_and_length(
    app, client, auth, make_user, make_event, counted
):
    from fieldops.extensions import socketio

    make_user("admin", "setup")
    make_user("command", "dispatch")
    event = make_event(distance_unit="km")
    gpx = dense_course_gpx()  # 380,000 points, about 15 MB
    point = rb'<trkpt lat="([-0-9.]+)" lon="([-0-9.]+)"'
    start = [round(float(c), 6) for c in re.search(point, gpx).groups()]
    finish = [
        round(float(c), 6) for c in re.compile(point).search(gpx, gpx.rfind(b"<trkpt")).groups()
    ]
    auth.login("setup")
    put = client.put(
        f"/api/v1/events/{event['id']}/course",
        data=gpx,
        query_string={"filename": "dense.gpx"},
        headers={"X-CSRF-Token": auth.csrf},
    )
    assert put.status_code == 200, put.get_json()
    assert len(put.data) < 200_000
    length_m = put.get_json()["length_m"]  # of the full course (test_course_import checks how)
    assert 42_195 < length_m < 45_000

    staff = app.test_client()
    staff.post("/api/v1/auth/login", json={"username": "dispatch", "password": STAFF_PASSWORD})
    joins = []
    for _ in range(3):
        dashboard = socketio.test_client(app, namespace="/live", flask_test_client=staff)
        ack = dashboard.emit("join", {"event_id": event["id"]}, namespace="/live", callback=True)
        assert ack["ok"], ack
        joins.append(ack)
        dashboard.disconnect(namespace="/live")

    size = len(json.dumps(joins[0]))
    assert size < 200_000, f"join snapshot is {size} bytes"
    course = joins[0]["snapshot"]["course"]
    assert course["length_m"] == length_m
    assert [course["lines"][0][0], course["lines"][-1][-1]] == [start, finish]
    assert len(course["markers"]) == int(length_m // 1000)
    assert course["markers"][0]["label"] == "1 km"
    assert all(j["snapshot"]["course"] == course for j in joins)
    assert counted == []  # computed with the import, in the upload; the three joins reused it
