"""Live-map benchmark against a real fieldops server subprocess (see bench/README.md).

Load mode (default): N simulated officers each send one fix every --interval seconds over the
/live Socket.IO namespace; M command dashboards receive the coalesced `positions` envelopes.
Reports fix-to-dashboard latency, acks, persistence, seq gaps, server CPU and memory.

Connections mode (--connections K): opens K officer sockets, joins them all, holds them, and
reports how many the server kept and what it cost in memory.

Everything runs on 127.0.0.1; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import gc
import json
import logging
import math
import os
import platform
import random
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import orjson
import psutil
import requests
import socketio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import incident_load  # noqa: E402 - bench/, this script's folder
import lost_person_load  # noqa: E402

from tests.support.live_server import fieldops_command  # noqa: E402
from tests.support.server_process import ServerProcess  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
NAMESPACE = "/live"
STAFF_PASSWORD = "bench-password-123"
DEFAULT_PUSH_TICK = 0.5  # the server's FIELDOPS_PUSH_TICK when --push-tick is not given
DEFAULT_STORE_TICK = 0.25  # the server's FIELDOPS_STORE_TICK
RETRY_AFTER_S = 5  # what a busy server says (fieldops.tracking.brake.RETRY_AFTER)


def outbox_pause() -> float:
    """Seconds the phone's fixes lane waits when the server says `busy`: its Retry-After,
    drawn from ¾ to 1¼ of it (officer/sending.js BUSY_PAUSE_MS, shared/outbox.js)."""
    return RETRY_AFTER_S * random.uniform(0.75, 1.25)


def store_tick(args) -> float:
    """The server's store tick (never longer than its push tick), as this run sets it."""
    given = dict(item.partition("=")[::2] for item in args.server_env or [])
    push = args.push_tick or DEFAULT_PUSH_TICK
    return min(float(given.get("FIELDOPS_STORE_TICK", DEFAULT_STORE_TICK)), push)


# --- helpers -----------------------------------------------------------------------------


def raise_open_file_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def iso_ms(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_ms(value) -> int:
    """A recorded_at from an envelope (ISO string) or the database (string or datetime)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace(" ", "T"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return round(value.timestamp() * 1000)


_SECOND_MS: dict[str, int] = {}


def envelope_ms(text: str) -> int:
    """to_ms for an envelope's UTC time ('2026-12-03T14:10:01.123456Z', fieldops.formats.iso),
    each second parsed once: 20 dashboards read 30,000 of them a second at 3,000 officers, and
    parsing each in full took an eighth of the bench client's core."""
    if len(text) < 20 or text[-1] != "Z" or (len(text) > 20 and text[19] != "."):
        return to_ms(text)
    second = text[:19]
    base = _SECOND_MS.get(second)
    if base is None:
        if len(_SECOND_MS) > 100_000:
            _SECOND_MS.clear()
        base = _SECOND_MS[second] = to_ms(second + "Z")
    return base + (round(float(text[19:-1]) * 1000) if len(text) > 20 else 0)


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    ordered = sorted(values)

    def pick(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]

    return {
        "count": len(ordered),
        "p50": pick(50),
        "p95": pick(95),
        "p99": pick(99),
        "max": ordered[-1],
        "mean": sum(ordered) / len(ordered),
    }


def fmt_ms(stats: dict) -> str:
    if not stats.get("count"):
        return "n/a"
    return " ".join(
        f"{k}={stats[k] * 1000:.0f}ms" for k in ("p50", "p95", "p99", "max") if k in stats
    )


# --- the server ------------------------------------------------------------------------------


class Server(ServerProcess):
    """Seeds a fresh database, then runs `python -m fieldops.entry serve` in a subprocess."""

    def __init__(self, folder: Path, args):
        self.folder = folder
        self.database_url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDOPS_")}
        env.update(
            {
                "FIELDOPS_DATABASE_URL": self.database_url,
                "FIELDOPS_SECRET_KEY": "bench-" + secrets.token_hex(16),
                "FIELDOPS_INSTANCE_PATH": str(folder / "instance"),
                "FIELDOPS_TILE_URL": "",
                "FIELDOPS_ASYNC_MODE": args.async_mode,
                "PYTHONUNBUFFERED": "1",
            }
        )
        if args.push_tick is not None:
            env["FIELDOPS_PUSH_TICK"] = str(args.push_tick)
        for item in args.server_env or []:
            key, _, value = item.partition("=")
            env[key] = value
        # The server and the seed import `fieldops` from here (their working directory comes
        # first on sys.path): point it at another checkout to compare a change.
        self.app_root = Path(args.app_root).resolve() if args.app_root else ROOT
        super().__init__(folder / "server.log", env, cwd=self.app_root)

    def seed(self, officers: int, with_shifts: bool) -> dict:
        """Through the CLI an operator uses: migrate, a command login, an event, N officers
        enrolled with device tokens; with incidents on, a post where some of them check in
        once the server answers (`check_in`)."""
        run_id = secrets.token_hex(3)
        now = datetime.now(UTC)

        def cli(*args: str, stdin: str = "") -> str:
            return fieldops_command(self.env, *args, stdin=stdin, cwd=self.app_root)

        cli("init")
        username = f"bench-command-{run_id}"
        cli("user", "import", stdin=f"{username},command,{STAFF_PASSWORD}\n")
        created = cli(
            "event", "create", "--name", f"Bench {run_id}", "--kind", "marathon",
            "--starts", (now - timedelta(hours=1)).isoformat(),
            "--ends", (now + timedelta(hours=9)).isoformat(),
        )  # fmt: skip
        event_id = int(re.search(r"event id: (\d+)", created).group(1))
        post_id = None
        if with_shifts:
            post = incident_load.POST
            added = cli(
                "post", "add", "--event", str(event_id), "--name", post["name"],
                "--kind", post["kind"], "--lat", str(post["lat"]), "--lon", str(post["lon"]),
                "--radius", str(post["radius_m"]),
            )  # fmt: skip
            post_id = int(re.search(r"post id: (\d+)", added).group(1))
        tokens = self.folder / "tokens.json"
        roster = "".join(f"Bench Officer {i},B{run_id}-{i}\n" for i in range(officers))
        enrolled = cli(
            "officer", "enroll", "--event", str(event_id), "--tokens", str(tokens), stdin=roster
        )
        seconds = float(re.search(r"in ([\d.]+)s", enrolled).group(1))
        listed = json.loads(tokens.read_text())["officers"]
        on_shift = [i for i in range(officers) if with_shifts and incident_load.on_shift(i)]
        return {
            "event_id": event_id,
            "command_username": username,
            "officers": [{"officer_id": o["officer_id"], "token": o["token"]} for o in listed],
            "post_id": post_id,
            "on_shift": on_shift,
            "seconds": seconds,
        }

    def pids(self) -> list[int]:
        return [self.process.pid]

    def check_in(self, seed: dict) -> None:
        """The officers `nearest` can suggest check in at the bench post, as their phones do."""
        for index in seed["on_shift"]:
            response = requests.post(
                f"{self.url}/api/v1/events/{seed['event_id']}/shift/check-in",
                json={"post_id": seed["post_id"]},
                headers={"Authorization": f"Bearer {seed['officers'][index]['token']}"},
                timeout=30,
            )
            response.raise_for_status()

    def log_problems(self) -> dict:
        text = self.log()
        lines = text.splitlines()
        errors = [ln for ln in lines if " ERROR " in ln or " CRITICAL " in ln]
        return {
            "error_lines": len(errors),
            "tracebacks": text.count("Traceback (most recent call last)"),
            "first_errors": errors[:5],
        }


class ClusterServer(Server):
    """--processes N: N fieldops processes on PostgreSQL and Redis behind HAProxy
    (bench/cluster.py); the clients talk to the balancer, the sampler sums the processes."""

    def __init__(self, folder: Path, args):
        from cluster import Cluster, fresh_postgres_database

        if not (args.database_url or "").startswith("postgresql"):
            args.database_url = fresh_postgres_database("fieldops_bench")
        super().__init__(folder, args)
        self.cluster = Cluster(
            folder,
            processes=args.processes,
            database_url=self.database_url,
            env={k: v for k, v in self.env.items() if k.startswith("FIELDOPS_")},
            app_root=self.app_root,
        )
        self.env = self.cluster.env  # one secret key for the CLI's seeding and every process
        self.url = self.cluster.url

    def start(self, timeout: float = 60) -> None:
        self.cluster.start(timeout)
        self.process = self.cluster.servers[0].process

    def stop(self) -> None:
        self.cluster.stop()

    def pids(self) -> list[int]:
        return self.cluster.pids

    def log(self) -> str:
        return "\n".join(server.log() for server in self.cluster.servers)


class Relay(ServerProcess):
    """bench/naive_relay.py on the same seed: the baseline a run is measured against."""

    database_url = None  # it stores nothing

    def __init__(self, folder: Path, args):
        super().__init__(folder / "relay.log", dict(os.environ, PYTHONUNBUFFERED="1"))
        self.folder, self.async_mode = folder, args.async_mode

    def start(self, timeout: float = 30) -> None:
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("naive_relay.py"))]
            + ["--port", str(self.port), "--tokens", str(self.folder / "tokens.json")]
            + ["--async-mode", self.async_mode],
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.wait_until_healthy("the relay", timeout)

    def log_problems(self) -> dict:
        return {"tracebacks": self.log().count("Traceback (most recent call last)")}


