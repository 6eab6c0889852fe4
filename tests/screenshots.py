"""`make screenshots`: every screen people use, at phone (390x844) and laptop (1280x800) size.

Runs the real demo (`fieldops demo`: the NYC marathon with simulated officers) on a fresh
database, drives Debian's chromium with Playwright like the users do, and writes PNGs to
test-artifacts/screenshots/ (git-ignored) for people to look at. Not a test: it asserts only
what it needs to get each screen on show.

    .venv/bin/python -m tests.screenshots [--out DIR] [--only NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import requests
from playwright.sync_api import Page, expect, sync_playwright

from tests.support.browser import CHROMIUM_ARGS, chromium_path
from tests.support.live_server import StaffSession
from tests.support.server_process import ROOT, ServerProcess

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


class Demo:
    """The demo server and what a screenshot needs of it."""

    def __init__(self, folder: Path):
        env = {
            **os.environ,
            "FIELDOPS_DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite3'}",
            "FIELDOPS_INSTANCE_PATH": str(folder / "instance"),
            "FIELDOPS_TILE_URL": "",  # as at a command post without internet
            "FIELDOPS_ASYNC_MODE": "eventlet",
            "PYTHONUNBUFFERED": "1",
        }
        self.folder = folder
        self.process = ServerProcess(folder / "demo.log", env)
        self.url = self.process.url

    def start(self) -> None:
        self.process.start("demo", timeout=60, args=("--tls-port", "0"))  # no phones here
        log = self.process.log()
        self.logins = dict(re.findall(r"username (\w+)\s+password (\S+)", log))
        self.codes = re.findall(r"enrollment code ([A-Z0-9]{8})", log)
        self.staff_code = re.search(r"with staff code ([A-Z0-9]{8})", log)[1]
        human = re.search(r"name (.+?), badge (\d+), join PIN (\d+)", log)
        self.human = {"name": human[1], "badge": human[2], "pin": human[3]}
        self.command = StaffSession(self.url)
        self.command.login("command", self.logins["command"])
        events = self.command.get("/api/v1/events").json()["events"]
        self.marathon = next(e for e in events if e["kind"] == "marathon")
        self.school = next(e for e in events if e["kind"] == "school")

    def stop(self) -> None:
        self.process.stop()

    def api(self, path: str) -> str:
        return f"/api/v1/events/{self.marathon['id']}/{path}"

    def wait_for_officers(self, count: int, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            officers = self.command.get(self.api("snapshot")).json()["officers"]
            if sum(1 for o in officers if o["fix"]) >= count:
                return
            time.sleep(0.5)
        raise RuntimeError(f"fewer than {count} officers have a position after {timeout} s")

    def officers(self) -> list[dict]:
        return self.command.get(self.api("snapshot")).json()["officers"]


def sign_in(page: Page, demo: Demo, role: str) -> None:
    page.goto(f"{demo.url}/login?next=/command")
    page.fill("input[name=username]", role)
    page.fill("input[name=password]", demo.logins[role])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/command"))
    expect(page.get_by_test_id("connection-label")).to_have_text("Live", timeout=20_000)


def shoot(page: Page, out: Path, name: str, sizes=(PHONE, LAPTOP)) -> None:
    for size in sizes:
        page.set_viewport_size(size)
        page.wait_for_timeout(400)  # a layout pass and a map redraw after the resize
        label = "phone" if size == PHONE else "laptop"
        path = out / f"{name}-{label}.png"
        page.screenshot(path=str(path))
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def phone_context(browser, at: tuple[float, float]):
    return browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": at[0], "longitude": at[1], "accuracy": 8},
        permissions=["geolocation"],
    )


def fill_join(page: Page, demo: Demo, name: str, badge: str, pin: str = "") -> None:
    page.goto(f"{demo.url}/officer")
    page.get_by_test_id("join-code").fill(demo.codes[0])
    page.get_by_test_id("join-name").fill(name)
    page.get_by_test_id("join-badge").fill(badge)
    if pin:
        page.get_by_test_id("join-pin").fill(pin)


def join_phone(browser, demo: Demo, name: str, badge: str, at: tuple[float, float], pin=""):
    context = phone_context(browser, at)
    page = context.new_page()
    fill_join(page, demo, name, badge, pin)
    page.get_by_test_id("join-submit").click()
    page.get_by_test_id("continue").click()
    expect(page.get_by_test_id("connection")).to_have_text("Online", timeout=20_000)
    return context, page


def arrival_screens(browser, demo: Demo, out: Path, at: tuple[float, float]) -> None:
    """Signing in, joining, and a second phone that claims a joined officer's badge."""
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.goto(f"{demo.url}/login")
    shoot(page, out, "login")
    context.close()
    context = phone_context(browser, at)
    page = context.new_page()
    page.goto(f"{demo.url}/officer")
    shoot(page, out, "officer-join")
    fill_join(page, demo, demo.human["name"], demo.human["badge"])  # no PIN: command decides
    page.get_by_test_id("join-submit").click()
    expect(page.get_by_text("Waiting for command")).to_be_visible(timeout=10_000)
    shoot(page, out, "officer-waiting-for-approval")
    context.close()


