"""Heavy uploads against a real eventlet server: how long does everyone else wait?

While one officer uploads four 40-megapixel photos at once, and while an admin uploads a 15 MB
GPX course (380,000 points), the bench measures:

- `/healthz` round trips, asked every 10 ms from a thread (the next one waits for the answer);
- fix → dashboard: a phone sends a fix every 250 ms over its socket; a dashboard times when
  it shows that fix or a newer one (`positions` envelopes carry each officer's newest, every
  push tick, 0.5 s);
- how long the uploads take, and what a dashboard's join of the dense course's event costs
  (bytes and round trip).

Each code tree (`--app-root`, repeatable: e.g. the code before the change and this one) runs
the same steps on its own fresh server, one after the other, alternating for `--rounds`.
`--gil` adds the measurement that chose a child process over a thread for pure-Python work.
Everything runs on 127.0.0.1; every loop is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.heavy import big_png, dense_course_gpx  # noqa: E402
from tests.support.live_server import STAFF_PASSWORD, StaffSession, seed_staff  # noqa: E402
from tests.support.server_process import ServerProcess  # noqa: E402

NAMESPACE = "/live"


class Server(ServerProcess):
    """`fieldops serve` (eventlet) from `app_root` on a fresh SQLite database (its working
    directory comes first on sys.path), then staff logins through `fieldops user import`."""

    def __init__(self, folder: Path, app_root: Path):
        self.app_root = app_root
        env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDOPS_")}
        env |= {
            "FIELDOPS_DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "FIELDOPS_SECRET_KEY": "bench-offload",
            "FIELDOPS_INSTANCE_PATH": str(folder / "instance"),
            "FIELDOPS_TILE_URL": "",
            "FIELDOPS_ASYNC_MODE": "eventlet",
            "PYTHONUNBUFFERED": "1",
        }
        super().__init__(folder / "server.log", env, cwd=app_root)

    def start(self, command: str = "serve", timeout: float = 60) -> None:
        super().start(command, timeout)  # migrates the database
        seed_staff(self.env, STAFF_PASSWORD, cwd=self.app_root)

    def staff(self, role: str) -> StaffSession:
        session = StaffSession(self.url)
        session.login(role, STAFF_PASSWORD)
        return session


# --- probes ---------------------------------------------------------------------------------


class HealthProbe(threading.Thread):
    """GET /healthz every `every` seconds (never two at once); records round trips."""

    def __init__(self, url: str, every: float = 0.01):
        super().__init__(daemon=True)
        self.url, self.every = url, every
        self.samples: list[tuple[float, float]] = []  # (sent, round trip)
        self.stop = threading.Event()

    def run(self) -> None:
        with requests.Session() as session:
            while not self.stop.is_set():
                sent = time.monotonic()
                session.get(f"{self.url}/healthz", timeout=60).raise_for_status()
                self.samples.append((sent, time.monotonic() - sent))
                self.stop.wait(max(0.0, self.every - (time.monotonic() - sent)))

    def window(self, start: float, end: float) -> list[float]:
        """Round trips of the requests in flight at any moment of [start, end]."""
        return [rtt for sent, rtt in self.samples if sent <= end and sent + rtt >= start]


class FixProbe(threading.Thread):
    """A phone sends a fix every 250 ms; a dashboard times each one's `positions` envelope."""

    def __init__(self, server: Server, event: dict, phone_token: str, command: StaffSession):
        super().__init__(daemon=True)
        self.sent: dict[float, float] = {}  # fix latitude (rises by step) -> send time
        self.lock = threading.Lock()
        self.latency: list[tuple[float, float]] = []  # (sent, fix -> dashboard)
        self.stop = threading.Event()
        self.dashboard = socketio.Client(reconnection=False)
        self.dashboard.on("positions", self._on_positions, namespace=NAMESPACE)
        cookie = "; ".join(f"{c.name}={c.value}" for c in command.cookies)
        self.dashboard.connect(
            server.url, namespaces=[NAMESPACE], transports=["websocket"], headers={"Cookie": cookie}
        )
        ack = self.dashboard.call("join", {"event_id": event["id"]}, namespace=NAMESPACE)
        assert ack["ok"], ack
        self.phone = socketio.Client(reconnection=False)
        self.phone.connect(
            server.url,
            namespaces=[NAMESPACE],
            transports=["websocket"],
            auth={"token": phone_token},
        )
        assert self.phone.call("join", {"event_id": event["id"]}, namespace=NAMESPACE)["ok"]

    def _on_positions(self, envelope: dict) -> None:
        """A fix is shown once it or a newer one is (the map coalesces to the newest)."""
        now = time.monotonic()
        with self.lock:
            for fix in envelope["data"]["fixes"]:
                shown = round(fix["lat"], 7)
                for lat in [lat for lat in self.sent if lat <= shown]:
                    sent = self.sent.pop(lat)
                    self.latency.append((sent, now - sent))

    def run(self) -> None:
        step = 0
        while not self.stop.wait(0.25):
            step += 1
            lat = round(40.70 + step * 1e-6, 7)
            with self.lock:
                self.sent[lat] = time.monotonic()
            recorded = datetime.now(UTC).isoformat().replace("+00:00", "Z")
            body = {"lat": lat, "lon": -73.99, "accuracy": 8.0, "recorded_at": recorded}
            self.phone.emit("position", body, namespace=NAMESPACE)

    def window(self, start: float, end: float) -> list[float]:
        return [lat for sent, lat in self.latency if start <= sent <= end]

    def close(self) -> None:
        self.stop.set()
        self.join(timeout=10)
        self.phone.disconnect()
        self.dashboard.disconnect()


