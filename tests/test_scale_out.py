"""Beyond one process: PostgreSQL plus several servers sharing a Redis message queue, and the
other async modes (gevent, threading) that must keep working."""

import time
import uuid

import pytest

from tests.conftest import fix
from tests.support.live_server import LiveServer, Recorder

pytestmark = [pytest.mark.live, pytest.mark.redis]

STALE_AFTER = 3  # s: short, so that going stale is seen within a test
OFF_POST_AFTER = 2
POST = {
    "name": "Mile 3 water",
    "kind": "water_station",
    "lat": 40.70,
    "lon": -73.99,
    "radius_m": 50,
}
AT_POST = (40.70, -73.99)
AWAY = (40.71, -73.99)  # 1.1 km north


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    from tests.support.databases import postgres_url_or_skip, redis_url_or_skip

    redis_url = redis_url_or_skip()
    db_url = postgres_url_or_skip(fresh=True)
    channel_env = {
        "FIELDOPS_DATABASE_URL": db_url,
        "FIELDOPS_MESSAGE_QUEUE": redis_url,
        "FIELDOPS_STALE_AFTER": str(STALE_AFTER),
        "FIELDOPS_OFF_POST_AFTER": str(OFF_POST_AFTER),
    }
    first = LiveServer(tmp_path_factory.mktemp("a"), **channel_env)
    second = LiveServer(tmp_path_factory.mktemp("b"), seed=False, **channel_env)
    first.start()
    second.start()
    yield first, second
    second.stop()
    first.stop()


def test_a_fix_sent_to_one_process_reaches_a_dashboard_on_another(two_servers):
    first, second = two_servers
    event = first.create_event(first.staff("admin"), name=f"Scale {uuid.uuid4().hex[:4]}")
    dashboard = second.socket(cookies=second.staff("command"))
    recorder = Recorder(dashboard)
    assert dashboard.call("join", {"event_id": event["id"]}, namespace="/live")["ok"]
    _phone, joined = first.join_officer(event["enrollment_code"], "Ola Nowak", "7001")
    phone = first.socket(token=joined["device_token"])
    assert phone.call("join", {"event_id": event["id"]}, namespace="/live")["ok"]
    assert phone.call("position", fix(40.7, -73.99), namespace="/live")["ok"]
    recorder.wait_for(
        lambda e: (
            e["type"] == "positions"
            and any(f["officer_id"] == joined["officer"]["id"] for f in e["data"]["fixes"])
        ),
        timeout=10,
    )
    phone.disconnect()
    dashboard.disconnect()


def test_signing_out_on_one_process_drops_the_socket_on_another(two_servers):
    """The process that served the sign-out has no such socket: the other one's sweep finds
    the ended session in the shared database within a few seconds."""
    first, second = two_servers
    event = first.create_event(first.staff("admin"), name=f"Scale {uuid.uuid4().hex[:4]}")
    command = second.staff("command")
    dashboard = second.socket(cookies=command)
    assert dashboard.call("join", {"event_id": event["id"]}, namespace="/live")["ok"]
    command.base_url = first.url  # the same cookie, signing out through the other process
    assert command.post("/api/v1/auth/logout").status_code == 204
    deadline = time.monotonic() + 5
    while dashboard.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not dashboard.connected, "the socket on the other process was not dropped"


def _officer_flags(recorder: Recorder, officer_id: int) -> list[tuple[bool, bool]]:
    """(stale, off_post) of every `officer` envelope about this officer, in order."""
    return [
        (e["data"]["stale"], e["data"]["off_post"])
        for e in list(recorder.envelopes)
        if e.get("type") == "officer" and e["data"]["id"] == officer_id
    ]