class Sampler:
    """Samples the server's CPU % and RSS (and this process's CPU %) once a second, in a thread."""

    def __init__(self, pid: int | list[int], period: float = 1.0):
        pids = pid if isinstance(pid, list) else [pid]
        self.servers = [psutil.Process(p) for p in pids]  # behind a balancer: all of them
        self.server = self.servers[0]
        self.me = psutil.Process()
        self.period = period
        self.samples: list[dict] = []
        self.peak_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._window: tuple[float, float] | None = None
        self.profile_out: Path | None = None
        self.cpu_at_start: float | None = None
        self.cpu_used: float | None = None
        self.profiler: subprocess.Popen | None = None

    def start(self) -> None:
        for server in self.servers:
            server.cpu_percent(None)
        self.me.cpu_percent(None)
        psutil.cpu_percent(None)
        self._thread.start()

    def _run(self) -> None:
        for _ in range(100_000):  # bounded; stopped long before
            if self._stop.wait(self.period):
                return
            rss = cpu = fds = 0
            try:
                for server in self.servers:
                    with server.oneshot():
                        rss += server.memory_info().rss
                        cpu += server.cpu_percent(None)
                        fds += server.num_fds()
            except psutil.Error:
                return
            self.peak_rss = max(self.peak_rss, rss)
            self.samples.append(
                {
                    "t": time.time(),
                    "server_cpu": cpu,
                    "server_rss": rss,
                    "server_fds": fds,
                    "client_cpu": self.me.cpu_percent(None),
                    # whole machine, 100 = every core busy: shows other load competing
                    "machine_cpu": psutil.cpu_percent(None),
                }
            )

    def mark_window(self, start: float, end: float) -> None:
        """The measured window (load: sending; connections: holding); py-spy records it."""
        self._window = (start, end)
        self.cpu_at_start = self.cpu_seconds()
        self.begin_profile(end - time.time() + 5)

    def begin_profile(self, seconds: float) -> None:
        if self.profile_out is not None and self.profiler is None:
            self.profiler = start_profile(self.server.pid, seconds, self.profile_out)

    def cpu_seconds(self) -> float:
        return sum(t.user + t.system for t in (server.cpu_times() for server in self.servers))

    def mark_end(self) -> None:
        """End of the measured work (load: after the drain): server CPU seconds it took."""
        if self.cpu_at_start is not None:
            self.cpu_used = self.cpu_seconds() - self.cpu_at_start

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def summary(self) -> dict:
        window = [
            s
            for s in self.samples
            if self._window is None or self._window[0] + 1 <= s["t"] <= self._window[1]
        ] or self.samples
        mean = lambda key: sum(s[key] for s in window) / len(window) if window else 0.0  # noqa: E731
        return {
            "server_cpu_avg_pct": round(mean("server_cpu"), 1),
            "server_cpu_max_pct": round(max((s["server_cpu"] for s in window), default=0), 1),
            "client_cpu_avg_pct": round(mean("client_cpu"), 1),
            "machine_cpu_avg_pct": round(mean("machine_cpu"), 1),
            # what neither the server nor this bench used, in % of one core: other processes
            # competing for the machine make every latency figure worse
            "other_processes_cpu_pct": round(
                max(
                    0.0,
                    mean("machine_cpu") * (os.cpu_count() or 1)
                    - mean("server_cpu")
                    - mean("client_cpu"),
                ),
                1,
            ),
            "server_rss_peak_mb": round(self.peak_rss / 2**20, 1),
            "server_rss_last_mb": round(self.samples[-1]["server_rss"] / 2**20, 1)
            if self.samples
            else None,
            "server_fds_peak": max((s["server_fds"] for s in self.samples), default=0),
            "samples_in_window": len(window),
            "server_cpu_seconds_in_window": round(self.cpu_used, 2)
            if self.cpu_used is not None
            else None,
        }


class LoopLag:
    """How late this process's event loop wakes up: client-side noise in every latency."""

    def __init__(self):
        self.lags: list[float] = []
        self.running = True

    async def run(self, limit_s: float) -> None:
        deadline = time.monotonic() + limit_s
        while self.running and time.monotonic() < deadline:
            before = time.monotonic()
            await asyncio.sleep(0.1)
            self.lags.append(time.monotonic() - before - 0.1)


# --- clients -----------------------------------------------------------------------------------


class LibraryLog(logging.Handler):
    """Counts what the Socket.IO client libraries log instead of printing one line per socket.

    "packet queue is empty, aborting" means a client got no ping from the server for
    ping_interval + ping_timeout + 5 s (25 s here) and gave up: an overloaded server."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.counts: collections.Counter = collections.Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[f"{record.name}: {record.getMessage()[:120]}"] += 1

    def install(self) -> LibraryLog:
        for name in ("engineio.client", "socketio.client"):
            logger = logging.getLogger(name)
            logger.addHandler(self)
            logger.propagate = False
        return self


LIBRARY_LOG = LibraryLog()


class _OrjsonText:
    """The JSON module of the bench's packets: orjson, compact, as python-socketio asks."""

    @staticmethod
    def dumps(obj, **_compact) -> str:
        return orjson.dumps(obj).decode()

    loads = staticmethod(orjson.loads)


class BenchPacket(socketio.packet.Packet):
    """The bench client's packets: JSON only (no walk of every payload for bytes) and parsed
    by orjson, so that one client process can play 3,000 officers and 20 dashboards."""

    uses_binary_events = False
    json = _OrjsonText


