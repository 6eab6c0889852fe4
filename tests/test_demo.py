"""The demo: an idempotent seed on the NYC course, the simulator, and `fieldops demo` for real."""

from __future__ import annotations

import json
import os
import random
import re
import stat
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import requests

from fieldops.tls import lan_addresses
from tests.support.live_server import Recorder, StaffSession
from tests.support.server_process import ROOT, ServerProcess, free_port

TAVERN_ON_THE_GREEN = (40.7723, -73.9776)  # by the marathon's finish line in Central Park


def _seed(app):
    from fieldops.demo.seed import seed_demo

    with app.app_context():
        return seed_demo()


def _counts(app) -> dict:
    from sqlalchemy import func, select

    from fieldops.auth.models import DeviceToken, User
    from fieldops.events.models import Assignment, Course, Event, EventOfficer, Post
    from fieldops.extensions import db

    with app.app_context():
        return {
            model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (User, Event, Course, Post, Assignment, EventOfficer, DeviceToken)
        }


def test_seeding_twice_reuses_the_demo_data(app):
    first = _seed(app)
    counts = _counts(app)
    second = _seed(app)

    assert _counts(app) == counts
    assert counts["events"] == 2 and counts["courses"] == 1
    assert [(e.id, e.code) for e in second.events] == [(e.id, e.code) for e in first.events]
    assert second.logins == first.logins  # the same printed passwords
    assert sorted(login["role"] for login in first.logins) == ["admin", "command", "organizer"]
    assert all(len(login["password"]) >= 10 for login in first.logins)
    assert second.tokens["events"] == first.tokens["events"]  # device tokens kept, not reissued
    mode = stat.S_IMODE(os.stat(first.tokens_path).st_mode)
    assert mode == 0o600


def test_the_person_on_a_phone_gets_a_join_pin_kept_until_a_phone_uses_it(app):
    from fieldops.db import write_transaction
    from fieldops.events.models import Event
    from fieldops.extensions import db
    from fieldops.joining import services as joining

    first = _seed(app)
    pin = first.human["pin"]
    assert len(pin) == 6 and first.tokens["human"]["pin"] == pin
    assert _seed(app).human["pin"] == pin  # printed again, still good
    with app.app_context(), write_transaction():
        event = db.session.get(Event, first.human["event_id"])
        joined = joining.join_event(
            event, code=event.enrollment_code, name="Jordan Avery", badge="4199", pin=pin
        )
        assert joined.token is not None  # in at once
    after = _seed(app).human["pin"]
    assert after != pin  # that one is used up: the next run prints a fresh one


def test_lost_tokens_are_reissued_without_duplicating_anyone(app):
    from fieldops.auth.services import officer_for_token

    first = _seed(app)
    counts = _counts(app)
    first.tokens_path.unlink()
    second = _seed(app)

    after = _counts(app)
    assert {k: v for k, v in after.items() if k != "device_tokens"} == {
        k: v for k, v in counts.items() if k != "device_tokens"
    }
    old = [o["token"] for e in first.tokens["events"].values() for o in e["officers"]]
    new = [o["token"] for e in second.tokens["events"].values() for o in e["officers"]]
    assert len(new) == len(old) >= 60  # one new token for each simulated officer
    with app.app_context():
        assert all(officer_for_token(t) is None for t in old)  # revoked
        assert all(officer_for_token(t) is not None for t in new)


