"""Incidents, dispatches and help alarms during a load run of bench/live.py.

While the officers stream fixes, some of them report incidents and press the help button over
their sockets, as the phone does; a command user (REST, session cookie + CSRF) takes the nearest
free officer for some incidents, dispatches them, and acknowledges every alarm; the dispatched
officer acknowledges over REST (device token) and command resolves the incident, freeing them.

Timed with this process's monotonic clock, from the send to the first arrival of the envelope
at every client that should get it:
- report -> `incident` at every dashboard (matched by client_id);
- help -> `alert` at every dashboard, and at every officer within 1 km (matched by the caller);
- dispatch request -> `incident` with dispatch=true at the assigned officer (by incident id),
  and at no other officer.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import time
import uuid
from datetime import UTC, datetime

import aiohttp
from deliveries import Deliveries

NAMESPACE = "/live"
TYPES = ("medical", "crowd", "traffic", "suspicious", "fight", "hazard", "other", "lost_person")
HELP_RADIUS_M = 1000.0  # fieldops/alerts/services.py
RADIUS_MARGIN_M = 50.0  # fixes drift a few metres during a run; nearer the edge is not judged
POST = {"name": "Bench sector", "kind": "other", "lat": 40.745, "lon": -74.0045, "radius_m": 5000}
WAIT_FOR_DISPATCH_S = 30.0


def home(index: int) -> tuple[float, float]:
    """Where bench officer `index` stands: a 100 x 10 grid, 111 m x 84 m apart."""
    return 40.70 + (index % 100) * 0.001, -74.00 - (index // 100) * 0.001


def on_shift(index: int) -> bool:
    """The officers checked in at the bench post: the ones `nearest` can suggest."""
    return index % 10 == 5 and 10 <= index % 100 < 90


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def add_arguments(p) -> None:
    p.add_argument(
        "--incidents",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="load mode: also report incidents, dispatch, raise help alarms (default on)",
    )
    p.add_argument("--reports-per-s", type=float, default=2.0, help="incident reports per second")
    p.add_argument("--help-every", type=float, default=2.0, help="seconds between help alarms")
    p.add_argument(
        "--dispatch-every", type=int, default=2, help="dispatch every Nth reported incident"
    )


class Command:
    """The dispatcher: a staff session (cookie + X-CSRF-Token on writes)."""

    def __init__(self, url: str):
        self.url = url
        self.http = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # 127.0.0.1 is an IP: allow its cookies
            timeout=aiohttp.ClientTimeout(total=30),
        )
        self.csrf = ""

    async def login(self, username: str, password: str) -> None:
        status, body = await self.call(
            "POST", "/api/v1/auth/login", username=username, password=password
        )
        if status != 200:
            raise RuntimeError(f"command login failed: {status} {body}")
        self.csrf = body["csrf_token"]

    async def call(self, method: str, path: str, **body) -> tuple[int, dict]:
        headers = {"X-CSRF-Token": self.csrf} if method != "GET" else {}
        async with self.http.request(
            method, self.url + path, json=body if method != "GET" else None, headers=headers
        ) as response:
            return response.status, await response.json(content_type=None)

    async def close(self) -> None:
        await self.http.close()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class IncidentLoad:
    def __init__(self, args, url: str, officers: list, dashboards: list, errors):
        self.args = args
        self.url = url
        self.officers = officers  # joined bench Officer objects
        self.by_id = {o.officer_id: o for o in officers}
        self.dashboards = [d for d in dashboards if d.join_seq is not None]
        self.errors = errors
        self.examples: dict = {}
        self.command = Command(url)
        self.phone_http: aiohttp.ClientSession | None = None
        self.tasks: set[asyncio.Task] = set()
        self.reports = Deliveries()  # by client_id, to every dashboard
        self.report_ack_latency: list[float] = []
        self.helps = Deliveries()  # by the calling officer's id, to every dashboard
        self.help_acked = 0
        # Where a help alarm's time goes: press -> the server's raised_at (reading the socket,
        # storing), and raised_at -> each command screen (publishing, sending, the client).
        self.help_pressed: dict[int, float] = {}  # by caller id: time.time() of the press
        self.help_in: list[float] = []
        self.help_out: list[float] = []
        self.help_nearby = Deliveries()  # the same, to the officers around the caller
        self.help_far: dict[int, set[int]] = {}  # caller -> officers who must not hear it
        self.dispatches = Deliveries()  # by incident id, to the officer sent
        self.dispatch_arrived: dict[int, asyncio.Event] = {}
        self.dispatch_wrong = 0  # dispatch=true at an officer not sent to that incident
        self.incident_leaks = 0  # any incident envelope at an officer never sent to it
        self.nearest_latency: list[float] = []
        self.no_free_officer = 0
        self.resolved = 0
        self.alerts_seen: set[int] = set()  # open alarms command has set out to acknowledge
        self.alerts_acknowledged = 0

    # --- setup ------------------------------------------------------------------------------

    async def prepare(self, username: str, password: str) -> None:
        await self.command.login(username, password)
        self.phone_http = aiohttp.ClientSession(
            cookie_jar=aiohttp.DummyCookieJar(), timeout=aiohttp.ClientTimeout(total=30)
        )
        for dash in self.dashboards:
            dash.listeners.append(self._on_dashboard)
        for officer in self.officers:
            officer.client.on(
                "incident",
                lambda env, oid=officer.officer_id: self._on_officer_incident(oid, env),
                namespace=NAMESPACE,
            )
            officer.client.on(
                "alert",
                lambda env, oid=officer.officer_id: self._on_officer_alert(oid, env),
                namespace=NAMESPACE,
            )

    def _spawn(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    # --- what arrives -------------------------------------------------------------------------

    def _on_dashboard(self, dash_index: int, event: str, envelope: dict) -> None:
        data = envelope.get("data") or {}
        if event == "incident":
            self.reports.arrive(data.get("client_id"), dash_index)
        elif event == "alert" and data.get("acknowledged_at") is None:
            if data.get("kind") == "help" and data.get("officer"):
                self.helps.arrive(data["officer"]["id"], dash_index)
                self._split_help(data)
            if dash_index == self.dashboards[0].index and data["id"] not in self.alerts_seen:
                self.alerts_seen.add(data["id"])
                self._spawn(self._acknowledge_alert(data["id"]))

    def _split_help(self, alert: dict) -> None:
        raised = datetime.fromisoformat(alert["raised_at"].replace("Z", "+00:00")).timestamp()
        self.help_out.append(max(0.0, time.time() - raised))
        pressed = self.help_pressed.pop(alert["officer"]["id"], None)
        if pressed is not None:  # once per alarm, at its first screen
            self.help_in.append(max(0.0, raised - pressed))

    def _on_officer_incident(self, officer_id: int, envelope: dict) -> None:
        data = envelope.get("data") or {}
        sent_to = self.dispatches.expected.get(data.get("id"), set())
        if officer_id not in sent_to:
            self.incident_leaks += 1
            self.dispatch_wrong += bool(data.get("dispatch"))
        elif data.get("dispatch"):
            self.dispatches.arrive(data["id"], officer_id)
            self.dispatch_arrived[data["id"]].set()

    def _on_officer_alert(self, officer_id: int, envelope: dict) -> None:
        data = envelope.get("data") or {}
        if data.get("kind") == "help" and data.get("officer"):
            self.help_nearby.arrive(data["officer"]["id"], officer_id)

    # --- what is sent -------------------------------------------------------------------------

    async def run(self, start: float, duration: float, fix_interval: float) -> None:
        """Open loop, on a fixed schedule (wall clock `start`), after every officer's first fix
        has reached the live picture."""
        begin = start + fix_interval + 1.0
        end = start + duration
        await asyncio.gather(self._reports(begin, end), self._helps(begin, end))

    async def _at(self, slot: float) -> None:
        delay = slot - time.time()
        if delay > 0:
            await asyncio.sleep(delay)

    async def _reports(self, begin: float, end: float) -> None:
        rate = self.args.reports_per_s
        if rate <= 0:
            return
        count = int((end - begin) * rate)
        for j in range(max(0, count)):
            await self._at(begin + j / rate)
            officer = self.officers[(j * 7919) % len(self.officers)]
            if officer.disconnected:
                continue
            lat, lon = home(officer.index)
            client_id = uuid.uuid4().hex
            body = {
                "client_id": client_id,
                "type": TYPES[j % len(TYPES)],
                "lat": lat,
                "lon": lon,
                "note": f"bench report {j}",
                "reported_at": now_iso(),
            }
            dispatch = self.args.dispatch_every > 0 and j % self.args.dispatch_every == 0
            self.reports.send(client_id, (d.index for d in self.dashboards))
            sent = time.monotonic()

            def on_ack(*ack, sent=sent, dispatch=dispatch):
                ack = ack[0] if ack else None
                if not (isinstance(ack, dict) and ack.get("ok") and ack.get("created")):
                    self.errors.add("report_nack", RuntimeError(str(ack)[:200]), self.examples)
                    return
                self.report_ack_latency.append(time.monotonic() - sent)
                if dispatch:
                    self._spawn(self._dispatch(ack["incident"]["id"]))

            try:
                await officer.client.emit("report", body, namespace=NAMESPACE, callback=on_ack)
            except Exception as exc:
                self.errors.add("report_emit", exc, self.examples)

    async def _helps(self, begin: float, end: float) -> None:
        every = self.args.help_every
        if every <= 0:
            return
        count = int((end - begin) / every)
        callers = random.Random(7).sample(self.officers, min(len(self.officers), max(0, count)))
        for m, caller in enumerate(callers):
            await self._at(begin + m * every)
            if caller.disconnected:
                continue
            here = home(caller.index)
            around = [
                (o, distance_m(here, home(o.index))) for o in self.officers if o is not caller
            ]
            self.help_far[caller.officer_id] = {
                o.officer_id for o, d in around if d > HELP_RADIUS_M + RADIUS_MARGIN_M
            }
            near = [
                o.officer_id
                for o, d in around
                if d <= HELP_RADIUS_M - RADIUS_MARGIN_M and not o.disconnected
            ]
            self.help_nearby.send(caller.officer_id, near)
            self.helps.send(caller.officer_id, (d.index for d in self.dashboards))

            def on_ack(*ack):
                ack = ack[0] if ack else None
                if isinstance(ack, dict) and ack.get("ok"):
                    self.help_acked += 1
                else:
                    self.errors.add("help_nack", RuntimeError(str(ack)[:200]), self.examples)

            body = {"client_id": uuid.uuid4().hex, "lat": here[0], "lon": here[1]}
            self.help_pressed[caller.officer_id] = time.time()
            try:
                await caller.client.emit("help", body, namespace=NAMESPACE, callback=on_ack)
            except Exception as exc:
                self.errors.add("help_emit", exc, self.examples)

    async def _dispatch(self, incident_id: int) -> None:
        """Command: the nearest free officer, dispatched; they acknowledge; command resolves."""
        try:
            asked = time.monotonic()
            status, nearest = await self.command.call(
                "GET", f"/api/v1/incidents/{incident_id}/nearest"
            )
            self.nearest_latency.append(time.monotonic() - asked)
            if status != 200:
                raise RuntimeError(f"nearest: {status} {str(nearest)[:200]}")
            if not nearest["officers"]:
                self.no_free_officer += 1
                return
            officer_id = nearest["officers"][0]["officer"]["id"]
            arrived = self.dispatch_arrived[incident_id] = asyncio.Event()
            self.dispatches.send(incident_id, [officer_id])
            status, body = await self.command.call(
                "POST", f"/api/v1/incidents/{incident_id}/assignments", officer_ids=[officer_id]
            )
            if status != 201:
                raise RuntimeError(f"assignments: {status} {str(body)[:200]}")
            await asyncio.wait_for(arrived.wait(), WAIT_FOR_DISPATCH_S)
            await self._officer_acknowledges(officer_id, incident_id)
            status, body = await self.command.call(
                "POST",
                f"/api/v1/incidents/{incident_id}/transitions",
                to="resolved",
                disposition="treated_on_site",
            )
            if status != 200:
                raise RuntimeError(f"resolve: {status} {str(body)[:200]}")
            self.resolved += 1
        except Exception as exc:
            self.errors.add("dispatch_flow", exc, self.examples)

    async def _officer_acknowledges(self, officer_id: int, incident_id: int) -> None:
        token = self.by_id[officer_id].token
        async with self.phone_http.post(
            f"{self.url}/api/v1/incidents/{incident_id}/respond",
            json={"status": "acknowledged"},
            headers={"Authorization": f"Bearer {token}"},
        ) as response:
            if response.status != 200:
                raise RuntimeError(f"respond: {response.status} {(await response.text())[:200]}")

    async def _acknowledge_alert(self, alert_id: int) -> None:
        try:
            status, body = await self.command.call("POST", f"/api/v1/alerts/{alert_id}/acknowledge")
            if status == 200:
                self.alerts_acknowledged += 1
            else:
                raise RuntimeError(f"{status} {str(body)[:200]}")
        except Exception as exc:
            self.errors.add("alert_acknowledge", exc, self.examples)

    # --- the end ------------------------------------------------------------------------------

    def _all_delivered(self) -> bool:
        every = (self.reports, self.helps, self.help_nearby, self.dispatches)
        return all(d.complete() for d in every) and not self.tasks

    async def drain(self, limit_s: float) -> None:
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline and not self._all_delivered():
            await asyncio.sleep(0.2)

    async def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        await self.command.close()
        if self.phone_http is not None:
            await self.phone_http.close()

    def figures(self, percentiles) -> dict:
        """Missing pairs are split: a receiver that disconnected (an overloaded server's ping
        timeout) would reconnect as a browser does; one still connected has truly lost it."""
        dropped = {d.index for d in self.dashboards if d.disconnected}
        dash_gone = lambda index: index in dropped  # noqa: E731
        officer_gone = lambda oid: self.by_id[oid].disconnected  # noqa: E731
        reports, helps = self.reports.missing(dash_gone), self.helps.missing(dash_gone)
        nearby = self.help_nearby.missing(officer_gone)
        dispatches = self.dispatches.missing(officer_gone)
        heard_far = sum(
            len(far & self.help_nearby.received_by(caller)) for caller, far in self.help_far.items()
        )
        return {
            "reports_sent": len(self.reports.sent),
            "reports_acked": len(self.report_ack_latency),
            "report_ack_latency_s": percentiles(self.report_ack_latency),
            "incident_to_command_s": percentiles(self.reports.latencies()),
            "incident_to_command_missing": reports[0],
            "incident_to_command_dashboard_gone": reports[1],
            "help_sent": len(self.helps.sent),
            "help_acked": self.help_acked,
            "help_to_command_s": percentiles(self.helps.latencies()),
            "help_to_command_missing": helps[0],
            "help_to_command_dashboard_gone": helps[1],
            "help_to_nearby_officers_s": percentiles(self.help_nearby.latencies()),
            "help_nearby_expected": self.help_nearby.expected_pairs(),
            "help_nearby_missing": nearby[0],
            "help_nearby_officer_gone": nearby[1],
            "help_heard_beyond_radius": heard_far,
            "dispatches": len(self.dispatches.sent),
            "dispatch_to_officer_s": percentiles(self.dispatches.latencies()),
            "help_press_to_raised_s": percentiles(self.help_in),
            "help_raised_to_command_s": percentiles(self.help_out),
            "dispatch_missing": dispatches[0],
            "dispatch_officer_gone": dispatches[1],
            "dispatch_to_wrong_officer": self.dispatch_wrong,
            "incident_envelopes_at_unassigned_officers": self.incident_leaks,
            "nearest_request_s": percentiles(self.nearest_latency),
            "no_free_officer": self.no_free_officer,
            "resolved": self.resolved,
            "alerts_raised": len(self.alerts_seen),
            "alerts_acknowledged": self.alerts_acknowledged,
            "error_examples": self.examples,
        }


def print_figures(r: dict, fmt_ms) -> None:
    print(
        f"incident -> command    {fmt_ms(r['incident_to_command_s'])}  "
        f"({r['reports_acked']}/{r['reports_sent']} reports acked, "
        f"missing pairs {r['incident_to_command_missing']}, "
        f"to disconnected dashboards {r['incident_to_command_dashboard_gone']})"
    )
    print(
        f"help -> command        {fmt_ms(r['help_to_command_s'])}  "
        f"({r['help_acked']}/{r['help_sent']} alarms acked, "
        f"missing pairs {r['help_to_command_missing']}, "
        f"to disconnected dashboards {r['help_to_command_dashboard_gone']})"
    )
    print(
        f"  press -> stored      {fmt_ms(r['help_press_to_raised_s'])}  "
        f"stored -> command {fmt_ms(r['help_raised_to_command_s'])}"
    )
    print(
        f"help -> nearby officer {fmt_ms(r['help_to_nearby_officers_s'])}  "
        f"(missing {r['help_nearby_missing']}/{r['help_nearby_expected']}, "
        f"to disconnected officers {r['help_nearby_officer_gone']}, "
        f"heard beyond 1 km {r['help_heard_beyond_radius']})"
    )
    print(
        f"dispatch -> officer    {fmt_ms(r['dispatch_to_officer_s'])}  "
        f"({r['dispatches']} dispatches, missing {r['dispatch_missing']}, "
        f"to disconnected officers {r['dispatch_officer_gone']}, "
        f"to a wrong officer {r['dispatch_to_wrong_officer']}, incident envelopes at "
        f"unassigned officers {r['incident_envelopes_at_unassigned_officers']})"
    )
    print(
        f"  nearest request      {fmt_ms(r['nearest_request_s'])}  "
        f"(no free officer {r['no_free_officer']}; resolved {r['resolved']}; "
        f"alerts acknowledged {r['alerts_acknowledged']}/{r['alerts_raised']})"
    )
