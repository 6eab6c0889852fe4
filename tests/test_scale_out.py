"""Beyond one process: PostgreSQL plus several servers sharing a Redis message queue, and the
other async modes (gevent, threading) that must keep working."""

import os
import uuid

import pytest

from tests.conftest import fix
from tests.support.live_server import LiveServer, Recorder

pytestmark = pytest.mark.live

REDIS_URL = os.environ.get("FIELDOPS_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    from tests.support.databases import postgres_url_or_skip

    _redis_or_skip()
    db_url = postgres_url_or_skip(fresh=True)
    channel_env = {"FIELDOPS_DATABASE_URL": db_url, "FIELDOPS_MESSAGE_QUEUE": REDIS_URL}
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
    import time

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