def test_the_marathon_is_on_the_nyc_course_fully_rostered(app):
    from sqlalchemy import select

    from fieldops.auth.services import officer_for_token
    from fieldops.db import utcnow
    from fieldops.demo.seed import COURSE_FILE, course_bytes
    from fieldops.demo.simulator import CoursePath
    from fieldops.events.course_import import parse_course
    from fieldops.events.models import Assignment, Event, EventOfficer, Post
    from fieldops.extensions import db
    from fieldops.tracking.geometry import distance_m

    info = _seed(app)
    marathon, school = info.events
    assert marathon.kind == "marathon" and school.kind == "school"
    with app.app_context():
        event = db.session.get(Event, marathon.id)
        # The shipped course is the real 2006 recording: its GPS had no signal from the start on
        # Staten Island to 1st Avenue, so it covers the last ~16 km (1st Ave, the Bronx, 5th Ave,
        # Central Park). A full 42.2 km course file would be used the same way.
        shipped = parse_course(course_bytes(), COURSE_FILE)
        assert event.course.length_m == pytest.approx(shipped.length_m)
        assert 15_000 <= event.course.length_m <= 44_000
        path = CoursePath(event.course.lines)
        finish = path.at(path.length)
        assert distance_m(finish[0], finish[1], *TAVERN_ON_THE_GREEN) < 300
        posts = list(db.session.scalars(select(Post).where(Post.event_id == event.id)))
        assert len(posts) >= 60
        vertices = [p for line in event.course.lines for p in line]
        for post in posts:  # every post on (or, for tents and the command post, beside) the course
            nearest = min(distance_m(post.lat, post.lon, lat, lon) for lat, lon in vertices)
            assert nearest < 250, post.name
        assert all(40 <= p.radius_m <= 80 and p.orders for p in posts)
        kinds = {p.kind.value for p in posts}
        assert {"traffic_point", "water_station", "medical", "command_post"} <= kinds
        now = utcnow()
        roster = list(db.session.scalars(select(Assignment).where(Assignment.event_id == event.id)))
        assert len({a.officer_id for a in roster}) >= 60
        assert {a.post_id for a in roster} == {p.id for p in posts}  # every post staffed
        assert all(a.starts_at <= now and a.ends_at >= now + timedelta(hours=7) for a in roster)
        members = db.session.scalars(select(EventOfficer).where(EventOfficer.event_id == event.id))
        assert len(list(members)) >= 66  # posted officers plus roaming patrols

        school_posts = list(db.session.scalars(select(Post).where(Post.event_id == school.id)))
        assert len(school_posts) == 4 and any(p.polygon for p in school_posts)
        assert school.officers == 5 and school.rostered == 5

        simulated = info.tokens["events"][str(event.id)]["officers"]
        assert {o["kind"] for o in simulated} == {"posted", "bike", "foot"}
        for officer in simulated:
            user, event_id = officer_for_token(officer["token"])
            assert (user.id, event_id) == (officer["officer_id"], event.id)
        assert info.human["badge"] not in {o["badge"] for o in simulated}


def test_the_marathon_has_found_items_a_matching_lost_report_and_exits(app):
    from sqlalchemy import select

    from fieldops.events.models import Post
    from fieldops.extensions import db
    from fieldops.lostfound.models import (
        CustodianKind,
        CustodyRecord,
        FoundItem,
        LostReport,
        Match,
        MatchStatus,
    )

    info = _seed(app)
    again = _seed(app)  # nothing twice
    marathon = info.events[0]
    assert again.events[0].id == marathon.id
    with app.app_context():
        items = list(db.session.scalars(select(FoundItem).where(FoundItem.event_id == marathon.id)))
        assert sorted(i.category.value for i in items) == [
            "childs_item", "eyewear", "phone", "wallet_purse",
        ]  # fmt: skip
        by_category = {i.category.value: i for i in items}
        assert by_category["wallet_purse"].personal_data and by_category["phone"].personal_data
        assert all(i.logged_by.role.value == "officer" for i in items)
        hops = {
            i.category.value: [
                (r.from_kind, r.to_kind)
                for r in db.session.scalars(
                    select(CustodyRecord)
                    .where(CustodyRecord.item_id == i.id)
                    .order_by(CustodyRecord.id)
                )
            ]
            for i in items
        }
        K = CustodianKind
        assert hops["phone"] == [(K.FINDER, K.OFFICER), (K.OFFICER, K.POST), (K.POST, K.DESK)]
        assert hops["wallet_purse"] == [(K.FINDER, K.OFFICER), (K.OFFICER, K.POST)]
        assert hops["eyewear"] == [(K.FINDER, K.OFFICER)]
        reports = list(
            db.session.scalars(select(LostReport).where(LostReport.event_id == marathon.id))
        )
        assert len(reports) == 1 and reports[0].owner_name == "Dana Whitfield"
        matches = list(db.session.scalars(select(Match).where(Match.event_id == marathon.id)))
        best = max(matches, key=lambda m: m.score)
        assert best.found_item_id == by_category["wallet_purse"].id
        assert best.lost_report_id == reports[0].id and best.status == MatchStatus.SUGGESTED
        assert best.reasons
        exits = [p.name for p in db.session.scalars(select(Post).where(Post.is_exit))]
        assert len(exits) == 2 and any("Finish line" in name for name in exits)