def officer_screens(browser, demo: Demo, out: Path) -> None:
    post = next(o for o in demo.officers() if o["fix"] and o["post"])
    at = (post["fix"]["lat"], post["fix"]["lon"])
    human = demo.human
    context, page = join_phone(browser, demo, human["name"], human["badge"], at, human["pin"])
    try:
        page.evaluate("window.scrollTo(0, 0)")
        shoot(page, out, "officer-main")

        page.get_by_test_id("report-open").click()
        shoot(page, out, "officer-report-type")
        page.get_by_test_id("type-medical").click()
        page.locator('[data-severity][aria-pressed="true"]').click()
        expect(page.get_by_test_id("report-pin")).to_contain_text("·", timeout=10_000)
        shoot(page, out, "officer-report-place")
        page.get_by_test_id("report-cancel").click()
        page.get_by_test_id("report-open").click()
        page.get_by_test_id("type-found-item").click()
        shoot(page, out, "officer-found-category")
        page.get_by_test_id("category-bag").click()
        page.get_by_test_id("colour-red").click()
        page.get_by_test_id("found-description").fill("small backpack, bear keyring")
        shoot(page, out, "officer-found-details")
        page.get_by_test_id("found-cancel").click()

        me = next(o for o in demo.officers() if o["badge"] == human["badge"])
        check_in = page.get_by_test_id("shift-button")
        if check_in.get_attribute("data-action") == "check_in":
            check_in.click()
            expect(page.get_by_test_id("shift-state")).to_contain_text("ON SHIFT", timeout=10_000)
        incident = demo.command.post(
            demo.api("incidents"),
            json={
                "client_id": str(uuid.uuid4()),
                "type": "fight",
                "lat": at[0] + 0.002,
                "lon": at[1],
                "note": "Two spectators fighting by the barrier",
                "reported_at": datetime.now(UTC).isoformat(),
            },
        ).json()
        demo.command.post(
            f"/api/v1/incidents/{incident['id']}/assignments", json={"officer_ids": [me["id"]]}
        ).raise_for_status()
        expect(page.get_by_test_id("dispatch-sheet")).to_be_visible(timeout=15_000)
        shoot(page, out, "officer-dispatch")
        demo.command.post(
            demo.api("messages"),
            json={
                "text": "All units: ambulance coming up 1st Ave northbound, keep the lane clear",
                "to": {"kind": "event"},
                "priority": True,
            },
        ).raise_for_status()
        expect(page.get_by_test_id("priority-message")).to_be_visible(timeout=15_000)
        shoot(page, out, "officer-dispatch-priority-message")
        page.get_by_test_id("message-ack").click()
        page.get_by_test_id("dispatch-minimize").click()

        press_help(page)
        expect(page.get_by_test_id("help-status-text")).to_contain_text("HELP SENT", timeout=15_000)
        shoot(page, out, "officer-help-sent")
        alarms = demo.command.get(demo.api("alerts?open=1")).json()["alerts"]
        mine = next(a for a in alarms if a["kind"] == "help" and a["officer"]["id"] == me["id"])
        demo.command.post(f"/api/v1/alerts/{mine['id']}/acknowledge").raise_for_status()
        nearest = demo.command.get(f"/api/v1/incidents/{mine['incident_id']}/nearest").json()
        helpers = [e["officer"]["id"] for e in nearest["officers"][:2]]
        if helpers:
            demo.command.post(
                f"/api/v1/incidents/{mine['incident_id']}/assignments",
                json={"officer_ids": helpers},
            ).raise_for_status()
        expect(page.get_by_test_id("help-status-text")).to_contain_text(
            "Command has seen it", timeout=15_000
        )
        if helpers:
            expect(page.get_by_test_id("help-responder").first).to_be_visible(timeout=15_000)
        shoot(page, out, "officer-help-seen")
        demo.command.post(
            demo.api("lost-persons"),
            json={
                "client_id": str(uuid.uuid4()),
                "first_name": "Mia",
                "full_name": "Mia Santos",
                "age": 6,
                "hair": "brown, ponytail",
                "clothing_top": "yellow raincoat",
                "clothing_bottom": "blue jeans",
                "shoes": "pink trainers",
                "guardian_name": "Rosa Santos",
                "guardian_contact": "+1 555 0142",
                "meeting_point": "Info tent at the finish",
                "last_seen_lat": at[0] + 0.001,
                "last_seen_lon": at[1],
                "last_seen_place": "by the bouncy castle",
                "reported_at": datetime.now(UTC).isoformat(),
            },
        ).raise_for_status()
        expect(page.get_by_test_id("lost-person")).to_be_visible(timeout=15_000)
        shoot(page, out, "officer-lost-child")
    finally:
        context.close()


