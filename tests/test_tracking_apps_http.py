"""Traccar Client and OwnTracks, over HTTP, exactly as the apps send."""

import base64
import json
import time
from datetime import UTC, datetime

import pytest


def _stored(app):
    from fieldops.extensions import db
    from fieldops.tracking.models import PositionFix

    with app.app_context():
        return list(db.session.scalars(db.select(PositionFix).order_by(PositionFix.id)))


@pytest.fixture
def officer(make_event, make_officer):
    event = make_event()
    officer_id, token = make_officer(event)
    return {"event": event, "id": officer_id, "token": token}


def test_traccar_classic_query_string_is_stored_with_speed_in_metres_per_second(
    app, client, officer, tick
):
    now = int(time.time())
    # traccar-client-android ProtocolFormatter: an empty POST to URL?id=..&timestamp=..&lat=..
    response = client.post(
        f"/track/osmand?id={officer['token']}&timestamp={now}&lat=40.7128"
        "&lon=-74.006&speed=3.887688&bearing=270.0&altitude=12.5"
        "&accuracy=8.0&batt=87.0"
    )
    assert response.status_code == 200
    tick()
    [stored] = _stored(app)
    assert (stored.lat, stored.lon, stored.source) == (40.7128, -74.006, "osmand")
    assert stored.speed == pytest.approx(2.0, abs=1e-3) and stored.battery == 87.0
    assert stored.recorded_at == datetime.fromtimestamp(now, UTC)


def test_traccar_classic_get_form_is_accepted_too(app, client, officer, tick):
    response = client.get(f"/track/osmand/?id={officer['token']}&lat=40.7&lon=-74.0")
    assert response.status_code == 200
    tick()
    assert len(_stored(app)) == 1


def test_traccar_current_json_body_is_stored(app, client, officer, tick):
    body = {
        "location": {
            "event": "motionchange",
            "is_moving": False,
            "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "odometer": 0,
            "coords": {
                "latitude": 40.65,
                "longitude": -74.01,
                "accuracy": 3.8,
                "speed": 1.2,
                "heading": 63,
                "altitude": 35.7,
            },
            "activity": {"type": "still", "confidence": 100},
            "battery": {"is_charging": False, "level": 0.79},
            "extras": {},
        },
        "device_id": officer["token"],
    }
    response = client.post("/track/osmand", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    tick()
    [stored] = _stored(app)
    assert stored.battery == pytest.approx(79.0) and stored.speed == 1.2


def test_traccar_with_an_unknown_device_id_is_401(app, client, officer, tick):
    response = client.post("/track/osmand?id=somebody-else&lat=40.7&lon=-74.0")
    assert response.status_code == 401
    tick()
    assert _stored(app) == []


def test_traccar_missing_coordinates_are_400_naming_the_field(client, officer):
    response = client.post(f"/track/osmand?id={officer['token']}&timestamp=1")
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "lat"


def test_traccar_refused_fix_is_dropped_with_a_200_so_the_app_does_not_jam(
    app, client, officer, tick
):
    response = client.post(f"/track/osmand?id={officer['token']}&lat=95&lon=0")
    assert response.status_code == 200
    assert response.get_json()["stored"] is False
    assert response.get_json()["error"]["field"] == "lat"
    tick()
    assert _stored(app) == []


def test_traccar_json_without_a_content_type_is_still_read(app, client, officer, tick):
    body = {
        "device_id": officer["token"],
        "location": {
            "timestamp": datetime.now(UTC).isoformat(),
            "coords": {"latitude": 40.6, "longitude": -74.0},
        },
    }
    response = client.post("/track/osmand", data=json.dumps(body), content_type="text/plain")
    assert response.status_code == 200 and response.get_json()["stored"] is True
    tick()
    assert len(_stored(app)) == 1


def _basic(user: str, password: str) -> dict:
    raw = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def test_owntracks_location_is_stored_and_answered_with_a_json_array(app, client, officer, tick):
    body = {
        "_type": "location",
        "acc": 15,
        "alt": 440,
        "batt": 46,
        "conn": "w",
        "lat": 40.66,
        "lon": -74.02,
        "t": "u",
        "tid": "5t",
        "tst": int(time.time()),
        "vac": 2,
        "vel": 18,
    }
    response = client.post(
        "/track/owntracks",
        data=json.dumps(body),
        content_type="application/json",
        headers=_basic("badge-4471", officer["token"])
        | {"X-Limit-U": "badge-4471", "X-Limit-D": "phone"},
    )
    assert response.status_code == 200 and response.get_json() == []
    tick()
    [stored] = _stored(app)
    assert stored.source == "owntracks" and stored.speed == pytest.approx(5.0)


def test_owntracks_messages_without_a_fix_store_nothing(app, client, officer, tick):
    body = {"_type": "lwt", "tst": int(time.time())}
    response = client.post("/track/owntracks", json=body, headers=_basic("x", officer["token"]))
    assert response.status_code == 200 and response.get_json() == []
    tick()
    assert _stored(app) == []


def test_owntracks_without_the_token_is_401_with_a_basic_challenge(client, officer):
    body = {"_type": "location", "lat": 1, "lon": 1, "tst": int(time.time())}
    response = client.post("/track/owntracks", json=body, headers=_basic("x", "wrong"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert client.post("/track/owntracks", json=body).status_code == 401
