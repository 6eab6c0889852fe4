"""The help loop over HTTP: a press makes an alarm and a critical incident; command's
acknowledgement and the officers it sends come back to the caller; a false alarm is called off
and stays on the record."""

from __future__ import annotations

import uuid

import pytest

from tests.support.scene import report_body

NEAR = (40.6504, -74.0100)  # ~45 m north of the scene's post


def press(scene, token, client_id=None, **where):
    body = {"client_id": client_id or str(uuid.uuid4()), **where}
    return scene.as_officer(token, "POST", f"/api/v1/events/{scene.id}/help", json=body)


def alarm(scene, alert_id):
    alarms = scene.command.client.get(f"/api/v1/events/{scene.id}/alerts").get_json()["alerts"]
    return next(a for a in alarms if a["id"] == alert_id)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_a_press_raises_an_alarm_and_a_critical_incident_at_the_officer(scene):
    caller_id, token = scene.officer("Dana Reyes")
    pressed = press(scene, token)
    assert pressed.status_code == 201, pressed.get_json()
    alert = pressed.get_json()
    assert alert["incident_id"] and alert["incident_status"] == "reported"
    assert alert["place"] == "at Mile 3 water" and alert["responders"] == []
    incident = scene.incident(alert["incident_id"])
    assert (incident["type"], incident["severity"]) == ("officer_help", "critical")
    assert incident["reported_by"]["id"] == caller_id and incident["place"] == "at Mile 3 water"
    assert [e["kind"] for e in incident["timeline"]] == ["reported"]


def test_pressing_again_while_help_is_open_is_a_new_alarm_on_the_same_incident(scene):
    _caller_id, token = scene.officer("Dana Reyes")
    first = press(scene, token).get_json()
    scene.command.post(f"/api/v1/alerts/{first['id']}/acknowledge")
    again = press(scene, token).get_json()
    assert again["id"] != first["id"] and again["incident_id"] == first["incident_id"]
    assert again["acknowledged_at"] is None  # it sounds again at the command post
    timeline = scene.incident(first["incident_id"])["timeline"]
    assert "help_again" in [e["kind"] for e in timeline]


def test_acknowledging_the_alarm_acknowledges_its_incident_and_the_reverse(scene):
    _caller_id, token = scene.officer("Dana Reyes")
    alert = press(scene, token).get_json()
    done = scene.command.post(f"/api/v1/alerts/{alert['id']}/acknowledge").get_json()
    assert done["acknowledged_by"]["name"] and done["incident_status"] == "acknowledged"
    assert scene.incident(alert["incident_id"])["status"] == "acknowledged"

    _other_id, other = scene.officer("Lee Park")
    second = press(scene, other).get_json()
    scene.transition(second["incident_id"], "acknowledged")
    seen = alarm(scene, second["id"])
    assert seen["acknowledged_at"] and seen["acknowledged_by"]["name"]


def test_the_alarm_names_the_officers_sent_and_how_far_they_are(scene):
    _caller_id, token = scene.officer("Dana Reyes")
    helper_id, _helper = scene.officer("Sam Ortiz", at=NEAR)
    alert = press(scene, token, lat=40.6500, lon=-74.0100).get_json()
    nearest = scene.command.client.get(f"/api/v1/incidents/{alert['incident_id']}/nearest")
    suggested = nearest.get_json()
    assert [e["officer"]["id"] for e in suggested["officers"]] == [helper_id]
    assert [e["officer"]["name"] for e in suggested["needs_help"]] == ["Dana Reyes"]
    assert scene.dispatch(alert["incident_id"], helper_id).status_code == 201
    sent = alarm(scene, alert["id"])
    assert sent["acknowledged_at"] is not None  # dispatching means command has seen it
    [responder] = sent["responders"]
    assert responder["officer_id"] == helper_id and responder["status"] == "dispatched"
    assert 35 <= responder["distance_m"] <= 55


def test_an_officer_calls_off_a_false_alarm_and_it_stays_on_the_record(scene):
    caller_id, token = scene.officer("Dana Reyes")
    helper_id, _helper = scene.officer("Sam Ortiz", at=NEAR)
    alert = press(scene, token).get_json()
    scene.dispatch(alert["incident_id"], helper_id)
    url = f"/api/v1/alerts/{alert['id']}/cancel"
    _other_id, other = scene.officer("Lee Park")
    assert scene.as_officer(other, "POST", url).status_code == 403
    assert scene.command.post(url).status_code == 403
    called_off = scene.as_officer(token, "POST", url)
    assert called_off.status_code == 200
    data = called_off.get_json()
    assert data["cancelled_at"] and data["cancelled_by"]["id"] == caller_id
    assert data["incident_status"] == "cancelled"
    incident = scene.incident(alert["incident_id"])
    last = incident["timeline"][-1]
    assert last["data"] == {"from": "dispatched", "to": "cancelled", "note": "false alarm"}
    assert last["actor"]["id"] == caller_id
    assert incident["assignments"][0]["status"] == "released"
    assert scene.officer_state(helper_id)["status"] == "on_post"
    open_ones = scene.command.client.get(f"/api/v1/events/{scene.id}/alerts?open=1").get_json()
    assert open_ones["alerts"] == []
    assert scene.as_officer(token, "POST", url).status_code == 200  # calling off twice: no-op
    report = scene.report(token, type="crowd").get_json()
    nearest = scene.command.client.get(f"/api/v1/incidents/{report['id']}/nearest").get_json()
    assert [e["officer"]["id"] for e in nearest["needs_help"]] == []


def test_a_resolved_call_for_help_cannot_be_called_off(scene):
    _caller_id, token = scene.officer("Dana Reyes")
    alert = press(scene, token).get_json()
    scene.transition(alert["incident_id"], "acknowledged")
    scene.transition(alert["incident_id"], "resolved", disposition="other")
    refused = scene.as_officer(token, "POST", f"/api/v1/alerts/{alert['id']}/cancel")
    assert refused.status_code == 409


def test_the_report_form_cannot_make_a_help_incident(scene):
    _id, token = scene.officer("Dana Reyes")
    made = scene.as_officer(
        token,
        "POST",
        f"/api/v1/events/{scene.id}/incidents",
        json=report_body(type="officer_help"),
    )
    assert made.status_code == 422 and made.get_json()["error"]["field"] == "type"


def test_dispatch_nearest_never_suggests_the_officer_who_reported_it(scene):
    reporter_id, token = scene.officer("Dana Reyes")
    other_id, _other = scene.officer("Sam Ortiz", at=(40.6530, -74.0100))
    incident = scene.report(token, type="medical").get_json()
    nearest = scene.command.client.get(f"/api/v1/incidents/{incident['id']}/nearest").get_json()
    assert [e["officer"]["id"] for e in nearest["officers"]] == [other_id]
    assert [e["officer"]["id"] for e in nearest["reporter"]] == [reporter_id]