def press_help(page: Page) -> None:
    button = page.get_by_test_id("help-button")
    box = button.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(1700)
    page.mouse.up()


def raise_alarms(demo: Demo) -> None:
    """A simulated officer presses I NEED HELP, and command logs a critical incident."""
    tokens = json.loads((demo.folder / "instance" / "demo-tokens.json").read_text())
    event = next(e for e in tokens["events"].values() if e["id"] == demo.marathon["id"])
    officer = event["officers"][5]
    requests.post(
        f"{demo.url}/api/v1/events/{demo.marathon['id']}/help",
        json={"client_id": str(uuid.uuid4())},
        headers={"Authorization": f"Bearer {officer['token']}"},
        timeout=10,
    ).raise_for_status()
    somewhere = next(o for o in demo.officers() if o["fix"])["fix"]
    demo.command.post(
        demo.api("incidents"),
        json={
            "client_id": str(uuid.uuid4()),
            "type": "medical",
            "severity": "critical",
            "lat": somewhere["lat"],
            "lon": somewhere["lon"],
            "note": "Runner collapsed, not breathing",
            "reported_at": datetime.now(UTC).isoformat(),
        },
    ).raise_for_status()


def command_screens(browser, demo: Demo, out: Path) -> None:
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    try:
        sign_in(page, demo, "command")
        page.wait_for_timeout(2000)  # the simulated officers' next fixes
        shoot(page, out, "command-map")
        raise_alarms(demo)
        expect(page.get_by_test_id("alarm")).to_have_count(2, timeout=15_000)
        shoot(page, out, "command-two-alarms")
        page.evaluate(
            """() => { const m = window.fieldopsCommand.map; const c = m.getCenter();
                       m.setView(c, 16, { animate: false }); }"""
        )
        shoot(page, out, "command-zoomed-in", sizes=(LAPTOP,))
        rows = page.get_by_test_id("queue-row")
        if rows.count():
            rows.first.locator(".inc-open").click()
            expect(page.get_by_test_id("incident-detail")).to_be_visible()
            page.wait_for_timeout(800)
            shoot(page, out, "command-incident-detail")
            page.get_by_test_id("incident-detail-close").click()
        page.get_by_test_id("new-incident").click()
        shoot(page, out, "command-new-incident")
        page.keyboard.press("Escape")
        page.get_by_test_id("lost-persons-toggle").click()
        expect(page.get_by_test_id("lost-persons")).to_be_visible()
        shoot(page, out, "command-lost-persons", sizes=(LAPTOP,))
        page.get_by_test_id("lpf-new-lost").click()
        shoot(page, out, "command-lost-person-form")
        page.get_by_test_id("lpf-cancel").click()
        page.get_by_test_id("lost-found-toggle").click()
        expect(page.get_by_test_id("lost-found")).to_be_visible()
        shoot(page, out, "command-lost-found", sizes=(LAPTOP,))
        page.get_by_test_id("lf-new-lost").click()
        shoot(page, out, "command-lost-report-form")
        page.get_by_test_id("lf-cancel").click()
        page.goto(f"{demo.url}/events/{demo.marathon['id']}/report")
        expect(page.get_by_test_id("summary")).to_be_visible()
        shoot(page, out, "report-command")
        page.goto(f"{demo.url}/replay?event={demo.marathon['id']}")
        page.wait_for_function("() => document.body.dataset.replayedAt")
        shoot(page, out, "replay")
    finally:
        context.close()
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    try:
        sign_in(page, demo, "command")
        page.goto(f"{demo.url}/command?event={demo.school['id']}")
        expect(page.get_by_test_id("connection-label")).to_have_text("Live", timeout=20_000)
        page.wait_for_function("() => window.fieldopsCommand.layers().campus > 0")
        shoot(page, out, "command-school-campus")
    finally:
        context.close()
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    try:
        sign_in(page, demo, "organizer")
        shoot(page, out, "organizer-command")
        page.goto(f"{demo.url}/events/{demo.marathon['id']}/report")
        expect(page.get_by_test_id("organizer-copy")).to_be_visible()
        shoot(page, out, "report-organizer")
    finally:
        context.close()


