"""The officer's phone page in Debian chromium against the real server (eventlet subprocess).

A command dashboard socket watches what the page's actions do on the server side.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.support.browser import phone_at
from tests.support.live_server import Recorder

POST = {"lat": 40.6501, "lon": -74.0101}
ORDERS = "Keep lane 2 open for ambulances.\nRelief arrives 13:00."


@pytest.fixture(scope="module")
def marathon(live_server):
    return harbor_10k(live_server)


def harbor_10k(live_server) -> dict:
    """An event with one post (with orders), made by the admin over HTTP."""
    admin = live_server.staff("admin")
    event = live_server.create_event(admin, name="Harbor 10K")
    response = admin.post(
        f"/api/v1/events/{event['id']}/posts",
        json={"name": "Mile 3 water", "kind": "water_station", "radius_m": 60, "orders": ORDERS}
        | POST,
    )
    assert response.status_code == 201, response.text
    return {**event, "admin": admin, "post": response.json()}


# The roster answer shows each officer's join PIN once; the admin hands it over with the badge.
PINS: dict[str, str] = {}


def roster(marathon: dict, name: str) -> tuple[int, str]:
    """The admin puts a new officer (by badge) on the post; returns (officer id, badge) and
    keeps the officer's join PIN in PINS[badge]."""
    badge = f"B{uuid.uuid4().hex[:6].upper()}"
    now = datetime.now(UTC)
    response = marathon["admin"].post(
        f"/api/v1/events/{marathon['id']}/assignments",
        json={
            "name": name,
            "badge": badge,
            "post_id": marathon["post"]["id"],
            "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=6)).isoformat(),
        },
    )
    assert response.status_code == 201, response.text
    PINS[badge] = response.json()["join_pin"]
    return response.json()["officer_id"], badge


@pytest.fixture
def dashboard(live_server, marathon):
    """The command post's socket, joined to the event, recording every envelope."""
    client = live_server.socket(cookies=live_server.staff("command"))
    recorder = Recorder(client)
    ack = client.call("join", {"event_id": marathon["id"]}, namespace="/live", timeout=10)
    assert ack["ok"], ack
    yield recorder
    client.disconnect()


@pytest.fixture
def phone(browser):
    """A phone-sized browser context that has granted location at the post."""
    context, errors = phone_at(browser, POST["lat"], POST["lon"])
    context.on("console", lambda m: print(f"console.{m.type}: {m.text}"))
    yield context
    context.close()
    assert not errors, f"the page threw: {errors}"


class AcceptedFixes:
    """Every fix the page sent that the server acknowledged (socket ack ok or HTTP 202)."""

    FRAME = re.compile(r"^4([23])/live,(\d+)(\[.*)$", re.S)

    def __init__(self, page):
        self.fixes: list[dict] = []
        self._waiting: dict[str, list[dict]] = {}
        page.on("websocket", self._on_websocket)
        page.on("response", self._on_response)

    def _on_websocket(self, ws):
        ws.on("framesent", self._on_frame)
        ws.on("framereceived", self._on_frame)

    def _on_frame(self, payload):
        match = self.FRAME.match(payload) if isinstance(payload, str) else None
        if not match:
            return
        kind, ack_id, body = match.groups()
        message = json.loads(body)
        if kind == "2" and message[0] == "position":
            sent = message[1]
            self._waiting[ack_id] = sent if isinstance(sent, list) else [sent]
        elif kind == "3" and ack_id in self._waiting:
            fixes = self._waiting.pop(ack_id)
            if message[0].get("ok"):
                self.fixes.extend(fixes)

    def _on_response(self, response):
        request = response.request
        if request.method == "POST" and request.url.endswith("/positions"):
            if response.status == 202:
                body = request.post_data_json
                self.fixes.extend(body if isinstance(body, list) else [body])

    def recorded_at(self) -> list[str]:
        return [f["recorded_at"] for f in self.fixes]


def join_on_page(page, live_server, marathon, name: str, badge: str) -> None:
    """Join on the phone page; a rostered officer types the join PIN from the roster."""
    page.goto(f"{live_server.url}/officer")
    page.get_by_test_id("join-code").fill(marathon["enrollment_code"].lower())
    page.get_by_test_id("join-name").fill(name)
    page.get_by_test_id("join-badge").fill(badge)
    if badge in PINS:
        page.get_by_test_id("join-pin").fill(PINS[badge])
    expect(page.get_by_test_id("join-code")).to_have_value(marathon["enrollment_code"])
    page.get_by_test_id("join-submit").click()
    expect(page.get_by_test_id("screen-joined")).to_be_visible()


