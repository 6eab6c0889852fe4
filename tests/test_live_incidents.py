"""Incidents, dispatches, help alarms and messages over real sockets on a real server."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import fix
from tests.support.live_server import LiveServer, Recorder
from tests.support.scene import report_body

ACK_TIMEOUT_S = 2


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    with LiveServer(
        tmp_path_factory.mktemp("live-incidents"),
        FIELDOPS_DISPATCH_ACK_TIMEOUT=str(ACK_TIMEOUT_S),
    ) as server:
        yield server


@pytest.fixture(scope="module")
def marathon(live_server):
    return live_server.create_event(live_server.staff("admin"))


class Phone:
    """An officer joined over HTTP, with a socket joined to the event and a fix sent."""

    def __init__(self, live_server, event, name, at=(40.65, -74.01)):
        self.http, joined = live_server.join_officer(
            event["enrollment_code"], name, uuid.uuid4().hex[:6]
        )
        self.id = joined["officer"]["id"]
        self.token = joined["device_token"]
        self.socket = live_server.socket(token=self.token)
        self.inbox = Recorder(self.socket)
        assert self.socket.call("join", {"event_id": event["id"]}, namespace="/live")["ok"]
        assert self.socket.call("position", fix(*at), namespace="/live")["ok"]

    def call(self, name, body):
        return self.socket.call(name, body, namespace="/live", timeout=10)

    def close(self):
        self.socket.disconnect()


def after_everything_sent_before(live_server, event, phone) -> None:
    """A barrier: a message to `phone` goes out after whatever the server sent it so far, on
    the same socket, so once it is there, anything sent to it earlier is there too."""
    text = f"barrier {uuid.uuid4().hex[:6]}"
    live_server.staff("command").post(
        f"/api/v1/events/{event['id']}/messages",
        json={"text": text, "to": {"kind": "officer", "id": phone.id}},
    ).raise_for_status()
    phone.inbox.wait_for(lambda e: e["type"] == "message" and e["data"]["text"] == text)


def dashboard(live_server, event):
    client = live_server.socket(cookies=live_server.staff("command"))
    recorder = Recorder(client)
    ack = client.call("join", {"event_id": event["id"]}, namespace="/live", timeout=10)
    assert ack["ok"], ack
    return client, recorder


def test_a_report_over_the_socket_reaches_the_command_post(live_server, marathon):
    client, screen = dashboard(live_server, marathon)
    phone = Phone(live_server, marathon, "Dana Reyes")
    body = report_body(type="crowd")
    ack = phone.call("report", body)
    assert ack["ok"] and ack["created"] is True
    incident = ack["incident"]
    seen = screen.wait_for(lambda e: e["type"] == "incident" and e["data"]["id"] == incident["id"])
    assert seen["data"]["type"] == "crowd" and seen["data"]["reported_by"]["id"] == phone.id
    repeat = phone.call("report", body)
    assert repeat["ok"] and repeat["created"] is False
    assert repeat["incident"]["id"] == incident["id"]
    bad = phone.call("report", report_body(lat=100))
    assert bad["ok"] is False and bad["error"]["field"] == "lat"
    seqs = [e["seq"] for e in screen.envelopes]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # one stream, no gaps
    phone.close()
    client.disconnect()


def test_a_dispatch_reaches_exactly_the_assigned_officer(live_server, marathon):
    command = live_server.staff("command")
    sent, bystander = (Phone(live_server, marathon, n) for n in ("Sam Ortiz", "Lee Park"))
    incident = command.post(f"/api/v1/events/{marathon['id']}/incidents", json=report_body())
    incident_id = incident.json()["id"]
    response = command.post(
        f"/api/v1/incidents/{incident_id}/assignments", json={"officer_ids": [sent.id]}
    )
    assert response.status_code == 201, response.text

    envelope = sent.inbox.wait_for(lambda e: e["type"] == "incident")
    assert envelope["data"]["id"] == incident_id and envelope["data"]["dispatch"] is True
    sent.inbox.wait_for(lambda e: e["type"] == "officer" and e["data"]["status"] == "responding")
    after_everything_sent_before(live_server, marathon, bystander)
    assert not [e for e in bystander.inbox.envelopes if e["type"] == "incident"]

    acked = sent.http.post(
        f"{live_server.url}/api/v1/incidents/{incident_id}/respond",
        json={"status": "acknowledged"},
        headers={"Authorization": f"Bearer {sent.token}"},
        timeout=10,
    )
    assert acked.status_code == 200
    later = sent.inbox.wait_for(
        lambda e: (
            e["type"] == "incident" and e["data"]["assignments"][0]["status"] == "acknowledged"
        )
    )
    assert later["data"]["dispatch"] is False
    sent.close()
    bystander.close()


def seen_on_the_map(screen, *phones):
    """Wait until the dashboard has drawn each phone's fix (the next ingest tick)."""
    for phone in phones:
        screen.wait_for(
            lambda e, officer_id=phone.id: (
                e["type"] == "positions"
                and any(f["officer_id"] == officer_id for f in e["data"]["fixes"])
            )
        )


