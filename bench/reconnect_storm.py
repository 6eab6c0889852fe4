"""Reconnect storm (issue 13): restart the server under N connected clients (see bench/README.md).

Seeds N officers, connects them and M command dashboards over /live, has the officers send a
few fixes, then stops the server (SIGTERM, or SIGKILL with --kill) and starts it again on the
same port and database. Every client reconnects as the pages do (socket.io-client's backoff
with jitter, then `join` with `since`/`epoch`: fieldops/static/js/shared/stream.js), bounded in
time. Measures the time until every client has rejoined, then, after one more fix from every
officer, the time until every dashboard's picture (its join snapshot plus the envelopes after
it) equals the officers' fixes in the database (event_officers). Targets: all rejoined within
10 s of the restart, every dashboard consistent within 2 s after that.

Everything runs on 127.0.0.1; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import psutil
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import live  # noqa: E402 - bench/live.py, this script's neighbour
from live import NAMESPACE, Errors, fmt_ms, iso_ms, percentiles, to_ms  # noqa: E402

JOIN_TIMEOUT_S = 60.0  # shared/stream.js JOIN_TIMEOUT_MS
# socket.io-client's Manager options as the pages set them (reconnectionDelay, ...Max;
# randomizationFactor is the library's default 0.5) and stream.js's retryAfterMs (a refused
# connect: the library does not retry by itself), read from the served checkout's pages.
LIBRARY_DEFAULTS = {"reconnectionDelay": 1000, "reconnectionDelayMax": 5000}  # socket.io-client
STREAM = "fieldops/static/js/shared/stream.js"  # its retryAfterMs default
COMMAND_PAGE = "fieldops/static/js/command/connection.js"
OFFICER_PAGE = "fieldops/static/js/officer/index.js"
JITTER = 0.5


def js_ms(source: str, name: str) -> int | None:
    """`name: 10000` (or `10_000`) in a page's source; None when it sets none."""
    found = re.search(rf"\b{name}\s*[:=]\s*([\d_]+)", source)
    return int(found.group(1).replace("_", "")) if found else None


def page_io(app_root: Path, page: str) -> dict:
    """A page's reconnect options (the library's and stream.js's defaults where it sets none)."""
    source = (app_root / page).read_text()
    retry_after = js_ms((app_root / STREAM).read_text(), "retryAfterMs")
    if retry_after is None:
        raise SystemExit(f"no retryAfterMs default in {STREAM}")
    defaults = {**LIBRARY_DEFAULTS, "retryAfterMs": retry_after}
    ms = {name: js_ms(source, name) for name in defaults}
    ms = {name: defaults[name] if value is None else value for name, value in ms.items()}
    return {
        "delay": ms["reconnectionDelay"] / 1000,
        "delay_max": ms["reconnectionDelayMax"] / 1000,
        "retry_after": ms["retryAfterMs"] / 1000,
    }


def backoff(attempt: int, delay: float, delay_max: float) -> float:
    """socket.io-client's Backoff.duration(): delay * 2^attempt, ± JITTER of it, capped."""
    ms = delay * 2**attempt
    deviation = random.random() * JITTER * ms  # noqa: S311 - jitter, not a secret
    ms = ms - deviation if random.random() < 0.5 else ms + deviation  # noqa: S311
    return min(ms, delay_max)


class Stats:
    """What the storm did, over every client."""

    def __init__(self):
        self.errors, self.examples = Errors(), {}
        self.connect_attempts = 0
        self.connect_failures: dict[str, int] = {}  # reason -> count
        self.join_latency: list[float] = []  # join emit -> ack, joins after the restart
        self.join_kinds: dict[str, int] = {"snapshot": 0, "replay": 0}
        self.join_timeouts = 0
        self.join_refused = 0
        self.since_restart = False  # count from the restart on

    def failed(self, reason: str) -> None:
        if self.since_restart:
            self.connect_failures[reason] = self.connect_failures.get(reason, 0) + 1


