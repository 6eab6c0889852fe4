"""The demo school's area leads: when a drill starts at the school (from the dashboard), each
teacher reports their areas over the following minute, as a phone in a classroom would."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

log = logging.getLogger(__name__)

POLL_EVERY = 3.0  # seconds between looks at the school's drills
REPORT_WITHIN = (10.0, 55.0)  # each area is reported this long after the drill is seen


@dataclass
class Due:
    drill_id: int
    area_id: int
    token: str
    evacuate: bool
    at: float


class DrillLeadsPlayer:
    """Driven by the simulator's loop; reads the drills through the command session."""

    def __init__(self, api, incidents, school: dict | None, rng):
        self.api = api  # the leads' calls, with their tokens
        self.incidents = incidents  # the command session
        self.school_id = int(school["id"]) if school else None
        self.leads = (school or {}).get("leads") or []
        self.rng = rng
        self.next_poll = 0.0
        self.seen: set[int] = set()
        self.due: list[Due] = []

    def step(self, now: float) -> None:
        if self.school_id is None or not self.leads:
            return
        if now >= self.next_poll:
            self.next_poll = now + POLL_EVERY
            self._look(now)
        for item in [d for d in self.due if d.at <= now]:
            self.due.remove(item)
            self._report(item)

    def _look(self, now: float) -> None:
        status, answer = self.incidents.command("GET", f"/api/v1/events/{self.school_id}/drills")
        if status != 200 or not answer:
            return
        for drill in answer.get("drills", []):
            if not drill.get("open") or drill["id"] in self.seen:
                continue
            self.seen.add(drill["id"])
            in_drill = {area["id"] for area in drill["areas"]}
            for lead in self.leads:
                for area_id in lead["area_ids"]:
                    if area_id in in_drill:
                        self.due.append(
                            Due(
                                drill["id"],
                                area_id,
                                lead["token"],
                                drill["action"] == "evacuate",
                                now + self.rng.uniform(*REPORT_WITHIN),
                            )
                        )

    def _report(self, item: Due) -> None:
        problems = ["door_would_not_lock"] if self.rng.random() < 0.25 else []
        body = {
            "client_id": f"demo-lead-{uuid.uuid4()}",
            "area_id": item.area_id,
            "state": "evacuated" if item.evacuate else "secured",
            "accounted": self.rng.randint(18, 28),
            "missing": 0,
            "extra": self.rng.choice([0, 0, 0, 1]),
            "injured": 0,
            "problems": problems,
        }
        status, _answer = self.api.call(
            "POST", f"/api/v1/drills/{item.drill_id}/reports", item.token, body
        )
        if status not in (200, 201):
            log.warning("demo: area lead's report refused (HTTP %s)", status)
