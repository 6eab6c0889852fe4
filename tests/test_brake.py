"""A server that falls behind refuses new fixes (503 `busy`, sent again later) and never a
help alarm (issue 13, fieldops.tracking.brake). The brake is set to engage at any lateness
of the event loop at all, so this server brakes from the start."""

from __future__ import annotations

import time
import uuid

import pytest
import requests

from tests.conftest import fix
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def braking_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("brake"), FIELDOPS_SHED_LAG="0.000001")
    server.start()
    deadline = time.monotonic() + 10
    while not requests.get(f"{server.url}/healthz", timeout=5).json()["brake"]["braking"]:
        assert time.monotonic() < deadline, "the brake never engaged"
        time.sleep(0.05)
    yield server
    server.stop()


def test_fixes_wait_while_a_help_alarm_goes_through(braking_server):
    server = braking_server
    scene = server.watched_officer("Kim Novak", "4411")
    event, joined, phone = scene.event, scene.joined, scene.phone

    refused = phone.call("position", fix(), namespace="/live", timeout=10)
    assert refused["ok"] is False and refused["error"]["code"] == "busy", refused
    over_http = scene.http.post(
        f"{server.url}/api/v1/events/{event['id']}/positions",
        json=fix(),
        headers={"Authorization": f"Bearer {joined['device_token']}"},
        timeout=10,
    )
    assert over_http.status_code == 503 and over_http.json()["error"]["code"] == "busy"
    assert over_http.headers["Retry-After"] == "5"
    traccar = requests.post(  # Traccar Client's OsmAnd form: it sends the fix again later
        f"{server.url}/track/osmand",
        params={"id": joined["device_token"], "lat": 40.65, "lon": -74.01},
        timeout=10,
    )
    assert traccar.status_code == 503 and traccar.json()["error"]["code"] == "busy", traccar.text

    ack = phone.call(
        "help", {"client_id": str(uuid.uuid4()), "lat": 40.65, "lon": -74.01}, namespace="/live"
    )
    assert ack["ok"], ack
    scene.seen.wait_for(lambda e: e["type"] == "alert" and e["data"]["id"] == ack["alert"]["id"])
    health = requests.get(f"{server.url}/healthz", timeout=5).json()
    assert health["brake"]["fixes_refused"] >= 3 and health["ingest"]["stored"] == 0
    scene.close()
