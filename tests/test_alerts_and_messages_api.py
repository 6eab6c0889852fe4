"""Help alarms, their acknowledgement by a named user, the automatic alarms, and messages."""

from __future__ import annotations

import uuid

import pytest

from tests.support.scene import bearer


def _help(scene, token, client_id=None, **where):
    body = {"client_id": client_id or str(uuid.uuid4()), **where}
    return scene.as_officer(token, "POST", f"/api/v1/events/{scene.id}/help", json=body)


def _open_alerts(scene):
    url = f"/api/v1/events/{scene.id}/alerts?open=1"
    return scene.command.client.get(url).get_json()["alerts"]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_help_raises_one_top_alarm_per_press_at_the_officers_position(scene):
    officer_id, token = scene.officer("Dana Reyes", at=(40.6520, -74.0110))
    client_id = str(uuid.uuid4())
    first = _help(scene, token, client_id)
    assert first.status_code == 201, first.get_json()
    alert = first.get_json()
    assert alert["kind"] == "help" and alert["priority"] == 1
    assert alert["officer"]["id"] == officer_id and "Dana Reyes" in alert["message"]
    assert (alert["lat"], alert["lon"]) == (40.652, -74.011)  # from the latest fix
    retry = _help(scene, token, client_id)
    assert retry.status_code == 200 and retry.get_json()["id"] == alert["id"]
    assert [a["id"] for a in _open_alerts(scene)] == [alert["id"]]


def test_a_help_alarm_is_acknowledged_once_by_a_named_command_user(scene, make_user):
    _officer_id, token = scene.officer("Dana Reyes")
    alert = _help(scene, token, lat=40.65, lon=-74.01).get_json()
    url = f"/api/v1/alerts/{alert['id']}/acknowledge"
    assert scene.organizer.post(url).status_code == 403
    assert scene.as_officer(token, "POST", url).status_code == 403
    done = scene.command.post(url)
    assert done.status_code == 200
    acknowledged = done.get_json()
    assert acknowledged["acknowledged_at"] and acknowledged["acknowledged_by"]["name"]
    second = scene.staff(make_user, "command").post(url)
    assert second.status_code == 409
    assert acknowledged["acknowledged_by"]["name"] in second.get_json()["error"]["message"]
    assert _open_alerts(scene) == []
    everything = scene.command.client.get(f"/api/v1/events/{scene.id}/alerts").get_json()
    assert [a["id"] for a in everything["alerts"]] == [alert["id"]]


def test_help_needs_an_officer_of_the_event_and_a_client_id(scene):
    refused = scene.command.post(f"/api/v1/events/{scene.id}/help", json={"client_id": "x" * 10})
    assert refused.status_code == 403
    _officer_id, token = scene.officer("Dana Reyes")
    bad = _help(scene, token, client_id="no")
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "client_id"


def test_an_officer_lists_only_the_help_alarms_that_concern_them(scene):
    _far_id, far = scene.officer("Far Away", at=(40.70, -74.01))
    caller_id, caller = scene.officer("Dana Reyes", at=(40.6500, -74.0100))
    _near_id, near = scene.officer("Sam Near", at=(40.6505, -74.0102))
    scene.report(type="medical", severity="critical")  # a command alarm, not for officers
    alert = _help(scene, caller).get_json()

    def listed(token):
        response = scene.as_officer(token, "GET", f"/api/v1/events/{scene.id}/alerts")
        assert response.status_code == 200
        return [a["id"] for a in response.get_json()["alerts"]]

    assert listed(caller) == [alert["id"]]
    assert listed(near) == [alert["id"]]
    assert listed(far) == []
    assert alert["officer"]["id"] == caller_id


def test_critical_and_lost_person_reports_raise_alarms_others_do_not(scene):
    scene.report(type="traffic")
    critical = scene.report(type="medical", severity="critical").get_json()
    lost = scene.report(type="lost_person").get_json()
    kinds = {(a["kind"], a["incident_id"]) for a in _open_alerts(scene)}
    assert kinds == {("critical_incident", critical["id"]), ("lost_person", lost["id"])}


def test_an_unacknowledged_dispatch_and_an_officer_gone_stale_raise_alarms(scene, app):
    from fieldops.incidents import watch
    from fieldops.tracking import live

    officer_id, token = scene.officer("Sam Ortiz")
    quick_id, quick_token = scene.officer("Quick")
    incident_id = scene.report(type="crowd").get_json()["id"]
    scene.dispatch(incident_id, officer_id, quick_id)
    scene.respond(quick_token, incident_id, "acknowledged")
    with app.app_context():
        assert watch.check(ack_timeout=60) == 0
        assert watch.check(ack_timeout=0) == 1
        assert watch.check(ack_timeout=0) == 0  # once per dispatch
    record = scene.incident(incident_id)
    overdue = {a["name"]: a["overdue"] for a in record["assignments"]}
    assert overdue == {"Sam Ortiz": True, "Quick": False}
    assert record["timeline"][-1]["kind"] == "escalated"
    assert record["timeline"][-1]["data"]["officer_id"] == officer_id
    alarms = _open_alerts(scene)
    assert [(a["kind"], a["officer"]["id"]) for a in alarms] == [
        ("dispatch_unacknowledged", officer_id)
    ]

    with app.app_context():
        live.officer(scene.id, quick_id).stale = True  # as the ingest tick marks it
        assert watch.check(ack_timeout=60) == 1
        assert watch.check(ack_timeout=60) == 0
    kinds = sorted(a["kind"] for a in _open_alerts(scene))
    assert kinds == ["dispatch_unacknowledged", "stale_assigned"]
    assert scene.respond(token, incident_id, "acknowledged").status_code == 200
    assert not any(a["overdue"] for a in scene.incident(incident_id)["assignments"])