def _engineio_client_without_a_task_per_packet() -> None:
    """python-engineio's client waits for every packet it reads or writes with
    `asyncio.wait_for`, which on Python 3.11 wraps each wait in a new task: an eighth of the
    bench client's core at 3,000 officers. Python 3.12's wait_for is `asyncio.timeout`
    around the await, with the same result and the same TimeoutError; give the client that."""
    import engineio.async_client

    if sys.version_info >= (3, 12) or not hasattr(asyncio, "timeout"):
        return

    async def wait_for(awaitable, timeout):
        async with asyncio.timeout(timeout):
            return await awaitable

    seen = types.ModuleType("asyncio")
    seen.__dict__.update(asyncio.__dict__)
    seen.wait_for = wait_for
    engineio.async_client.asyncio = seen


_engineio_client_without_a_task_per_packet()


def new_client() -> socketio.AsyncClient:
    return socketio.AsyncClient(
        reconnection=False, handle_sigint=False, request_timeout=30, serializer=BenchPacket
    )


class Errors(collections.Counter):
    def add(self, kind: str, exc: BaseException | None = None, examples: dict | None = None):
        self[kind] += 1
        if exc is not None and examples is not None and kind not in examples:
            examples[kind] = f"{type(exc).__name__}: {exc}"[:300]


class Dashboard:
    def __init__(self, index: int):
        self.index = index
        self.client = new_client()
        self.join_seq: int | None = None
        self.envelopes: list[tuple[str, int]] = []  # (type, seq) in arrival order
        self.latency: list[float] = []  # receive - recorded_at
        self.server_in: list[float] = []  # received_at - recorded_at (into the server's buffer)
        self.server_out: list[float] = []  # receive - received_at (tick, write, push)
        self.seen: set[tuple[int, int]] = set()
        self.duplicates = 0
        self.last_positions: float | None = None
        self.positions_gaps: list[float] = []  # time between positions envelopes (tick period)
        self.fixes_per_envelope: list[int] = []
        self.disconnected = False
        self.listeners: list = []  # called with (index, type, envelope) for every envelope
        self.client.on("*", self._on_any, namespace=NAMESPACE)
        self.client.on("disconnect", self._on_disconnect, namespace=NAMESPACE)

    async def _on_disconnect(self, *_args):
        self.disconnected = True

    async def _on_any(self, event, data):
        now = time.time()
        if not isinstance(data, dict):
            return
        self.envelopes.append((event, data.get("seq")))
        for listener in self.listeners:
            listener(self.index, event, data)
        if event != "positions":
            return
        if self.last_positions is not None:
            self.positions_gaps.append(now - self.last_positions)
        self.last_positions = now
        self.fixes_per_envelope.append(len(data.get("data", {}).get("fixes", [])))
        for fix in data.get("data", {}).get("fixes", []):
            recorded = envelope_ms(fix["recorded_at"])
            key = (fix["officer_id"], recorded)
            if key in self.seen:
                self.duplicates += 1
                continue
            self.seen.add(key)
            received = envelope_ms(fix["received_at"]) / 1000
            self.latency.append(now - recorded / 1000)
            self.server_in.append(received - recorded / 1000)
            self.server_out.append(now - received)

    def seq_report(self) -> dict:
        """Gaps in the command stream after the join snapshot (seq is per stream, all types)."""
        seqs = [s for _t, s in self.envelopes if isinstance(s, int)]
        after = [s for s in seqs if self.join_seq is None or s > self.join_seq]
        gaps = missing = out_of_order = 0
        last = self.join_seq
        for s in after:
            if last is not None and s <= last:
                out_of_order += 1
                continue
            if last is not None and s != last + 1:
                gaps += 1
                missing += s - last - 1
            last = s
        return {
            "envelopes": len(seqs),
            "gaps": gaps,
            "missing": missing,
            "out_of_order": out_of_order,
        }


async def login_cookie(session: aiohttp.ClientSession, url: str, username: str) -> str:
    async with session.post(
        f"{url}/api/v1/auth/login",
        json={"username": username, "password": STAFF_PASSWORD},
        timeout=aiohttp.ClientTimeout(total=30),
    ) as response:
        response.raise_for_status()
        await response.read()
        return "; ".join(f"{k}={m.value}" for k, m in response.cookies.items())


async def connect_dashboard(
    dash: Dashboard, url: str, username: str, event_id: int, errors: Errors, examples: dict
) -> bool:
    try:
        async with aiohttp.ClientSession() as http:
            cookie = await login_cookie(http, url, username)
        await dash.client.connect(
            url,
            headers={"Cookie": cookie},
            transports=["websocket"],
            namespaces=[NAMESPACE],
            wait_timeout=30,
        )
        ack = await dash.client.call(
            "join", {"event_id": event_id}, namespace=NAMESPACE, timeout=30
        )
        if not ack or not ack.get("ok"):
            errors.add("dashboard_join_refused", RuntimeError(str(ack)[:200]), examples)
            return False
        dash.join_seq = ack["seq"]
        return True
    except Exception as exc:
        errors.add("dashboard_connect", exc, examples)
        return False


class Officer:
    def __init__(self, index: int, officer_id: int, token: str):
        self.index = index
        self.officer_id = officer_id
        self.token = token
        self.client = new_client()
        self.joined = False
        self.disconnected = False
        self.client.on("disconnect", self._on_disconnect, namespace=NAMESPACE)

    async def _on_disconnect(self, *_args):
        self.disconnected = True

    async def connect(
        self, url: str, event_id: int, errors: Errors, examples: dict, timeout: float
    ) -> bool:
        try:
            await self.client.connect(
                url,
                auth={"token": self.token},
                transports=["websocket"],
                namespaces=[NAMESPACE],
                wait_timeout=timeout,
            )
        except Exception as exc:
            errors.add("officer_connect", exc, examples)
            return False
        try:
            ack = await self.client.call(
                "join", {"event_id": event_id}, namespace=NAMESPACE, timeout=timeout
            )
        except Exception as exc:
            errors.add("officer_join", exc, examples)
            return False
        if not ack or not ack.get("ok"):
            errors.add("officer_join_refused", RuntimeError(str(ack)[:200]), examples)
            return False
        self.joined = True
        return True


async def connect_all(
    officers: list[Officer],
    url: str,
    event_id: int,
    concurrency: int,
    errors: Errors,
    examples: dict,
    timeout: float,
) -> float:
    gate = asyncio.Semaphore(concurrency)

    async def one(officer: Officer):
        async with gate:
            await officer.connect(url, event_id, errors, examples, timeout)

    started = time.monotonic()
    await asyncio.gather(*(one(o) for o in officers))
    return time.monotonic() - started


async def disconnect_all(clients: list[socketio.AsyncClient], concurrency: int = 200) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def one(client):
        async with gate:
            try:
                await asyncio.wait_for(client.disconnect(), 10)
            except Exception:  # noqa: S110 - best effort at teardown
                pass

    await asyncio.gather(*(one(c) for c in clients))


# --- load mode -------------------------------------------------------------------------------


def pause_collector() -> None:
    """No cyclic garbage collection in this client while it measures. Its dashboards keep a
    set of every fix seen (900,000 tuples at 3,000 officers and 20 dashboards), and a full
    collection walking them stopped the client's loop for half a second, which showed up as
    the server's latency. The run is bounded, and what the client makes is freed by reference
    counting."""
    gc.collect()
    gc.freeze()
    gc.disable()


def resume_collector() -> None:
    gc.unfreeze()
    gc.enable()