def test_simulated_fixes_look_like_a_phones():
    from fieldops.demo.simulator import CoursePath, SimOfficer, Simulator
    from fieldops.tracking.geometry import distance_m
    from fieldops.tracking.schemas import parse_fixes

    sim = Simulator("http://127.0.0.1:9", [], seed=1)
    path = CoursePath([[(40.60, -74.05), (40.61, -74.04)], [(40.62, -74.03)]])
    sim.paths[1] = path
    post = {"id": 1, "lat": 40.6, "lon": -74.0, "radius_m": 50.0, "polygon": None}
    posted = SimOfficer(1, 1, "Posted", "t", "posted", post=post, rng=random.Random(2))
    posted.anchor = (40.6, -74.0)
    posted.lat, posted.lon = posted.anchor
    bike = SimOfficer(1, 2, "Bike", "t", "bike", behaviour="roam", rng=random.Random(3))
    bike.walk_speed, bike.path_d = 5.0, 100.0
    reported = {officer.name: [] for officer in (posted, bike)}
    for t in range(1, 60):
        for officer in (posted, bike):
            sim._advance(officer, float(t * 4), 4.0)
            fix = parse_fixes(sim.fix_for(officer))[0]
            assert 5 <= fix.accuracy <= 25 and fix.recorded_at.tzinfo is not None
            assert 0 <= fix.heading <= 360 and 0 < fix.battery <= 100
            reported[officer.name].append((fix.lat, fix.lon))
        assert distance_m(posted.lat, posted.lon, 40.6, -74.0) <= 0.6 * 50
    # a posted officer's fixes wander about the post, like a phone's GPS standing still
    assert len(set(reported["Posted"])) > 30
    assert all(distance_m(lat, lon, 40.6, -74.0) <= 50 for lat, lon in reported["Posted"])
    assert bike.path_d != 100.0 and bike.speed > 3
    assert posted.battery < 100


@pytest.mark.parametrize("command_polls", [False, True], ids=["no-login", "command-polls"])
def test_the_first_incident_waits_for_an_officer_who_can_report_it_not_for_the_next_round(
    command_polls,
):
    """On a slow start no simulated officer of the event on screen is sending yet when the
    first report is due (another event's may be): it comes from that event as soon as one
    of its officers sends, not 90-180 s later (the demo test twice waited for it in vain).
    The command user's polls finding no incident anywhere do not change that (once they
    did, and the first report came from the school one time in fifteen)."""
    from fieldops.demo import incidents
    from fieldops.demo.simulator import SimOfficer

    reports = []

    class FakeApi:
        def call(self, method, path, token=None, body=None):
            if method == "GET":
                return 200, {"incidents": []}
            if path == "/api/v1/auth/login":
                return 200, {}
            reports.append((path, token))
            return 201, {"id": len(reports)}

    post = {"id": 1, "name": "Mile 3", "kind": "water_station", "lat": 40.7, "lon": -73.97}
    officer = SimOfficer(1, 5, "Officer 5", "t5", "posted", post)
    elsewhere = SimOfficer(2, 9, "Officer 9", "t9", "posted", post)  # at the school, sending
    for sim in (officer, elsewhere):
        sim.lat, sim.lon = 40.7, -73.97
    player = incidents.IncidentPlayer(
        FakeApi(),
        FakeApi() if command_polls else None,
        {"username": "command", "password": "x"} if command_polls else None,
        random.Random(1),
        home=lambda o: (o.lat, o.lon),
        first_event=1,
    )
    officer.phase, elsewhere.phase = "silent", "on"  # the marathon's phone is not sending yet
    t = 0.0
    while t < incidents.FIRST_REPORT_AFTER[1] + 10:
        player.step([officer, elsewhere], t)
        t += 1.0
    assert reports == []
    officer.phase = "on"
    started = t
    while not reports and t < started + 60:
        player.step([officer, elsewhere], t)
        t += 1.0
    assert reports == [("/api/v1/events/1/incidents", "t5")]
    assert t - started <= incidents.TRY_AGAIN_AFTER + 1


