"""Ended credentials leave the live map: against the real server (eventlet subprocess) with
real Socket.IO clients, a socket is disconnected within a few seconds of its session ending,
its device token being revoked or its user being disabled, by the API or by the CLI (another
process: the server's sweep catches it), and may not connect again."""

from __future__ import annotations

import time
import uuid

import pytest
import requests
import socketio

from tests.conftest import fix
from tests.support.live_server import (
    STAFF_PASSWORD,
    LiveServer,
    Recorder,
    StaffSession,
    fieldops_command,
)

pytestmark = pytest.mark.live

DROPPED_WITHIN = 5.0  # seconds: in-process at once, the sweep every 2 s


@pytest.fixture(scope="module")
def event(live_server):
    return live_server.create_event(live_server.staff("admin"), name="Sessions 10K")


def joined_socket(server: LiveServer, event: dict, **credentials) -> socketio.Client:
    client = server.socket(**credentials)
    ack = client.call("join", {"event_id": event["id"]}, namespace="/live", timeout=10)
    assert ack["ok"], ack
    return client


def wait_dropped(client: socketio.Client, timeout: float = DROPPED_WITHIN) -> float:
    """Seconds until the server disconnected this client; fails after `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not client.connected:
            return time.monotonic() - started
        time.sleep(0.05)
    client.disconnect()
    raise AssertionError(f"the socket was still connected after {timeout} s")


def refused(server: LiveServer, **credentials) -> bool:
    try:
        server.socket(**credentials).disconnect()
    except socketio.exceptions.ConnectionError:
        return True
    return False


def fieldops_cli(server: LiveServer, *args: str) -> str:
    """The `fieldops` command on the live server's database: another process than the server."""
    return fieldops_command(server.env | {"FIELDOPS_ASYNC_MODE": "threading"}, *args)


def new_staff(server: LiveServer, role: str = "command") -> tuple[str, StaffSession]:
    username = f"{role}-{uuid.uuid4().hex[:6]}"
    fieldops_cli(
        server,
        "user",
        "create",
        "--role",
        role,
        "--username",
        username,
        "--password",
        STAFF_PASSWORD,
    )
    session = StaffSession(server.url)
    session.login(username, STAFF_PASSWORD)
    return username, session


def copied(session: requests.Session) -> requests.Session:
    """Another client holding a copy of this session's cookie."""
    thief = requests.Session()
    for cookie in session.cookies:
        thief.cookies.set(cookie.name, cookie.value)
    return thief


def test_signing_out_drops_the_dashboard_socket_and_a_copied_cookie_stops_working(
    live_server, event
):
    _username, command = new_staff(live_server)
    thief = copied(command)
    dashboard = joined_socket(live_server, event, cookies=command)
    assert thief.get(f"{live_server.url}/api/v1/auth/me", timeout=5).status_code == 200

    assert command.post("/api/v1/auth/logout").status_code == 204
    wait_dropped(dashboard)
    assert thief.get(f"{live_server.url}/api/v1/auth/me", timeout=5).status_code == 401
    assert refused(live_server, cookies=thief)


