"""A committed write stays a success when one of its pushes fails (Redis briefly down), and the
client's retry of the same idempotent write pushes it again, repairing what was lost."""

from __future__ import annotations

import uuid

import pytest

from tests.support.scene import report_body


def _socket(app, flask_client=None, **kwargs):
    from fieldops.extensions import socketio

    sio = socketio.test_client(
        app, namespace="/live", flask_test_client=flask_client or app.test_client(), **kwargs
    )
    assert sio.is_connected("/live")
    return sio


def _joined(scene, flask_client=None, **kwargs):
    sio = _socket(scene.app, flask_client, **kwargs)
    ack = sio.emit("join", {"event_id": scene.id}, namespace="/live", callback=True)
    assert ack["ok"], ack
    sio.get_received("/live")  # only what comes after the join counts below
    return sio


def _envelopes(sio) -> list[dict]:
    received = sio.get_received("/live")
    # The test client hands a `message` event's envelope over bare, every other one in a list.
    return [m["args"][0] if isinstance(m["args"], list) else m["args"] for m in received]


@pytest.fixture
def first_push_fails(monkeypatch):
    """The first emit that matches raises, as a publish through a Redis that is down would."""
    from fieldops.extensions import socketio

    emit = socketio.emit
    failed = []

    def arm(type_: str, room_prefix: str):
        def flaky(event, *args, **kwargs):
            room = kwargs.get("to", "")
            if not failed and event == type_ and room.startswith(room_prefix):
                failed.append((event, room))
                raise ConnectionError("message queue unreachable")
            return emit(event, *args, **kwargs)

        monkeypatch.setattr(socketio, "emit", flaky)
        return failed

    return arm


def test_a_failed_push_leaves_the_report_a_success_and_the_retry_pushes_it(scene, first_push_fails):
    officer_id, token = scene.officer("Dana Reyes")
    dashboard = _joined(scene, scene.command.client)
    phone = _joined(scene, auth={"token": token})
    failed = first_push_fails("incident", "event:")
    url, body = f"/api/v1/events/{scene.id}/incidents", report_body(severity="critical")

    first = scene.as_officer(token, "POST", url, json=body)

    assert first.status_code == 201, first.get_json()
    assert failed == [("incident", f"event:{scene.id}:command")]
    incident_id = first.get_json()["id"]
    at_command = _envelopes(dashboard)
    assert [e["type"] for e in at_command] == ["alert"]  # the other callbacks still ran
    assert at_command[0]["data"]["incident_id"] == incident_id
    assert [(e["type"], e["data"]["id"]) for e in _envelopes(phone)] == [("incident", incident_id)]

    retry = scene.as_officer(token, "POST", url, json=body)  # the phone's retry, same body

    assert retry.status_code == 200 and retry.get_json()["id"] == incident_id
    repaired = _envelopes(dashboard)
    [incident] = [e["data"] for e in repaired if e["type"] == "incident"]
    assert incident["id"] == incident_id and incident["status"] == "reported"
    assert incident["reported_by"]["id"] == officer_id
    assert [e["data"]["incident_id"] for e in repaired if e["type"] == "alert"] == [incident_id]


def test_a_failed_push_leaves_the_help_press_a_success_and_the_retry_pushes_the_alarm(
    scene, first_push_fails
):
    caller_id, token = scene.officer("Dana Reyes")
    dashboard = _joined(scene, scene.command.client)
    failed = first_push_fails("alert", "event:")
    client_id = str(uuid.uuid4())
    url = f"/api/v1/events/{scene.id}/help"

    first = scene.as_officer(token, "POST", url, json={"client_id": client_id})

    assert first.status_code == 201, first.get_json()
    assert failed, "the alarm's push to the command stream was meant to fail"
    alert_id = first.get_json()["id"]
    at_command = _envelopes(dashboard)
    assert [e["type"] for e in at_command] == ["incident"]  # the help incident still went out

    retry = scene.as_officer(token, "POST", url, json={"client_id": client_id})

    assert retry.status_code == 200 and retry.get_json()["id"] == alert_id
    alarms = [e["data"] for e in _envelopes(dashboard) if e["type"] == "alert"]
    assert [(a["id"], a["kind"], a["officer"]["id"]) for a in alarms] == [
        (alert_id, "help", caller_id)
    ]


def test_acknowledging_a_message_again_pushes_the_acknowledgement_again(scene):
    officer_id, token = scene.officer("Dana Reyes")
    sent = scene.command.post(
        f"/api/v1/events/{scene.id}/messages",
        json={"text": "Close the gate", "priority": True, "to": {"kind": "event"}},
    )
    assert sent.status_code == 201, sent.get_json()
    url = f"/api/v1/messages/{sent.get_json()['id']}/acknowledge"
    assert scene.as_officer(token, "POST", url).status_code == 200
    dashboard = _joined(scene, scene.command.client)

    again = scene.as_officer(token, "POST", url)

    assert again.status_code == 200
    [message] = [e["data"] for e in _envelopes(dashboard) if e["type"] == "message"]
    [recipient] = [r for r in message["recipients"] if r["officer_id"] == officer_id]
    assert recipient["acknowledged_at"] == again.get_json()["acknowledged_at"]


def test_acknowledging_an_alarm_again_is_refused_but_repairs_a_desk_that_missed_the_push(
    scene, first_push_fails, make_user
):
    _officer_id, token = scene.officer("Dana Reyes")
    other_desk = _joined(scene, scene.organizer.client)
    alarm = scene.as_officer(
        token, "POST", f"/api/v1/events/{scene.id}/help", json={"client_id": str(uuid.uuid4())}
    ).get_json()
    _envelopes(other_desk)
    failed = first_push_fails("alert", f"event:{scene.id}:organizer")
    url = f"/api/v1/alerts/{alarm['id']}/acknowledge"

    assert scene.command.post(url).status_code == 200
    assert failed  # the organizer's desk never heard it was acknowledged
    assert not [e for e in _envelopes(other_desk) if e["type"] == "alert"]
    second = scene.staff(make_user, "command")

    again = second.post(url)  # someone at that desk clicks Acknowledge on the alarm still sounding

    assert again.status_code == 409, again.get_json()
    assert again.get_json()["error"]["code"] == "already_acknowledged"
    [pushed] = [e["data"] for e in _envelopes(other_desk) if e["type"] == "alert"]
    assert pushed["id"] == alarm["id"] and pushed["acknowledged_at"] is not None
