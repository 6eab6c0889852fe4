"""The fixes phones send over HTTP are answered without Flask's request machinery, exactly as
the routes answer them (fieldops.direct, fieldops.tracking.direct)."""

from __future__ import annotations

import io
import json
import time
from datetime import UTC, datetime

import pytest

from tests.conftest import fix


@pytest.fixture
def event(make_event):
    return make_event()


@pytest.fixture
def token(event, make_officer):
    _officer_id, token = make_officer(event)
    return token


# Flask's route says `Vary: Cookie` because its hooks open the cookie session; neither answer
# depends on a cookie, so the direct path leaves it out.
NOT_COMPARED = {"Content-Length", "Vary"}


def _answer(response) -> tuple:
    headers = sorted((k, v) for k, v in response.headers.items() if k not in NOT_COMPARED)
    return response.status_code, response.get_json(), headers


def _both(app, client, *args, **kwargs) -> tuple:
    """The answer through the direct path, then the same request through the Flask route."""
    direct = _answer(client.open(*args, **kwargs))
    gate = app.wsgi_app
    app.wsgi_app = gate.inner
    try:
        routed = _answer(client.open(*args, **kwargs))
    finally:
        app.wsgi_app = gate
    return direct, routed


JSON = "application/json"


def _requests(token: str) -> list[tuple[str, dict]]:
    now = int(time.time())
    good = f"id={token}&timestamp={now}&lat=40.7128&lon=-74.006&speed=3.9&batt=87"
    coords = {"latitude": 40.7128, "longitude": -74.006, "accuracy": 8, "speed": 2.0}
    when = datetime.fromtimestamp(now, UTC).isoformat()
    location = {"timestamp": when, "coords": coords, "battery": {"level": 0.87}}
    located = {"device_id": token, "location": location}
    return [
        ("a classic empty POST", {"path": f"/track/osmand?{good}", "method": "POST"}),
        (
            "an empty POST that names a content type",
            {"path": f"/track/osmand?{good}", "method": "POST", "content_type": "text/plain"},
        ),
        ("a GET to the alias", {"path": f"/track/osmand/?{good}", "method": "GET"}),
        (
            "a form",
            {
                "path": "/track/osmand",
                "method": "POST",
                "data": good,
                "content_type": "application/x-www-form-urlencoded",
            },
        ),
        (
            "a form overriding the query",
            {
                "path": f"/track/osmand?id=nobody&lat=1&lon=1&timestamp={now}",
                "method": "POST",
                "data": f"id={token}&lat=40.7&lon=-74.0",
                "content_type": "application/x-www-form-urlencoded; charset=UTF-8",
            },
        ),
        (
            "an unknown token",
            {"path": "/track/osmand?id=nobody&lat=40.7&lon=-74", "method": "POST"},
        ),
        ("no token", {"path": "/track/osmand?lat=40.7&lon=-74", "method": "POST"}),
        ("no latitude", {"path": f"/track/osmand?id={token}&lon=-74", "method": "POST"}),
        (
            "a latitude of 91",
            {"path": f"/track/osmand?id={token}&lat=91&lon=-74", "method": "POST"},
        ),
        ("not a number", {"path": f"/track/osmand?id={token}&lat=abc&lon=-74", "method": "POST"}),
        (
            "a fix from 1970 (dropped with a 200)",
            {"path": f"/track/osmand?id={token}&lat=40.7&lon=-74&timestamp=5", "method": "POST"},
        ),
        (
            "bad percent-encoding",
            {"path": f"/track/osmand?id={token}&lat=%ZZ&lon=%ff", "method": "GET"},
        ),
        ("repeated fields", {"path": f"/track/osmand?{good}&lat=1&id=x", "method": "POST"}),
        (
            "a body of another kind",
            {
                "path": f"/track/osmand?{good}",
                "method": "POST",
                "data": "x",
                "content_type": "text/plain",
            },
        ),
        (
            "a form cut short: the client went away",
            {
                "path": "/track/osmand",
                "method": "POST",
                "data": good,
                "content_type": "application/x-www-form-urlencoded",
                "environ_overrides": {"CONTENT_LENGTH": str(len(good) + 20)},
            },
        ),
        (
            "a Host with the default port",
            {"path": f"/track/osmand?{good}", "method": "POST", "headers": {"Host": "a.org:80"}},
        ),
        ("a Host that is not one", {"path": f"/track/osmand?{good}", "headers": {"Host": "a b"}}),
        (
            "JSON sent as a form",
            {
                "path": "/track/osmand",
                "method": "POST",
                "data": json.dumps({"device_id": token}),
                "content_type": "application/x-www-form-urlencoded",
            },
        ),
        (
            "JSON without its content type",
            {"path": "/track/osmand", "method": "POST", "data": json.dumps({"device_id": token})},
        ),
        ("Traccar Client's JSON", {"path": "/track/osmand", "method": "POST", "json": located}),
        ("its JSON to the alias", {"path": "/track/osmand/", "method": "POST", "json": located}),
        (
            "its JSON without a content type",
            {"path": "/track/osmand", "method": "POST", "data": json.dumps(located)},
        ),
        (
            "its JSON as text",
            {
                "path": "/track/osmand",
                "method": "POST",
                "data": json.dumps(located),
                "content_type": "text/plain",
            },
        ),
        (
            "JSON with no coordinates",
            {"path": "/track/osmand", "method": "POST", "json": {**located, "location": {}}},
        ),
        (
            "JSON from an unknown device",
            {"path": "/track/osmand", "method": "POST", "json": {**located, "device_id": "x"}},
        ),
        ("a JSON list", {"path": "/track/osmand", "method": "POST", "json": [located]}),
        *(
            (what, {"path": "/track/osmand", "method": "POST", "data": data, "content_type": JSON})
            for what, data in [
                ("JSON that does not parse", "{"),
                ("JSON null", "null"),
                ("JSON too deep", "[" * 40 + "]" * 40),
                ("an empty JSON body", ""),
            ]
        ),
    ]