def test_an_officer_leaving_on_the_phone_ends_its_token_and_drops_its_socket(live_server, event):
    session, joined = live_server.join_officer(event["enrollment_code"], "Lee Park", "L-1")
    token = joined["device_token"]
    phone = joined_socket(live_server, event, token=token)
    left = session.post(
        f"{live_server.url}/api/v1/auth/logout",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert left.status_code == 204
    wait_dropped(phone)
    assert refused(live_server, token=token)


def test_command_revoking_an_officers_devices_drops_the_phone_within_seconds(live_server, event):
    _session, joined = live_server.join_officer(event["enrollment_code"], "Kim Roe", "K-1")
    phone = joined_socket(live_server, event, token=joined["device_token"])
    command = live_server.staff("command")
    url = f"/api/v1/events/{event['id']}/officers/{joined['officer']['id']}/revoke-devices"
    assert command.post(url).json()["revoked"] == 1
    wait_dropped(phone)
    assert refused(live_server, token=joined["device_token"])


def test_disabling_a_staff_user_drops_their_socket_and_they_cannot_sign_in(live_server, event):
    username, session = new_staff(live_server)
    dashboard = joined_socket(live_server, event, cookies=session)
    me = session.get("/api/v1/auth/me").json()["user"]["id"]
    admin = live_server.staff("admin")
    assert admin.post(f"/api/v1/users/{me}/disable").status_code == 200
    wait_dropped(dashboard)
    again = requests.post(
        f"{live_server.url}/api/v1/auth/login",
        json={"username": username, "password": STAFF_PASSWORD},
        timeout=5,
    )
    assert again.status_code == 401 and again.json()["error"]["code"] == "account_disabled"


def test_the_cli_disabling_a_user_drops_their_socket_through_the_servers_sweep(live_server, event):
    username, session = new_staff(live_server)
    dashboard = joined_socket(live_server, event, cookies=session)
    fieldops_cli(live_server, "user", "disable", "--username", username)
    wait_dropped(dashboard)
    assert session.get("/api/v1/auth/me").status_code == 401


def test_the_cli_revoking_a_badges_devices_drops_the_phone_through_the_sweep(live_server, event):
    _session, joined = live_server.join_officer(event["enrollment_code"], "Ana Cruz", "A-7")
    phone = joined_socket(live_server, event, token=joined["device_token"])
    fieldops_cli(
        live_server, "officer", "revoke-devices", "--event", str(event["id"]), "--badge", "A-7"
    )
    wait_dropped(phone)


def test_the_cli_revoking_a_badges_devices_ends_its_fixes_over_http_within_the_sweep(
    live_server, event
):
    """The server remembers a reporting phone's token; a revocation made elsewhere (the CLI,
    another process) reaches it with the sweep that drops sockets."""
    _session, joined = live_server.join_officer(event["enrollment_code"], "Eli Park", "E-3")
    url = f"{live_server.url}/api/v1/events/{event['id']}/positions"
    headers = {"Authorization": f"Bearer {joined['device_token']}"}
    assert requests.post(url, json=fix(), headers=headers, timeout=10).status_code == 202
    fieldops_cli(
        live_server, "officer", "revoke-devices", "--event", str(event["id"]), "--badge", "E-3"
    )
    deadline = time.monotonic() + DROPPED_WITHIN
    status = None
    while time.monotonic() < deadline:
        status = requests.post(url, json=fix(), headers=headers, timeout=10).status_code
        if status == 401:
            break
        time.sleep(0.2)
    assert status == 401, f"still {status} {DROPPED_WITHIN} s after the revocation"


def test_a_phone_asking_for_a_joined_badge_reaches_the_command_stream_and_so_does_the_outcome(
    live_server, event
):
    command = live_server.staff("command")
    dashboard = live_server.socket(cookies=command)
    recorder = Recorder(dashboard)
    ack = dashboard.call("join", {"event_id": event["id"]}, namespace="/live", timeout=10)
    assert ack["ok"]
    _first, joined = live_server.join_officer(event["enrollment_code"], "Max Roe", "M-5")
    answer = requests.post(
        f"{live_server.url}/api/v1/join",
        json={"code": event["enrollment_code"], "name": "Max R.", "badge": "M-5"},
        timeout=5,
    )
    assert answer.status_code == 202
    request_id = answer.json()["request"]["id"]

    def about(status: str):
        return lambda e: (
            e["type"] == "device_request"
            and e["data"]["id"] == request_id
            and e["data"]["status"] == status
        )

    asked = recorder.wait_for(about("pending"))
    assert asked["seq"] > ack["seq"]
    assert set(asked["data"]) == {
        "id", "event_id", "officer", "given_name", "reason", "status", "requested_at",
        "decided_at", "decided_by", "replace_old", "collected_at", "live_devices",
    }  # fmt: skip
    assert asked["data"]["officer"] == {
        "id": joined["officer"]["id"],
        "name": "Max Roe",
        "badge": "M-5",
    }
    assert (asked["data"]["given_name"], asked["data"]["live_devices"]) == ("Max R.", 1)

    assert command.post(f"/api/v1/device-requests/{request_id}/approve").status_code == 200
    approved = recorder.wait_for(about("approved"))
    assert approved["data"]["decided_by"]["name"] == "command"
    collected = requests.post(
        f"{live_server.url}{answer.json()['poll_url']}",
        json={"secret": answer.json()["request_secret"]},
        timeout=5,
    )
    assert collected.status_code == 200 and collected.json()["device_token"]
    recorder.wait_for(lambda e: about("approved")(e) and e["data"]["collected_at"] is not None)
    assert recorder.wait_for(about("approved"))["data"]["live_devices"] >= 1
    dashboard.disconnect()


def test_a_session_ends_at_its_lifetime_on_the_server_and_its_socket_goes(tmp_path):
    """FIELDOPS_SESSION_HOURS=0.002: a sign-in lasts 7.2 s, however the cookie is kept."""
    server = LiveServer(tmp_path, FIELDOPS_SESSION_HOURS="0.002")
    server.start()
    try:
        event = server.create_event(server.staff("admin"))
        command = server.staff("command")
        thief = copied(command)  # a copy keeps the cookie past its own expiry
        dashboard = joined_socket(server, event, cookies=command)
        assert thief.get(f"{server.url}/api/v1/auth/me", timeout=5).status_code == 200
        wait_dropped(dashboard, timeout=7.2 + DROPPED_WITHIN)
        assert thief.get(f"{server.url}/api/v1/auth/me", timeout=5).status_code == 401
    finally:
        server.stop()