def is_alert(alert_id, check=lambda data: True):
    return lambda e: e["type"] == "alert" and e["data"]["id"] == alert_id and check(e["data"])


def test_the_help_loop_command_sees_it_and_the_phones_hear_who_is_coming(live_server, marathon):
    screens = [dashboard(live_server, marathon) for _ in range(2)]
    caller = Phone(live_server, marathon, "Kim Novak", at=(40.6500, -74.0100))
    near = Phone(live_server, marathon, "Near", at=(40.6540, -74.0100))  # ~450 m
    far = Phone(live_server, marathon, "Far", at=(40.7000, -74.0100))  # ~5.5 km
    seen_on_the_map(screens[0][1], caller, near, far)
    ack = caller.call("help", {"client_id": str(uuid.uuid4())})
    assert ack["ok"], ack
    alert = ack["alert"]
    assert alert["kind"] == "help" and (alert["lat"], alert["lon"]) == (40.65, -74.01)
    for _client, screen in screens:
        got = screen.wait_for(is_alert(alert["id"]))
        assert got["data"]["officer"]["id"] == caller.id
        screen.wait_for(lambda e: e["type"] == "incident" and e["data"]["type"] == "officer_help")
    caller.inbox.wait_for(is_alert(alert["id"]))
    near.inbox.wait_for(is_alert(alert["id"]))

    after_everything_sent_before(live_server, marathon, far)  # which the alarm was
    assert not [e for e in far.inbox.envelopes if e["type"] == "alert"]

    command = live_server.staff("command")

    assert command.post(f"/api/v1/alerts/{alert['id']}/acknowledge").status_code == 200
    for phone in (caller, near):
        seen = phone.inbox.wait_for(is_alert(alert["id"], lambda d: d["acknowledged_by"]))
        assert seen["data"]["acknowledged_by"]["name"] == "command"
        assert seen["data"]["incident_status"] == "acknowledged"

    incident_id = alert["incident_id"]
    sent = command.post(
        f"/api/v1/incidents/{incident_id}/assignments", json={"officer_ids": [near.id]}
    )
    assert sent.status_code == 201, sent.text
    coming = caller.inbox.wait_for(is_alert(alert["id"], lambda d: d["responders"]))
    [responder] = coming["data"]["responders"]
    assert responder["name"] == "Near" and 400 <= responder["distance_m"] <= 500
    near.inbox.wait_for(lambda e: e["type"] == "incident" and e["data"].get("dispatch") is True)
    near.http.post(
        f"{live_server.url}/api/v1/incidents/{incident_id}/respond",
        json={"status": "en_route"},
        headers={"Authorization": f"Bearer {near.token}"},
        timeout=10,
    ).raise_for_status()
    caller.inbox.wait_for(
        is_alert(alert["id"], lambda d: [r["status"] for r in d["responders"]] == ["en_route"])
    )
    for client, _screen in screens:
        client.disconnect()
    for phone in (caller, near, far):
        phone.close()