# --- one tree -------------------------------------------------------------------------------


def _stats(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {
        "n": len(values),
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * pick(0.95), 1),
        "max_ms": round(1000 * ordered[-1], 1),
    }


def _idle(health: HealthProbe, fixes: FixProbe, seconds: float = 2.0) -> dict:
    start = time.monotonic()
    time.sleep(seconds)
    end = time.monotonic()
    return {"healthz": _stats(health.window(start, end)), "fix": _stats(fixes.window(start, end))}


def measure(app_root: Path, folder: Path, gpx: bytes, pngs: list[bytes]) -> dict:
    server = Server(folder, app_root)
    server.start()
    try:
        admin, command = server.staff("admin"), server.staff("command")
        now = datetime.now(UTC)
        window = {"starts_at": now.isoformat(), "ends_at": (now + timedelta(hours=8)).isoformat()}
        event = admin.post("/api/v1/events", json={"name": "Bench", "kind": "marathon", **window})
        event = event.json()
        joined = requests.post(
            f"{server.url}/api/v1/join",
            json={"code": event["enrollment_code"], "name": "Bench Officer", "badge": "9001"},
            timeout=10,
        ).json()
        bearer = {"Authorization": f"Bearer {joined['device_token']}"}
        incidents = []
        for _ in pngs:
            body = {"client_id": os.urandom(8).hex(), "type": "medical", "lat": 40.7, "lon": -74}
            incidents.append(
                requests.post(
                    f"{server.url}/api/v1/events/{event['id']}/incidents",
                    json=body | {"reported_at": now.isoformat()},
                    headers=bearer,
                    timeout=10,
                ).json()["id"]
            )
        health = HealthProbe(server.url)
        fixes = FixProbe(server, event, joined["device_token"], command)
        health.start()
        fixes.start()
        result = {"idle": _idle(health, fixes)}

        def upload(incident_id: int, data: bytes) -> None:
            response = requests.post(
                f"{server.url}/api/v1/incidents/{incident_id}/photos",
                files={"photo": ("IMG.PNG", data, "image/png")},
                headers=bearer,
                timeout=300,
            )
            assert response.status_code in (200, 201), response.text

        start = time.monotonic()
        threads = [
            threading.Thread(target=upload, args=job) for job in zip(incidents, pngs, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        end = time.monotonic()
        result["photos"] = {
            "upload_s": round(end - start, 2),
            "healthz": _stats(health.window(start, end)),
            "fix": _stats(fixes.window(start, end)),
        }
        time.sleep(1)  # let the probes settle between the two loads

        start = time.monotonic()
        response = admin.put(
            f"/api/v1/events/{event['id']}/course",
            data=gpx,
            params={"filename": "dense.gpx"},
            timeout=300,
        )
        end = time.monotonic()
        response.raise_for_status()
        result["gpx"] = {
            "upload_s": round(end - start, 2),
            "answer_bytes": len(response.content),
            "healthz": _stats(health.window(start, end)),
            "fix": _stats(fixes.window(start, end)),
        }
        health.stop.set()
        fixes.close()
        result["join"] = [_join(server, command, event) for _ in range(3)]
        return result
    finally:
        server.stop()


def _join(server: Server, command: StaffSession, event: dict) -> dict:
    client = socketio.Client(reconnection=False)
    cookie = "; ".join(f"{c.name}={c.value}" for c in command.cookies)
    client.connect(
        server.url, namespaces=[NAMESPACE], transports=["websocket"], headers={"Cookie": cookie}
    )
    start = time.monotonic()
    ack = client.call("join", {"event_id": event["id"]}, namespace=NAMESPACE, timeout=120)
    elapsed = time.monotonic() - start
    client.disconnect()
    return {"ms": round(1000 * elapsed), "bytes": len(json.dumps(ack))}


# --- the GIL: a thread or a process for pure-Python work ------------------------------------

GIL = """
import sys, time, warnings
warnings.simplefilter("ignore")
import eventlet
eventlet.monkey_patch()
from fieldops import offload
from fieldops.events.course_import import parse_course
data = open(sys.argv[1], "rb").read()

def ticker(gaps, stop):
    last = time.perf_counter()
    while not stop:
        eventlet.sleep(0.005)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now

for how in ("on the hub", "in_thread", "in_process"):
    gaps, stop = [], []
    green = eventlet.spawn(ticker, gaps, stop)
    eventlet.sleep(0.05)
    start = time.perf_counter()
    if how == "on the hub":
        parse_course(data)
    elif how == "in_thread":
        offload.in_thread(parse_course, data)
    else:
        offload.run_in_child(parse_course, data)
    took = time.perf_counter() - start
    stop.append(True)
    green.wait()
    gaps.sort()
    q = lambda f: 1000 * gaps[min(len(gaps) - 1, int(f * len(gaps)))]
    cells = [how, f"{took:.2f}", len(gaps), f"{q(0.5):.1f}", f"{q(0.99):.1f}", f"{q(1):.0f}"]
    print("| " + " | ".join(map(str, cells)) + " |")
"""


def gil(gpx_path: Path) -> None:
    print("\nParsing the 15 MB GPX under eventlet while a greenthread asks to run every 5 ms:")
    print("| where | parse s | ticks | tick gap p50 ms | p99 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(GIL), str(gpx_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    print(done.stdout.strip() or done.stderr[-2000:])


# --- report ---------------------------------------------------------------------------------


def _row(label: str, runs: dict[str, list[dict]], path: tuple[str, ...], key: str) -> str:
    cells = []
    for results in runs.values():
        values = []
        for result in results:
            value = result
            for part in path:
                value = value[part]
            values.append(value.get(key) if isinstance(value, dict) else value)
        cells.append(" / ".join(str(v) for v in values))
    return f"| {label} | " + " | ".join(cells) + " |"


def report(runs: dict[str, list[dict]]) -> None:
    names = list(runs)
    print("\n| measure (each round) | " + " | ".join(names) + " |")
    print("| --- | " + " | ".join("---:" for _ in names) + " |")
    for phase in ("idle", "photos", "gpx"):
        if phase != "idle":
            print(_row(f"{phase}: upload s", runs, (phase,), "upload_s"))
        for probe in ("healthz", "fix"):
            for key in ("n", "p50_ms", "p95_ms", "max_ms"):
                print(_row(f"{phase}: {probe} {key}", runs, (phase, probe), key))
    print(_row("gpx: answer bytes", runs, ("gpx",), "answer_bytes"))
    for i in range(3):
        print(_row(f"join {i + 1}: bytes", runs, ("join", str(i)), "bytes"))
        print(_row(f"join {i + 1}: ms", runs, ("join", str(i)), "ms"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--app-root",
        action="append",
        help="a code tree to measure (repeatable; default: this one)",
    )
    parser.add_argument("--rounds", type=int, default=1, help="alternate the trees this often")
    parser.add_argument("--gil", action="store_true", help="also: thread or process for parsing")
    args = parser.parse_args(argv)
    roots = [Path(r).resolve() for r in (args.app_root or [str(ROOT)])]
    gpx = dense_course_gpx()
    pngs = [big_png(shade=40 + 40 * i) for i in range(4)]
    print(f"GPX {len(gpx) / 1e6:.1f} MB, photos {[len(p) for p in pngs]} bytes, 40 megapixels")
    runs: dict[str, list[dict]] = {str(root): [] for root in roots}
    with tempfile.TemporaryDirectory(prefix="fieldops-offload-") as tmp:
        for round_no in range(args.rounds):
            for i, root in enumerate(roots):
                folder = Path(tmp) / f"r{round_no}-{i}"
                folder.mkdir()
                result = measure(root, folder, gpx, pngs)
                for n, join in enumerate(result.pop("join")):
                    result.setdefault("join", {})[str(n)] = join
                runs[str(root)].append(result)
                print(f"round {round_no + 1}, {root}: {json.dumps(result)}", flush=True)
        report(runs)
        if args.gil:
            path = Path(tmp) / "dense.gpx"
            path.write_bytes(gpx)
            gil(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
