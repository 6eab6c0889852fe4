"""Bodies and socket payloads are checked at the edge, strictly: the answer names the field and
nothing is written."""

from __future__ import annotations

import pytest

from tests.conftest import fix
from tests.support.scene import report_body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"post_id": True}, "post_id"),
        ({"post_id": "1"}, "post_id"),
        ({"lat": "40.5", "lon": -74.0}, "lat"),
        ({"lat": True, "lon": -74.0}, "lat"),
        ({"lat": 40.5, "lon": 181}, "lon"),
    ],
)
def test_a_check_in_with_a_number_that_is_not_one_names_it(scene, body, field):
    officer_id, token = scene.officer("Dana Reyes", on_shift=False)
    url = f"/api/v1/events/{scene.id}/shift/check-in"
    response = scene.as_officer(token, "POST", url, json=body)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["field"] == field
    assert response.get_json()["error"]["code"] == "invalid"
    assert scene.officer_state(officer_id)["on_shift"] is False


@pytest.mark.parametrize("text", ["bad\x00byte", "lone \ud800 surrogate"])
def test_text_with_a_nul_or_a_lone_surrogate_is_refused(scene, text):
    _officer_id, token = scene.officer("Dana Reyes")
    response = scene.report(token, note=text)
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "note"
    joined = scene.app.test_client().post(
        "/api/v1/join", json={"code": scene.event["code"], "name": text, "badge": "9"}
    )
    assert joined.status_code == 422 and joined.get_json()["error"]["field"] == "name"


def test_a_report_with_a_coordinate_in_a_string_is_refused_as_lat(scene):
    _officer_id, token = scene.officer("Dana Reyes")
    response = scene.report(token, lat="40.651")
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "lat"
    listed = scene.command.client.get(f"/api/v1/events/{scene.id}/incidents").get_json()
    assert listed["incidents"] == []


def test_a_message_priority_must_be_a_flag_and_the_body_an_object(scene):
    url = f"/api/v1/events/{scene.id}/messages"
    scene.officer("Dana Reyes")
    body = {"text": "hello", "to": {"kind": "event"}, "priority": 1}
    flagged = scene.command.post(url, json=body)
    assert flagged.status_code == 422 and flagged.get_json()["error"]["field"] == "priority"
    listed = scene.command.post(url, json=["hello"])
    assert listed.status_code == 422 and listed.get_json()["error"]["field"] is None
    assert scene.command.post(url, json=body | {"priority": True}).status_code == 201


def test_the_socket_report_is_checked_like_the_http_one(scene, app):
    from fieldops.extensions import socketio

    _officer_id, token = scene.officer("Dana Reyes")
    client = socketio.test_client(app, namespace="/live", auth={"token": token})
    assert client.emit("join", {"event_id": scene.id}, namespace="/live", callback=True)["ok"]
    ack = client.emit("report", report_body(lat=True), namespace="/live", callback=True)
    assert ack["ok"] is False and ack["error"]["field"] == "lat"
    ack = client.emit("help", {"client_id": "x" * 12, "lon": "1"}, namespace="/live", callback=True)
    assert ack["ok"] is False and ack["error"]["field"] == "lon"
    client.disconnect(namespace="/live")


@pytest.mark.parametrize(
    "change,field",
    [
        ({"lat": True}, "lat"),
        ({"lon": "-74.0"}, "lon"),
        ({"accuracy": False}, "accuracy"),
        ({"recorded_at": 1767225600}, "recorded_at"),
    ],
)
def test_a_fix_with_a_value_that_only_looks_right_is_refused(scene, change, field):
    _officer_id, token = scene.officer("Lee Officer", at=None)
    response = scene.as_officer(
        token, "POST", f"/api/v1/events/{scene.id}/positions", json=fix() | change
    )
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["field"] == field
