"""Simulated officers: each one sends fixes through the HTTP API a phone uses.

Nothing here touches the database. Every officer holds the device token the demo seed kept and
talks to the server exactly as the officer page does: it checks in at its post
(``POST /api/v1/events/<id>/shift/check-in``), sometimes changes its status
(``POST .../status``) and sends one fix every 3 to 5 seconds (``POST .../positions``, 202).

What the command post gets to see:

- posted officers standing within their post's radius (or polygon), shuffling about a little;
- roaming bike and foot patrols moving along the course at their speed;
- a few officers who walk off their post (off-post after ``OFF_POST_AFTER``) and come back;
- one who goes responding and one who takes a break, with their status set through the API;
- about 5% whose phones go silent for a while (stale after ``STALE_AFTER``), and one who
  checks in but has not sent a fix yet (stale at once).

The simulator runs in one loop with a ``sleep`` it is given: ``socketio.sleep`` inside the
server (a background task, whatever the async mode), ``time.sleep`` when run alone. It survives
the server going away: it backs off (1 s doubling to 15 s), logs once, and picks up again.
"""

from __future__ import annotations

import json
import logging
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fieldops.demo.drill_leads import DrillLeadsPlayer
from fieldops.demo.incidents import IncidentPlayer
from fieldops.demo.lostchild import LostChildPlayer
from fieldops.demo.phone_api import Api, ServerUnavailable, error_message, is_busy, iso_now
from fieldops.tracking.geometry import bearing, destination, distance_m, in_polygon

log = logging.getLogger(__name__)

SEND_EVERY = (3.0, 5.0)  # seconds between one officer's fixes (uniform jitter)
BUSY_WAIT = 5.0  # s a phone holds its fixes when the server answers 503 `busy` (its Retry-After)
LOOP_SLEEP = 0.25
MAX_BACKOFF = 15.0
SUMMARY_EVERY = 600.0


# --- small geometry ------------------------------------------------------------------------


class CoursePath:
    """A course's polylines chained into one path, walked by distance from the start."""

    def __init__(self, lines: list):
        points: list[tuple[float, float]] = []
        for line in lines:
            for lat, lon in line:
                if not points or (lat, lon) != points[-1]:
                    points.append((float(lat), float(lon)))
        if len(points) < 2:
            raise ValueError("a course needs at least two points")
        self.points = points
        self.cumulative = [0.0]
        for (a_lat, a_lon), (b_lat, b_lon) in zip(points, points[1:], strict=False):
            self.cumulative.append(self.cumulative[-1] + distance_m(a_lat, a_lon, b_lat, b_lon))
        self.length = self.cumulative[-1]

    def at(self, dist: float) -> tuple[float, float, float]:
        """(lat, lon, bearing of the course there) at `dist` metres from the start."""
        dist = min(max(dist, 0.0), self.length)
        lo, hi = 0, len(self.cumulative) - 1
        while hi - lo > 1:  # the segment holding dist
            mid = (lo + hi) // 2
            if self.cumulative[mid] <= dist:
                lo = mid
            else:
                hi = mid
        (a_lat, a_lon), (b_lat, b_lon) = self.points[lo], self.points[hi]
        span = self.cumulative[hi] - self.cumulative[lo]
        t = (dist - self.cumulative[lo]) / span if span else 0.0
        return (
            a_lat + (b_lat - a_lat) * t,
            a_lon + (b_lon - a_lon) * t,
            bearing(a_lat, a_lon, b_lat, b_lon),
        )


def post_reach(post: dict) -> float:
    """How far the post extends from its centre: its radius, or its polygon's farthest corner."""
    if post.get("polygon"):
        return max(distance_m(post["lat"], post["lon"], p[0], p[1]) for p in post["polygon"])
    return float(post["radius_m"])


def point_in_post(rng: random.Random, post: dict, share: float = 0.5) -> tuple[float, float]:
    """A random point well inside the post: within `share` of the radius, or in the polygon."""
    if post.get("polygon"):
        polygon = post["polygon"]
        lats, lons = [p[0] for p in polygon], [p[1] for p in polygon]
        for _ in range(200):
            lat, lon = rng.uniform(min(lats), max(lats)), rng.uniform(min(lons), max(lons))
            if in_polygon(lat, lon, polygon):
                # pull towards the centre so that GPS noise rarely leaves the area
                return (
                    lat + (post["lat"] - lat) * (1 - share),
                    lon + (post["lon"] - lon) * (1 - share),
                )
        return post["lat"], post["lon"]
    dist = math.sqrt(rng.random()) * share * float(post["radius_m"])
    return destination(post["lat"], post["lon"], rng.uniform(0, 360), dist)