class Ledger:
    """Every fix sent, and its ack."""

    def __init__(self):
        self.sent: dict[tuple[int, int], float] = {}  # (officer_id, recorded ms) -> monotonic
        self.acked: set[tuple[int, int]] = set()
        self.ack_latency: list[float] = []
        self.nacks = 0
        self.late_sends = 0  # sends that started > 100 ms after their slot (client overload)
        self.busy = 0  # fixes refused as busy (and sent again later)


async def officer_sender(
    officer: Officer,
    ledger: Ledger,
    start: float,
    offset: float,
    interval: float,
    duration: float,
    errors: Errors,
    examples: dict,
    http: HttpFixes | None = None,
    per_request: int = 1,
):
    """Open loop: one fix per interval at a fixed schedule, never waiting for the ack. Like
    the phone's outbox, fixes refused with `busy` are kept and sent again, all in one list,
    after the outbox's pause (fieldops.tracking.brake)."""
    held: list[tuple[tuple[int, int], dict]] = []  # refused as busy, to send again
    resume = [0.0]  # time.time() before which nothing is sent (the outbox's pause)

    async def send(batch):
        keys = [key for key, _body in batch]

        def on_ack(*args):
            ack = args[0] if args else None
            if isinstance(ack, dict) and ack.get("ok") and ack.get("accepted") == len(keys):
                for one in keys:
                    ledger.acked.add(one)
                    ledger.ack_latency.append(time.monotonic() - ledger.sent[one])
            elif isinstance(ack, dict) and (ack.get("error") or {}).get("code") == "busy":
                ledger.busy += len(keys)
                held[:0] = batch  # oldest first, sent again after the pause
                resume[0] = time.time() + outbox_pause()
            else:
                ledger.nacks += len(keys)
                errors.add("position_nack", RuntimeError(str(ack)[:200]), examples)

        payload = batch[0][1] if len(batch) == 1 else [one for _key, one in batch]
        if http is not None:
            http.send(officer, payload, on_ack)
            return
        try:
            await officer.client.emit("position", payload, namespace=NAMESPACE, callback=on_ack)
        except Exception as exc:
            errors.add("position_emit", exc, examples)

    for k in range(int(duration / interval) + 1):
        slot = start + offset + k * interval
        if slot >= start + duration:
            break
        delay = slot - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -0.1:
            ledger.late_sends += 1
        if officer.disconnected:
            errors.add("officer_disconnected")
            return
        now = time.time()
        recorded = round(now * 1000)
        key = (officer.officer_id, recorded)
        lat, lon = incident_load.home(officer.index)
        body = {
            "lat": lat + k * 1e-5,
            "lon": lon,
            "accuracy": 8.0,
            "recorded_at": iso_ms(recorded / 1000),
        }
        sent_at = time.monotonic()
        ledger.sent[key] = sent_at
        held.append((key, body))
        if time.time() < resume[0]:
            continue  # the server asked for a pause: this fix waits with the others
        if len(held) < per_request and k + 1 < int(duration / interval):
            continue  # an outbox sending lists: N fixes to a request
        await send(list(held))
        held.clear()
    if held:  # the last ones, once the pause is over (the drain waits for their acks)
        await asyncio.sleep(max(0.0, resume[0] - time.time()))
        await send(list(held))


class HttpFixes:
    """Officers reporting over HTTP instead of the socket, on the bench's keep-alive pool:
    `http` is the phone's own path while its socket is down (POST .../positions, one fix or a
    list, Bearer token); `osmand` is Traccar Client's (POST /track/osmand?id=token&lat=..,
    one fix to a request; `traccar-json` the current app's JSON body to the same URL). Each
    answer is turned into the socket's ack shape."""

    def __init__(self, url: str, event_id: int, transport: str, connections: int):
        self.url, self.event_id, self.transport = url, event_id, transport
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=connections),
            timeout=aiohttp.ClientTimeout(total=60),
        )
        self.tasks: set[asyncio.Task] = set()
        self.failures: Errors = Errors()

    def send(self, officer: Officer, payload, on_ack) -> None:
        task = asyncio.create_task(self._send(officer, payload, on_ack))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _send(self, officer: Officer, payload, on_ack) -> None:
        fixes = payload if isinstance(payload, list) else [payload]
        try:
            if self.transport in ("osmand", "traccar-json"):
                accepted = 0
                for fix in fixes:  # Traccar Client sends one at a time
                    ack = await self._osmand(officer, fix)
                    if not ack.get("ok"):
                        on_ack(ack)
                        return
                    accepted += 1
                on_ack({"ok": True, "accepted": accepted})
                return
            async with self.session.post(
                f"{self.url}/api/v1/events/{self.event_id}/positions",
                json=payload,
                headers={"Authorization": f"Bearer {officer.token}"},
            ) as response:
                body = await response.json(content_type=None)
            on_ack({"ok": True, **body} if response.status < 300 else {"ok": False, **body})
        except Exception as exc:
            self.failures.add(f"http_{type(exc).__name__}")
            on_ack({"ok": False, "error": {"code": "client", "message": str(exc)[:200]}})

    async def _osmand(self, officer: Officer, fix: dict) -> dict:
        if self.transport == "traccar-json":  # the current app: its JSON, no query
            coords = {"latitude": fix["lat"], "longitude": fix["lon"], "accuracy": fix["accuracy"]}
            location = {"timestamp": fix["recorded_at"], "coords": coords}
            sent = {"json": {"device_id": officer.token, "location": location}}
        else:  # the classic request: every field in the query
            when = datetime.fromisoformat(fix["recorded_at"].replace("Z", "+00:00")).timestamp()
            sent = {
                "params": {
                    "id": officer.token,
                    "lat": fix["lat"],
                    "lon": fix["lon"],
                    "accuracy": fix["accuracy"],
                    "timestamp": f"{when:.3f}",
                }
            }
        async with self.session.post(f"{self.url}/track/osmand", **sent) as response:
            text = await response.text()
        if response.status == 200:
            return {"ok": True}
        try:
            return {"ok": False, **json.loads(text)}
        except ValueError:
            return {"ok": False, "error": {"code": str(response.status), "message": text[:200]}}

    async def close(self) -> None:
        if self.tasks:
            await asyncio.wait(list(self.tasks), timeout=30)
        await self.session.close()


def server_health(url: str) -> dict:
    """fieldops' /healthz after the window (its collector and brake); {} from the relay."""
    try:
        answer = requests.get(f"{url}/healthz", timeout=10)
        return answer.json() if answer.ok else {}
    except (requests.RequestException, ValueError):
        return {}


