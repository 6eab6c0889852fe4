"""The demo's incidents: now and then an officer reports one, and officers sent to one respond.

Reports go through the phone's API with the reporter's device token. Officers find out that
they were dispatched the way the demo can afford without a socket per officer: the player
signs in as the demo's command user and reads the event's active incidents every few seconds.
Everything the officer then does (acknowledge, en route, on scene, resolve) is sent with the
officer's own token, as their phone would.
"""

from __future__ import annotations

import logging
import random
import uuid
from dataclasses import dataclass

from fieldops.demo.phone_api import iso_now
from fieldops.tracking.geometry import destination, distance_m

log = logging.getLogger(__name__)

FIRST_REPORT_AFTER = (5.0, 15.0)  # seconds: something to look at from the start
REPORT_EVERY = (90.0, 180.0)
TRY_AGAIN_AFTER = 3.0  # no one could report yet (still signing in, a slow start): soon again
POLL_EVERY = 3.0
MAX_OPEN = 6  # no new reports while the command post already has this many to deal with
ACKNOWLEDGE_AFTER = (3.0, 10.0)
ON_SCENE_WITHIN_M = 15.0
RESOLVE_AFTER = (45.0, 120.0)
RESPOND_SPEED = {"bike": 5.0, "foot": 2.5, "posted": 2.5}  # metres per second

# type: (weight, notes, dispositions when resolved)
SCRIPT = {
    "medical": (
        6,
        [
            "Runner down at the curb, conscious, cramping",
            "Spectator fainted in the heat",
            "Runner with chest pain, sitting on the kerb",
        ],
        ["treated_on_site", "transported_by_ems"],
    ),
    "crowd": (2, ["Crowd pushing past the barrier"], ["other"]),
    "traffic": (2, ["Car trying to cross the closed course"], ["referred", "other"]),
    "hazard": (2, ["Spilled cups and water, slippery road"], ["other"]),
    "suspicious": (1, ["Unattended backpack by the barrier"], ["unfounded"]),
    "lost_person": (1, ["Child separated from a parent, about 7, red jacket"], ["reunited"]),
}
ACTIVE = "dispatched,en_route,on_scene"


@dataclass
class Response:
    """One simulated officer working one incident they were sent to."""

    officer: object  # SimOfficer
    incident_id: int
    lat: float
    lon: float
    type: str
    stage: str = "dispatched"  # dispatched → acknowledged → en_route → on_scene → done
    due: float = 0.0


