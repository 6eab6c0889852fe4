"""The real server (eventlet, subprocess) with real Socket.IO clients."""

import pytest
import requests
import socketio

from tests.conftest import fix
from tests.support.live_server import Recorder


@pytest.fixture(scope="module")
def marathon(live_server):
    admin = live_server.staff("admin")
    event = live_server.create_event(admin)
    post = admin.post(
        f"/api/v1/events/{event['id']}/posts",
        json={
            "name": "Mile 3 water",
            "kind": "water_station",
            "lat": 40.65,
            "lon": -74.01,
            "radius_m": 60,
            "orders": "Keep lane 2 open.",
        },
    )
    assert post.status_code == 201, post.text
    return event


def test_an_officers_fix_reaches_the_dashboard_in_a_positions_batch(live_server, marathon):
    command = live_server.staff("command")
    dashboard = live_server.socket(cookies=command)
    recorder = Recorder(dashboard)
    ack = dashboard.call("join", {"event_id": marathon["id"]}, namespace="/live", timeout=10)
    assert ack["ok"] and ack["stream"] == f"event:{marathon['id']}:command"
    assert isinstance(ack["seq"], int) and ack["snapshot"]["posts"][0]["name"] == "Mile 3 water"

    _phone, joined = live_server.join_officer(marathon["enrollment_code"], "Sam Ortiz", "9001")
    phone = live_server.socket(token=joined["device_token"])
    assert phone.call("join", {"event_id": marathon["id"]}, namespace="/live")["ok"]
    sent = phone.call("position", fix(40.6501, -74.0101), namespace="/live", timeout=10)
    assert sent == {"ok": True, "accepted": 1}

    officer_id = joined["officer"]["id"]
    envelope = recorder.wait_for(
        lambda e: (
            e["type"] == "positions"
            and any(f["officer_id"] == officer_id for f in e["data"]["fixes"])
        )
    )
    moved = next(f for f in envelope["data"]["fixes"] if f["officer_id"] == officer_id)
    assert (moved["lat"], moved["lon"]) == (40.6501, -74.0101)
    assert envelope["seq"] > ack["seq"]
    health = requests.get(f"{live_server.url}/healthz", timeout=5).json()
    assert health["ingest"]["stored"] >= 1 and health["ingest"]["failed"] == 0
    # The app's own objects are out of the collector's view, and it runs less often.
    assert health["collector"]["thresholds"] == [20000, 50, 10]
    assert health["collector"]["frozen"] > 50_000
    phone.disconnect()
    dashboard.disconnect()


def test_http_fallback_fix_reaches_the_dashboard_too(live_server, marathon):
    command = live_server.staff("command")
    dashboard = live_server.socket(cookies=command)
    recorder = Recorder(dashboard)
    dashboard.call("join", {"event_id": marathon["id"]}, namespace="/live")
    _phone, joined = live_server.join_officer(marathon["enrollment_code"], "Lee Park", "9002")
    response = command.__class__.request(
        command,
        "POST",
        f"/api/v1/events/{marathon['id']}/positions",
        json=fix(40.66, -74.02),
        headers={"Authorization": f"Bearer {joined['device_token']}"},
    )
    assert response.status_code == 202
    recorder.wait_for(
        lambda e: (
            e["type"] == "positions"
            and any(f["officer_id"] == joined["officer"]["id"] for f in e["data"]["fixes"])
        )
    )
    dashboard.disconnect()


def test_sockets_without_credentials_are_refused(live_server):
    with pytest.raises(socketio.exceptions.ConnectionError):
        live_server.socket()
    with pytest.raises(socketio.exceptions.ConnectionError):
        live_server.socket(token="not-a-real-token")


def test_sockets_from_a_foreign_origin_are_refused(live_server):
    command = live_server.staff("command")
    # Polling carries exactly the Origin we set (websocket-client adds one of its own).
    with pytest.raises(socketio.exceptions.ConnectionError):
        live_server.socket(
            cookies=command, headers={"Origin": "https://evil.example"}, transport="polling"
        )
    same = live_server.socket(
        cookies=command, headers={"Origin": live_server.url}, transport="polling"
    )
    assert same.connected and "/live" in same.namespaces
    same.disconnect()


def test_an_officer_cannot_join_another_events_stream(live_server, marathon):
    admin = live_server.staff("admin")
    other = live_server.create_event(admin, name="School Day")
    _phone, joined = live_server.join_officer(marathon["enrollment_code"], "Kim", "9003")
    phone = live_server.socket(token=joined["device_token"])
    ack = phone.call("join", {"event_id": other["id"]}, namespace="/live")
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    bad = phone.call("join", {"event_id": "x"}, namespace="/live")
    assert bad["ok"] is False and bad["error"]["field"] == "event_id"
    phone.disconnect()


def test_a_phone_sends_positions_only_after_joining_and_bad_fixes_name_their_field(
    live_server, marathon
):
    _phone, joined = live_server.join_officer(marathon["enrollment_code"], "Max Roe", "9005")
    phone = live_server.socket(token=joined["device_token"])
    early = phone.call("position", fix(), namespace="/live")
    assert early["ok"] is False and early["error"]["code"] == "not_joined"
    assert phone.call("join", {"event_id": marathon["id"]}, namespace="/live")["ok"]
    bad = phone.call("position", fix(lat=91), namespace="/live")
    assert bad["ok"] is False and bad["error"]["field"] == "lat"
    assert phone.call("position", [fix(), fix()], namespace="/live") == {"ok": True, "accepted": 2}
    phone.disconnect()