@pytest.mark.parametrize("index", range(len(_requests("t"))), ids=[n for n, _ in _requests("t")])
def test_traccar_client_is_answered_as_the_route_does(app, client, token, index):
    _name, request = _requests(token)[index]
    direct, routed = _both(app, client, request.pop("path"), **request)
    assert direct == routed
    assert direct[0] < 500


def _positions(event_id: int, token: str, other_event_id: int) -> list[tuple[str, dict]]:
    url = f"/api/v1/events/{event_id}/positions"
    bearer = {"Authorization": f"Bearer {token}"}
    deep = "[" * 40 + "]" * 40
    return [
        ("one fix", {"path": url, "json": fix(), "headers": bearer}),
        ("a list", {"path": url, "json": [fix(), fix(40.71), fix(40.72)], "headers": bearer}),
        ("a latitude of 91", {"path": url, "json": fix(91), "headers": bearer}),
        ("no time", {"path": url, "json": {"lat": 40.7, "lon": -74.0}, "headers": bearer}),
        ("an empty list", {"path": url, "json": [], "headers": bearer}),
        ("a number", {"path": url, "json": 5, "headers": bearer}),
        (
            "null",
            {"path": url, "data": "null", "content_type": "application/json", "headers": bearer},
        ),
        (
            "not JSON",
            {"path": url, "data": "{", "content_type": "application/json", "headers": bearer},
        ),
        (
            "too deep",
            {"path": url, "data": deep, "content_type": "application/json", "headers": bearer},
        ),
        ("not said to be JSON", {"path": url, "data": json.dumps(fix()), "headers": bearer}),
        ("no token", {"path": url, "json": fix()}),
        (
            "an unknown token",
            {"path": url, "json": fix(), "headers": {"Authorization": "Bearer x"}},
        ),
        ("Basic", {"path": url, "json": fix(), "headers": {"Authorization": "Basic eDp5"}}),
        (
            "another event",
            {
                "path": f"/api/v1/events/{other_event_id}/positions",
                "json": fix(),
                "headers": bearer,
            },
        ),
        (
            "no such event",
            {"path": "/api/v1/events/999999/positions", "json": fix(), "headers": bearer},
        ),
        (
            "an id past the largest",
            {
                "path": "/api/v1/events/99999999999999999999/positions",
                "json": fix(),
                "headers": bearer,
            },
        ),
    ]


POSITIONS = [name for name, _ in _positions(1, "t", 2)]


@pytest.mark.parametrize("index", range(len(POSITIONS)), ids=POSITIONS)
def test_a_device_tokens_fixes_are_answered_as_the_route_does(
    app, client, event, token, make_event, index
):
    other = make_event(name="Another race")
    _name, request = _positions(event["id"], token, other["id"])[index]
    direct, routed = _both(app, client, request.pop("path"), method="POST", **request)
    assert direct == routed
    assert direct[0] < 500


def test_busy_is_answered_as_the_routes_do(app, client, event, token, monkeypatch):
    from fieldops.tracking import brake

    monkeypatch.setattr(brake, "engaged", lambda: True)
    url = f"/api/v1/events/{event['id']}/positions"
    headers = {"Authorization": f"Bearer {token}"}
    direct, routed = _both(app, client, url, method="POST", json=fix(), headers=headers)
    assert direct == routed and direct[0] == 503
    assert ("Retry-After", "5") in direct[2]
    direct, routed = _both(app, client, f"/track/osmand?id={token}&lat=40.7&lon=-74", method="POST")
    assert direct == routed and direct[0] == 503


def test_a_plain_request_never_builds_a_flask_request(app, client, event, token, monkeypatch, tick):
    def refuse(*args, **kwargs):
        raise AssertionError("Flask built a request")

    monkeypatch.setattr(app, "request_context", refuse)
    response = client.post(f"/track/osmand?id={token}&lat=40.7&lon=-74.0")
    assert response.status_code == 200 and response.get_json() == {"stored": True}
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    response = client.post(
        f"/api/v1/events/{event['id']}/positions",
        json=[fix(40.71), fix(40.72)],
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 202 and response.get_json() == {"accepted": 2}
    assert response.headers["X-Frame-Options"] == "DENY"
    now = datetime.now(UTC).isoformat()
    location = {"timestamp": now, "coords": {"latitude": 40.73, "longitude": -74.0}}
    response = client.post("/track/osmand", json={"device_id": token, "location": location})
    assert response.status_code == 200 and response.get_json() == {"stored": True}
    assert tick() == 4


def test_bad_json_multipart_and_other_methods_go_on_to_the_route(app, client, token, monkeypatch):
    routed = []
    original = app.request_context

    def spy(environ):
        routed.append(environ["REQUEST_METHOD"])
        return original(environ)

    monkeypatch.setattr(app, "request_context", spy)
    assert client.post("/track/osmand", data="{", content_type=JSON).status_code == 400
    form = {"id": token, "lat": "40.7", "lon": "-74", "note": (io.BytesIO(b"x"), "x.txt")}
    assert client.post("/track/osmand", data=form).status_code == 200  # multipart
    assert client.put(f"/track/osmand?id={token}&lat=40.7&lon=-74").status_code == 405
    assert routed == ["POST", "POST", "PUT"]