# --- the officers --------------------------------------------------------------------------


@dataclass
class SimOfficer:
    event_id: int
    officer_id: int
    name: str
    token: str
    kind: str  # posted | bike | foot
    post: dict | None = None
    behaviour: str = "steady"  # steady | wander | respond | break | flaky | late | roam
    rng: random.Random = field(default_factory=random.Random)

    lat: float = 0.0
    lon: float = 0.0
    heading: float = 0.0
    speed: float = 0.0
    battery: float = 100.0
    drain: float = 0.003  # percent per second
    base_accuracy: float = 8.0

    checked_in: bool = False
    status_wanted: str | None = None  # a status to send before the next fix
    phase: str = "on"
    phase_until: float = 0.0
    anchor: tuple[float, float] | None = None
    target: tuple[float, float] | None = None
    walk_speed: float = 1.0
    path_d: float = 0.0
    direction: int = 1
    lateral: float = 0.0
    paused_until: float = 0.0

    errand: tuple[float, float] | None = None  # an incident to go to, or the way back from one
    errand_speed: float = 2.5
    going_home: bool = False

    next_due: float = 0.0
    last_step: float = 0.0
    dropped: bool = False
    warned: set = field(default_factory=set)

    @property
    def sending(self) -> bool:
        return self.phase != "silent"


EXCURSIONS = {
    # behaviour: (status while away, metres beyond the post's edge, walking speed m/s)
    "wander": (None, (80.0, 160.0), 1.4),
    "respond": ("responding", (200.0, 400.0), 2.5),
    "break": ("on_break", (90.0, 150.0), 1.2),
}


def _start_thread(fn, *args) -> threading.Thread:
    thread = threading.Thread(target=fn, args=args, daemon=True)
    thread.start()
    return thread