# --- messages -------------------------------------------------------------------------------


def _send(scene, text, to, priority=False):
    return scene.command.post(
        f"/api/v1/events/{scene.id}/messages", json={"text": text, "to": to, "priority": priority}
    )


def _inbox(scene, token):
    url = f"/api/v1/events/{scene.id}/messages"
    return scene.as_officer(token, "GET", url).get_json()["messages"]


def test_messages_reach_everyone_a_post_or_one_officer(scene, make_post):
    a_id, a_token = scene.officer("At the post")
    b_id, b_token = scene.officer("Also there")
    other_post = make_post(scene.id, name="Finish line", lat=40.7, lon=-74.0)
    c_id, c_token = scene.officer("Elsewhere", on_shift=False)
    scene.as_officer(
        c_token, "POST", f"/api/v1/events/{scene.id}/shift/check-in", json={"post_id": other_post}
    )
    everyone = _send(scene, "Course opens in 10 min", {"kind": "event"})
    assert everyone.status_code == 201
    assert {r["officer_id"] for r in everyone.get_json()["recipients"]} == {a_id, b_id, c_id}
    post = _send(scene, "Water station 3 closed", {"kind": "post", "id": scene.post_id})
    assert post.get_json()["to"]["label"] == "Mile 3 water"
    assert {r["officer_id"] for r in post.get_json()["recipients"]} == {a_id, b_id}
    direct = _send(scene, "Call me", {"kind": "officer", "id": c_id})
    assert [r["officer_id"] for r in direct.get_json()["recipients"]] == [c_id]

    assert [m["text"] for m in _inbox(scene, a_token)] == [
        "Water station 3 closed",
        "Course opens in 10 min",
    ]
    assert [m["text"] for m in _inbox(scene, c_token)] == ["Call me", "Course opens in 10 min"]
    assert "recipients" not in _inbox(scene, c_token)[0]


def test_a_priority_message_shows_who_has_and_has_not_acknowledged(scene):
    a_id, a_token = scene.officer("Ana")
    b_id, b_token = scene.officer("Ben")
    sent = _send(scene, "Suspicious bag at mile 3: keep people back", {"kind": "event"}, True)
    message = sent.get_json()
    assert message["priority"] is True
    url = f"/api/v1/messages/{message['id']}/acknowledge"
    acked = scene.as_officer(a_token, "POST", url)
    assert acked.status_code == 200 and acked.get_json()["acknowledged_at"]
    again = scene.as_officer(a_token, "POST", url)
    assert again.get_json()["acknowledged_at"] == acked.get_json()["acknowledged_at"]
    listed = scene.command.client.get(f"/api/v1/events/{scene.id}/messages").get_json()
    status = {
        r["officer_id"]: r["acknowledged_at"] is not None
        for r in listed["messages"][0]["recipients"]
    }
    assert status == {a_id: True, b_id: False}


def test_messages_refuse_bad_audiences_and_non_command_senders(scene, make_event, make_officer):
    officer_id, token = scene.officer("Ana")
    for to, field in [
        ({"kind": "planet"}, "to.kind"),
        ({"kind": "post", "id": 999}, "to.id"),
        ({"kind": "officer", "id": 999}, "to.id"),
        (None, "to"),
    ]:
        response = _send(scene, "hello", to)
        assert response.status_code == 422 and response.get_json()["error"]["field"] == field
    empty = _send(scene, "  ", {"kind": "event"})
    assert empty.status_code == 422 and empty.get_json()["error"]["field"] == "text"
    by_officer = scene.as_officer(
        token,
        "POST",
        f"/api/v1/events/{scene.id}/messages",
        json={"text": "hi", "to": {"kind": "event"}},
    )
    assert by_officer.status_code == 403
    by_organizer = scene.organizer.post(
        f"/api/v1/events/{scene.id}/messages", json={"text": "hi", "to": {"kind": "event"}}
    )
    assert by_organizer.status_code == 403
    direct = _send(scene, "only for Ana", {"kind": "officer", "id": officer_id}).get_json()
    _other_id, other_token = scene.officer("Ben")
    response = scene.app.test_client().post(
        f"/api/v1/messages/{direct['id']}/acknowledge", headers=bearer(other_token)
    )
    assert response.status_code == 404