def open_main(page) -> None:
    page.get_by_test_id("continue").click()
    expect(page.get_by_test_id("screen-main")).to_be_visible()
    expect(page.get_by_test_id("location-state")).to_have_text("Sharing location: command sees you")


def until(page, condition, timeout: float = 10.0) -> None:
    """Wait for a condition on what page listeners collected (sync Playwright delivers their
    events only while it is being called, hence wait_for_timeout rather than sleep)."""
    for _ in range(int(timeout * 10)):
        if condition():
            return
        page.wait_for_timeout(100)
    assert condition()


def is_officer(officer_id: int, **fields):
    return lambda e: (
        e["type"] == "officer"
        and e["data"]["id"] == officer_id
        and all(e["data"][k] == v for k, v in fields.items())
    )


def moved_to(officer_id: int, lat: float, lon: float):
    return lambda e: (
        e["type"] == "positions"
        and any(
            f["officer_id"] == officer_id and (f["lat"], f["lon"]) == (lat, lon)
            for f in e["data"]["fixes"]
        )
    )


def stored_fix_times(live_server, officer_id: int) -> list[str]:
    """What the server stored for this officer (read-only look at the live server's SQLite)."""
    with sqlite3.connect(f"file:{live_server.folder / 'live.sqlite3'}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT recorded_at FROM position_fixes WHERE officer_id = ?", (officer_id,)
        ).fetchall()
    return [row[0] for row in rows]


def test_officer_joins_checks_in_and_command_sees_it(
    live_server, marathon, dashboard, phone, screenshots
):
    officer_id, badge = roster(marathon, "Dana Reyes")
    page = phone.new_page()
    page.goto(f"{live_server.url}/officer")
    page.get_by_test_id("join-code").fill(marathon["enrollment_code"].lower())
    page.get_by_test_id("join-name").fill("Dana Reyes")
    page.get_by_test_id("join-badge").fill(badge)
    page.get_by_test_id("join-pin").fill(PINS[badge])  # from the roster: in at once
    page.screenshot(path=screenshots("join"))
    page.get_by_test_id("join-submit").click()

    expect(page.get_by_test_id("joined-event")).to_have_text("Harbor 10K")
    token = page.get_by_test_id("device-token").inner_text()
    assert len(token) >= 20
    expect(page.get_by_test_id("device-token-qr")).to_be_visible()
    page.screenshot(path=screenshots("joined"))
    page.get_by_test_id("help-link").click()
    expect(page.get_by_test_id("screen-help")).to_contain_text(f"{live_server.url}/track/osmand")
    page.screenshot(path=screenshots("help"))
    page.get_by_test_id("help-back").click()
    expect(page.get_by_test_id("screen-joined")).to_be_visible()

    open_main(page)
    expect(page.get_by_test_id("event-name")).to_have_text("Harbor 10K")
    expect(page.get_by_test_id("post-name")).to_have_text("Mile 3 water")
    expect(page.get_by_test_id("post-orders")).to_have_text(ORDERS)
    expect(page.get_by_test_id("shift-state")).to_have_text("OFF SHIFT")
    expect(page.get_by_test_id("connection")).to_have_text("Online")
    dashboard.wait_for(moved_to(officer_id, POST["lat"], POST["lon"]), timeout=15)

    page.get_by_test_id("shift-button").click()
    expect(page.get_by_test_id("shift-state")).to_contain_text("ON SHIFT since")
    expect(page.get_by_test_id("shift-button")).to_have_text("Check out")
    envelope = dashboard.wait_for(is_officer(officer_id, on_shift=True), timeout=15)
    assert envelope["data"]["post"]["name"] == "Mile 3 water"
    expect(page.get_by_test_id("last-sent")).to_contain_text("s ago")
    expect(page.get_by_test_id("accuracy")).to_have_text("±8 m")
    page.screenshot(path=screenshots("main"))
    page.screenshot(path=screenshots("main-full"), full_page=True)

    # A relaunch goes straight to the main screen, still on shift.
    page.reload()
    expect(page.get_by_test_id("screen-main")).to_be_visible()
    expect(page.get_by_test_id("screen-join")).to_be_hidden()
    expect(page.get_by_test_id("shift-state")).to_contain_text("ON SHIFT")

    # Checking out takes two taps: a glove brushing the button does not end the shift.
    page.get_by_test_id("shift-button").click()
    expect(page.get_by_test_id("shift-button")).to_have_text("Tap again to check out")
    page.get_by_test_id("shift-button").click()
    expect(page.get_by_test_id("shift-state")).to_have_text("OFF SHIFT")
    dashboard.wait_for(is_officer(officer_id, on_shift=False), timeout=15)


