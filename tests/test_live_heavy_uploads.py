"""One upload cannot freeze everyone: the real eventlet server keeps answering while it decodes
big photos or parses a big course file (the work runs off its hub)."""

from __future__ import annotations

import threading
import time

import requests

from tests.conftest import fix
from tests.support.heavy import big_png, dense_course_gpx
from tests.support.scene import report_body

# A /healthz round trip on loopback takes milliseconds; the work below takes the server seconds.
# On the hub a handful are answered while it runs (between two photos); off it, hundreds.
ANSWERS_WHILE_BUSY = 50


class HealthProbe:
    """Asks /healthz from a thread, one request after another (5 ms apart); records when each
    answer came."""

    def __init__(self, url: str):
        self.url = url
        self.answers: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with requests.Session() as session:
            while not self._stop.is_set():
                response = session.get(f"{self.url}/healthz", timeout=30)
                assert response.ok
                self.answers.append(time.monotonic())
                self._stop.wait(0.005)  # pace, not sync: leave the CPU to the server

    def __enter__(self) -> HealthProbe:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def between(self, start: float, end: float) -> int:
        return sum(1 for t in self.answers if start <= t <= end)


def _in_threads(jobs) -> tuple[list, list[float]]:
    """Run the callables at once; their results and when each finished."""
    results: list = [None] * len(jobs)
    finished: list[float] = [0.0] * len(jobs)

    def run(i, job):
        results[i] = job()
        finished[i] = time.monotonic()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, finished


class Stamped:
    """When each `positions` envelope reached a socket client."""

    def __init__(self, client):
        self.arrivals: list[float] = []
        client.on("*", self._on_any, namespace="/live")

    def _on_any(self, event, data):
        if data.get("type") == "positions":
            self.arrivals.append(time.monotonic())

    def between(self, start: float, end: float) -> int:
        return sum(1 for t in self.arrivals if start <= t <= end)


def test_the_server_answers_and_pushes_positions_while_it_decodes_four_big_photos(live_server):
    admin, command = live_server.staff("admin"), live_server.staff("command")
    event = live_server.create_event(admin, name="Photo burst")
    _session, joined = live_server.join_officer(event["enrollment_code"], "Ana Cruz", "8101")
    bearer = {"Authorization": f"Bearer {joined['device_token']}"}
    incidents = [
        requests.post(
            f"{live_server.url}/api/v1/events/{event['id']}/incidents",
            json=report_body(),
            headers=bearer,
            timeout=10,
        ).json()["id"]
        for _ in range(4)
    ]
    photos = [big_png()] * 4  # 40 megapixels; one to each incident: four decodes, four photos
    dashboard = live_server.socket(cookies=command)
    pushes = Stamped(dashboard)
    assert dashboard.call("join", {"event_id": event["id"]}, namespace="/live")["ok"]
    phone = live_server.socket(token=joined["device_token"])
    assert phone.call("join", {"event_id": event["id"]}, namespace="/live")["ok"]

    def upload(incident_id: int, data: bytes):
        return lambda: requests.post(
            f"{live_server.url}/api/v1/incidents/{incident_id}/photos",
            files={"photo": ("IMG_0001.PNG", data, "image/png")},
            headers=bearer,
            timeout=120,
        )

    walking = threading.Event()

    def walk():  # the phone keeps sending fixes, as it does every few seconds on the street
        step = 0
        while not walking.wait(0.1):
            step += 1
            ack = phone.call("position", fix(40.70 + step * 1e-5, -73.99), namespace="/live")
            assert ack["ok"], ack

    walker = threading.Thread(target=walk)
    with HealthProbe(live_server.url) as probe:
        walker.start()
        started = time.monotonic()
        responses, finished = _in_threads(
            [upload(i, p) for i, p in zip(incidents, photos, strict=True)]
        )
        walking.set()
        walker.join(timeout=60)
    phone.disconnect()
    dashboard.disconnect()

    assert [r.status_code for r in responses] == [201] * 4, [r.text for r in responses]
    assert all(r.json()["width"] == 2560 for r in responses)
    last_done = max(finished)  # until then the server was decoding photos
    answered = probe.between(started, last_done)
    assert answered >= ANSWERS_WHILE_BUSY, f"{answered} /healthz answers while 4 photos decoded"
    # one push per 0.2 s tick; on the hub, a tick can run only between two photos
    pushed = pushes.between(started, last_done)
    assert pushed >= 6, f"{pushed} positions pushes while 4 photos decoded"
    assert "Traceback" not in live_server.log()


def test_the_server_answers_while_it_parses_a_15_mb_course(live_server):
    admin = live_server.staff("admin")
    event = live_server.create_event(admin, name="Dense course")
    gpx = dense_course_gpx()  # 380,000 points
    assert len(gpx) > 15_000_000

    with HealthProbe(live_server.url) as probe:
        started = time.monotonic()
        response = admin.put(
            f"/api/v1/events/{event['id']}/course",
            data=gpx,
            params={"filename": "dense.gpx"},
            timeout=120,
        )
        done = time.monotonic()

    assert response.status_code == 200, response.text
    course = response.json()
    assert 42_000 < course["length_m"] < 45_000
    answered = probe.between(started, done)
    assert answered >= ANSWERS_WHILE_BUSY, f"{answered} /healthz answers while the course parsed"
    assert "Traceback" not in live_server.log()


def test_a_bad_big_course_is_still_a_clear_422_from_the_worker(live_server):
    admin = live_server.staff("admin")
    event = live_server.create_event(admin, name="Broken course")
    gpx = dense_course_gpx(points=20_000).replace(b'lat="40.60', b'lat="x0.60', 1)
    response = admin.put(f"/api/v1/events/{event['id']}/course", data=gpx, timeout=60)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_course" and error["field"] == "file"
    assert "latitude 'x0.60" in error["message"]