def test_organizer_can_watch_but_not_report_positions(live_server, marathon):
    organizer = live_server.staff("organizer")
    watcher = live_server.socket(cookies=organizer)
    assert watcher.call("join", {"event_id": marathon["id"]}, namespace="/live")["ok"]
    refused = watcher.call("position", fix(), namespace="/live")
    assert refused["ok"] is False and refused["error"]["code"] == "forbidden"
    watcher.disconnect()


def test_check_in_is_pushed_to_the_dashboard_as_an_officer_envelope(live_server, marathon):
    command = live_server.staff("command")
    dashboard = live_server.socket(cookies=command)
    recorder = Recorder(dashboard)
    dashboard.call("join", {"event_id": marathon["id"]}, namespace="/live")
    phone, joined = live_server.join_officer(marathon["enrollment_code"], "Ana Cruz", "9004")
    post_id = (
        live_server.staff("admin").get(f"/api/v1/events/{marathon['id']}").json()["posts"][0]["id"]
    )
    response = phone.post(
        f"{live_server.url}/api/v1/events/{marathon['id']}/shift/check-in",
        json={"post_id": post_id},
        headers={"X-CSRF-Token": joined["csrf_token"]},
    )
    assert response.status_code == 201, response.text
    envelope = recorder.wait_for(
        lambda e: (
            e["type"] == "officer"
            and e["data"]["id"] == joined["officer"]["id"]
            and e["data"]["on_shift"]
        )
    )
    assert envelope["data"]["post"]["name"] == "Mile 3 water"
    dashboard.disconnect()


def test_an_officer_joining_is_pushed_to_the_dashboard_with_name_and_badge(live_server, marathon):
    dashboard = live_server.socket(cookies=live_server.staff("command"))
    recorder = Recorder(dashboard)
    dashboard.call("join", {"event_id": marathon["id"]}, namespace="/live")
    _phone, joined = live_server.join_officer(marathon["enrollment_code"], "New Face", "9100")
    envelope = recorder.wait_for(
        lambda e: e["type"] == "officer" and e["data"]["id"] == joined["officer"]["id"]
    )
    assert (envelope["data"]["name"], envelope["data"]["badge"]) == ("New Face", "9100")
    dashboard.disconnect()


def test_a_dashboard_switching_events_stops_receiving_the_old_one(live_server, marathon):
    admin = live_server.staff("admin")
    other = live_server.create_event(admin, name="Switch Target")
    dashboard = live_server.socket(cookies=live_server.staff("command"))
    recorder = Recorder(dashboard)
    dashboard.call("join", {"event_id": marathon["id"]}, namespace="/live")
    assert dashboard.call("join", {"event_id": other["id"]}, namespace="/live")["ok"]
    _phone, joined = live_server.join_officer(marathon["enrollment_code"], "Old Event", "9101")
    _phone2, joined2 = live_server.join_officer(other["enrollment_code"], "New Event", "9102")
    recorder.wait_for(
        lambda e: e["type"] == "officer" and e["data"]["id"] == joined2["officer"]["id"]
    )
    assert not [
        e
        for e in recorder.envelopes
        if e["type"] == "officer" and e["data"]["id"] == joined["officer"]["id"]
    ]
    dashboard.disconnect()


def test_a_socket_payload_nested_too_deep_gets_an_error_ack_and_the_socket_lives_on(
    live_server, marathon
):
    """Sent raw over the websocket (a Python client could not even encode it): 5,000 levels
    of nesting answer with an error ack instead of killing the parser, and the next call works."""
    import json

    import websocket

    _phone, joined = live_server.join_officer(marathon["enrollment_code"], "Ray Deep", "9777")
    ws = websocket.create_connection(
        live_server.url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
        timeout=10,
    )

    def until(prefix: str) -> str:
        for _ in range(20):
            frame = ws.recv()
            if frame == "2":  # the server's ping
                ws.send("3")
            elif frame.startswith(prefix):
                return frame
        raise AssertionError(f"no frame starting {prefix!r}")

    try:
        assert until("0").startswith("0{")  # engine.io open
        ws.send("40/live," + json.dumps({"token": joined["device_token"]}))
        until("40/live,")
        deep = "[" * 5000 + "]" * 5000
        ws.send(f'42/live,1["join",{deep}]')
        answer = json.loads(until("43/live,1")[len("43/live,1") :])[0]
        assert answer["ok"] is False and answer["error"]["code"] == "invalid_json"
        ws.send("42/live,2" + json.dumps(["join", {"event_id": marathon["id"]}]))
        again = json.loads(until("43/live,2")[len("43/live,2") :])[0]
        assert again["ok"] is True
    finally:
        ws.close()


@pytest.mark.live
def test_a_half_sent_request_is_dropped_after_the_idle_timeout(tmp_path):
    """500 such requests used to be held for ever; now each is closed once idle
    (FIELDOPS_IDLE_TIMEOUT, 2 s here), while a live socket (pinged every 10 s) is not."""
    import socket
    import time

    from tests.support.live_server import LiveServer

    server = LiveServer(tmp_path, seed=False, FIELDOPS_IDLE_TIMEOUT="2")
    server.start()
    try:
        half = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        half.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and nothing more
        started = time.monotonic()
        assert half.recv(1024) == b""  # the server closes it
        assert 1.5 <= time.monotonic() - started < 8
        half.close()
        assert requests.get(f"{server.url}/healthz", timeout=5).ok
    finally:
        server.stop()