def reason_of(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    for short in ("Connection error", "Cannot connect to host", "Connection refused"):
        if short in text:
            return "connection refused (server down)"
    return text[:120]


class Page:
    """One page's socket and stream, as shared/stream.js runs it, on a live.Dashboard (its
    envelopes) or a live.Officer (its token): reconnect with backoff and jitter, join with
    since/epoch, apply the ack's replay or snapshot, then envelopes in seq order."""

    def __init__(self, inner, url: str, event_id: int, io: dict, stats: Stats, headers=None):
        self.inner = inner
        self.url, self.event_id, self.io, self.stats = url, event_id, io, stats
        self.headers = headers or {}
        self.auth = {"token": inner.token} if isinstance(inner, live.Officer) else None
        self.seq: int | None = None
        self.epoch: str | None = None
        self.joining = False
        self.buffer: list[dict] = []
        self.picture: dict[int, tuple] = {}  # officer id -> (lat, lon, recorded ms)
        self.changed_at = 0.0  # monotonic: the last change to the picture
        self.joined_at: float | None = None  # monotonic: the last join ack ok
        self.last_disconnect: float | None = None
        self.closing = False
        self.task: asyncio.Task | None = None
        self.deadline = 0.0
        self.seq_gaps = 0
        self.rejoined_at: float | None = None  # the first join ack ok after the restart
        self.drops_after_rejoin = 0
        self.renewed = 0  # sockets given up as stuck and replaced
        self.refusal: str | None = None
        self._watch(inner.client)
        if isinstance(inner, live.Dashboard):
            inner.listeners.append(self._on_envelope)

    def _watch(self, client) -> None:
        self.client = client

        async def on_disconnect(*_args):
            if client is self.client:  # not a socket given up on
                await self._on_disconnect()

        client.on("disconnect", on_disconnect, namespace=NAMESPACE)
        client.on("connect_error", self._on_connect_error, namespace=NAMESPACE)

    def _renew(self) -> None:
        """A fresh socket (the browser's disconnect().connect() opens a new engine too): this
        one is stuck between states (a disconnect that did not finish)."""
        self.renewed += 1
        client = live.new_client()
        self.inner.client = client
        if self.dashboard:  # what live.Dashboard registers
            client.on("*", self.inner._on_any, namespace=NAMESPACE)
        self._watch(client)

    @property
    def dashboard(self) -> bool:
        return isinstance(self.inner, live.Dashboard)

    async def _on_connect_error(self, data=None):
        self.refusal = str(data)[:120] if data else "connect_error"

    async def _on_disconnect(self):
        self.last_disconnect = time.monotonic()
        if self.joined_at is not None and self.rejoined_at is not None and not self.closing:
            self.drops_after_rejoin += 1
        self.joined_at = None
        self.joining = False
        if not self.closing and (self.task is None or self.task.done()):
            self.task = asyncio.create_task(self.run(reconnecting=True))

    async def run(self, reconnecting: bool) -> bool:
        """Connect (after a backoff when reconnecting) and join, until joined or the deadline."""
        attempt = 0
        for _ in range(1000):  # bounded; the deadline ends it long before
            if self.closing or time.monotonic() >= self.deadline:
                return False
            if reconnecting or attempt:
                wait = backoff(attempt, self.io["delay"], self.io["delay_max"])
                if self.refusal is not None:
                    wait = self.io["retry_after"]  # refused: stream.js retryLater()
                await asyncio.sleep(min(wait, max(0.0, self.deadline - time.monotonic())))
            attempt += 1
            self.refusal = None
            self.stats.connect_attempts += self.stats.since_restart
            try:
                await self.client.connect(
                    self.url,
                    # a copy: engine.io moves the Cookie header into its HTTP session's jar,
                    # which a failed connect closes (a browser keeps its cookies)
                    headers=dict(self.headers),
                    auth=self.auth,
                    transports=["websocket"],
                    namespaces=[NAMESPACE],
                    wait_timeout=20,  # socket.io-client's `timeout`
                )
            except Exception as exc:
                if isinstance(exc, ValueError):  # "Client is not in a disconnected state"
                    self._renew()
                if "namespaces failed" in str(exc):  # the server refused this socket: its
                    self.refusal = self.refusal or str(exc)  # reason came as connect_error
                    self.stats.failed(f"refused: {self.refusal}")
                else:  # no server (yet): socket.io-client's Manager retries with backoff
                    self.refusal = None
                    self.stats.failed(reason_of(exc))
                continue
            if await self.join():
                return True
            if self.refusal == "join refused":
                return False
            await self._drop()  # no answer: stream.js starts over
        return False

    async def _drop(self) -> None:
        """(Its disconnect starts no reconnect: this page's task is still running.)"""
        try:
            await asyncio.wait_for(self.client.disconnect(), 5)
        except Exception:  # noqa: S110 - it is being dropped
            pass
        if self.client.eio.state != "disconnected":
            self._renew()

    async def join(self) -> bool:
        payload: dict = {"event_id": self.event_id}
        if self.seq is not None and self.epoch:
            payload.update(since=self.seq, epoch=self.epoch)
        self.joining, self.buffer = True, []
        sent = time.monotonic()
        try:
            ack = await self.client.call(
                "join", payload, namespace=NAMESPACE, timeout=self.io["join_timeout"]
            )
        except Exception as exc:
            self.stats.join_timeouts += self.stats.since_restart
            self.stats.errors.add("join_no_ack", exc, self.stats.examples)
            self.joining = False
            return False
        if not ack or not ack.get("ok"):
            self.stats.join_refused += 1
            self.stats.errors.add("join_refused", RuntimeError(str(ack)[:200]), self.stats.examples)
            self.joining, self.refusal = False, "join refused"
            return False
        now = time.monotonic()
        if self.stats.since_restart:
            self.stats.join_latency.append(now - sent)
            self.rejoined_at = self.rejoined_at or now
        self.epoch = ack.get("epoch")
        if isinstance(ack.get("replay"), list) and self.seq is not None:
            self.stats.join_kinds["replay"] += self.stats.since_restart
            for envelope in sorted(ack["replay"], key=lambda e: e["seq"]):
                if envelope["seq"] > self.seq:
                    self._apply(envelope.get("type"), envelope)
                    self.seq = envelope["seq"]
            self.seq = max(self.seq, ack["seq"])
        else:
            self.stats.join_kinds["snapshot"] += self.stats.since_restart
            self.seq = ack["seq"]
            if self.dashboard:
                self.picture = {}
                for officer in (ack.get("snapshot") or {}).get("officers", []):
                    self.picture[officer["id"]] = None
                    self._move(officer["id"], officer.get("fix"))
                self.changed_at = now
        self.joining = False
        self.joined_at = now
        for envelope in sorted(self.buffer, key=lambda e: e["seq"]):
            self._consume(envelope)
        self.buffer = []
        return True

    def _on_envelope(self, _index, event: str, envelope: dict) -> None:
        if not isinstance(envelope.get("seq"), int):
            return
        envelope = {**envelope, "type": envelope.get("type") or event}
        if self.joining:
            self.buffer.append(envelope)
        elif self.seq is not None:
            self._consume(envelope)

    def _consume(self, envelope: dict) -> None:
        if envelope["seq"] <= self.seq:
            return
        if envelope["seq"] > self.seq + 1:
            self.seq_gaps += 1  # the page would rejoin; counted (and applied) here
        self._apply(envelope["type"], envelope)
        self.seq = envelope["seq"]

    def _apply(self, kind: str | None, envelope: dict) -> None:
        data = envelope.get("data") or {}
        if kind == "positions":
            for fix in data.get("fixes", []):
                self._move(fix["officer_id"], fix)
        elif kind == "officer" and "id" in data:
            self._move(data["id"], data.get("fix"))

    def _move(self, officer_id: int, fix: dict | None) -> None:
        """model.js latestFix: the newer recorded_at wins."""
        if not fix:
            self.picture.setdefault(officer_id, None)
            return
        new = (fix["lat"], fix["lon"], to_ms(fix["recorded_at"]))
        old = self.picture.get(officer_id)
        if old is None or new[2] > old[2]:
            self.picture[officer_id] = new
            self.changed_at = time.monotonic()

    async def close(self) -> None:
        self.closing = True
        if self.task is not None and not self.task.done():
            self.task.cancel()
        try:
            await asyncio.wait_for(self.client.disconnect(), 10)
        except Exception:  # noqa: S110 - best effort at teardown
            pass


# --- the database and the officers' fixes --------------------------------------------------


def database_fixes(database_url: str, event_id: int) -> dict[int, tuple | None]:
    rows = live.query_rows(
        database_url,
        "SELECT officer_id, fix_lat, fix_lon, fix_recorded_at FROM event_officers "
        "WHERE event_id = :e",
        e=event_id,
    )
    return {r[0]: (r[1], r[2], to_ms(r[3])) if r[3] is not None else None for r in rows}


def mismatches(picture: dict, truth: dict) -> int:
    return sum(picture.get(oid, "missing") != fix for oid, fix in truth.items()) + len(
        set(picture) - set(truth)
    )


async def send_fix(page: Page, k: int, sent: dict, stats: Stats) -> bool:
    """One fix, acknowledged (a `busy` refusal is sent again after Retry-After, as the phone's
    outbox does); `sent` keeps the officer's last acknowledged fix."""
    lat, lon = live.incident_load.home(page.inner.index)
    now = time.time()
    body = {"lat": lat + k * 1e-5, "lon": lon, "accuracy": 8.0, "recorded_at": iso_ms(now)}
    for _ in range(3):
        try:
            ack = await page.client.call("position", body, namespace=NAMESPACE, timeout=30)
        except Exception as exc:
            stats.errors.add("position_no_ack", exc, stats.examples)
            return False
        if isinstance(ack, dict) and ack.get("ok"):
            sent[page.inner.officer_id] = (body["lat"], body["lon"], to_ms(body["recorded_at"]))
            return True
        if isinstance(ack, dict) and (ack.get("error") or {}).get("code") == "busy":
            stats.errors.add("position_busy")
            await asyncio.sleep(live.RETRY_AFTER_S)
            continue
        stats.errors.add("position_nack", RuntimeError(str(ack)[:200]), stats.examples)
        return False
    return False


async def send_round(officers: list[Page], k: int, sent: dict, stats: Stats, spread: float):
    """Every joined officer sends fix number k, spread evenly over `spread` seconds."""
    n = max(1, len(officers))

    async def one(i: int, page: Page):
        await asyncio.sleep(spread * i / n)
        if page.joined_at is not None:
            await send_fix(page, k, sent, stats)

    await asyncio.gather(*(one(i, p) for i, p in enumerate(officers)))


async def wait_consistent(dashboards: list[Page], truth: dict, start: float, limit: float):
    """Until every dashboard's picture equals `truth` (bounded). A dashboard got there with
    the last change to its picture: timed from `start`."""
    done: dict[int, float] = {}
    while time.monotonic() - start < limit:
        for d in dashboards:
            if d.inner.index not in done and d.joined_at and not mismatches(d.picture, truth):
                done[d.inner.index] = max(0.0, d.changed_at - start)
        if len(done) == len(dashboards):
            break
        await asyncio.sleep(0.05)
    per = [round(done[d.inner.index], 3) if d.inner.index in done else None for d in dashboards]
    return {
        "consistent": len(done),
        "seconds": max(per) if len(done) == len(dashboards) else None,
        "per_dashboard_s": per,
        "mismatches": [mismatches(d.picture, truth) for d in dashboards],
    }


# --- the restart -----------------------------------------------------------------------------


async def restart(server: live.Server, folder: Path, args) -> dict:
    """Stop the server (SIGTERM or SIGKILL), start it again on the same port and database."""
    times: dict = {"signal": time.monotonic()}
    old = server.process
    old.send_signal(signal.SIGKILL if args.kill else signal.SIGTERM)
    await asyncio.to_thread(old.wait, 30)
    times["exited"] = time.monotonic()
    server.stop()  # closes the first log
    if args.down:
        await asyncio.sleep(args.down)
    server.log_path = folder / "server.restarted.log"
    starting = asyncio.create_task(asyncio.to_thread(server.start, timeout=120))
    for _ in range(2000):  # until the new process exists (bounded)
        if server.process is not old or starting.done():
            break
        await asyncio.sleep(0.005)
    times["spawned"] = time.monotonic()
    sampler = live.Sampler(server.process.pid, period=0.5)
    sampler.start()
    if args.profile:  # py-spy from the new process's start
        sampler.profile_out = live.RESULTS / f"{args.name}.pyspy.txt"
        sampler.begin_profile(args.rejoin_limit + args.consistency_limit + 30)
    await starting
    times["healthy"] = time.monotonic()
    times["server_cpu_s_at_healthy"] = sampler.cpu_seconds()  # imports, app, migrations
    return {"times": times, "sampler": sampler}


# --- the run ---------------------------------------------------------------------------------


async def storm(args, server: live.Server, folder: Path, seed: dict) -> dict:
    stats = Stats()
    event_id = seed["event_id"]
    deadline = time.monotonic() + args.connect_limit
    me = psutil.Process()

    async with aiohttp.ClientSession() as http:  # one command login per dashboard
        cookies = [
            await live.login_cookie(http, server.url, seed["command_username"])
            for _ in range(args.dashboards)
        ]
    app_root = Path(args.app_root or live.ROOT)
    command_io = dict(page_io(app_root, COMMAND_PAGE), join_timeout=args.join_timeout)
    officer_io = dict(page_io(app_root, OFFICER_PAGE), join_timeout=args.join_timeout)
    print(f"  reconnecting as the pages do: command {command_io}, officer {officer_io}")
    dashboards = [
        Page(live.Dashboard(i), server.url, event_id, command_io, stats, {"Cookie": c})
        for i, c in enumerate(cookies)
    ]
    officers = [
        Page(live.Officer(i, o["officer_id"], o["token"]), server.url, event_id, officer_io, stats)
        for i, o in enumerate(seed["officers"])
    ]
    pages = dashboards + officers
    gate = asyncio.Semaphore(args.connect_concurrency)

    async def first(page: Page):
        page.deadline = deadline
        async with gate:
            page.task = asyncio.current_task()
            await page.run(reconnecting=False)

    t0 = time.monotonic()
    await asyncio.gather(*(first(p) for p in pages))
    joined = sum(p.joined_at is not None for p in pages)
    print(f"  joined {joined}/{len(pages)} in {time.monotonic() - t0:.1f}s", flush=True)

    sent: dict[int, tuple] = {}
    for k in range(args.fixes):
        await send_round(officers, k, sent, stats, args.interval)
    truth = await asyncio.to_thread(database_fixes, server.database_url, event_id)
    before = await wait_consistent(dashboards, truth, time.monotonic(), 10)
    print(
        f"  {len(sent)} officers sent {args.fixes} fixes; dashboards consistent before the "
        f"restart: {before['consistent']}/{len(dashboards)}",
        flush=True,
    )

    # The restart. Every page reconnects on its own from its disconnect handler.
    stats.since_restart = True
    for page in pages:
        page.deadline = time.monotonic() + args.rejoin_limit + 120
    cpu0 = sum(me.cpu_times()[:2])
    lag = live.LoopLag()
    lag_task = asyncio.create_task(lag.run(args.rejoin_limit + 300))
    print(f"  {'SIGKILL' if args.kill else 'SIGTERM'} to the server", flush=True)
    restarted = await restart(server, folder, args)
    times, sampler = restarted["times"], restarted["sampler"]
    print(f"  healthy again {times['healthy'] - times['signal']:.1f}s after the signal", flush=True)

    limit = times["healthy"] + args.rejoin_limit
    timeline = []  # once a second from the signal: (s, sockets connected, pages joined)
    mark = 0.0
    for _ in range(100_000):  # bounded by the limit
        now = time.monotonic()
        if now - times["signal"] >= mark:
            mark = int(now - times["signal"]) + 1.0
            timeline.append(
                (
                    round(now - times["signal"], 1),
                    sum(p.client.connected for p in pages),
                    sum(p.joined_at is not None for p in pages),
                )
            )
        if now >= limit or all(p.rejoined_at is not None for p in pages):
            break
        await asyncio.sleep(0.02)
    rejoined = [p for p in pages if p.rejoined_at is not None]
    all_rejoined = len(rejoined) == len(pages)
    missing = [
        {
            "page": ("dashboard " if p.dashboard else "officer ") + str(p.inner.index),
            "connected": p.client.connected,
            "refusal": p.refusal,
            "reconnecting": p.task is not None and not p.task.done(),
        }
        for p in pages
        if p not in rejoined
    ]
    if missing:
        print(f"  not rejoined (the first 5): {missing[:5]}", flush=True)
    rejoin_times = [p.rejoined_at for p in rejoined]
    last_join = max(rejoin_times, default=None)
    client_cpu_storm = sum(me.cpu_times()[:2]) - cpu0
    server_cpu_storm = sampler.cpu_seconds()  # from its start to the last rejoin
    storm_s = (last_join or time.monotonic()) - times["signal"]
    server_storm = sampler.summary()
    print(
        f"  rejoined {len(rejoined)}/{len(pages)}"
        + (f", the last {last_join - times['healthy']:.2f}s after healthy" if last_join else ""),
        flush=True,
    )

    # One more fix from every officer, all at once (a phone's outbox after a reconnect).
    await asyncio.sleep(args.settle)
    fix_round = args.fixes
    fixes_start = time.monotonic()
    await send_round(officers, fix_round, sent, stats, args.last_spread)
    acked_s = time.monotonic() - fixes_start
    # The database now holds what was acknowledged (acked = stored); consistency is timed
    # from the first send against what the officers last had acknowledged.
    expected = {**truth, **sent}
    consistency = await wait_consistent(dashboards, expected, fixes_start, args.consistency_limit)
    truth_after = await asyncio.to_thread(database_fixes, server.database_url, event_id)
    db_vs_sent = mismatches(truth_after, expected)
    final = [mismatches(d.picture, truth_after) for d in dashboards]
    lag.running = False
    await lag_task
    sampler.stop()
    live.stop_profile(sampler)
    client_cpu_total = sum(me.cpu_times()[:2]) - cpu0
    server_cpu_total = sampler.cpu_seconds()
    all_s = time.monotonic() - times["signal"]
    server_after = sampler.summary()
    await asyncio.gather(*(p.close() for p in pages))

    healthy = times["healthy"]
    return {
        "clients": len(pages),
        "officers": len(officers),
        "dashboards": len(dashboards),
        "signal": "SIGKILL" if args.kill else "SIGTERM",
        "joined_before": joined,
        "consistent_before_restart": before["consistent"],
        "server_exit_s": round(times["exited"] - times["signal"], 3),
        "server_healthy_after_signal_s": round(healthy - times["signal"], 3),
        "rejoined": len(rejoined),
        "all_rejoined": all_rejoined,
        "not_rejoined": missing[:20],
        "timeline_s_connected_joined": timeline,
        "joined_at_end_of_wait": sum(p.joined_at is not None for p in pages),
        "drops_after_rejoin": sum(p.drops_after_rejoin for p in pages),
        "sockets_renewed": sum(p.renewed for p in pages),
        "rejoin_s_from_healthy": round(last_join - healthy, 3) if last_join else None,
        "rejoin_s_from_signal": round(last_join - times["signal"], 3) if last_join else None,
        "rejoin_target_met": bool(all_rejoined and last_join - times["signal"] <= 10),
        "rejoin_spread_s": percentiles([t - healthy for t in rejoin_times]),
        "join_ack_latency_s": percentiles(stats.join_latency),
        "join_kinds": stats.join_kinds,
        "join_timeouts": stats.join_timeouts,
        "join_refused": stats.join_refused,
        "connect_attempts_after_restart": stats.connect_attempts,
        "connect_failures_after_restart": stats.connect_failures,
        "last_fix_acked_s": round(acked_s, 3),
        "fixes_acked_last_round": sum(1 for _ in sent),
        "consistency": consistency,
        "consistency_target_met": consistency["seconds"] is not None
        and consistency["seconds"] <= 2,
        "database_vs_acked_mismatches": db_vs_sent,
        "dashboard_vs_database_mismatches_at_end": final,
        "seq_gaps": sum(d.seq_gaps for d in dashboards),
        "server_during_storm": server_storm,
        "server_until_consistent": server_after,
        "server_cpu_s_storm": round(server_cpu_storm, 2),
        "server_cpu_pct_storm": round(
            100 * server_cpu_storm / max((last_join or time.monotonic()) - times["spawned"], 0.001),
            1,
        ),
        "server_cpu_s_to_consistency": round(server_cpu_total, 2),
        "server_cpu_s_starting": round(times["server_cpu_s_at_healthy"], 2),
        # server CPU from /healthz answering to the last rejoin, per join answered (timed-out
        # joins included: the server did their work too)
        "server_cpu_ms_per_join": round(
            1000
            * (server_cpu_storm - times["server_cpu_s_at_healthy"])
            / max(1, len(stats.join_latency) + stats.join_timeouts),
            2,
        ),
        "client_cpu_s_storm": round(client_cpu_storm, 2),
        "client_cpu_pct_storm": round(100 * client_cpu_storm / max(storm_s, 0.001), 1),
        "client_cpu_pct_total": round(100 * client_cpu_total / max(all_s, 0.001), 1),
        "client_loop_lag_s": percentiles(lag.lags),
        "errors": dict(stats.errors),
        "error_examples": stats.examples,
        "client_library_log": dict(live.LIBRARY_LOG.counts),
        "loadavg_after": os.getloadavg(),
    }


# --- main ------------------------------------------------------------------------------------


COURSE = live.ROOT / "fieldops" / "data" / "nyc-marathon-course.geojson"


def set_up_event(server: live.Server, event_id: int, posts: int) -> None:
    """What every join's snapshot carries of a real event: a course and posts along it, made
    through the API an admin uses."""
    username = f"bench-admin-{secrets.token_hex(3)}"
    live.fieldops_command(
        server.env, "user", "import", stdin=f"{username},admin,{live.STAFF_PASSWORD}\n"
    )
    admin = requests.Session()
    signed_in = admin.post(
        f"{server.url}/api/v1/auth/login",
        json={"username": username, "password": live.STAFF_PASSWORD},
        timeout=30,
    )
    signed_in.raise_for_status()
    admin.headers["X-CSRF-Token"] = signed_in.json()["csrf_token"]
    course = admin.put(
        f"{server.url}/api/v1/events/{event_id}/course?filename={COURSE.name}",
        data=COURSE.read_bytes(),
        timeout=60,
    )
    course.raise_for_status()
    points = [p for line in course.json()["lines"] for p in line]
    for i in range(posts):
        lat, lon = points[i * len(points) // posts]
        made = admin.post(
            f"{server.url}/api/v1/events/{event_id}/posts",
            json={"name": f"Post {i + 1}", "kind": "traffic_point", "lat": lat, "lon": lon,
                  "orders": "Hold the crossing until the sweep bus passes."},
            timeout=30,
        )  # fmt: skip
        made.raise_for_status()
    print(f"  set up: the course ({len(points)} points drawn) and {posts} posts", flush=True)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=2000, help="officers + dashboards")
    p.add_argument("--dashboards", type=int, default=10)
    p.add_argument("--fixes", type=int, default=3, help="fixes per officer before the restart")
    p.add_argument("--interval", type=float, default=2.0, help="seconds one round of fixes takes")
    p.add_argument("--kill", action="store_true", help="SIGKILL instead of SIGTERM")
    p.add_argument("--down", type=float, default=0.0, help="seconds the server stays down")
    p.add_argument("--settle", type=float, default=0.0, help="seconds between rejoin and fixes")
    p.add_argument(
        "--last-spread", type=float, default=0.0, help="seconds the last fixes are spread over"
    )
    p.add_argument("--connect-limit", type=float, default=180.0)
    p.add_argument("--rejoin-limit", type=float, default=60.0, help="max seconds to wait")
    p.add_argument("--consistency-limit", type=float, default=30.0)
    p.add_argument("--connect-concurrency", type=int, default=200, help="for the first connect")
    p.add_argument(
        "--join-timeout",
        type=float,
        default=JOIN_TIMEOUT_S,
        help="seconds a page waits for the join ack before it starts over (stream.js: 60)",
    )
    p.add_argument(
        "--set-up",
        type=int,
        metavar="POSTS",
        default=None,
        help="give the event the NYC marathon course and this many posts, as an admin would",
    )
    p.add_argument("--async-mode", default="eventlet", choices=["eventlet", "gevent", "threading"])
    p.add_argument("--push-tick", type=float, help="FIELDOPS_PUSH_TICK (server default 0.5)")
    p.add_argument("--server-env", action="append", metavar="KEY=VALUE")
    p.add_argument("--app-root", help="run the server from this checkout")
    p.add_argument("--profile", action="store_true", help="py-spy records the restarted server")
    p.add_argument("--keep", action="store_true", help="keep the temp folder (db, server logs)")
    p.add_argument("--tag", default="")
    args = p.parse_args(argv)
    if not (1 <= args.dashboards < args.clients <= 20000):
        p.error("--clients 2..20000, --dashboards 1..clients-1")
    args.database_url = None  # live.Server: a fresh SQLite file
    return args


def print_summary(r: dict) -> None:
    s, c = r["server_during_storm"], r["consistency"]
    met = lambda ok: "met" if ok else "MISSED"  # noqa: E731
    print()
    print(
        f"restart ({r['signal']})          exited in {r['server_exit_s']}s, healthy again "
        f"{r['server_healthy_after_signal_s']}s after the signal"
    )
    print(
        f"rejoined               {r['rejoined']}/{r['clients']}, the last "
        f"{r['rejoin_s_from_healthy']}s after healthy ({r['rejoin_s_from_signal']}s after the "
        f"signal; <= 10 s: {met(r['rejoin_target_met'])})"
    )
    print(f"  rejoin after healthy {fmt_ms(r['rejoin_spread_s'])}")
    print(
        f"  dropped again        {r['drops_after_rejoin']} after rejoining; joined when the "
        f"wait ended {r['joined_at_end_of_wait']}; stuck sockets replaced {r['sockets_renewed']}"
    )
    print(f"  timeline (s, connected, joined) {r['timeline_s_connected_joined'][:40]}")
    print(
        f"join ack latency       {fmt_ms(r['join_ack_latency_s'])}  ({r['join_kinds']}, "
        f"timeouts {r['join_timeouts']}, refused {r['join_refused']})"
    )
    print(
        f"connect attempts       {r['connect_attempts_after_restart']}, failed: "
        f"{r['connect_failures_after_restart'] or 'none'}"
    )
    print(f"last fixes             {r['fixes_acked_last_round']} acked in {r['last_fix_acked_s']}s")
    print(
        f"consistent dashboards  {c['consistent']}/{r['dashboards']} in {c['seconds']}s after "
        f"the first send (<= 2 s: {met(r['consistency_target_met'])}); mismatches at the end "
        f"{r['dashboard_vs_database_mismatches_at_end']}, database vs acked "
        f"{r['database_vs_acked_mismatches']}, seq gaps {r['seq_gaps']}"
    )
    print(
        f"server in the storm    CPU {r['server_cpu_s_storm']} s from its start to the last "
        f"rejoin ({r['server_cpu_pct_storm']}% of a core; samples avg {s['server_cpu_avg_pct']}% "
        f"max {s['server_cpu_max_pct']}%), RSS peak {s['server_rss_peak_mb']} MB, fds peak "
        f"{s['server_fds_peak']}; {r['server_cpu_s_to_consistency']} s CPU to consistency"
    )
    print(
        f"bench client           CPU {r['client_cpu_pct_storm']}% of a core in the storm "
        f"({r['client_cpu_pct_total']}% to consistency), loop lag {fmt_ms(r['client_loop_lag_s'])}"
    )
    print(
        f"server CPU             {r['server_cpu_s_starting']} s starting (to /healthz), then "
        f"{r['server_cpu_ms_per_join']} ms per join answered or timed out"
    )
    print(f"other processes        {s['other_processes_cpu_pct']}% of a core")
    print(f"errors                 {r['errors'] or 'none'}")
    if r.get("client_library_log"):
        print(f"client library log     {r['client_library_log']}")


def main(argv=None) -> int:
    args = parse_args(argv)
    live.LIBRARY_LOG.install()
    files = live.raise_open_file_limit()
    if files < args.clients + 100:
        print(f"open-files limit {files} < {args.clients + 100}: raise it", file=sys.stderr)
        return 2
    officers = args.clients - args.dashboards
    folder = Path(tempfile.mkdtemp(prefix="fieldops-storm-"))
    server = live.Server(folder, args)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    args.name = f"{stamp}-storm-{args.clients}" + (f"-{args.tag}" if args.tag else "")
    live.RESULTS.mkdir(parents=True, exist_ok=True)
    result: dict = {"mode": "reconnect-storm", "args": vars(args), "machine": live.machine()}
    result["uptime_at_start"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout
    print(
        f"reconnect storm: {officers} officers + {args.dashboards} dashboards, "
        f"{args.async_mode}, open files {files}",
        flush=True,
    )
    try:
        t0 = time.monotonic()
        seed = server.seed(officers, with_shifts=False)
        print(f"  seeded in {time.monotonic() - t0:.1f}s", flush=True)
        server.start(timeout=60)
        if args.set_up is not None:
            set_up_event(server, seed["event_id"], args.set_up)
        result["figures"] = asyncio.run(storm(args, server, folder, seed))
        result["server_log"] = {
            "first": live.Server.log_problems(_log_at(folder / "server.log")),
            "restarted": server.log_problems(),
        }
    finally:
        server.stop()
        if args.keep:
            print(f"  kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    result["uptime_at_end"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout
    print_summary(result["figures"])
    print(f"uptime                 {result['uptime_at_end'].strip()}")
    out = live.RESULTS / f"{args.name}.pyspy.txt"
    if args.profile and out.exists():
        result["profile"] = live.summarize_profile(out) | {"file": str(out)}
        print(f"\nserver profile: {out}")
        for frame, pct in result["profile"]["self_pct"][:12]:
            print(f"  {pct:5.1f}% self  {frame}")
    path = live.RESULTS / f"{args.name}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    print(f"\nresult: {path.relative_to(live.ROOT)}")
    return 0


def _log_at(path: Path) -> SimpleNamespace:
    """Something live.Server.log_problems reads: another of the server's logs."""
    return SimpleNamespace(log=lambda: path.read_text(errors="replace") if path.exists() else "")


if __name__ == "__main__":
    sys.exit(main())