def query_rows(database_url: str, sql: str, **params) -> list:
    """One query on the server's database, from outside it (what is really stored)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        engine.dispose()


def count_persisted(database_url: str, event_id: int) -> tuple[set[tuple[int, int]], list]:
    rows = query_rows(
        database_url,
        "SELECT officer_id, recorded_at, received_at FROM position_fixes WHERE event_id = :e",
        e=event_id,
    )
    keys = {(r[0], to_ms(r[1])) for r in rows}
    return keys, [to_ms(r[2]) for r in rows]


async def run_load(args, server: Server, seed: dict, sampler: Sampler) -> dict:
    errors, examples = Errors(), {}
    event_id = seed["event_id"]
    lag = LoopLag()
    lag_task = asyncio.create_task(lag.run(args.duration + 600))

    dashboards = [Dashboard(i) for i in range(args.dashboards)]
    await asyncio.gather(
        *(
            connect_dashboard(d, server.url, seed["command_username"], event_id, errors, examples)
            for d in dashboards
        )
    )
    dash_ok = sum(d.join_seq is not None for d in dashboards)

    officers = [Officer(i, o["officer_id"], o["token"]) for i, o in enumerate(seed["officers"])]
    cpu_before = sampler.cpu_seconds()
    http = None
    if args.transport == "socket":
        connect_s = await connect_all(
            officers, server.url, event_id, args.connect_concurrency, errors, examples, timeout=60
        )
    else:  # no socket: each fix is a request (the server knows them from enrolment)
        http = HttpFixes(server.url, event_id, args.transport, args.http_connections)
        connect_s = 0.0
        for officer in officers:
            officer.joined = True
    connect_cpu_ms = (sampler.cpu_seconds() - cpu_before) * 1000 / max(1, len(officers))
    joined = [o for o in officers if o.joined]
    print(
        f"  connected: {dash_ok}/{len(dashboards)} dashboards, {len(joined)}/{len(officers)} "
        f"officers in {connect_s:.1f}s",
        flush=True,
    )

    incidents = None
    if args.incidents and joined:
        incidents = incident_load.IncidentLoad(args, server.url, joined, dashboards, errors)
        await incidents.prepare(seed["command_username"], STAFF_PASSWORD)
    lost = None
    if args.lost_children and joined:
        lost = lost_person_load.LostPersonLoad(
            args, server.url, event_id, joined, dashboards, errors
        )
        await lost.prepare(seed["command_username"], STAFF_PASSWORD)

    ledger = Ledger()
    pause_collector()
    start = time.time() + 1.0
    sampler.mark_window(start, start + args.duration)
    n = max(1, len(joined))
    await asyncio.gather(
        incidents.run(start, args.duration, args.interval) if incidents else asyncio.sleep(0),
        lost.run(start, args.duration, args.interval) if lost else asyncio.sleep(0),
        *(
            officer_sender(
                o,
                ledger,
                start,
                args.interval * i / n,
                args.interval,
                args.duration,
                errors,
                examples,
                http,
                args.fixes_per_request,
            )
            for i, o in enumerate(joined)
        ),
    )
    sent_done = time.time()

    # Drain: wait for outstanding acks and the last ticks' envelopes (bounded).
    drain_deadline = time.monotonic() + args.drain
    expected = len(ledger.sent)
    while time.monotonic() < drain_deadline:
        acked_now = set(ledger.acked)
        delivered = all(acked_now <= d.seen for d in dashboards if d.join_seq is not None)
        if len(ledger.acked) + ledger.nacks >= expected and delivered:
            break
        await asyncio.sleep(0.2)
    if incidents is not None:
        await incidents.drain(max(1.0, drain_deadline - time.monotonic()))
    if lost is not None:
        await lost.drain(max(1.0, drain_deadline - time.monotonic()))
    drain_s = time.time() - sent_done
    await asyncio.sleep(1.0)  # one more tick or two for the last commit

    sampler.mark_end()
    resume_collector()
    health = await asyncio.to_thread(server_health, server.url)
    if http is not None:
        await http.close()
        errors.update(http.failures)
    still_connected = sum(not o.disconnected for o in joined)
    dashboards_connected = sum(not d.disconnected for d in dashboards if d.join_seq is not None)
    lag.running = False
    await lag_task

    # Persistence: every acked fix must be a row (poll briefly: the last tick may still run).
    # The acks counted are those in by now; any later one (an overloaded server) is reported
    # apart, as is anything stored without an ack.
    acked_set = set(ledger.acked)
    persisted: set = set()
    received_ms: list = []
    for _ in range(20 if server.database_url else 0):  # the relay stores nothing
        persisted, received_ms = count_persisted(server.database_url, event_id)
        if acked_set <= persisted:
            break
        await asyncio.sleep(0.5)
    missing = acked_set - persisted if server.database_url else set()
    late_acks = len(ledger.acked) - len(acked_set)
    window = (max(received_ms) - min(received_ms)) / 1000 if len(received_ms) > 1 else 0

    incident_figures = None
    if incidents is not None:
        incident_figures = incidents.figures(percentiles)  # before we disconnect anyone
        await incidents.close()
    lost_figures = None
    if lost is not None:
        lost_figures = lost.figures(percentiles)
        await lost.close()
    connected = [o.client for o in officers if o.client.connected]
    await disconnect_all(connected + [d.client for d in dashboards])

    latency, s_in, s_out, gaps, per_envelope = [], [], [], [], []
    delivered_per_dash = []
    for d in dashboards:
        if d.join_seq is None:
            continue
        latency += d.latency
        s_in += d.server_in
        s_out += d.server_out
        gaps += d.positions_gaps
        per_envelope += d.fixes_per_envelope
        delivered_per_dash.append(len(d.seen & acked_set))
    seq = [d.seq_report() for d in dashboards if d.join_seq is not None]
    acked = len(acked_set)
    return {
        "dashboards_joined": dash_ok,
        "officers_joined": len(joined),
        "connect_seconds": round(connect_s, 2),
        "server_cpu_ms_per_connect_and_join": round(connect_cpu_ms, 2),
        "offered_fixes_per_s": round(len(joined) / args.interval, 1),
        "fixes_sent": len(ledger.sent),
        "fixes_acked": acked,
        "fixes_nacked": ledger.nacks,
        "fixes_refused_busy": ledger.busy,
        "acks_after_drain": late_acks,
        "persisted_without_ack_by_drain": len(persisted - acked_set),
        "ack_latency_s": percentiles(ledger.ack_latency),
        # a fix is acknowledged after the commit of the store tick that took it: at most a
        # store tick's wait plus its work (docs/architecture.md, "Acknowledged only once stored")
        "ack_latency_target_p95_s": store_tick(args) + 0.150,
        "push_tick_target_p95_s": (args.push_tick or DEFAULT_PUSH_TICK) + 0.150,
        "latency_s": percentiles(latency),
        "latency_server_in_s": percentiles(s_in),
        "latency_server_out_s": percentiles(s_out),
        "positions_envelope_interval_s": percentiles(gaps),
        "fixes_per_envelope_mean": round(sum(per_envelope) / len(per_envelope), 1)
        if per_envelope
        else None,
        "delivered_min_per_dashboard": min(delivered_per_dash, default=0),
        "delivered_all": bool(delivered_per_dash) and min(delivered_per_dash) == acked,
        "duplicates": sum(d.duplicates for d in dashboards),
        "seq_gaps": sum(s["gaps"] for s in seq),
        "seq_missing": sum(s["missing"] for s in seq),
        "seq_out_of_order": sum(s["out_of_order"] for s in seq),
        "envelopes_per_dashboard": [s["envelopes"] for s in seq],
        "persisted_rows": len(persisted),
        "persisted_all_acked": not missing,
        "acked_not_persisted": len(missing),
        "persisted_per_s": round(len(persisted) / window, 1) if window else None,
        "drain_seconds": round(drain_s, 2),
        "officers_still_connected": still_connected,
        "dashboards_still_connected": dashboards_connected,
        "client_late_sends": ledger.late_sends,
        "client_loop_lag_s": percentiles(lag.lags),
        "errors": dict(errors),
        "error_examples": examples,
        "client_library_log": dict(LIBRARY_LOG.counts),
        "incidents": incident_figures,
        "lost_persons": lost_figures,
        "server_collector": health.get("collector"),
        "server_brake": health.get("brake"),
    }


# --- connections mode ------------------------------------------------------------------------


async def run_connections(args, server: Server, seed: dict, sampler: Sampler) -> dict:
    errors, examples = Errors(), {}
    event_id = seed["event_id"]
    rss_before = psutil.Process(server.process.pid).memory_info().rss
    officers = [Officer(i, o["officer_id"], o["token"]) for i, o in enumerate(seed["officers"])]
    sampler.begin_profile(args.hold + 300)  # here the connect phase is what costs
    cpu_before = sampler.cpu_seconds()
    connect_s = await connect_all(
        officers, server.url, event_id, args.connect_concurrency, errors, examples, timeout=120
    )
    connect_cpu_ms = (sampler.cpu_seconds() - cpu_before) * 1000 / max(1, len(officers))
    connected = sum(o.client.connected for o in officers)
    joined = sum(o.joined for o in officers)
    print(
        f"  {connected}/{len(officers)} connected, {joined} joined in {connect_s:.1f}s; "
        f"holding {args.hold:.0f}s",
        flush=True,
    )
    start = time.time()
    sampler.mark_window(start, start + args.hold)
    await asyncio.sleep(args.hold)
    sampler.mark_end()
    proc = psutil.Process(server.process.pid)
    rss_held = proc.memory_info().rss
    fds_held = proc.num_fds()
    still = sum(o.joined and not o.disconnected and o.client.connected for o in officers)
    # One round trip on every held socket proves they are alive, not just open.
    alive = 0
    if args.ping_all:
        gate = asyncio.Semaphore(args.connect_concurrency)

        async def ping(officer: Officer):
            nonlocal alive
            async with gate:
                try:
                    ack = await officer.client.call(
                        "position",
                        {
                            "lat": 40.7,
                            "lon": -74.0,
                            "accuracy": 10.0,
                            "recorded_at": iso_ms(time.time()),
                        },
                        namespace=NAMESPACE,
                        timeout=60,
                    )
                    if ack and ack.get("ok"):
                        alive += 1
                    else:
                        errors.add("ping_nack", RuntimeError(str(ack)[:200]), examples)
                except Exception as exc:
                    errors.add("ping", exc, examples)

        await asyncio.gather(*(ping(o) for o in officers if o.joined))
    await disconnect_all([o.client for o in officers])
    return {
        "requested": len(officers),
        "connected": connected,
        "joined": joined,
        "connect_seconds": round(connect_s, 2),
        "server_cpu_ms_per_connect_and_join": round(connect_cpu_ms, 2),
        "held_seconds": args.hold,
        "still_connected_after_hold": still,
        "answered_after_hold": alive if args.ping_all else None,
        "server_rss_before_mb": round(rss_before / 2**20, 1),
        "server_rss_held_mb": round(rss_held / 2**20, 1),
        "server_rss_per_connection_kb": round((rss_held - rss_before) / max(1, joined) / 1024, 1),
        "server_open_fds_held": fds_held,
        "errors": dict(errors),
        "error_examples": examples,
        "client_library_log": dict(LIBRARY_LOG.counts),
    }


# --- profiling -------------------------------------------------------------------------------


def start_profile(pid: int, seconds: float, out: Path) -> subprocess.Popen | None:
    exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(exe).exists():
        print("  py-spy not found: pip install py-spy", flush=True)
        return None
    return subprocess.Popen(
        [
            exe,
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(int(seconds)),
            "--rate",
            "100",
            "--format",
            "raw",
            "--idle",
            "--output",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def summarize_profile(path: Path, top: int = 25) -> dict:
    """Self and inclusive shares per frame from py-spy's collapsed stacks."""
    inclusive: collections.Counter = collections.Counter()
    own: collections.Counter = collections.Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        own[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    share = lambda c: [(f, round(100 * v / total, 1)) for f, v in c.most_common(top)]  # noqa: E731
    return {"samples": total, "self_pct": share(own), "inclusive_pct": share(inclusive)}


# --- main ------------------------------------------------------------------------------------


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--officers", type=int, default=1000)
    p.add_argument("--dashboards", type=int, default=10)
    p.add_argument("--duration", type=float, default=60.0, help="seconds of sending")
    p.add_argument("--interval", type=float, default=2.0, help="seconds between an officer's fixes")
    p.add_argument("--async-mode", default="eventlet", choices=["eventlet", "gevent", "threading"])
    p.add_argument("--database-url", help="default: a fresh SQLite file in a temp folder")
    p.add_argument("--push-tick", type=float, help="FIELDOPS_PUSH_TICK (server default 0.5)")
    p.add_argument(
        "--server-env",
        action="append",
        metavar="KEY=VALUE",
        help="extra environment for the server (repeatable)",
    )
    p.add_argument(
        "--app-root",
        help="run the server from this checkout (default: this one), to compare a change",
    )
    p.add_argument(
        "--connections",
        type=int,
        metavar="K",
        help="connections mode: open K officer sockets, hold them, report",
    )
    p.add_argument("--hold", type=float, default=10.0, help="connections mode: seconds to hold")
    p.add_argument(
        "--ping-all",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="connections mode: one position round trip on every socket after holding",
    )
    p.add_argument(
        "--connect-concurrency", type=int, default=200, help="sockets opening at the same time"
    )
    incident_load.add_arguments(p)
    lost_person_load.add_arguments(p)
    p.add_argument("--drain", type=float, default=15.0, help="max seconds to wait for acks/pushes")
    p.add_argument(
        "--profile",
        action="store_true",
        help="record the server with py-spy during the measured window (collapsed stacks)",
    )
    p.add_argument(
        "--baseline",
        action="store_true",
        help="then run the same load against bench/naive_relay.py and report the ratios",
    )
    p.add_argument("--keep", action="store_true", help="keep the temp folder (db, server log)")
    p.add_argument(
        "--transport",
        default="socket",
        choices=["socket", "http", "osmand", "traccar-json"],
        help="how officers send: the socket; HTTP POST .../positions; Traccar Client's OsmAnd "
        "query (classic) or its JSON (the current app)",
    )
    p.add_argument(
        "--fixes-per-request",
        type=int,
        default=1,
        help="http: fixes to a request (a list, as an outbox sends them); 1: one fix",
    )
    p.add_argument("--http-connections", type=int, default=300, help="http: keep-alive pool")
    p.add_argument(
        "--compare",
        metavar="TRANSPORT[:N]",
        action="append",
        help="then the same load again over this transport (N fixes to a request), on the "
        "same database, and the ratio of server CPU per fix to the first run (repeatable)",
    )
    p.add_argument(
        "--processes",
        type=int,
        default=1,
        help="N > 1: N processes on PostgreSQL (a new database unless --database-url names "
        "one) and Redis, behind HAProxy with deploy/haproxy.cfg (bench/cluster.py)",
    )
    p.add_argument(
        "--haproxy",
        action="store_true",
        help="behind HAProxy on PostgreSQL and Redis even with one process (to compare with N)",
    )
    p.add_argument("--tag", default="", help="label for the result file")
    p.add_argument(
        "--pin",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="one server process on the last CPU, this client on the others, as the issue's "
        "figures were measured (server on one core, load on the other); off with --processes",
    )
    args = p.parse_args(argv)
    limit = 3 * 3600
    if args.duration <= 0 or args.duration > limit or args.interval <= 0:
        p.error("--duration must be in (0, 3h] and --interval > 0")
    if args.connections is not None and not (1 <= args.connections <= 20000):
        p.error("--connections must be between 1 and 20000")
    if not (1 <= args.officers <= 20000) or not (0 <= args.dashboards <= 500):
        p.error("--officers 1..20000, --dashboards 0..500")
    return args


def pin_threads(pids: list[int], cpus: set[int]) -> None:
    """Every thread of these processes on `cpus`. Linux sets affinity per thread, so each one
    (the main one among them) is moved; threads started later inherit the setting."""
    for pid in pids:
        try:
            threads = psutil.Process(pid).threads()
        except psutil.Error:  # gone already
            continue
        for thread in threads:
            try:
                os.sched_setaffinity(thread.id, cpus)
            except OSError:  # a thread that ended meanwhile
                pass


def give_a_core(args, pids: list[int]) -> dict | None:
    """--pin: a single server process (or the relay) gets the last CPU to itself, and this
    client the others, so that the client's own load never takes the server's core. Several
    processes are left to the scheduler: they would share the one core."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if not args.pin or len(pids) != 1 or len(cpus) < 2:
        return None
    server_cpu, client_cpus = cpus[-1], cpus[:-1]
    pin_threads(pids, {server_cpu})
    os.sched_setaffinity(0, set(client_cpus))
    print(f"  pinned: server on CPU {server_cpu}, this client on {client_cpus}", flush=True)
    return {"server": [server_cpu], "client": client_cpus}


def machine() -> dict:
    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "loadavg_at_start": os.getloadavg(),
        "versions": {
            name: _version(name)
            for name in (
                "eventlet",
                "gevent",
                "python-socketio",
                "python-engineio",
                "Flask-SocketIO",
                "SQLAlchemy",
                "aiohttp",
            )
        },
    }


def _version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def print_load(r: dict, s: dict) -> None:
    lat = r["latency_s"]
    print()
    print(
        f"officers joined        {r['officers_joined']}  (dashboards {r['dashboards_joined']}) in "
        f"{r['connect_seconds']}s, server CPU {r['server_cpu_ms_per_connect_and_join']} ms each"
    )
    print(f"offered load           {r['offered_fixes_per_s']} fixes/s")
    print(
        f"fixes sent / acked     {r['fixes_sent']} / {r['fixes_acked']}  "
        f"(nacked {r['fixes_nacked']}; refused as busy and sent again "
        f"{r.get('fixes_refused_busy', 0)}; not acked after the {r['drain_seconds']}s drain: "
        f"{r['fixes_sent'] - r['fixes_acked'] - r['fixes_nacked']})"
    )
    acks = r["ack_latency_s"]

    def verdict(target: float) -> str:
        met = acks.get("count") and acks["p95"] <= target
        return f"{target * 1000:.0f}ms: {'met' if met else 'MISSED'}"

    print(
        f"ack latency            {fmt_ms(acks)}  (p95 <= store tick + 150 ms = "
        f"{verdict(r['ack_latency_target_p95_s'])}; <= push tick + 150 ms = "
        f"{verdict(r['push_tick_target_p95_s'])})"
    )
    print(f"fix -> dashboard       {fmt_ms(lat)}  ({lat.get('count', 0)} deliveries)")
    print(f"  phone -> buffer      {fmt_ms(r['latency_server_in_s'])}  (received_at - recorded_at)")
    print(f"  buffer -> dashboard  {fmt_ms(r['latency_server_out_s'])}  (tick, write, push)")
    print(
        f"  envelope interval    {fmt_ms(r['positions_envelope_interval_s'])}  "
        f"({r['fixes_per_envelope_mean']} fixes each; interval = tick + its own work)"
    )
    print(
        f"delivered to every dashboard: {r['delivered_all']}  "
        f"(min {r['delivered_min_per_dashboard']}/{r['fixes_acked']}, "
        f"duplicates {r['duplicates']})"
    )
    print(
        f"persisted              {r['persisted_rows']} rows, {r['persisted_per_s']}/s; "
        f"every acked fix persisted: {r['persisted_all_acked']} "
        f"(missing {r['acked_not_persisted']})"
    )
    print(
        f"seq gaps               {r['seq_gaps']} (missing {r['seq_missing']}, "
        f"out of order {r['seq_out_of_order']})"
    )
    print(
        f"server CPU             avg {s['server_cpu_avg_pct']}%  max {s['server_cpu_max_pct']}%"
        f"   (bench client avg {s['client_cpu_avg_pct']}%; other processes "
        f"{s['other_processes_cpu_pct']}% of a core)"
    )
    if s.get("server_cpu_ms_per_fix"):
        print(
            f"server CPU per fix     {s['server_cpu_ms_per_fix']} ms  (all server CPU in the "
            f"window / fixes; near saturation one core takes ~{s['one_core_capacity_fixes_per_s']}"
            " fixes/s)"
        )
    print(f"server RSS peak        {s['server_rss_peak_mb']} MB  (fds peak {s['server_fds_peak']})")
    if r.get("server_collector"):
        c = r["server_collector"]
        print(
            f"server collector       thresholds {c['thresholds']}, collections by generation "
            f"{c['collections']} (since start), frozen {c['frozen']}"
        )
    print(
        f"client loop lag        {fmt_ms(r['client_loop_lag_s'])}  "
        f"(late sends {r['client_late_sends']})"
    )
    print(
        f"still connected        {r['officers_still_connected']}/{r['officers_joined']} officers, "
        f"{r['dashboards_still_connected']}/{r['dashboards_joined']} dashboards"
    )
    if r.get("incidents"):
        incident_load.print_figures(r["incidents"], fmt_ms)
    if r.get("lost_persons"):
        lost_person_load.print_figures(r["lost_persons"], fmt_ms)
    print(f"errors                 {r['errors'] or 'none'}  server log: {r['server_log']}")
    if r.get("client_library_log"):
        print(f"client library log     {r['client_library_log']}")


def print_connections(r: dict, s: dict) -> None:
    print()
    print(
        f"requested / connected / joined   {r['requested']} / {r['connected']} / {r['joined']}"
        f"  in {r['connect_seconds']}s"
    )
    print(f"server CPU per connect+join     {r['server_cpu_ms_per_connect_and_join']} ms")
    print(f"still connected after {r['held_seconds']:.0f}s       {r['still_connected_after_hold']}")
    print(f"answered a position after hold  {r['answered_after_hold']}")
    print(
        f"server RSS                      {r['server_rss_before_mb']} MB idle -> "
        f"{r['server_rss_held_mb']} MB held ({r['server_rss_per_connection_kb']} KB/connection),"
        f" peak {s['server_rss_peak_mb']} MB"
    )
    print(f"server open fds                 {r['server_open_fds_held']}")
    print(f"server CPU while holding        avg {s['server_cpu_avg_pct']}%")
    print(f"errors                          {r['errors'] or 'none'}  server log: {r['server_log']}")
    if r.get("client_library_log"):
        print(f"client library log              {r['client_library_log']}")


def per_fix_summary(sampler: Sampler, figures: dict, mode: str) -> dict:
    summary = sampler.summary()
    cpu_s = summary.get("server_cpu_seconds_in_window")
    if mode == "load" and cpu_s and figures["fixes_acked"]:
        # Server CPU per fix, connections already open: what one core can take, even when
        # other processes compete for the machine (then latency figures suffer, not this).
        per_fix = cpu_s / figures["fixes_acked"]
        summary["server_cpu_ms_per_fix"] = round(per_fix * 1000, 3)
        summary["one_core_capacity_fixes_per_s"] = round(1 / per_fix)
    return summary


def measure_baseline(args, folder: Path, seed: dict) -> dict:
    """The same officers, dashboards, rate and duration against the naive relay."""
    plain = argparse.Namespace(**{**vars(args), "incidents": False, "lost_children": 0})
    relay = Relay(folder, plain)
    relay.start()
    give_a_core(args, [relay.process.pid])
    sampler = Sampler(relay.process.pid)
    sampler.start()
    if args.profile:
        sampler.profile_out = folder / "relay.pyspy.txt"
    try:
        print("  baseline: the same load against bench/naive_relay.py", flush=True)
        figures = asyncio.run(run_load(plain, relay, seed, sampler))
    finally:
        sampler.stop()
        stop_profile(sampler)
        relay.stop()
    figures["server_log"] = relay.log_problems()
    measured = {"figures": figures, "server": per_fix_summary(sampler, figures, "load")}
    if sampler.profile_out is not None and sampler.profile_out.exists():
        kept = RESULTS / f"{args.tag or 'baseline'}-relay.pyspy.txt"
        shutil.copy(sampler.profile_out, kept)
        measured["profile"] = summarize_profile(kept) | {"file": str(kept)}
    return measured


def measure_transport(args, server: Server, seed: dict, spec: str) -> dict:
    """The same load again on the same database, over another transport (`http:10`: ten
    fixes to a request), against a server started afresh."""
    transport, _, n = spec.partition(":")
    again = argparse.Namespace(
        **{**vars(args), "transport": transport, "fixes_per_request": int(n or 1)}
    )
    again.incidents, again.lost_children = False, 0
    server.start(timeout=60)
    give_a_core(args, server.pids())
    sampler = Sampler(server.pids())
    sampler.start()
    try:
        print(f"  compared: the same load over {spec}", flush=True)
        figures = asyncio.run(run_load(again, server, seed, sampler))
    finally:
        sampler.stop()
        server.stop()
    figures["server_log"] = server.log_problems()
    return {"spec": spec, "figures": figures, "server": per_fix_summary(sampler, figures, "load")}


def print_compared(result: dict) -> None:
    first = result["server"].get("server_cpu_ms_per_fix")
    print(f"\n{'transport':<14} {'ms CPU/fix':>10} {'ratio':>6} {'acked':>13} {'ack p95':>8}")
    rows = [(result["args"]["transport"], result["server"], result["figures"])]
    rows += [(c["spec"], c["server"], c["figures"]) for c in result["compared"]]
    for spec, server, figures in rows:
        per_fix = server.get("server_cpu_ms_per_fix")
        ratio = f"{per_fix / first:.2f}x" if per_fix and first else "n/a"
        acks = figures["ack_latency_s"]
        p95 = f"{acks['p95'] * 1000:.0f}ms" if acks.get("count") else "n/a"
        print(
            f"{spec:<14} {per_fix or 'n/a':>10} {ratio:>6} "
            f"{figures['fixes_acked']:>6}/{figures['fixes_sent']:<6} {p95:>8}"
        )


def stop_profile(sampler: Sampler) -> None:
    """py-spy writes its output on SIGINT."""
    profiler = sampler.profiler
    if profiler is None or profiler.poll() is not None:
        return
    profiler.send_signal(signal.SIGINT)
    try:
        profiler.wait(timeout=30)
    except subprocess.TimeoutExpired:
        profiler.kill()


def print_baseline(result: dict) -> None:
    ours, base = result["server"], result["baseline"]["server"]
    figures = result["baseline"]["figures"]
    print(
        f"\nbaseline (naive relay)  acked {figures['fixes_acked']}/{figures['fixes_sent']}, "
        f"delivered to every dashboard: {figures['delivered_all']}, "
        f"fix -> dashboard {fmt_ms(figures['latency_s'])}"
    )
    print(
        f"  server CPU per fix   {base.get('server_cpu_ms_per_fix')} ms, RSS peak "
        f"{base['server_rss_peak_mb']} MB"
    )
    if ours.get("server_cpu_ms_per_fix") and base.get("server_cpu_ms_per_fix"):
        ratio = ours["server_cpu_ms_per_fix"] / base["server_cpu_ms_per_fix"]
        result["cpu_per_fix_ratio_to_baseline"] = round(ratio, 3)
        print(
            f"  fieldops / relay     {ratio:.2f}x server CPU per fix (fieldops also checks, "
            "stores before acknowledging, and coalesces)"
        )


def main(argv=None) -> int:
    args = parse_args(argv)
    LIBRARY_LOG.install()
    files = raise_open_file_limit()
    mode = "connections" if args.connections else "load"
    count = args.connections if args.connections else args.officers
    need = count + args.dashboards + 100
    if files < need:
        print(f"open-files limit {files} < {need}: raise it (ulimit -n)", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="fieldops-bench-"))
    clustered = args.processes > 1 or args.haproxy
    server = ClusterServer(folder, args) if clustered else Server(folder, args)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"{stamp}-{mode}-{count}" + (f"-{args.tag}" if args.tag else "")
    result: dict = {"mode": mode, "args": vars(args), "machine": machine(), "started": stamp}
    print(
        f"fieldops bench ({mode}): {count} officers"
        + (
            f", {args.dashboards} dashboards, {args.duration:.0f}s at one fix/{args.interval:g}s"
            if mode == "load"
            else f", hold {args.hold:.0f}s"
        )
        + f", {args.async_mode}, open files {files}",
        flush=True,
    )
    sampler = None
    try:
        t0 = time.monotonic()
        seed = server.seed(count, with_shifts=mode == "load" and args.incidents)
        print(
            f"  seeded {count} officers in {time.monotonic() - t0:.1f}s "
            f"(officer enroll x{count}: {seed['seconds']}s)",
            flush=True,
        )
        server.start(timeout=60)
        server.check_in(seed)
        result["pinned"] = give_a_core(args, server.pids())
        sampler = Sampler(server.pids())
        sampler.start()
        if args.profile:
            sampler.profile_out = RESULTS / f"{name}.pyspy.txt"
        runner = run_connections if mode == "connections" else run_load
        figures = asyncio.run(runner(args, server, seed, sampler))
        sampler.stop()
        figures["server_log"] = server.log_problems()
        summary = per_fix_summary(sampler, figures, mode)
        result.update(figures=figures, server=summary, server_alive=(server.process.poll() is None))
        if sampler.profiler is not None:
            stop_profile(sampler)
            out = RESULTS / f"{name}.pyspy.txt"
            if out.exists():
                result["profile"] = summarize_profile(out)
                result["profile"]["file"] = str(out)
    finally:
        if sampler is not None:
            sampler.stop()
            if sampler.profiler is not None and sampler.profiler.poll() is None:
                sampler.profiler.kill()  # only after a failure: it was stopped above otherwise
                sampler.profiler.wait(timeout=10)
        server.stop()
        if args.compare and mode == "load" and "figures" in result:
            result["compared"] = [measure_transport(args, server, seed, s) for s in args.compare]
        if args.baseline and mode == "load" and "figures" in result:
            result["baseline"] = measure_baseline(args, folder, seed)
        if args.keep:
            print(f"  kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    if mode == "load":
        print_load(result["figures"], result["server"])
        if "compared" in result:
            print_compared(result)
        if "baseline" in result:
            print_baseline(result)
    else:
        print_connections(result["figures"], result["server"])
    if "profile" in result:
        print(
            f"\nserver profile ({result['profile']['samples']} samples, idle included): "
            f"{result['profile']['file']}"
        )
        for frame, pct in result["profile"]["self_pct"][:12]:
            print(f"  {pct:5.1f}% self  {frame}")
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    print(f"\nresult: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
