"""Two processes behind HAProxy with the configuration the README documents
(deploy/haproxy.cfg, started by bench/cluster.py): the way a big event runs."""

import shutil
import uuid

import pytest
import requests

from tests.conftest import fix
from tests.support.live_server import Front, Recorder, seed_staff

pytestmark = [pytest.mark.live, pytest.mark.redis]

PHONES = 8


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    from bench.cluster import Cluster
    from tests.support.databases import postgres_url_or_skip, redis_url_or_skip

    if shutil.which("haproxy") is None:
        pytest.skip("HAProxy is not installed (make haproxy)")
    running = Cluster(
        tmp_path_factory.mktemp("cluster"),
        processes=2,
        database_url=postgres_url_or_skip(fresh=True),
        redis_url=redis_url_or_skip(),
        env={
            "FIELDOPS_PUSH_TICK": "0.2",
            "FIELDOPS_CHECK_ENVELOPES": "1",
            # As for every LiveServer: a loaded test machine lags now and then, and a fix
            # refused as `busy` for it would fail the test (it did once in CI).
            "FIELDOPS_SHED_LAG": "0",
        },
    )
    running.start()
    seed_staff(running.env)
    yield running
    running.stop()
    for server in running.servers:
        assert "breaks its contract" not in server.log()


def _stored_by_each(cluster) -> list[int]:
    return [
        requests.get(f"{s.url}/healthz", timeout=5).json()["ingest"]["stored"]
        for s in cluster.servers
    ]


def test_phones_spread_over_both_processes_reach_a_polling_dashboard_through_the_balancer(cluster):
    """A dashboard on long-polling (each request a new HTTP request: only a sticky balancer
    keeps them on the process that holds its session) sees every phone's fix, whichever
    process the phone's socket landed on."""
    front = Front(cluster.url)
    event = front.create_event(front.staff("admin"), name=f"Balanced {uuid.uuid4().hex[:4]}")
    dashboard = front.socket(cookies=front.staff("command"), transport="polling")
    recorder = Recorder(dashboard)
    assert dashboard.call("join", {"event_id": event["id"]}, namespace="/live")["ok"]
    before = _stored_by_each(cluster)
    phones, ids = [], set()
    for n in range(PHONES):
        _session, joined = front.join_officer(event["enrollment_code"], f"Officer {n}", f"L{n}")
        phone = front.socket(token=joined["device_token"])
        assert phone.call("join", {"event_id": event["id"]}, namespace="/live")["ok"]
        ack = phone.call("position", fix(40.7 + n / 1000, -73.99), namespace="/live")
        assert ack["ok"], ack
        phones.append(phone)
        ids.add(joined["officer"]["id"])

    def seen() -> set:
        return {
            f["officer_id"]
            for e in list(recorder.envelopes)
            if e.get("type") == "positions"
            for f in e["data"]["fixes"]
        }

    recorder.wait_for(lambda _e: ids <= seen(), timeout=10)
    stored = [after - was for after, was in zip(_stored_by_each(cluster), before, strict=True)]
    assert all(stored), f"the balancer sent every phone to one process: {stored}"
    assert dashboard.transport() == "polling"
    for client in (*phones, dashboard):
        client.disconnect()