def test_status_change_shows_on_the_page_and_reaches_command(
    live_server, marathon, dashboard, phone, screenshots
):
    officer_id, badge = roster(marathon, "Chris Lee")
    page = phone.new_page()
    join_on_page(page, live_server, marathon, "Chris Lee", badge)
    open_main(page)
    # Off shift there is no status: the buttons wait for the check-in, and say so.
    expect(page.get_by_test_id("status-current")).to_have_text("Off shift")
    expect(page.get_by_test_id("status-note")).to_have_text("Check in to set your status.")
    expect(page.get_by_test_id("status-responding")).to_be_disabled()
    page.get_by_test_id("shift-button").click()
    expect(page.get_by_test_id("shift-state")).to_contain_text("ON SHIFT since")
    expect(page.get_by_test_id("status-note")).to_be_hidden()
    expect(page.get_by_test_id("status-on_post")).to_have_attribute("aria-pressed", "true")

    page.get_by_test_id("status-responding").click()
    expect(page.get_by_test_id("status-current")).to_have_text("Responding")
    responding = page.get_by_test_id("status-responding")
    expect(responding).to_have_attribute("aria-pressed", "true")
    expect(responding).to_have_attribute("data-pending", "false")
    expect(page.get_by_test_id("status-on_post")).to_have_attribute("aria-pressed", "false")
    dashboard.wait_for(is_officer(officer_id, status="responding"), timeout=15)
    page.screenshot(path=screenshots("responding"))

    # Gloves: every control on the main screen is at least 56 px tall.
    controls = page.locator("#screen-main button:visible, #screen-main summary:visible")
    assert controls.count() >= 6
    for box in (controls.nth(i).bounding_box() for i in range(controls.count())):
        assert box["height"] >= 56 and box["width"] >= 56, box


def test_offline_fixes_and_changes_are_kept_and_sent_once(
    live_server, marathon, dashboard, phone, screenshots
):
    officer_id, badge = roster(marathon, "Sam Ortiz")
    page = phone.new_page()
    accepted = AcceptedFixes(page)
    join_on_page(page, live_server, marathon, "Sam Ortiz", badge)
    open_main(page)
    dashboard.wait_for(moved_to(officer_id, POST["lat"], POST["lon"]), timeout=15)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    expect(page.get_by_test_id("waiting")).to_have_text("0")

    phone.set_offline(True)
    expect(page.get_by_test_id("connection")).to_have_text("Offline")
    walked = [(round(POST["lat"] + 0.001 * i, 6), POST["lon"]) for i in (1, 2, 3)]  # 111 m apart
    for count, (lat, lon) in enumerate(walked, start=1):
        page.wait_for_timeout(1100)  # the page queues a 20 m jump at most once a second
        phone.set_geolocation({"latitude": lat, "longitude": lon, "accuracy": 12})
        expect(page.get_by_test_id("waiting")).to_have_text(str(count))
    page.get_by_test_id("shift-button").click()
    expect(page.get_by_test_id("shift-state")).to_have_text("ON SHIFT (saved, waiting for signal)")
    page.get_by_test_id("status-on_break").click()
    expect(page.get_by_test_id("connection")).to_have_text(
        "Offline — 3 fixes waiting, 2 changes waiting"
    )
    panel = page.get_by_test_id("location-panel")
    expect(panel).to_have_attribute("data-state", "offline")
    expect(page.get_by_test_id("location-state")).to_have_text("OFFLINE: location saved, not sent")
    expect(page.get_by_test_id("status-current")).to_have_text("On break")
    page.screenshot(path=screenshots("offline"))

    # Relaunched with no signal: the service worker serves the page, the outbox survives.
    response = page.reload()
    assert response is not None and response.from_service_worker
    expect(page.get_by_test_id("screen-main")).to_be_visible()
    expect(page.get_by_test_id("connection")).to_contain_text("Offline — ")
    expect(page.get_by_test_id("connection")).to_contain_text("2 changes waiting")
    assert int(page.get_by_test_id("waiting").inner_text()) >= 3
    assert accepted.fixes and all(f["lat"] == POST["lat"] for f in accepted.fixes)

    phone.set_offline(False)
    expect(page.get_by_test_id("connection")).to_have_text("Online", timeout=20_000)
    expect(page.get_by_test_id("waiting")).to_have_text("0")
    dashboard.wait_for(is_officer(officer_id, status="on_break", on_shift=True), timeout=15)
    expect(page.get_by_test_id("shift-state")).to_contain_text("ON SHIFT since")
    dashboard.wait_for(moved_to(officer_id, *walked[-1]), timeout=15)

    until(page, lambda: all(any(f["lat"] == lat for f in accepted.fixes) for lat, _ in walked))
    page.wait_for_timeout(500)  # anything sent twice would show up by now
    sent = accepted.recorded_at()
    assert len(sent) == len(set(sent)), f"a fix was sent twice: {sent}"
    stored = stored_fix_times(live_server, officer_id)
    assert len(stored) == len(sent) and len(set(stored)) == len(stored), (stored, sent)