class IncidentPlayer:
    """Driven by the simulator's loop; `home(officer)` is where an officer goes back to."""

    def __init__(
        self,
        api,
        command_api,
        command_login: dict | None,
        rng: random.Random,
        home,
        first_event: int | None = None,
    ):
        self.first_event = first_event  # the first report comes from there (the one on screen)
        self.api = api
        self.command_api = command_api
        self.login = command_login
        self.rng = rng
        self.home = home
        self.signed_in = False
        self.next_report: float | None = None
        self.next_poll = 0.0
        self.open_count: dict[int, int] = {}  # by event: active at the last poll, + reported since
        self.reported = False  # by any officer: the first report has been taken
        self.responses: dict[tuple[int, int], Response] = {}

    def step(self, officers: list, now: float) -> None:
        if self.next_report is None:
            self.next_report = now + self.rng.uniform(*FIRST_REPORT_AFTER)
        if now >= self.next_report:
            reported = self._report(officers)
            wait = self.rng.uniform(*REPORT_EVERY) if reported else TRY_AGAIN_AFTER
            self.next_report = now + wait
        if self.login and now >= self.next_poll:
            self.next_poll = now + POLL_EVERY
            self._poll(officers, now)
        for response in list(self.responses.values()):
            self._progress(response, now)

    # - reporting -

    def _report(self, officers: list) -> bool:
        """An incident from one of the posted officers sending now; False if none could."""
        busy = {r.officer.officer_id for r in self.responses.values()}
        candidates = [
            o
            for o in officers
            if o.sending and not o.dropped and o.kind == "posted" and o.officer_id not in busy
        ]
        if self.first_event is not None and not self.reported:
            # The first one is for the event on screen, whichever event's phones send first.
            candidates = [o for o in candidates if o.event_id == self.first_event]
        if not candidates:
            return False
        reporter = self.rng.choice(candidates)
        if self.open_count.get(reporter.event_id, 0) >= MAX_OPEN:
            return False
        kind = self.rng.choices(list(SCRIPT), weights=[row[0] for row in SCRIPT.values()])[0]
        lat, lon = destination(reporter.lat, reporter.lon, self.rng.uniform(0, 360), 20.0)
        body = {
            "client_id": str(uuid.uuid4()),
            "type": kind,
            "lat": round(lat, 6),
            "lon": round(lon, 6),
            "note": self.rng.choice(SCRIPT[kind][1]),
            "reported_at": iso_now(),
        }
        path = f"/api/v1/events/{reporter.event_id}/incidents"
        status, answer = self.api.call("POST", path, reporter.token, body)
        if status in (200, 201):
            self.open_count[reporter.event_id] = self.open_count.get(reporter.event_id, 0) + 1
            self.reported = True
            log.info("demo: %s reported %s #%s", reporter.name, kind, answer["id"])
        else:
            log.warning("demo: incident report refused with HTTP %s: %s", status, answer)
        return True  # tried: a refused report is not tried again at once

    # - responding -

    def command(self, method: str, path: str, body: dict | None = None):
        """(status, answer) of a call as the command user; (None, None) without a login."""
        if not self.login or not self._sign_in():
            return None, None
        return self.command_api.call(method, path, None, body)

    def _sign_in(self) -> bool:
        if not self.signed_in:
            status, _ = self.command_api.call("POST", "/api/v1/auth/login", None, self.login)
            self.signed_in = status == 200
            if not self.signed_in:
                log.warning("demo: command login refused (HTTP %s); no dispatch responses", status)
                self.login = None
        return self.signed_in

    def _poll(self, officers: list, now: float) -> None:
        """Who of ours has been sent somewhere new; who no longer has to go."""
        if not self._sign_in():
            return
        ours = {(o.event_id, o.officer_id): o for o in officers}
        assigned: set[tuple[int, int]] = set()
        for event_id in {o.event_id for o in officers}:
            path = f"/api/v1/events/{event_id}/incidents?status={ACTIVE}"
            status, answer = self.command_api.call("GET", path, None)
            if status == 401:
                self.signed_in = False
                return
            if status != 200:
                return
            self.open_count[event_id] = len(answer["incidents"])
            for incident in answer["incidents"]:
                for a in incident["assignments"]:
                    key = (incident["id"], a["officer_id"])
                    assigned.add(key)
                    officer = ours.get((event_id, a["officer_id"]))
                    if officer is None or key in self.responses or a["status"] != "dispatched":
                        continue
                    self.responses[key] = Response(
                        officer,
                        incident["id"],
                        incident["lat"],
                        incident["lon"],
                        incident["type"],
                        due=now + self.rng.uniform(*ACKNOWLEDGE_AFTER),
                    )
        for key in set(self.responses) - assigned:  # resolved or cancelled by someone else
            self._done(self.responses[key])

    def _progress(self, r: Response, now: float) -> None:
        o = r.officer
        if now < r.due:
            return
        if r.stage == "dispatched":
            self._respond(r, "acknowledged")
            r.due = now + self.rng.uniform(1.0, 3.0)
        elif r.stage == "acknowledged":
            self._respond(r, "en_route")
            if r.stage == "en_route":  # not refused: walk there
                o.errand = (r.lat, r.lon)
                o.errand_speed = RESPOND_SPEED.get(o.kind, 2.5)
        elif r.stage == "en_route" and distance_m(o.lat, o.lon, r.lat, r.lon) <= ON_SCENE_WITHIN_M:
            self._respond(r, "on_scene")
            r.due = now + self.rng.uniform(*RESOLVE_AFTER)
        elif r.stage == "on_scene":
            disposition = self.rng.choice(SCRIPT.get(r.type, (0, [], ["other"]))[2])
            body = {"to": "resolved", "disposition": disposition}
            body |= {"lat": round(o.lat, 6), "lon": round(o.lon, 6)}
            path = f"/api/v1/incidents/{r.incident_id}/transitions"
            status, _ = self.api.call("POST", path, o.token, body)
            if status != 200:
                log.info("demo: %s could not resolve #%s (HTTP %s)", o.name, r.incident_id, status)
            self._done(r)

    def _respond(self, r: Response, status: str) -> None:
        o = r.officer
        body = {"status": status, "lat": round(o.lat, 6), "lon": round(o.lon, 6)}
        path = f"/api/v1/incidents/{r.incident_id}/respond"
        code, _ = self.api.call("POST", path, o.token, body)
        if code == 200:
            r.stage = status
            return
        # 409: the incident moved on without this officer (cancelled, resolved): let it go
        log.info("demo: %s %s on #%s refused (HTTP %s)", o.name, status, r.incident_id, code)
        self._done(r)

    def _done(self, r: Response) -> None:
        self.responses.pop((r.incident_id, r.officer.officer_id), None)
        if r.officer.errand is not None:
            r.officer.errand = self.home(r.officer)
            r.officer.going_home = True
