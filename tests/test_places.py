"""Places in words: what an officer says on the radio for a point, and the point for a mile."""

from __future__ import annotations

import json
import math
from importlib import resources

import pytest

from fieldops.places.words import Gazetteer, PostArea
from fieldops.tracking.geometry import EARTH_RADIUS_M
from tests.support.scene import report_body

START = (40.6000, -74.0000)


def north(metres: float, east: float = 0.0) -> tuple[float, float]:
    """metres north and east of START, on the same sphere as the distances measured."""
    per_degree = math.radians(1) * EARTH_RADIUS_M
    lat = START[0] + metres / per_degree
    return lat, START[1] + east / (per_degree * math.cos(math.radians(lat)))


def straight_course(km: float = 10.0) -> list:
    return [[list(north(m)) for m in range(0, int(km * 1000) + 1, 100)]]


def test_a_point_on_the_course_is_said_as_the_race_distance_and_the_nearest_post():
    water = PostArea(1, "Km 5 water station", *north(5000, 40), radius_m=30)
    names = Gazetteer(straight_course(), [water], unit="km")
    assert names.describe(*north(5000, 40)).text == "Km 5.0 · at Km 5 water station"
    assert names.describe(*north(5130, 10)).text == "Km 5.1 · near Km 5 water station"
    further = names.describe(*north(6500))
    assert further.text == "Km 6.5 · 1.5 km N of Km 5 water station"
    assert further.along_m == pytest.approx(6500, abs=1)
    assert names.describe(*north(9000)).text == "Km 9.0"  # posts over 2 km away go unnamed


def test_miles_count_from_the_race_start_when_the_course_file_starts_late():
    names = Gazetteer(straight_course(), [], unit="mi", start_m=16.5 * 1609.344)
    assert names.describe(*north(0)).text == "Mile 16.5"
    assert names.describe(*north(1609.344)).text == "Mile 17.5"
    assert names.locate(17.5) == pytest.approx(north(1609.344), abs=1e-5)
    assert names.locate(10.0) is None and names.locate(30.0) is None


def test_a_simplified_course_is_stretched_to_the_measured_length_like_the_markers():
    # The maps' copy of a wiggly recording is a little shorter than the recording itself.
    names = Gazetteer(straight_course(), [], unit="km", length_m=10_100.0)
    assert names.describe(*north(10_000)).text == "Km 10.1"
    assert names.describe(*north(4_000)).text == "Km 4.0"  # 4,040 m, said to 0.1 km
    assert names.locate(10.1) == pytest.approx(north(10_000), abs=1e-5)


def test_off_the_course_a_post_is_named_with_distance_and_direction():
    gate = PostArea(2, "Main gate", *START, radius_m=20)
    names = Gazetteer([], [gate], unit="km")  # a school: no course
    assert names.describe(*north(0, 10)).text == "at Main gate"
    assert names.describe(*north(120)).text == "near Main gate"
    assert names.describe(*north(300, 300)).text == "420 m NE of Main gate"
    assert names.describe(*north(-5000)).text == "5.0 km S of Main gate"


def test_inside_a_polygon_post_is_at_that_post():
    corners = [list(north(0, 0)), list(north(100, 0)), list(north(100, 100)), list(north(0, 100))]
    loop = PostArea(3, "Bus loop", *north(50, 50), radius_m=40, polygon=corners)
    names = Gazetteer([], [loop])
    assert names.describe(*north(90, 90)).text == "at Bus loop"
    assert names.describe(*north(150, 50)).text.endswith("of Bus loop") or "near" in (
        names.describe(*north(150, 50)).text
    )


def test_nothing_named_nearby_says_nothing_rather_than_guessing():
    names = Gazetteer(straight_course(1), [], unit="km")
    assert names.describe(*north(500, 5000)).text == ""


def test_the_shipped_nyc_course_ends_at_mile_26_2():
    data = json.loads(
        resources.files("fieldops.data").joinpath("nyc-marathon-course.geojson").read_text()
    )
    lines = [
        [[lat, lon] for lon, lat in line] for line in data["features"][0]["geometry"]["coordinates"]
    ]
    plain = Gazetteer(lines, [], unit="mi")
    start_m = 42_195.0 - plain.length_m
    names = Gazetteer(lines, [], unit="mi", start_m=start_m)
    finish = lines[-1][-1]
    assert names.describe(*finish).text == "Mile 26.2"
    assert names.course_range()[0] == pytest.approx(start_m / 1609.344, abs=0.01)


# --- over HTTP -----------------------------------------------------------------------------


@pytest.fixture
def marathon(scene, app, make_post):
    """The scene's event on a straight 10 km course, with a post at km 5."""
    from fieldops.db import write_transaction
    from fieldops.events import services
    from fieldops.events.models import Event
    from fieldops.extensions import db

    geojson = {
        "type": "LineString",
        "coordinates": [[lon, lat] for lat, lon in straight_course()[0]],
    }
    with app.app_context(), write_transaction():
        services.set_course(db.session.get(Event, scene.id), json.dumps(geojson).encode(), "c.json")
    make_post(scene.id, name="Km 5 water", lat=north(5000)[0], lon=north(5000)[1], radius_m=30)
    return scene