def test_a_busy_server_holds_the_fixes_back_not_the_incident_reports():
    """A 503 `busy` is the server shedding positions while it is behind (issue 13): the
    simulated phones hold their fixes a while, as real ones keep them in their outbox, and
    go on reporting, where treating it as an outage stalled every report behind a back-off
    (the demo test waited 40 s in vain for its first incident on a loaded CI machine)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from fieldops.demo import incidents
    from fieldops.demo.simulator import BUSY_WAIT, SimOfficer, Simulator

    received = []

    class BusyServer(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the standard library's name
            self.rfile.read(int(self.headers["Content-Length"]))
            received.append(self.path)
            if self.path.endswith("/positions"):
                status, body = 503, {"error": {"code": "busy", "message": "busy", "field": None}}
            else:
                status, body = 201, {"id": len(received)}
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), BusyServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    now = [0.0]
    try:
        sim = Simulator(f"http://127.0.0.1:{server.server_port}", [], seed=1, clock=lambda: now[0])
        post = {"id": 1, "name": "Mile 3", "kind": "water_station", "lat": 40.7, "lon": -73.97,
                "radius_m": 50.0, "polygon": None}  # fmt: skip
        officer = SimOfficer(1, 5, "Officer 5", "t5", "posted", post, rng=random.Random(2))
        officer.anchor = officer.lat, officer.lon = 40.7, -73.97
        officer.checked_in = True
        sim.officers = [officer]
        sim.incidents.first_event = 1
        while now[0] < incidents.FIRST_REPORT_AFTER[1] + 1:
            sim.step()
            now[0] += 0.5
    finally:
        server.shutdown()
    fixes = [p for p in received if p.endswith("/positions")]
    assert received.count("/api/v1/events/1/incidents") == 1
    assert sim.held == len(fixes) and sim._down_since is None  # no outage, no back-off
    assert 1 < len(fixes) <= now[0] / BUSY_WAIT + 1  # held BUSY_WAIT each time, then tried again


def test_the_lost_child_loop_plays_out_over_the_api():
    from fieldops.demo import lostchild
    from fieldops.demo.simulator import SimOfficer

    calls = []

    class FakeApi:
        def call(self, method, path, token=None, body=None):
            calls.append((method, path, token, body))
            if path.endswith("/lost-persons") and method == "POST":
                return 201, {"id": 7}
            if path.endswith("/lost-persons"):
                return 200, {"lost_persons": [{"id": 3, "client_id": "demo-lost-child-x",
                                               "status": "searching"}]}  # fmt: skip
            return 200, {}

    class FakeIncidents:
        command_api = FakeApi()

        def command(self, method, path, body=None):
            return self.command_api.call(method, path, None, body)

    def posted(officer_id, name, kind, lat):
        post = {"id": officer_id, "name": name, "kind": kind, "lat": lat, "lon": -73.97}
        o = SimOfficer(1, officer_id, f"Officer {officer_id}", f"t{officer_id}", "posted", post)
        o.lat, o.lon = lat, -73.97
        return o

    officers = [
        posted(1, "Mile 23 – 5th Ave – water station", "water_station", 40.78),
        posted(2, "Mile 24 – Central Park – water station", "water_station", 40.77),
        posted(3, "Command post – near the finish", "command_post", 40.771),
    ]
    player = lostchild.LostChildPlayer(FakeApi(), FakeIncidents(), 1, after=5.0)
    t = 0.0
    while not player.finished and t < 600:
        player.step(officers, t)
        t += 1.0
    assert player.finished
    posts = [(path, token, body) for method, path, token, body in calls if method == "POST"]
    paths = [path for path, _, _ in posts]
    assert paths == [
        "/api/v1/lost-persons/3/cancel",  # an earlier run's child, still searched for
        "/api/v1/events/1/lost-persons",
        "/api/v1/lost-persons/7/searched",
        "/api/v1/lost-persons/7/found",
        "/api/v1/lost-persons/7/reunited",
    ]
    report = posts[1][2]
    assert report["first_name"] == "Mia" and report["age"] == 6 and report["guardian_name"]
    assert "Mile 24" in report["last_seen_place"]
    assert report["meeting_point"] == "Command post – near the finish"
    assert posts[1][1] is None  # the command user's session
    assert posts[2][1] == "t2"  # the officer posted there searched
    assert posts[3][1] == "t3"  # the nearest other officer found her
    assert posts[4][2]["identity_verified_how"]
    assert 60 <= t <= 360


# --- `fieldops demo` for real ---------------------------------------------------------------


def _first_on_dashboard(ack: dict, recorder: Recorder, key: str, kind: str, timeout: float, log):
    """The first item of a kind the dashboard shows: in its join snapshot when the demo made
    it before the dashboard joined (a slow machine), else in the first envelope after. On
    failure, the demo's log says why (a refused report, a back-off)."""
    if ack["snapshot"].get(key):
        return ack["snapshot"][key][0]
    try:
        return recorder.wait_for(lambda e: e.get("type") == kind, timeout=timeout)["data"]
    except AssertionError as exc:
        seen = [(e.get("seq"), e.get("type")) for e in recorder.envelopes]
        raise AssertionError(
            f"no {kind} in {timeout} s; join ack seq {ack['seq']}, snapshot {key} "
            f"{ack['snapshot'].get(key)!r}; envelopes: {seen}\n"
            f"the demo's log:\n{log.read_text()}"
        ) from exc