def test_a_wrong_code_is_shown_clearly(live_server, marathon, phone, screenshots):
    page = phone.new_page()
    page.goto(f"{live_server.url}/officer")
    page.get_by_test_id("join-submit").click()
    expect(page.get_by_test_id("join-error")).to_have_text("Enter the event code.")

    page.get_by_test_id("join-code").fill("nope42")
    page.get_by_test_id("join-name").fill("Pat Doe")
    page.get_by_test_id("join-badge").fill("4711")
    page.get_by_test_id("join-submit").click()
    error = page.get_by_test_id("join-error")
    expect(error).to_contain_text("Wrong event code")
    expect(page.get_by_test_id("join-code")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("join-code")).to_have_value("NOPE42")
    expect(page.get_by_test_id("screen-join")).to_be_visible()
    page.screenshot(path=screenshots("join-error"))


def test_a_revoked_token_sends_the_phone_back_to_join(live_server, marathon, phone):
    page = phone.new_page()
    page.goto(f"{live_server.url}/officer")
    page.evaluate(
        """(eventId) => localStorage.setItem("fieldops.officer.session.v1", JSON.stringify(
             {eventId, eventName: "Harbor 10K", token: "not-a-real-token", officerId: 1}))""",
        marathon["id"],
    )
    page.reload()
    expect(page.get_by_test_id("screen-join")).to_be_visible()
    expect(page.get_by_test_id("join-notice")).to_contain_text("Join again")


def test_after_a_server_restart_the_page_rejoins_and_streams_again(live_server, marathon, phone):
    """Last in this module: it restarts the module's server (same port, same database)."""
    officer_id, badge = roster(marathon, "Kim Novak")
    page = phone.new_page()
    frames: list[str] = []
    page.on(
        "websocket",
        lambda ws: ws.on("framesent", lambda p: frames.append(p) if isinstance(p, str) else None),
    )
    join_on_page(page, live_server, marathon, "Kim Novak", badge)
    open_main(page)
    expect(page.get_by_test_id("connection")).to_have_text("Online")

    def sent(name: str) -> int:
        return sum(1 for f in frames if f.startswith("42/live,") and f'["{name}"' in f)

    joins = sent("join")
    live_server.stop()
    expect(page.get_by_test_id("connection")).not_to_have_text("Online")
    live_server.seed = False
    live_server.start()

    expect(page.get_by_test_id("connection")).to_have_text("Online", timeout=30_000)
    assert sent("join") == joins + 1
    dashboard = live_server.socket(cookies=live_server.staff("command"))
    recorder = Recorder(dashboard)
    assert dashboard.call("join", {"event_id": marathon["id"]}, namespace="/live")["ok"]
    positions = sent("position")
    there = (round(POST["lat"] - 0.002, 6), POST["lon"])
    phone.set_geolocation({"latitude": there[0], "longitude": there[1], "accuracy": 10})
    recorder.wait_for(moved_to(officer_id, *there), timeout=15)
    until(page, lambda: sent("position") == positions + 1)  # over the re-joined socket
    dashboard.disconnect()