def _on_post_at(server: LiveServer, admin, name: str) -> tuple[dict, int, str]:
    """An event with one post, and an officer checked in there through `server`."""
    event = server.create_event(admin, name=f"{name} {uuid.uuid4().hex[:4]}")
    response = admin.post(f"/api/v1/events/{event['id']}/posts", json=POST)
    assert response.status_code == 201, response.text
    post_id = response.json()["id"]
    phone, joined = server.join_officer(event["enrollment_code"], name, uuid.uuid4().hex[:6])
    token = joined["device_token"]
    checked_in = phone.post(
        f"{server.url}/api/v1/events/{event['id']}/shift/check-in",
        json={"post_id": post_id},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert checked_in.status_code in (200, 201), checked_in.text
    return event, joined["officer"]["id"], token


def _send_for(phone, seconds: float, at: tuple[float, float]) -> None:
    """A phone's fixes, one a second (its pace, not a wait), each acknowledged."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert phone.call("position", fix(*at), namespace="/live")["ok"]
        time.sleep(1.0)


def test_an_officer_sending_to_one_process_is_not_stale_on_another_until_they_stop(two_servers):
    """The officer's phone is on the first process, the dashboard on the second: the second
    must judge stale and off-post from fixes it never received, and say each change once."""
    first, second = two_servers
    event, officer_id, token = _on_post_at(first, first.staff("admin"), "Kim Lee")
    dashboard = second.socket(cookies=second.staff("command"))
    recorder = Recorder(dashboard)
    assert dashboard.call("join", {"event_id": event["id"]}, namespace="/live")["ok"]
    phone = first.socket(token=token)
    assert phone.call("join", {"event_id": event["id"]}, namespace="/live")["ok"]
    # Checked in with no fix yet, they are stale until their first fix: that is right, and
    # may be said once. From the first fix on, it must not be while they send.
    assert phone.call("position", fix(*AT_POST), namespace="/live")["ok"]
    recorder.wait_for(
        lambda e: (
            e.get("type") == "positions"
            and any(f["officer_id"] == officer_id for f in e["data"]["fixes"])
        )
    )
    recorder.wait_for(
        lambda _e: _officer_flags(recorder, officer_id)[-1:] in ([], [(False, False)])
    )
    settled = len(_officer_flags(recorder, officer_id))

    def since_settled():
        return _officer_flags(recorder, officer_id)[settled:]

    _send_for(phone, STALE_AFTER + 2, AT_POST)
    assert (True, False) not in since_settled(), "stale while sending"
    recorder.wait_for(lambda _e: (True, False) in since_settled(), timeout=STALE_AFTER + 5)
    _send_for(phone, 1, AT_POST)  # back: no longer stale
    recorder.wait_for(lambda _e: since_settled()[-1:] == [(False, False)])
    assert since_settled().count((True, False)) == 1, since_settled()  # silent now: told once

    settled = len(_officer_flags(recorder, officer_id))
    _send_for(phone, OFF_POST_AFTER + 2, AWAY)  # away from the post while on shift
    recorder.wait_for(lambda _e: (False, True) in since_settled())
    _send_for(phone, 1, AT_POST)
    recorder.wait_for(lambda _e: since_settled()[-1:] == [(False, False)])
    assert since_settled().count((False, True)) == 1, since_settled()
    phone.disconnect()
    dashboard.disconnect()


def test_a_help_alarm_on_one_process_tells_an_officer_nearby_on_another(two_servers):
    """Who is near comes from the positions: those of an officer whose phone is on the other
    process too. The alarm reaches the command post once, and the officer nearby."""
    first, second = two_servers
    admin = first.staff("admin")
    event, _caller_id, caller_token = _on_post_at(first, admin, "Ana Cruz")
    _phone, joined = second.join_officer(event["enrollment_code"], "Ben Ode", "7011")
    helper = second.socket(token=joined["device_token"])
    helper_screen = Recorder(helper)
    assert helper.call("join", {"event_id": event["id"]}, namespace="/live")["ok"]
    dashboard = second.socket(cookies=second.staff("command"))
    command_screen = Recorder(dashboard)
    assert dashboard.call("join", {"event_id": event["id"]}, namespace="/live")["ok"]
    caller = first.socket(token=caller_token)
    assert caller.call("join", {"event_id": event["id"]}, namespace="/live")["ok"]
    # The helper's fix (they go stale STALE_AFTER later), stored and pushed: every process
    # has heard of it before its push goes out.
    assert helper.call("position", fix(*AT_POST), namespace="/live")["ok"]
    command_screen.wait_for(
        lambda e: (
            e.get("type") == "positions"
            and any(f["officer_id"] == joined["officer"]["id"] for f in e["data"]["fixes"])
        )
    )
    lat, lon = AT_POST
    press = {"client_id": str(uuid.uuid4()), "lat": lat, "lon": lon}
    ack = caller.call("help", press, namespace="/live")
    assert ack["ok"], ack
    alert_id = ack["alert"]["id"]

    def is_the_alarm(e):
        return e.get("type") == "alert" and e["data"]["id"] == alert_id

    helper_screen.wait_for(is_the_alarm, timeout=10)
    command_screen.wait_for(is_the_alarm, timeout=10)
    assert sum(map(is_the_alarm, list(command_screen.envelopes))) == 1
    for client in (caller, helper, dashboard):
        client.disconnect()


@pytest.mark.parametrize("mode", ["gevent", "threading"])
def test_the_live_loop_works_in_the_other_async_modes(tmp_path, mode):
    server = LiveServer(tmp_path, FIELDOPS_ASYNC_MODE=mode)
    server.start()
    try:
        event = server.create_event(server.staff("admin"))
        dashboard = server.socket(cookies=server.staff("command"))
        recorder = Recorder(dashboard)
        assert dashboard.call("join", {"event_id": event["id"]}, namespace="/live")["ok"]
        _phone, joined = server.join_officer(event["enrollment_code"], "Rui", "7002")
        phone = server.socket(token=joined["device_token"])
        assert phone.call("join", {"event_id": event["id"]}, namespace="/live")["ok"]
        assert phone.call("position", fix(40.7, -73.99), namespace="/live")["ok"]
        recorder.wait_for(lambda e: e["type"] == "positions", timeout=10)
        phone.disconnect()
        dashboard.disconnect()
    finally:
        server.stop()


def test_a_post_added_through_one_process_is_in_the_next_join_at_another(two_servers):
    """Each process keeps an event's set-up for snapshots (fieldops.events.setup_view): the
    revision in the shared database tells the other process that what it kept is old."""
    first, second = two_servers
    admin = first.staff("admin")
    event = first.create_event(admin, name=f"Setup {uuid.uuid4().hex[:4]}")
    dashboard = second.socket(cookies=second.staff("command"))
    before = dashboard.call("join", {"event_id": event["id"]}, namespace="/live")
    assert before["ok"] and before["snapshot"]["posts"] == []  # kept by the second process
    response = admin.post(f"/api/v1/events/{event['id']}/posts", json=POST)
    assert response.status_code == 201, response.text
    after = dashboard.call("join", {"event_id": event["id"]}, namespace="/live")
    assert after["ok"], after
    assert [p["name"] for p in after["snapshot"]["posts"]] == [POST["name"]]
    dashboard.disconnect()
