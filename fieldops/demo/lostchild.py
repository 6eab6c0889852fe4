"""The demo's lost child: the whole Code Adam loop, played once over the HTTP API.

`after` seconds into the demo the command user reports a lost child last seen by a water
station on the marathon course (every officer's phone gets the alert, the map its widening
ring); a little later the officer posted there marks the area searched; a few minutes on the
nearest other officer finds her, and the command user records the reunion with her mother at
the meeting point, with the identity check. A record left searching by an earlier run of the
demo is cancelled first, so there is one child to look for.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from fieldops.demo.phone_api import iso_now
from fieldops.tracking.geometry import destination, distance_m

log = logging.getLogger(__name__)

CLIENT_PREFIX = "demo-lost-child-"
SEARCHED_AFTER = 40.0  # seconds after the report
FOUND_AFTER = 180.0
REUNITED_AFTER = 60.0  # seconds after found

CHILD = {
    "kind": "child",
    "first_name": "Mia",
    "full_name": "Mia Hernandez",
    "age": 6,
    "sex": "girl",
    "height": "about 3 ft 8 in",
    "build": "slim",
    "hair": "dark brown, in two braids",
    "eyes": "brown",
    "clothing_top": "yellow raincoat",
    "clothing_bottom": "blue leggings",
    "shoes": "pink sneakers with lights",
    "carried": "a stuffed grey rabbit",
    "guardian_name": "Carmen Hernandez (mother)",
    "guardian_contact": "(555) 010-3382",
}
REUNION = {
    "with_whom": "Carmen Hernandez (mother)",
    "identity_verified_how": (
        "NY driver's licence checked against the report; Mia ran to her and named her as Mum"
    ),
}


@dataclass
class Search:
    person_id: int
    lat: float
    lon: float
    searcher: object  # SimOfficer
    stage: str = "searching"  # searching → searched → found → done
    due: float = 0.0


class LostChildPlayer:
    """Driven by the simulator's loop, through the incident player's command session."""

    def __init__(self, api, incidents, event_id: int | None, after: float | None):
        self.api = api  # officers' calls, with their tokens
        self.incidents = incidents  # its command session and sign-in
        self.event_id = event_id
        self.after = after if after is not None and after >= 0 else None
        self.start: float | None = None
        self.search: Search | None = None
        self.finished = event_id is None or self.after is None

    def step(self, officers: list, now: float) -> None:
        if self.finished:
            return
        if self.start is None:
            self.start = now
        if self.search is None:
            if now - self.start >= self.after:
                self._report(officers, now)
            return
        s = self.search
        if now < s.due:
            return
        if s.stage == "searching":
            self._searched(s)
            s.stage, s.due = "searched", now + FOUND_AFTER - SEARCHED_AFTER
        elif s.stage == "searched":
            self._found(s, officers)
            s.stage, s.due = "found", now + REUNITED_AFTER
        elif s.stage == "found":
            self._reunited(s)
            self.finished = True

    def _command(self, method: str, path: str, body: dict | None = None):
        return self.incidents.command(method, path, body)

    def _report(self, officers: list, now: float) -> None:
        ours = [
            o
            for o in officers
            if o.event_id == self.event_id and o.kind == "posted" and o.post and o.sending
        ]
        searcher = _by_the_water(ours)
        if searcher is None:
            self.finished = True
            return
        self._cancel_leftovers()
        post = searcher.post
        lat, lon = destination(post["lat"], post["lon"], 120.0, 25.0)
        meeting = next(
            (o.post["name"] for o in ours if o.post.get("kind") == "command_post"),
            "the command post",
        )
        body = dict(
            CHILD,
            client_id=f"{CLIENT_PREFIX}{uuid.uuid4()}",
            last_seen_lat=round(lat, 6),
            last_seen_lon=round(lon, 6),
            last_seen_place=f"by {post['name']}, on the spectators' side",
            meeting_point=meeting,
            reported_at=iso_now(),
        )
        status, answer = self._command("POST", f"/api/v1/events/{self.event_id}/lost-persons", body)
        if status != 201 or not answer:
            log.warning("demo: lost child not reported (HTTP %s)", status)
            self.finished = True
            return
        log.info("demo: lost child %s reported, last seen %s", answer["id"], post["name"])
        self.search = Search(answer["id"], lat, lon, searcher, due=now + SEARCHED_AFTER)

    def _cancel_leftovers(self) -> None:
        status, answer = self._command("GET", f"/api/v1/events/{self.event_id}/lost-persons")
        if status != 200 or not answer:
            return
        for person in answer.get("lost_persons", []):
            mine = str(person.get("client_id", "")).startswith(CLIENT_PREFIX)
            if mine and person.get("status") == "searching":
                body = {"reason": "demo restarted"}
                self._command("POST", f"/api/v1/lost-persons/{person['id']}/cancel", body)

    def _searched(self, s: Search) -> None:
        o = s.searcher
        body = {"lat": round(o.lat, 6), "lon": round(o.lon, 6), "radius_m": 75.0}
        body["client_id"] = f"{CLIENT_PREFIX}searched-{s.person_id}"
        path = f"/api/v1/lost-persons/{s.person_id}/searched"
        status, _ = self.api.call("POST", path, o.token, body)
        log.info("demo: %s searched by the water station (HTTP %s)", o.name, status)

    def _found(self, s: Search, officers: list) -> None:
        others = [
            o
            for o in officers
            if o.event_id == self.event_id and o.sending and not o.dropped and o is not s.searcher
        ]
        finder = min(
            others, key=lambda o: distance_m(o.lat, o.lon, s.lat, s.lon), default=s.searcher
        )
        body = {"lat": round(finder.lat, 6), "lon": round(finder.lon, 6)}
        path = f"/api/v1/lost-persons/{s.person_id}/found"
        status, _ = self.api.call("POST", path, finder.token, body)
        log.info("demo: lost child found by %s (HTTP %s)", finder.name, status)

    def _reunited(self, s: Search) -> None:
        status, _ = self._command("POST", f"/api/v1/lost-persons/{s.person_id}/reunited", REUNION)
        log.info("demo: lost child reunited (HTTP %s)", status)


def _by_the_water(posted: list):
    """A steady officer at a water station near the finish (the last one on the course)."""
    steady = [o for o in posted if o.behaviour == "steady"] or posted
    water = [o for o in steady if o.post.get("kind") == "water_station"] or steady
    return max(water, key=lambda o: _mile(o.post["name"]), default=None)


def _mile(name: str) -> float:
    word = name.split(" – ")[0].removeprefix("Mile ")
    try:
        return float(word)
    except ValueError:
        return 0.0
