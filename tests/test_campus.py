"""A school's campus: an admin draws its buildings and areas, exits and assembly points (or
imports them as GeoJSON); everyone at the event reads them; places there are said by them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldops.tracking.geometry import destination

CAMPUS_FILE = Path(__file__).resolve().parent.parent / "fieldops" / "data"
CAMPUS_FILE = CAMPUS_FILE / "demo-school-campus.geojson"
CENTRE = (40.64520, -73.97120)  # the demo school's, as the file was drawn around


def at(north: float, east: float) -> tuple[float, float]:
    lat, lon = destination(*CENTRE, 0.0, north)
    return destination(lat, lon, 90.0, east)


@pytest.fixture
def school(make_event, make_user, auth):
    event = make_event("Lincoln Elementary", kind="school")
    _id, admin = make_user("admin")
    assert auth.login(admin).status_code == 200
    return event


def put_campus(auth, event_id: int, collection: dict):
    return auth.client.put(
        f"/api/v1/events/{event_id}/campus",
        json=collection,
        headers={"X-CSRF-Token": auth.csrf},
    )


def campus(auth, event_id: int) -> list[dict]:
    response = auth.client.get(f"/api/v1/events/{event_id}/campus")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["features"]


def test_an_imported_file_becomes_the_campus_every_screen_draws(school, auth):
    collection = json.loads(CAMPUS_FILE.read_text())
    response = put_campus(auth, school["id"], collection)
    assert response.status_code == 200, response.get_json()
    features = campus(auth, school["id"])
    kinds = {f["name"]: f["kind"] for f in features}
    assert kinds["Gym"] == "building" and kinds["Field"] == "area"
    assert kinds["East exit"] == "exit" and kinds["Assembly point A (field)"] == "assembly"
    gym = next(f for f in features if f["name"] == "Gym")
    assert len(gym["polygon"]) == 4  # the closing repeat of the ring is dropped
    lats = [c[0] for c in gym["polygon"]]
    assert min(lats) < gym["lat"] < max(lats)  # its label sits inside it
    exit_ = next(f for f in features if f["name"] == "East exit")
    assert exit_["polygon"] is None and exit_["lat"] > 40 > exit_["lon"]  # [lon, lat] read right
    # ... and the same file comes back out, to edit elsewhere
    out = auth.client.get(f"/api/v1/events/{school['id']}/campus.geojson")
    assert out.mimetype == "application/geo+json"
    again = put_campus(auth, school["id"], out.get_json())
    assert [(f["name"], f["kind"], f["polygon"]) for f in again.get_json()["features"]] == [
        (f["name"], f["kind"], f["polygon"]) for f in features
    ]


def test_a_feature_is_drawn_moved_renamed_and_removed(school, auth):
    corners = [list(at(0, 0)), list(at(0, 30)), list(at(20, 30)), list(at(20, 0))]
    gym = auth.post(
        f"/api/v1/events/{school['id']}/campus/features",
        json={"kind": "building", "name": "  Gym ", "polygon": corners},
    )
    assert gym.status_code == 201, gym.get_json()
    gym = gym.get_json()
    assert gym["name"] == "Gym" and gym["polygon"] == corners
    moved = [[lat + 0.001, lon] for lat, lon in corners]
    response = auth.client.patch(
        f"/api/v1/campus/features/{gym['id']}",
        json={"polygon": moved, "name": "Gymnasium"},
        headers={"X-CSRF-Token": auth.csrf},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["lat"] == pytest.approx(gym["lat"] + 0.001)
    assert campus(auth, school["id"])[0]["name"] == "Gymnasium"
    gone = auth.client.delete(
        f"/api/v1/campus/features/{gym['id']}", headers={"X-CSRF-Token": auth.csrf}
    )
    assert gone.status_code == 204
    assert campus(auth, school["id"]) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "building", "name": "Gym"}, "polygon"),
        (
            {
                "kind": "building",
                "name": "Gym",
                "polygon": [[40.6, -74.0], [40.6, -74.0], [40.7, -74.0]],
            },
            "polygon",
        ),  # noqa: E501
        ({"kind": "building", "name": "Gym", "polygon": "abc"}, "polygon"),
        ({"kind": "building", "name": "Gym", "polygon": [[1], [2], [3]]}, "polygon.0.1"),
        ({"kind": "exit", "name": "East exit", "lon": -74.0}, "lat"),
        ({"kind": "exit", "name": "East exit", "lat": 95.0, "lon": -74.0}, "lat"),
        ({"kind": "exit", "name": "East exit", "lat": "40.6", "lon": -74.0}, "lat"),
        ({"kind": "moon", "name": "Gym", "lat": 40.6, "lon": -74.0}, "kind"),
        ({"kind": "exit", "name": "  ", "lat": 40.6, "lon": -74.0}, "name"),
    ],
)
def test_a_feature_that_cannot_be_drawn_is_refused_naming_the_field(school, auth, body, field):
    response = auth.post(f"/api/v1/events/{school['id']}/campus/features", json=body)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["field"] == field


def test_a_bad_file_names_the_feature_and_keeps_the_campus_as_it_was(school, auth):
    good = json.loads(CAMPUS_FILE.read_text())
    assert put_campus(auth, school["id"], good).status_code == 200
    before = campus(auth, school["id"])
    bad = json.loads(CAMPUS_FILE.read_text())
    bad["features"][2]["geometry"]["coordinates"] = [[[-73.97, 40.64], [-73.97, 40.64]]]
    response = put_campus(auth, school["id"], bad)
    assert response.status_code == 422
    assert response.get_json()["error"]["field"].startswith("features.2.geometry")
    unnamed = json.loads(CAMPUS_FILE.read_text())
    del unnamed["features"][5]["properties"]["name"]
    response = put_campus(auth, school["id"], unnamed)
    assert response.get_json()["error"]["field"] == "features.5.properties.name"
    multi = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "X"},
                "geometry": {"type": "MultiPolygon", "coordinates": []},
            }
        ],
    }  # noqa: E501
    assert put_campus(auth, school["id"], multi).status_code == 422
    assert campus(auth, school["id"]) == before


def test_only_admins_draw_and_everyone_at_the_event_reads(school, auth, client, make_user):
    from tests.conftest import Auth

    assert put_campus(auth, school["id"], json.loads(CAMPUS_FILE.read_text())).status_code == 200
    feature_id = campus(auth, school["id"])[0]["id"]
    for role in ("command", "organizer"):
        _id, name = make_user(role)
        staff = Auth(client)
        assert staff.login(name).status_code == 200
        assert len(campus(staff, school["id"])) == 12
        refused = staff.post(
            f"/api/v1/events/{school['id']}/campus/features",
            json={"kind": "exit", "name": "Side door", "lat": 40.6, "lon": -74.0},
        )
        assert refused.status_code == 403
        assert (
            staff.client.delete(
                f"/api/v1/campus/features/{feature_id}", headers={"X-CSRF-Token": staff.csrf}
            ).status_code
            == 403
        )
    phone = Auth(client)
    assert phone.join(school["code"], "Pat Officer", "4411").status_code == 201
    assert len(campus(phone, school["id"])) == 12


def test_places_on_a_campus_are_said_by_its_buildings_exits_and_assembly_points(school, auth, app):
    from fieldops.events.models import Event
    from fieldops.extensions import db
    from fieldops.places.services import place_text

    assert put_campus(auth, school["id"], json.loads(CAMPUS_FILE.read_text())).status_code == 200
    with app.app_context():
        event = db.session.get(Event, school["id"])
        said = {
            "at the gym's east exit": place_text(event, *at(72, 3)),
            "in the gym": place_text(event, *at(80, -30)),
            "on the field": place_text(event, *at(120, 40)),
            "at assembly point B": place_text(event, *at(-5, 150)),
            "north of the field": place_text(event, *at(400, 0)),
            "across town": place_text(event, *at(5000, 0)),
        }
    assert said == {
        "at the gym's east exit": "Gym, east exit",
        "in the gym": "Gym",
        "on the field": "Field",
        "at assembly point B": "at Assembly point B (staff parking)",
        "north of the field": "260 m N of Field",
        "across town": "",
    }