def school_screens(browser, demo: Demo, out: Path) -> None:
    """The school: a lockdown drill on the desk and on a teacher's phone, the campus editor."""
    admin = StaffSession(demo.url)
    admin.login("admin", demo.logins["admin"])
    school = demo.school["id"]
    started = admin.post(
        f"/api/v1/events/{school}/drills",
        json={"client_id": str(uuid.uuid4()), "action": "lockdown", "mode": "drill"},
    )
    started.raise_for_status()
    drill = started.json()
    gym = next(a for a in drill["areas"] if a["name"] == "Gym")
    admin.post(
        f"/api/v1/drills/{drill['id']}/reports",
        json={
            "client_id": str(uuid.uuid4()),
            "area_id": gym["id"],
            "state": "secured",
            "accounted": 24,
            "problems": ["door_would_not_lock"],
        },
    ).raise_for_status()
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    try:
        sign_in(page, demo, "command")
        page.goto(f"{demo.url}/command?event={school}")
        expect(page.get_by_test_id("drill-banner")).to_be_visible(timeout=20_000)
        shoot(page, out, "command-school-drill")
    finally:
        context.close()
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    try:
        page.goto(f"{demo.url}/login?next=/events/{school}/campus/edit")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", demo.logins["admin"])
        page.click("button[type=submit]")
        expect(page.get_by_test_id("campus-feature").first).to_be_visible(timeout=20_000)
        shoot(page, out, "campus-editor")
    finally:
        context.close()
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{demo.url}/lead")
        page.get_by_test_id("lead-code").fill(demo.staff_code)
        page.get_by_test_id("lead-code-go").click()
        page.get_by_label("Classroom wing").check()
        page.get_by_test_id("lead-name").fill("Ms Rivera")
        shoot(page, out, "lead-join", sizes=(PHONE,))
        page.get_by_test_id("lead-join-go").click()
        expect(page.get_by_test_id("drill-card")).to_be_visible(timeout=20_000)
        shoot(page, out, "lead-drill", sizes=(PHONE,))
    finally:
        context.close()
    admin.post(f"/api/v1/drills/{drill['id']}/all-clear", json={}).raise_for_status()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "test-artifacts" / "screenshots"))
    parser.add_argument(
        "--only", choices=["officer", "command", "school"], help="only these screens"
    )
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fieldops-screens-") as folder:
        demo = Demo(Path(folder))
        demo.start()
        try:
            demo.wait_for_officers(30)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium_path(), args=CHROMIUM_ARGS
                )
                if args.only in (None, "officer"):
                    officer_screens(browser, demo, out)
                    arrival_screens(browser, demo, out, (40.77, -73.95))
                if args.only in (None, "command"):
                    command_screens(browser, demo, out)
                if args.only in (None, "school"):
                    school_screens(browser, demo, out)
                browser.close()
        finally:
            demo.stop()
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
