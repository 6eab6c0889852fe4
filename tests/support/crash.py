"""The crash harness: concurrent phones write fixes and incident reports over HTTP and the
socket while the server is killed with SIGKILL and restarted; afterwards every write that was
acknowledged must be in the database, once, and the database must pass its integrity check.

Each writer behaves like the phone's outbox: one item waits until the server acknowledged it
(a 2xx, or an `ok` socket ack); a failure or no answer sends the same item again (same
`recorded_at`, same `client_id`), so resends are what the server must not duplicate.
Shared by `bench/crash.py` (10 crashes) and `tests/test_crash_durability.py` (a few).
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
import socketio

from tests.support.live_server import LiveServer

NAMESPACE = "/live"
ANSWER_TIMEOUT_S = 5.0
INCIDENT_EVERY = 8  # every 8th item a writer sends is an incident report


def _key_us(moment: datetime) -> int:
    return round(moment.replace(tzinfo=UTC).timestamp() * 1_000_000)


@dataclass
class Item:
    kind: str  # "fix" or "incident"
    body: dict
    key: tuple  # (officer id, recorded_at in µs) or (officer id, client_id)


@dataclass
class Ledger:
    """What one writer had acknowledged, by the round (server life) that acknowledged it."""

    fixes: dict[tuple, int] = field(default_factory=dict)
    incidents: dict[tuple, int] = field(default_factory=dict)
    sent: int = 0
    failures: Counter = field(default_factory=Counter)


class Writer(threading.Thread):
    """One phone: `transport` is "http" (device token as Bearer) or "socket" (token auth)."""

    def __init__(self, harness: CrashHarness, officer_id: int, token: str, transport: str, n: int):
        super().__init__(daemon=True, name=f"writer-{n}")
        self.harness, self.officer_id, self.token = harness, officer_id, token
        self.transport, self.n = transport, n
        self.ledger = Ledger()
        self.pending: Item | None = None
        self.count = 0
        self.last_recorded = datetime.now(UTC) - timedelta(seconds=1)
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.sio: socketio.Client | None = None

    # --- what the phone sends --------------------------------------------------------

    def _next_item(self) -> Item:
        self.count += 1
        now = max(datetime.now(UTC), self.last_recorded + timedelta(milliseconds=1))
        self.last_recorded = now
        if self.count % INCIDENT_EVERY == 0:
            client_id = str(uuid.uuid4())
            body = {
                "client_id": client_id,
                "type": "crowd",
                "lat": 40.65,
                "lon": -74.01,
                "note": f"crash harness {self.n}/{self.count}",
                "reported_at": now.isoformat(),
            }
            return Item("incident", body, (self.officer_id, client_id))
        body = {
            "lat": 40.6 + self.n / 1000,
            "lon": -74.0 + self.count / 100_000,
            "accuracy": 8.0,
            "recorded_at": now.isoformat().replace("+00:00", "Z"),
        }
        return Item("fix", body, (self.officer_id, _key_us(now)))

    def run(self) -> None:
        stop = self.harness.stop
        while not stop.is_set():
            if self.pending is None:
                if self.harness.draining.is_set():
                    return  # everything this phone made is acknowledged
                self.pending = self._next_item()
            self.ledger.sent += 1
            try:
                acked = self._send(self.pending)
            except Exception as exc:  # no answer: the server is down or was killed mid-way
                self.ledger.failures[type(exc).__name__] += 1
                self._drop_socket()
                acked = False
            if acked:
                book = self.ledger.fixes if self.pending.kind == "fix" else self.ledger.incidents
                book.setdefault(self.pending.key, self.harness.round)
                self.pending = None
            else:
                stop.wait(random.uniform(0.05, 0.2))  # the outbox's retry, not a hammer
        self._drop_socket()

    # --- transports --------------------------------------------------------------------

    def _send(self, item: Item) -> bool:
        if self.transport == "http":
            return self._send_http(item)
        return self._send_socket(item)

    def _send_http(self, item: Item) -> bool:
        base = f"{self.harness.server.url}/api/v1/events/{self.harness.event_id}"
        path = "/positions" if item.kind == "fix" else "/incidents"
        response = self.http.post(base + path, json=item.body, timeout=ANSWER_TIMEOUT_S)
        if response.status_code in (200, 201, 202):
            return True
        self.ledger.failures[f"http {response.status_code}"] += 1
        return False

    def _send_socket(self, item: Item) -> bool:
        if self.sio is None:
            self._connect()
        event = "position" if item.kind == "fix" else "report"
        ack = self.sio.call(event, item.body, namespace=NAMESPACE, timeout=ANSWER_TIMEOUT_S)
        if isinstance(ack, dict) and ack.get("ok"):
            return True
        code = (ack or {}).get("error", {}).get("code") if isinstance(ack, dict) else None
        self.ledger.failures[f"ack {code}"] += 1
        return False

    def _connect(self) -> None:
        client = socketio.Client(reconnection=False)
        try:
            client.connect(
                self.harness.server.url,
                namespaces=[NAMESPACE],
                transports=["websocket"],
                auth={"token": self.token},
                wait_timeout=ANSWER_TIMEOUT_S,
            )
            joined = client.call(
                "join",
                {"event_id": self.harness.event_id},
                namespace=NAMESPACE,
                timeout=ANSWER_TIMEOUT_S,
            )
            if not joined or not joined.get("ok"):
                raise ConnectionError(f"join refused: {joined}")
        except Exception:
            client.disconnect()
            raise
        self.sio = client

    def _drop_socket(self) -> None:
        if self.sio is not None:
            try:
                self.sio.disconnect()
            except Exception:  # noqa: S110 - it is gone either way
                pass
            self.sio = None


@dataclass
class RoundResult:
    round: int
    fixes_acked: int
    fixes_present: int
    incidents_acked: int
    incidents_present: int
    duplicated: int

    @property
    def lost(self) -> int:
        return self.fixes_acked - self.fixes_present + self.incidents_acked - self.incidents_present


class CrashHarness:
    """`writers` phones (half HTTP, half socket) against `fieldops serve` on SQLite in
    `folder`, killed with SIGKILL `crashes` times, `round_s` seconds (± 40 %) of load each."""

    def __init__(self, folder: Path, writers: int = 50, crashes: int = 10, round_s: float = 3.0):
        self.folder, self.writer_count = folder, writers
        self.crashes, self.round_s = crashes, round_s
        self.server = LiveServer(folder)
        self.stop, self.draining = threading.Event(), threading.Event()
        self.round = 0
        self.writers: list[Writer] = []
        self.event_id: int | None = None
        self.integrity = ""
        self.unacked_at_end = 0

    def run(self, drain_s: float = 30.0) -> list[RoundResult]:
        self._start_server()
        self._setup()
        for writer in self.writers:
            writer.start()
        try:
            for crash in range(1, self.crashes + 1):
                self.round = crash
                self.stop.wait(self.round_s * random.uniform(0.6, 1.4))
                self._kill_server()
                self._start_server()
            self.round = self.crashes + 1  # the last life: writers finish what they hold
            self.draining.set()
            deadline = time.monotonic() + drain_s
            for writer in self.writers:
                writer.join(timeout=max(0.0, deadline - time.monotonic()))
        finally:
            self.stop.set()
            for writer in self.writers:
                writer.join(timeout=10)
            self.server.stop()
        self.unacked_at_end = sum(w.pending is not None for w in self.writers)
        return self._verify()

    def _kill_server(self) -> None:
        self.server.process.kill()  # SIGKILL: no shutdown of any kind
        self.server.process.wait(timeout=15)
        self.server.stop()  # closes its log file; the process is gone already

    def _start_server(self) -> None:
        self.server.log_path = self.folder / f"server-{self.round}.log"
        self.server.start()
        self.server.seed = False  # the staff logins exist from the first start on

    def _setup(self) -> None:
        admin = self.server.staff("admin")
        event = self.server.create_event(admin)
        self.event_id = event["id"]
        for n in range(self.writer_count):
            _http, joined = self.server.join_officer(
                event["enrollment_code"], f"Crash Officer {n}", f"C{n:03d}"
            )
            transport = "http" if n % 2 == 0 else "socket"
            self.writers.append(
                Writer(self, joined["officer"]["id"], joined["device_token"], transport, n)
            )

    def failures(self) -> Counter:
        total: Counter = Counter()
        for writer in self.writers:
            total.update(writer.ledger.failures)
        return total

    def _verify(self) -> list[RoundResult]:
        database = sqlite3.connect(self.folder / "live.sqlite3")
        try:
            self.integrity = database.execute("PRAGMA integrity_check").fetchone()[0]
            fixes = Counter(
                (officer_id, _key_us(datetime.fromisoformat(recorded)))
                for officer_id, recorded in database.execute(
                    "SELECT officer_id, recorded_at FROM position_fixes WHERE event_id = ?",
                    (self.event_id,),
                )
            )
            incidents = Counter(
                database.execute(
                    "SELECT reported_by_id, client_id FROM incidents WHERE event_id = ?",
                    (self.event_id,),
                )
            )
        finally:
            database.close()
        results = []
        for life in range(1, self.crashes + 2):
            acked_fixes = [k for w in self.writers for k, r in w.ledger.fixes.items() if r == life]
            acked_incidents = [
                k for w in self.writers for k, r in w.ledger.incidents.items() if r == life
            ]
            results.append(
                RoundResult(
                    round=life,
                    fixes_acked=len(acked_fixes),
                    fixes_present=sum(fixes[k] > 0 for k in acked_fixes),
                    incidents_acked=len(acked_incidents),
                    incidents_present=sum(incidents[k] > 0 for k in acked_incidents),
                    duplicated=sum(fixes[k] > 1 for k in acked_fixes)
                    + sum(incidents[k] > 1 for k in acked_incidents),
                )
            )
        return results


def summary(results: list[RoundResult], harness: CrashHarness) -> str:
    lines = ["round  fixes acked/present  incidents acked/present  lost  duplicated"]
    for r in results:
        label = str(r.round) if r.round <= harness.crashes else "end"
        lines.append(
            f"{label:>5}  {r.fixes_acked:>7} / {r.fixes_present:<7}    "
            f"{r.incidents_acked:>5} / {r.incidents_present:<5}        {r.lost:>4}  "
            f"{r.duplicated:>10}"
        )
    lines.append(
        f"total  lost {sum(r.lost for r in results)}, duplicated "
        f"{sum(r.duplicated for r in results)}, integrity_check {harness.integrity!r}, "
        f"writers still holding an item {harness.unacked_at_end}"
    )
    failures = ", ".join(f"{k} {v}" for k, v in harness.failures().most_common(6))
    lines.append(f"unanswered or refused sends (resent): {failures or 'none'}")
    return "\n".join(lines)