def test_an_incident_and_its_alarm_carry_the_place_in_words(marathon):
    lat, lon = north(5000)
    incident = marathon.report(type="medical", severity="critical", lat=lat, lon=lon).get_json()
    assert incident["place"] == "Km 5.0 · at Km 5 water"
    alarms = marathon.command.client.get(f"/api/v1/events/{marathon.id}/alerts").get_json()
    assert alarms["alerts"][0]["place"] == "Km 5.0 · at Km 5 water"


def test_the_desk_finds_a_point_by_distance_post_or_position(marathon):
    url = f"/api/v1/events/{marathon.id}/place"
    by_distance = marathon.command.client.get(f"{url}?distance=3.5").get_json()
    assert by_distance["text"] == "Km 3.5 · 1.5 km S of Km 5 water"
    assert (by_distance["lat"], by_distance["lon"]) == pytest.approx(north(3500), abs=1e-5)
    posts = marathon.command.client.get(f"/api/v1/events/{marathon.id}").get_json()["posts"]
    water = next(p for p in posts if p["name"] == "Km 5 water")
    by_post = marathon.command.client.get(f"{url}?post_id={water['id']}").get_json()
    assert by_post["text"] == "Km 5.0 · at Km 5 water" and by_post["post_id"] == water["id"]
    lat, lon = north(5100)
    assert marathon.command.client.get(f"{url}?lat={lat}&lon={lon}").get_json()["text"] == (
        "Km 5.1 · near Km 5 water"
    )


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("distance=12", 404, "distance"),
        ("distance=-1", 422, "distance"),
        ("distance=abc", 422, "distance"),
        ("lat=91&lon=0", 422, "lat"),
        ("lat=40", 422, "lat"),
        ("post_id=99999", 422, "post_id"),
        ("post_id=x", 422, "post_id"),
        ("", 422, "lat"),
    ],
)
def test_a_place_question_that_cannot_be_answered_says_which_field(marathon, query, status, field):
    response = marathon.command.client.get(f"/api/v1/events/{marathon.id}/place?{query}")
    assert response.status_code == status
    assert response.get_json()["error"]["field"] == field


def test_a_course_uploaded_with_a_late_start_labels_markers_in_race_distance(scene, make_user):
    admin = scene.staff(make_user, "admin")
    geojson = {
        "type": "LineString",
        "coordinates": [[lon, lat] for lat, lon in straight_course()[0]],
    }
    url = f"/api/v1/events/{scene.id}/course?start=30"
    answer = admin.client.put(url, data=json.dumps(geojson), headers={"X-CSRF-Token": admin.csrf})
    assert answer.status_code == 200, answer.get_json()
    course = answer.get_json()
    assert course["start_m"] == 30_000
    assert [m["label"] for m in course["markers"]][:3] == ["31 km", "32 km", "33 km"]
    assert "km 30.0–40.0" in course["length_label"]
    bad = admin.client.put(
        f"/api/v1/events/{scene.id}/course?start=-3",
        data=json.dumps(geojson),
        headers={"X-CSRF-Token": admin.csrf},
    )
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "start"


def test_officers_report_places_too(marathon):
    _id, token = marathon.officer("Dana Reyes", at=north(4000))
    lat, lon = north(4000)
    body = report_body(type="crowd", lat=lat, lon=lon)
    made = marathon.as_officer(token, "POST", f"/api/v1/events/{marathon.id}/incidents", json=body)
    assert made.status_code == 201 and made.get_json()["place"].startswith("Km 4.0 · 1.0 km S of")


def test_a_course_replaced_by_one_of_the_same_length_is_named_anew(scene, app):
    """The gazetteer is kept by the course's id, length and source (its lines are megabytes
    and deferred); a replaced course is forgotten at once, even at an identical length."""
    from fieldops.db import write_transaction
    from fieldops.events import services
    from fieldops.events.models import Event
    from fieldops.extensions import db
    from fieldops.places.services import gazetteer

    points = straight_course(5)[0]
    # One segment: its length is the same to the last bit whichever way it is run.
    line = [[lon, lat] for lat, lon in (points[0], points[-1])]

    def upload(coordinates):
        body = json.dumps({"type": "LineString", "coordinates": coordinates}).encode()
        with app.app_context(), write_transaction():
            services.set_course(db.session.get(Event, scene.id), body, "course.json")

    def words_at(metres):
        with app.app_context():
            return gazetteer(db.session.get(Event, scene.id)).describe(*north(metres)).text

    upload(line)
    assert words_at(1000).startswith("Km 1.0")
    upload(line[::-1])  # the same course run the other way: the same length, the same name
    assert words_at(1000).startswith("Km 4.0")