@pytest.mark.live
def test_fieldops_demo_serves_simulated_officers_from_the_first_seconds(tmp_path):
    env = {
        **os.environ,
        "FIELDOPS_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "FIELDOPS_INSTANCE_PATH": str(tmp_path / "instance"),
        "FIELDOPS_TILE_URL": "",
        "FIELDOPS_PUSH_TICK": "0.2",
        "FIELDOPS_ASYNC_MODE": "eventlet",
        "FIELDOPS_DEMO_LOST_CHILD_AFTER": "3",
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run(
        [sys.executable, "-m", "fieldops.entry", "init"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    log_path = tmp_path / "demo.log"
    demo = ServerProcess(log_path, env)
    tls_port = free_port()
    demo.start("demo", timeout=25, args=("--tls-port", str(tls_port)))
    url = demo.url
    dashboard = None
    try:
        output = log_path.read_text()
        for path in ("/command", "/officer", "/login"):
            assert f"{url}{path}" in output
        assert "warning" not in output.lower()  # eventlet's deprecation notice is not shown
        # phones: HTTPS on this machine's network address, with the certificate made for it
        certificate = tmp_path / "instance" / "tls" / "self-signed.crt"
        phone_hosts = [a for a in lan_addresses() if ":" not in a]
        if phone_hosts:
            officer_url = f"https://{phone_hosts[0]}:{tls_port}/officer"
            assert f"officer page, phones         {officer_url}" in output
            assert f"join as an officer on a phone: {officer_url} with code" in output
        assert "self-signed" in output and "SHA-256" in output
        page = requests.get(
            f"https://127.0.0.1:{tls_port}/officer", verify=str(certificate), timeout=10
        )
        assert page.ok and "officer-config" in page.text
        logins = dict(re.findall(r"username (\w+)\s+password (\S+)", output))
        assert set(logins) == {"admin", "command", "organizer"}
        assert len(re.findall(r"enrollment code [A-Z0-9]{8}", output)) == 2
        assert "badge 4199" in output
        pin = re.search(r"badge 4199, join PIN (\d{6})", output).group(1)

        command = StaffSession(url)
        command.login("command", logins["command"])
        events = command.get("/api/v1/events").json()["events"]
        marathon = next(e for e in events if e["kind"] == "marathon")

        import socketio

        dashboard = socketio.Client(reconnection=False)
        recorder = Recorder(dashboard)
        cookie = "; ".join(f"{c.name}={c.value}" for c in command.cookies)
        dashboard.connect(
            url,
            namespaces=["/live"],
            transports=["websocket"],
            headers={"Cookie": cookie},
            wait_timeout=10,
        )
        ack = dashboard.call("join", {"event_id": marathon["id"]}, namespace="/live", timeout=10)
        assert ack["ok"], ack
        assert len(ack["snapshot"]["posts"]) >= 60

        # The README's demo: a person's phone joins as Jordan Avery with the printed PIN.
        code = re.search(r"/officer with code ([A-Z0-9]{8})", output).group(1)
        joined = requests.post(
            f"{url}/api/v1/join",
            json={
                "code": code,
                "name": "Jordan Avery",
                "badge": "4199",
                "pin": pin,
            },
            timeout=10,
        )
        assert joined.status_code == 201, joined.text
        assert joined.json()["event"]["id"] == marathon["id"]

        seen: set[int] = set()
        deadline = time.monotonic() + 15
        while len(seen) < 10 and time.monotonic() < deadline:
            for envelope in list(recorder.envelopes):
                if envelope.get("type") == "positions":
                    assert envelope["data"]["event_id"] == marathon["id"]
                    seen |= {f["officer_id"] for f in envelope["data"]["fixes"]}
            time.sleep(0.1)
        assert len(seen) >= 10, f"positions for {len(seen)} officers:\n{log_path.read_text()}"
        snapshot = command.get(f"/api/v1/events/{marathon['id']}/snapshot").json()
        assert sum(1 for o in snapshot["officers"] if o["on_shift"]) >= 5  # checked in via API

        # A simulated officer reports an incident; the one the dashboard sends to it responds
        # (never the reporter: they are there already) and sets off towards it.
        reported = _first_on_dashboard(ack, recorder, "incidents", "incident", 25, log_path)
        assert reported["reported_by"]["role"] == "officer" and reported["status"] == "reported"
        incident_url = f"/api/v1/incidents/{reported['id']}"
        nearest = command.get(f"{incident_url}/nearest").json()["officers"]
        sent = nearest[0]["officer"]["id"]
        answer = command.post(f"{incident_url}/assignments", json={"officer_ids": [sent]})
        assert answer.status_code == 201, answer.text
        recorder.wait_for(
            lambda e: (
                e.get("type") == "incident"
                and e["data"]["id"] == reported["id"]
                and e["data"]["status"] == "en_route"
            ),
            timeout=40,
        )
        responses = [
            entry["data"]["status"]
            for entry in command.get(incident_url).json()["timeline"]
            if entry["kind"] == "response" and entry["actor"]["id"] == sent
        ]
        assert responses[:2] == ["acknowledged", "en_route"]
        assert sent != reported["reported_by"]["id"]

        # The lost child, reported by the command user a moment in (FIELDOPS_DEMO_LOST_CHILD_AFTER)
        child = _first_on_dashboard(ack, recorder, "lost_persons", "lost_person", 20, log_path)
        assert child["first_name"] == "Mia" and child["status"] == "searching"
        assert child["guardian_name"] and child["meeting_point"] and child["ring"]
        # and the lost and found the desk opens on: the items, the report and its match
        snap = command.get(f"/api/v1/events/{marathon['id']}/snapshot").json()
        assert len(snap["found_items"]) == 4 and len(snap["lost_reports"]) == 1
        assert any(m["status"] == "suggested" and m["reasons"] for m in snap["matches"])
        assert any(p["is_exit"] for p in snap["posts"])
    finally:
        if dashboard is not None:
            dashboard.disconnect()
        demo.stop()
    tokens = json.loads((tmp_path / "instance" / "demo-tokens.json").read_text())
    assert len(tokens["events"]) == 2
    assert "Traceback" not in log_path.read_text()


def test_the_demo_school_has_two_area_leads_who_report_their_areas_when_a_drill_starts(app):
    """The seed joins two teachers as area leads; the simulator's player has them report
    their areas secured within the minute after a drill starts (here on a fake clock)."""
    from fieldops.demo.drill_leads import REPORT_WITHIN, DrillLeadsPlayer

    first = _seed(app)
    school = next(e for e in first.tokens["events"].values() if e["key"] == "school")
    assert [lead["name"] for lead in school["leads"]] == ["Ms Rivera", "Mr Okafor"]
    assert _seed(app).tokens["events"][str(school["id"])]["leads"] == school["leads"]
    areas = [{"id": i} for lead in school["leads"] for i in lead["area_ids"]]
    drill = {"id": 7, "open": True, "action": "lockdown", "areas": areas}

    class Commands:
        def command(self, method, path, body=None):
            assert path == f"/api/v1/events/{school['id']}/drills"
            return 200, {"drills": [drill]}

    class Phones:
        sent: list = []

        def call(self, method, path, token, body):
            self.sent.append((path, token, body))
            return 201, {}

    phones = Phones()
    player = DrillLeadsPlayer(phones, Commands(), school, random.Random(3))
    player.step(0.0)
    assert phones.sent == []  # not at once: a teacher takes a moment
    player.step(REPORT_WITHIN[1] + 1)
    assert sorted(b["area_id"] for _p, _t, b in phones.sent) == sorted(a["id"] for a in areas)
    assert {b["state"] for _p, _t, b in phones.sent} == {"secured"}
    assert {t for _p, t, _b in phones.sent} == {lead["token"] for lead in school["leads"]}
    player.step(REPORT_WITHIN[1] + 10)
    assert len(phones.sent) == len(areas)  # each area once per drill
