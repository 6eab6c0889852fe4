"""Lost children during a load run of bench/live.py (issue 9: Code Adam).

While the officers stream fixes (and report incidents, press help...), a command user reports
a lost child a few times over REST (session cookie + CSRF), as the desk does. Timed with this
process's monotonic clock, from the send to the first arrival of its `lost_person` envelope:
- report -> `lost_person` at every officer's socket at the event (matched by the report's
  first name, unique per report): the target is every officer within 1 s;
- report -> `lost_person` at every dashboard.
"""

from __future__ import annotations

import asyncio
import time
import uuid

from deliveries import Deliveries
from incident_load import POST, Command, now_iso

NAMESPACE = "/live"
TARGET_S = 1.0


def add_arguments(p) -> None:
    p.add_argument(
        "--lost-children",
        type=int,
        default=3,
        help="load mode: lost-child reports by command during the run (0: none)",
    )


class LostPersonLoad:
    def __init__(self, args, url: str, event_id: int, officers: list, dashboards: list, errors):
        self.args = args
        self.url = url
        self.event_id = event_id
        self.officers = officers  # joined bench Officer objects
        self.by_id = {o.officer_id: o for o in officers}
        self.dashboards = [d for d in dashboards if d.join_seq is not None]
        self.errors = errors
        self.examples: dict = {}
        self.command = Command(url)
        self.to_officers = Deliveries()  # by first name, to every officer
        self.to_command = Deliveries()  # by first name, to every dashboard
        self.report_ack_latency: list[float] = []

    async def prepare(self, username: str, password: str) -> None:
        await self.command.login(username, password)
        for dash in self.dashboards:
            dash.listeners.append(self._on_dashboard)
        for officer in self.officers:
            officer.client.on(
                "lost_person",
                lambda env, oid=officer.officer_id: self._on_officer(oid, env),
                namespace=NAMESPACE,
            )

    def _on_dashboard(self, dash_index: int, event: str, envelope: dict) -> None:
        if event == "lost_person":
            self.to_command.arrive((envelope.get("data") or {}).get("first_name"), dash_index)

    def _on_officer(self, officer_id: int, envelope: dict) -> None:
        self.to_officers.arrive((envelope.get("data") or {}).get("first_name"), officer_id)

    async def run(self, start: float, duration: float, fix_interval: float) -> None:
        """The reports spread over the run, after every officer's first fix is in."""
        count = self.args.lost_children
        if count <= 0:
            return
        begin = start + fix_interval + 1.0
        every = max(1.0, (start + duration - begin) / count)
        for n in range(count):
            delay = begin + n * every - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            await self._report(n)

    async def _report(self, n: int) -> None:
        name = f"Bench{n + 1}-{uuid.uuid4().hex[:6]}"
        body = {
            "client_id": str(uuid.uuid4()),
            "kind": "child",
            "first_name": name,
            "full_name": f"{name} Private-Surname",
            "age": 6,
            "height": "about 115 cm",
            "hair": "blonde",
            "clothing_top": "pink hoodie",
            "clothing_bottom": "blue jeans",
            "shoes": "white sneakers",
            "last_seen_lat": POST["lat"],
            "last_seen_lon": POST["lon"],
            "guardian_name": "Bench Guardian",
            "guardian_contact": "+1 555 0100",
            "meeting_point": "Family reunion tent",
            "reported_at": now_iso(),
        }
        self.to_officers.send(name, (o.officer_id for o in self.officers))
        self.to_command.send(name, (d.index for d in self.dashboards))
        sent = time.monotonic()
        try:
            status, answer = await self.command.call(
                "POST", f"/api/v1/events/{self.event_id}/lost-persons", **body
            )
        except Exception as exc:
            self.errors.add("lost_person_report", exc, self.examples)
            return
        if status != 201:
            self.errors.add("lost_person_refused", RuntimeError(str(answer)[:200]), self.examples)
            return
        self.report_ack_latency.append(time.monotonic() - sent)

    def _all_delivered(self) -> bool:
        return self.to_officers.complete() and self.to_command.complete()

    async def drain(self, limit_s: float) -> None:
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline and not self._all_delivered():
            await asyncio.sleep(0.2)

    async def close(self) -> None:
        await self.command.close()

    def figures(self, percentiles) -> dict:
        officer_gone = lambda oid: self.by_id[oid].disconnected  # noqa: E731
        dropped = {d.index for d in self.dashboards if d.disconnected}
        latencies = self.to_officers.latencies()
        missed = self.to_officers.missing(officer_gone)
        late = sum(1 for s in latencies if s > TARGET_S)
        return {
            "lost_children_reported": len(self.report_ack_latency),
            "lost_children_sent": len(self.to_officers.sent),
            "report_ack_latency_s": percentiles(self.report_ack_latency),
            "lost_person_to_officers_s": percentiles(latencies),
            "lost_person_officer_pairs": self.to_officers.expected_pairs(),
            "lost_person_officers_missed": missed[0],
            "lost_person_officers_gone": missed[1],
            "lost_person_officers_later_than_1s": late,
            "lost_person_every_officer_within_1s": bool(latencies) and missed[0] == 0 and late == 0,
            "lost_person_to_command_s": percentiles(self.to_command.latencies()),
            "lost_person_to_command_missing": self.to_command.missing(lambda i: i in dropped)[0],
            "error_examples": self.examples,
        }


def print_figures(r: dict, fmt_ms) -> None:
    verdict = "met" if r["lost_person_every_officer_within_1s"] else "MISSED"
    print(
        f"lost child -> officers {fmt_ms(r['lost_person_to_officers_s'])}  "
        f"({r['lost_children_reported']}/{r['lost_children_sent']} reports acked, "
        f"missed {r['lost_person_officers_missed']}/{r['lost_person_officer_pairs']}, "
        f"to disconnected officers {r['lost_person_officers_gone']}, later than 1 s "
        f"{r['lost_person_officers_later_than_1s']}; every officer within 1 s: {verdict})"
    )
    print(
        f"lost child -> command  {fmt_ms(r['lost_person_to_command_s'])}  "
        f"(missing pairs {r['lost_person_to_command_missing']}; report answered in "
        f"{fmt_ms(r['report_ack_latency_s'])})"
    )