class Simulator:
    """Drives every officer of the given events; run() loops until stop()."""

    def __init__(
        self,
        base_url: str,
        events: list[dict],
        *,
        sleep: Callable[[float], object] = time.sleep,
        spawn: Callable[..., object] | None = None,
        clock: Callable[[], float] = time.monotonic,
        off_post_after: float = 60.0,
        stale_after: float | None = None,
        seed: int | None = None,
        command_login: dict | None = None,
        lost_child_after: float | None = None,
    ):
        self.api = Api(base_url)
        self.events = events
        self.sleep = sleep
        # Fixes go out side by side, like phones: each answer waits for the server's next tick.
        self.spawn = spawn or _start_thread
        self._sending: list = []  # (task, outcome list) of this step's fixes
        self.held = 0  # fixes the server answered 503 `busy` to
        self.clock = clock
        self.off_post_after = off_post_after
        self.stale_after = stale_after
        self.rng = random.Random(seed)
        marathon = next((int(e["id"]) for e in events if e.get("key") == "marathon"), None)
        self.incidents = IncidentPlayer(
            self.api,
            Api(base_url, session=True),
            command_login,
            self.rng,
            self._home,
            first_event=marathon,
        )
        self.lost_child = LostChildPlayer(self.api, self.incidents, marathon, lost_child_after)
        school = next((e for e in events if e.get("key") == "school"), None)
        self.drill_leads = DrillLeadsPlayer(self.api, self.incidents, school, self.rng)
        self.officers: list[SimOfficer] = []
        self.paths: dict[int, CoursePath | None] = {}
        self.sent = 0
        self._stopped = False
        self._backoff = 0.0
        self._resume_at = 0.0
        self._down_since: float | None = None
        self._summary_at = 0.0
        self._sent_at_summary = self._held_at_summary = 0

    # - lifecycle -

    def stop(self) -> None:
        self._stopped = True

    def run(self) -> None:
        """Wait for the server, load the events over the API, then send fixes forever."""
        try:
            if not self._wait_for_server():
                return
            self._load_all()
            if not self.officers:
                log.warning("simulator: no officers to simulate")
                return
            log.info(
                "simulator: %d officers at %d events sending a fix every %g-%g s to %s",
                len(self.officers),
                len({o.event_id for o in self.officers}),
                *SEND_EVERY,
                self.api.base_url,
            )
            self._summary_at = self.clock() + SUMMARY_EVERY
            failed_at = -math.inf
            while not self._stopped:
                try:
                    self.step()
                except Exception:  # a bug must not end the demo, nor flood the log
                    if self.clock() - failed_at > 60:
                        log.exception("simulator: a step failed; carrying on")
                    failed_at = self.clock()
                self.sleep(LOOP_SLEEP)
        except Exception:
            log.exception("simulator stopped")

    def _wait_for_server(self) -> bool:
        """Poll /healthz until the server answers (it starts listening after we start)."""
        delay = 0.1
        while not self._stopped:
            try:
                status, _ = self.api.call("GET", "/healthz")
                if status == 200:
                    if self._down_since is not None:
                        log.info("simulator: server is up")
                        self._down_since = None
                    return True
            except ServerUnavailable as exc:
                if self._down_since is None and delay >= 3.2:
                    log.warning("simulator: waiting for %s (%s)", self.api.base_url, exc)
                    self._down_since = self.clock()
            self.sleep(delay)
            delay = min(delay * 2, 5.0)
        return False

    def _load_all(self) -> None:
        for spec in self.events:
            while not self._stopped:
                try:
                    self._load_event(spec)
                    break
                except ServerUnavailable as exc:
                    self._outage(exc)
                    self.sleep(self._backoff)

    def _load_event(self, spec: dict) -> None:
        """Read the event (posts, course) and the stale delay over the API, with a token."""
        event_id = int(spec["id"])
        entries = [o for o in spec.get("officers", []) if o.get("token")]
        if not entries:
            return
        status, event = self.api.call("GET", f"/api/v1/events/{event_id}", entries[0]["token"])
        if status != 200 or event is None:
            log.error(
                "simulator: cannot read event %s (HTTP %s: %s); are the tokens for this server?",
                event_id,
                status,
                error_message(event),
            )
            return
        if self.stale_after is None:
            status, snap = self.api.call(
                "GET", f"/api/v1/events/{event_id}/snapshot", entries[0]["token"]
            )
            if status == 200 and snap and snap.get("stale_after"):
                self.stale_after = float(snap["stale_after"])
        posts = {p["id"]: p for p in event.get("posts", [])}
        course = event.get("course") or {}
        path = None
        if course.get("lines"):
            try:
                path = CoursePath(course["lines"])
            except ValueError:
                path = None
        self.paths[event_id] = path
        officers = [self._make_officer(event_id, entry, posts, path) for entry in entries]
        officers = [o for o in officers if o is not None]
        self._cast(event_id, [o for o in officers if o.kind == "posted"])
        now = self.clock()
        for officer in officers:
            officer.next_due = now + self.rng.uniform(0.0, 2.5)
            officer.last_step = now
            self._begin(officer, now, first=True)
        self.officers.extend(officers)

    def _make_officer(
        self, event_id: int, entry: dict, posts: dict, path: CoursePath | None
    ) -> SimOfficer | None:
        rng = random.Random(f"{event_id}:{entry['officer_id']}:{self.rng.random()}")
        officer = SimOfficer(
            event_id=event_id,
            officer_id=int(entry["officer_id"]),
            name=entry.get("name", ""),
            token=entry["token"],
            kind=entry.get("kind", "posted"),
            post=posts.get(entry.get("post_id")),
            rng=rng,
            battery=rng.uniform(55.0, 100.0),
            drain=rng.uniform(0.0015, 0.004),  # 5 to 15 % an hour
            base_accuracy=rng.uniform(5.0, 12.0),
        )
        if officer.kind == "posted" and officer.post is None:
            officer.kind = "foot"  # no post to stand at: patrol the course instead
        if officer.kind != "posted":
            if path is None:
                log.warning("simulator: %s has no post and the event no course", officer.name)
                return None
            officer.behaviour = "roam"
            officer.path_d = rng.uniform(0.0, path.length)
            officer.direction = rng.choice((1, -1))
            officer.lateral = rng.choice((1, -1)) * rng.uniform(3.0, 8.0)
            officer.walk_speed = rng.uniform(3.5, 5.5) if officer.kind == "bike" else 1.4
            officer.lat, officer.lon, officer.heading = path.at(officer.path_d)
            return officer
        officer.anchor = point_in_post(rng, officer.post)
        officer.lat, officer.lon = officer.anchor
        officer.heading = rng.uniform(0, 360)
        return officer

    def _cast(self, event_id: int, posted: list[SimOfficer]) -> None:
        """Who misbehaves: a few wander off, ~5% go silent, one responds, one takes a break."""
        if not posted:
            return
        order = list(posted)
        random.Random(event_id).shuffle(order)
        n = len(order)
        roles: list[str] = []
        if n >= 20:
            roles += ["late", "respond", "break"]
            roles += ["flaky"] * max(1, round(n * 0.05))
        roles += ["wander"] * max(1, round(n * 0.05))
        for officer, role in zip(order, roles, strict=False):
            officer.behaviour = role

    # - behaviour -

    def _begin(self, o: SimOfficer, now: float, first: bool = False) -> None:
        """Start the officer's next phase."""
        rng = o.rng
        stale = self.stale_after or 120.0
        if o.behaviour in EXCURSIONS:
            o.phase, o.target = "on", None
            o.phase_until = now + (rng.uniform(5, 40) if first else rng.uniform(120, 300))
            if first and EXCURSIONS[o.behaviour][0]:
                o.status_wanted = "on_post"  # whatever a previous run left behind
        elif o.behaviour == "flaky":
            o.phase = "sending"
            o.phase_until = now + (rng.uniform(30, 120) if first else rng.uniform(180, 420))
        elif o.behaviour == "late":  # checked in, no fix yet: stale from the first tick
            o.phase = "silent"
            o.phase_until = now + stale + rng.uniform(30, 90)
            o.behaviour = "flaky"
        else:
            o.phase = "on"

    def _advance(self, o: SimOfficer, now: float, dt: float) -> None:
        """Move the officer's true position by dt seconds of its behaviour."""
        start = (o.lat, o.lon)
        if o.errand is not None:
            self._run_errand(o, dt)
        elif o.behaviour == "roam":
            self._roam(o, now, dt)
        else:
            self._phase_change(o, now)
            if o.phase in ("leaving", "returning"):
                self._walk_to(o, o.target, o.walk_speed, dt)
                if distance_m(o.lat, o.lon, *o.target) < 3.0:
                    if o.phase == "leaving":
                        o.phase = "away"
                        # stay out well past the off-post delay
                        o.phase_until = now + self.off_post_after + o.rng.uniform(30, 90)
                    else:
                        self._begin(o, now)
                        if EXCURSIONS[o.behaviour][0]:
                            o.status_wanted = "on_post"
            elif o.phase == "away":
                self._shuffle(o, o.target, 10.0, 0.8, dt)
            else:
                self._shuffle(o, o.anchor, 0.2 * post_reach(o.post), 1.0, dt)
        moved = distance_m(start[0], start[1], o.lat, o.lon)
        if o.behaviour != "roam" or o.errand is not None:
            o.speed = moved / dt if dt > 0 else 0.0
            if moved > 0.5:
                o.heading = bearing(start[0], start[1], o.lat, o.lon)
        o.battery = max(5.0, o.battery - o.drain * dt)

    def _run_errand(self, o: SimOfficer, dt: float) -> None:
        self._walk_to(o, o.errand, o.errand_speed, dt)
        if o.going_home and distance_m(o.lat, o.lon, *o.errand) < 3.0:
            o.errand, o.going_home = None, False

    def _home(self, o: SimOfficer) -> tuple[float, float]:
        """Where an officer goes back to after an incident: the post, or the patrol's path."""
        if o.behaviour == "roam":
            lat, lon, course_bearing = self.paths[o.event_id].at(o.path_d)
            return destination(lat, lon, (course_bearing + 90) % 360, o.lateral)
        return o.anchor

    def _phase_change(self, o: SimOfficer, now: float) -> None:
        if now < o.phase_until:
            return
        if o.behaviour == "flaky":
            stale = self.stale_after or 120.0
            if o.phase == "sending":
                o.phase, o.phase_until = "silent", now + stale + o.rng.uniform(60, 240)
            else:
                o.phase, o.phase_until = "sending", now + o.rng.uniform(180, 420)
        elif o.behaviour in EXCURSIONS:
            status, beyond, speed = EXCURSIONS[o.behaviour]
            if o.phase == "on":
                o.phase, o.walk_speed = "leaving", speed
                o.target = destination(
                    o.post["lat"],
                    o.post["lon"],
                    o.rng.uniform(0, 360),
                    post_reach(o.post) + o.rng.uniform(*beyond),
                )
                o.phase_until = float("inf")
                if status:
                    o.status_wanted = status
            elif o.phase == "away":
                o.phase, o.target, o.phase_until = "returning", o.anchor, float("inf")

    def _walk_to(self, o: SimOfficer, target, speed: float, dt: float) -> None:
        dist = distance_m(o.lat, o.lon, *target)
        step = min(dist, speed * dt)
        if step <= 0:
            return
        o.lat, o.lon = destination(o.lat, o.lon, bearing(o.lat, o.lon, *target), step)

    def _shuffle(self, o: SimOfficer, centre, spread: float, speed: float, dt: float) -> None:
        """Stand about near `centre`: now and then take a few steps to a nearby spot."""
        if o.rng.random() < 0.35:
            if o.post is not None and centre == o.anchor and o.post.get("polygon"):
                target = point_in_post(o.rng, o.post)
            else:
                target = destination(
                    centre[0], centre[1], o.rng.uniform(0, 360), o.rng.uniform(0, spread)
                )
            self._walk_to(o, target, speed * o.rng.uniform(0.4, 1.0), min(dt, 4.0))

    def _roam(self, o: SimOfficer, now: float, dt: float) -> None:
        path = self.paths[o.event_id]
        if now < o.paused_until:
            o.speed = 0.0
            return
        if o.rng.random() < 0.03:  # a stop: talking to a runner, a crossing
            o.paused_until = now + o.rng.uniform(15, 60)
        speed = o.walk_speed * o.rng.uniform(0.85, 1.15)
        o.path_d += o.direction * speed * dt
        if o.path_d >= path.length or o.path_d <= 0:
            o.direction = -o.direction
            o.path_d = min(max(o.path_d, 0.0), path.length)
        lat, lon, course_bearing = path.at(o.path_d)
        o.lat, o.lon = destination(lat, lon, (course_bearing + 90) % 360, o.lateral)
        o.heading = course_bearing if o.direction > 0 else (course_bearing + 180) % 360
        o.speed = speed

    def fix_for(self, o: SimOfficer) -> dict:
        """The fix a phone would report: the true position plus GPS noise of its accuracy."""
        rng = o.rng
        accuracy = o.base_accuracy + abs(rng.gauss(0, 2.5))
        if rng.random() < 0.05:
            accuracy = rng.uniform(18.0, 25.0)  # under trees, between tall buildings
        accuracy = min(max(accuracy, 5.0), 25.0)
        noise = min(abs(rng.gauss(0, accuracy * 0.3)), accuracy * 0.8)
        lat, lon = destination(o.lat, o.lon, rng.uniform(0, 360), noise)
        return {
            "lat": round(lat, 6),
            "lon": round(lon, 6),
            "accuracy": round(accuracy, 1),
            "heading": round(o.heading % 360.0, 1),
            "speed": round(max(0.0, o.speed), 2),
            "battery": round(o.battery, 1),
            "recorded_at": iso_now(),
        }

    # - the loop -

    def step(self) -> None:
        """Everyone who is due: move, check in or set status if needed, send a fix."""
        now = self.clock()
        if now < self._resume_at:
            return
        for o in self.officers:
            if self._stopped:
                return
            if o.dropped or o.next_due > now:
                continue
            try:
                self._act(o, now)
            except ServerUnavailable as exc:
                self._outage(exc)
                return
            o.next_due = now + o.rng.uniform(*SEND_EVERY)
        if not self._fixes_answered():
            return
        try:
            self.incidents.step(self.officers, now)
            self.lost_child.step(self.officers, now)
            self.drill_leads.step(now)
        except ServerUnavailable as exc:
            self._outage(exc)
            return
        self._recovered()
        if now >= self._summary_at > 0:
            log.info(
                "simulator: %d fixes in the last %d min, %d held back by a busy server; "
                "%d officers silent",
                self.sent - self._sent_at_summary,
                SUMMARY_EVERY // 60,
                self.held - self._held_at_summary,
                sum(1 for o in self.officers if not o.sending),
            )
            self._summary_at = now + SUMMARY_EVERY
            self._sent_at_summary, self._held_at_summary = self.sent, self.held

    def _act(self, o: SimOfficer, now: float) -> None:
        dt = max(0.0, now - o.last_step)
        o.last_step = now
        self._advance(o, now, dt)
        base = f"/api/v1/events/{o.event_id}"
        if o.kind == "posted" and not o.checked_in:
            status, body = self.api.call(
                "POST", f"{base}/shift/check-in", o.token, {"lat": o.lat, "lon": o.lon}
            )
            # 409: still checked in from an earlier run; any other refusal: not retried
            o.checked_in = True
            if status not in (201, 409) and not self._rejected(o, status, body, "check-in"):
                return
        if o.status_wanted:
            body_out = {"status": o.status_wanted}
            status, body = self.api.call("POST", f"{base}/status", o.token, body_out)
            o.status_wanted = None
            if status != 200 and not self._rejected(o, status, body, "status"):
                return
        if not o.sending:
            return
        outcome: list = []
        task = self.spawn(self._send_fix, o, f"{base}/positions", self.fix_for(o), outcome)
        self._sending.append((task, outcome))

    def _send_fix(self, o: SimOfficer, url: str, fix: dict, outcome: list) -> None:
        try:
            status, body = self.api.call("POST", url, o.token, fix)
        except ServerUnavailable as exc:
            outcome.append(exc)
            return
        if status == 202:
            self.sent += 1
        elif is_busy(status, body):
            # The server is up but behind: this phone holds its fixes a while, as a real one
            # keeps them in its outbox. Not an outage: reports and alarms go on being sent.
            o.next_due = max(o.next_due, self.clock() + BUSY_WAIT)
            self.held += 1
        else:
            self._rejected(o, status, body, "fix")

    def _fixes_answered(self) -> bool:
        """Wait for this step's fixes; False (and the back-off) if the server was unavailable."""
        sending, self._sending = self._sending, []
        failures = []
        for task, outcome in sending:
            task.join()
            failures.extend(outcome)
        if failures:
            self._outage(failures[0])
            return False
        return True

    def _rejected(self, o: SimOfficer, status: int, body: dict | None, what: str) -> bool:
        """A 4xx: drop the officer if its token is refused; warn once per kind. True if kept."""
        if status == 401 or (status == 403 and what == "fix"):
            o.dropped = True
            log.warning(
                "simulator: %s (officer %s) refused with HTTP %s: %s; no longer simulated",
                o.name,
                o.officer_id,
                status,
                error_message(body),
            )
            return False
        key = (what, status)
        if key not in o.warned:
            o.warned.add(key)
            log.warning(
                "simulator: %s for %s refused with HTTP %s: %s",
                what,
                o.name,
                status,
                error_message(body),
            )
        return True

    def _outage(self, exc: Exception) -> None:
        now = self.clock()
        self._backoff = min(MAX_BACKOFF, max(1.0, self._backoff * 2))
        self._resume_at = now + self._backoff
        if self._down_since is None:
            self._down_since = now
            log.warning(
                "simulator: server not answering (%s); retrying with back-off up to %d s",
                exc,
                MAX_BACKOFF,
            )

    def _recovered(self) -> None:
        if self._down_since is None:
            return
        log.info("simulator: server is back after %.0f s", self.clock() - self._down_since)
        self._down_since, self._backoff = None, 0.0
        now = self.clock()
        for o in self.officers:  # spread the catch-up instead of one burst
            o.next_due = max(o.next_due, now + o.rng.uniform(0.0, SEND_EVERY[1]))
            o.last_step = min(o.last_step, now)


# --- the token file ------------------------------------------------------------------------


def load_tokens(path: str | Path) -> dict:
    """The file `fieldops demo` writes: logins, events and each simulated officer's token."""
    return json.loads(Path(path).read_text())


def events_from_tokens(data: dict, event_ids: list[int] | None = None) -> list[dict]:
    events = list(data.get("events", {}).values())
    if event_ids:
        wanted = {int(e) for e in event_ids}
        events = [e for e in events if int(e["id"]) in wanted]
    return events


def local_url(host: str, port: int) -> str:
    """Where this machine reaches a server bound to host:port."""
    if host in ("", "0.0.0.0", "localhost", "127.0.0.1"):  # noqa: S104 - matching, not binding
        host = "127.0.0.1"
    elif host == "::":
        host = "[::1]"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"
