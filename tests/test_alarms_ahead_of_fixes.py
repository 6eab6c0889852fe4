"""A help alarm is not held behind the fixes sent before it on the same socket (issue 13).

A phone's socket events are handled one after another. A fix is acknowledged only once the
store tick has committed it, so if its handler waited for that, the help alarm pressed after
it would wait too. Here the store tick is three seconds long: the alarm must reach the
command post, and its ack the phone, while the fix before it is still waiting to be stored.
"""

from __future__ import annotations

import threading
import uuid

import pytest
import requests

from tests.conftest import fix
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.live

STORE_TICK = 3.0


@pytest.fixture(scope="module")
def slow_store(tmp_path_factory):
    with LiveServer(
        tmp_path_factory.mktemp("slow-store"),
        FIELDOPS_STORE_TICK=str(STORE_TICK),
        FIELDOPS_PUSH_TICK=str(STORE_TICK),
    ) as server:
        yield server


def test_a_help_alarm_goes_ahead_of_the_fix_before_it_which_is_acked_once_stored(slow_store):
    server = slow_store
    scene = server.watched_officer("Rosa Parks", "5120")
    phone, seen = scene.phone, scene.seen

    acks: list[tuple[str, dict]] = []
    both = threading.Event()

    def answered(name):
        def on_ack(ack):
            acks.append((name, ack))
            if len(acks) == 2:
                both.set()

        return on_ack

    phone.emit("position", fix(), namespace="/live", callback=answered("position"))
    press = {"client_id": str(uuid.uuid4()), "lat": 40.65, "lon": -74.01}
    phone.emit("help", press, namespace="/live", callback=answered("help"))
    assert both.wait(timeout=STORE_TICK * 4), acks

    assert [name for name, _ack in acks] == ["help", "position"], acks
    help_ack, fix_ack = acks[0][1], acks[1][1]
    assert help_ack["ok"] and fix_ack == {"ok": True, "accepted": 1}, acks
    alert_id = help_ack["alert"]["id"]
    # At the command post too: the alarm came first, the fix with the tick that stored it.
    seen.wait_for(lambda e: e["type"] == "positions", timeout=STORE_TICK * 3)
    kinds = [
        e["type"]
        for e in seen.envelopes
        if e["type"] == "positions" or (e["type"] == "alert" and e["data"]["id"] == alert_id)
    ]
    assert kinds[:2] == ["alert", "positions"], kinds
    assert requests.get(f"{server.url}/healthz", timeout=5).json()["ingest"]["stored"] == 1
    scene.close()