def test_a_false_alarm_called_off_on_the_phone_leaves_every_screen(live_server, marathon):
    client, screen = dashboard(live_server, marathon)
    caller = Phone(live_server, marathon, "Oops", at=(40.6600, -74.0100))
    seen_on_the_map(screen, caller)
    alert = caller.call("help", {"client_id": str(uuid.uuid4())})["alert"]
    screen.wait_for(is_alert(alert["id"]))
    caller.http.post(
        f"{live_server.url}/api/v1/alerts/{alert['id']}/cancel",
        headers={"Authorization": f"Bearer {caller.token}"},
        timeout=10,
    ).raise_for_status()
    gone = screen.wait_for(is_alert(alert["id"], lambda d: d["cancelled_at"]))
    assert gone["data"]["cancelled_by"]["name"] == "Oops"
    screen.wait_for(
        lambda e: (
            e["type"] == "incident"
            and e["data"]["id"] == alert["incident_id"]
            and e["data"]["status"] == "cancelled"
        )
    )
    caller.inbox.wait_for(is_alert(alert["id"], lambda d: d["cancelled_at"]))
    caller.close()
    client.disconnect()


def test_an_unacknowledged_dispatch_alarms_the_command_post(live_server, marathon):
    client, screen = dashboard(live_server, marathon)
    slow = Phone(live_server, marathon, "Slow")
    command = live_server.staff("command")
    incident_id = command.post(
        f"/api/v1/events/{marathon['id']}/incidents", json=report_body(type="hazard")
    ).json()["id"]
    command.post(f"/api/v1/incidents/{incident_id}/assignments", json={"officer_ids": [slow.id]})
    alarm = screen.wait_for(
        lambda e: e["type"] == "alert" and e["data"]["kind"] == "dispatch_unacknowledged",
        timeout=ACK_TIMEOUT_S + 5,
    )
    assert alarm["data"]["incident_id"] == incident_id and alarm["data"]["officer"]["id"] == slow.id
    flagged = screen.wait_for(
        lambda e: (
            e["type"] == "incident"
            and e["data"]["id"] == incident_id
            and any(a["overdue"] for a in e["data"]["assignments"])
        )
    )
    overdue = [a["officer_id"] for a in flagged["data"]["assignments"] if a["overdue"]]
    assert overdue == [slow.id]  # the one who did not acknowledge, nobody else
    slow.close()
    client.disconnect()


def test_a_priority_message_reaches_its_officer_and_the_ack_comes_back(live_server, marathon):
    client, screen = dashboard(live_server, marathon)
    ana, ben = (Phone(live_server, marathon, n) for n in ("Ana", "Ben"))
    command = live_server.staff("command")
    sent = command.post(
        f"/api/v1/events/{marathon['id']}/messages",
        json={
            "text": "Come to the command post",
            "to": {"kind": "officer", "id": ana.id},
            "priority": True,
        },
    )
    assert sent.status_code == 201, sent.text
    message_id = sent.json()["id"]
    mine = ana.inbox.wait_for(lambda e: e["type"] == "message")
    assert mine["data"]["id"] == message_id and mine["data"]["acknowledged_at"] is None
    ana.http.post(
        f"{live_server.url}/api/v1/messages/{message_id}/acknowledge",
        headers={"Authorization": f"Bearer {ana.token}"},
        timeout=10,
    ).raise_for_status()
    screen.wait_for(
        lambda e: (
            e["type"] == "message"
            and e["data"]["id"] == message_id
            and e["data"]["recipients"][0]["acknowledged_at"] is not None
        )
    )
    after_everything_sent_before(live_server, marathon, ben)
    assert not [
        e for e in ben.inbox.envelopes if e["type"] == "message" and e["data"]["id"] == message_id
    ]
    for phone in (ana, ben):
        phone.close()
    client.disconnect()
