"""The dispatcher's desk on the command page, in a real browser against the real server.

Officers report, call for help and acknowledge over the real HTTP API with their device
tokens; the dispatcher works the page with clicks and keys, and the server must then hold
what the page says it did.
"""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime

import pytest
import requests
from PIL import Image
from playwright.sync_api import Page, expect

from tests.support.browser import PHONE
from tests.support.live_server import LiveServer
from tests.test_browser_command import Officer, add_post, sign_in

DESKTOP = {"width": 1280, "height": 800}
WAIT = 8000  # ms for a push to reach the page
POST = (40.7000, -74.0000)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A dispatch not acknowledged within 2 s is overdue (and raises its alarm)."""
    with LiveServer(tmp_path_factory.mktemp("desk"), FIELDOPS_DISPATCH_ACK_TIMEOUT="2") as live:
        yield live


@pytest.fixture(scope="module")
def admin(server):
    return server.staff("admin")


@pytest.fixture(scope="module")
def command(server):
    """The same `command` login the page signs in with, for reading what the server holds."""
    return server.staff("command")


@pytest.fixture
def page(browser):
    """A laptop-sized page that fails the test on any uncaught script error."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == []


class Phone(Officer):
    """An officer's phone: reports, photos, responses, help calls, message acknowledgements."""

    def __init__(self, server: LiveServer, event: dict, name: str, badge: str):
        super().__init__(server, event, name, badge)
        self.api = f"{server.url}/api/v1"

    def call(self, method: str, path: str, **body):
        response = requests.request(
            method, f"{self.url}{path}", json=body or None, headers=self.headers, timeout=10
        )
        assert response.ok, response.text
        return response.json()

    def report(self, type_: str, lat: float, lon: float, **extra) -> dict:
        return self.call(
            "POST",
            "/incidents",
            client_id=str(uuid.uuid4()),
            type=type_,
            lat=lat,
            lon=lon,
            reported_at=datetime.now(UTC).isoformat(),
            **extra,
        )

    def photo(self, incident: dict) -> dict:
        picture = io.BytesIO()
        Image.new("RGB", (320, 240), (200, 40, 40)).save(picture, "JPEG")
        url = f"{self.api}/incidents/{incident['id']}/photos"
        files = {"photo": ("IMG_0001.JPG", picture.getvalue(), "image/jpeg")}
        response = requests.post(url, files=files, headers=self.headers, timeout=10)
        assert response.status_code == 201, response.text
        return response.json()

    def respond(self, incident: dict, status: str) -> None:
        url = f"{self.api}/incidents/{incident['id']}/respond"
        response = requests.post(url, json={"status": status}, headers=self.headers, timeout=10)
        assert response.status_code == 200, response.text

    def help(self) -> dict:
        lat, lon = self.where
        return self.call("POST", "/help", client_id=str(uuid.uuid4()), lat=lat, lon=lon)

    def acknowledge_message(self, text: str) -> None:
        mine = self.call("GET", "/messages")["messages"]
        message = next(m for m in mine if m["text"] == text)
        url = f"{self.api}/messages/{message['id']}/acknowledge"
        response = requests.post(url, headers=self.headers, timeout=10)
        assert response.status_code == 200, response.text


def on_shift(server, admin, event, post_id, name, badge, at) -> Phone:
    officer = Phone(server, event, name, badge)
    officer.check_in(post_id)
    officer.send_fix(*at)
    return officer


def server_incident(command, incident_id: int) -> dict:
    response = command.get(f"/api/v1/incidents/{incident_id}")
    assert response.status_code == 200, response.text
    return response.json()


def queue_row(page: Page, incident: dict):
    return page.locator(f'#queue-list [data-incident-id="{incident["id"]}"]')


def pin(page: Page, incident: dict):
    return page.locator(f'[data-testid="incident-marker"][data-incident-id="{incident["id"]}"]')


def scene(server, admin, name: str):
    """An event with a post, a reporter off shift and two free officers at known distances."""
    event = server.create_event(admin, name=name)
    post_id = add_post(admin, event, "Finish gate", *POST)
    reporter = Phone(server, event, "Ana Cruz", "7001")  # not on shift: never suggested
    reporter.send_fix(40.7050, -74.0000)
    near = on_shift(server, admin, event, post_id, "Sam Ortiz", "7002", (40.7009, -74.0000))
    far = on_shift(server, admin, event, post_id, "Lee Park", "7003", (40.7030, -74.0000))
    return event, post_id, reporter, near, far


# --- the queue, markers, acknowledge and dispatch ---------------------------------------------


def test_reports_queue_by_severity_and_are_acknowledged_and_dispatched_with_clicks(
    page, server, admin, command, screenshots
):
    event, _post, reporter, sam, lee = scene(server, admin, "Queue drill")
    sign_in(page, server, event)
    expect(page.get_by_test_id("queue-count")).to_have_text("0 open")

    crowd = reporter.report("crowd", 40.7010, -74.0010, note="crush at the barrier")
    reporter.photo(crowd)
    medical = reporter.report("medical", 40.7012, -74.0002, severity="critical", note="runner down")
    other = reporter.report("other", 40.6990, -74.0015)

    rows = page.locator("#queue-list [data-incident-id]")
    expect(rows).to_have_count(3, timeout=WAIT)  # pushed, no reload
    severities = rows.evaluate_all("rows => rows.map(r => r.dataset.severity)")
    assert severities == ["critical", "medium", "low"]
    expect(queue_row(page, crowd)).to_contain_text("Crowd")
    expect(queue_row(page, crowd)).to_contain_text("by Ana Cruz")
    expect(queue_row(page, crowd).get_by_test_id("row-status")).to_have_text("Reported")
    expect(pin(page, medical)).to_have_class(
        "inc-pin sev-critical st-reported"
    )  # red and pulsing: nobody has it yet
    expect(page.get_by_test_id("incident-marker")).to_have_count(3)
    page.screenshot(path=screenshots("queue"))

    queue_row(page, crowd).get_by_test_id("row-acknowledge").click()
    expect(queue_row(page, crowd).get_by_test_id("row-status")).to_have_text("Acknowledged")
    assert server_incident(command, crowd["id"])["status"] == "acknowledged"
    expect(pin(page, crowd)).to_have_class("inc-pin sev-medium st-acknowledged")

    queue_row(page, crowd).get_by_test_id("row-dispatch").click()
    expect(queue_row(page, crowd).get_by_test_id("row-status")).to_have_text("Dispatched")
    expect(queue_row(page, crowd).get_by_test_id("row-assignee")).to_have_text("Sam Ortiz")
    held = server_incident(command, crowd["id"])
    assert held["status"] == "dispatched"
    assert [a["officer_id"] for a in held["assignments"]] == [sam.id]  # the nearest free one
    sam.respond(crowd, "acknowledged")  # within the 2 s, or the watch escalates

    # The marker opens the detail: the whole story, oldest first, and who else could go.
    pin(page, crowd).click()
    detail = page.get_by_test_id("incident-detail")
    expect(detail).to_be_visible()
    expect(detail.get_by_test_id("detail-title")).to_contain_text("Crowd")
    entries = detail.get_by_test_id("timeline-entry")
    expect(entries).to_contain_text(
        [
            "crush at the barrier",
            "Photo added",
            "Reported → Acknowledged",
            "Dispatched Sam Ortiz",
            "Acknowledged → Dispatched",
            "Acknowledged the dispatch",
        ]
    )
    # An "escalated" entry may sit in between when this machine was slower than 2 s.
    kinds = [
        k for k in entries.evaluate_all("li => li.map(i => i.dataset.kind)") if k != "escalated"
    ]
    assert kinds == ["reported", "photo", "status", "assigned", "status", "response"]
    expect(entries.first).to_contain_text("Ana Cruz")
    expect(entries.filter(has_text="Dispatched Sam Ortiz")).to_contain_text("command")
    # The photo loads with the page's own session (a broken image has no natural size).
    photo = detail.get_by_test_id("incident-photo")
    expect(photo).to_have_js_property("complete", True)
    assert photo.evaluate("img => img.naturalWidth") == 320
    nearest = detail.get_by_test_id("nearest-officer")
    expect(nearest).to_have_count(1)  # Sam is responding now, Ana is not on shift
    expect(nearest).to_contain_text("Lee Park")
    expect(nearest).to_contain_text("m")
    page.screenshot(path=screenshots("detail"))

    nearest.get_by_role("button", name="Send").click()
    expect(detail.get_by_test_id("assigned-officer")).to_have_count(2)
    held = server_incident(command, crowd["id"])
    assert sorted(a["officer_id"] for a in held["assignments"]) == sorted([sam.id, lee.id])

    detail.get_by_test_id("note-text").fill("EMS notified")
    detail.get_by_role("button", name="Add note").click()
    expect(entries.filter(has_text="Note: “EMS notified”")).to_contain_text("command")

    detail.get_by_test_id("resolve-disposition").select_option("treated_on_site")
    detail.get_by_test_id("detail-resolve").click()
    expect(detail.get_by_test_id("detail-status")).to_have_text("Resolved")
    expect(queue_row(page, crowd)).to_have_count(0)  # left the open queue
    expect(pin(page, crowd)).to_have_class("inc-pin sev-medium st-resolved closed selected")
    held = server_incident(command, crowd["id"])
    assert (held["status"], held["disposition"]) == ("resolved", "treated_on_site")

    page.keyboard.press("Escape")
    expect(detail).to_be_hidden()
    expect(pin(page, crowd)).to_have_count(0)  # closed ones leave the map
    expect(page.get_by_test_id("queue-count")).to_have_text("2 open")
    assert other["id"] and medical["id"]


def test_the_keyboard_acknowledges_and_dispatches(page, server, admin, command, screenshots):
    event, _post, reporter, sam, _lee = scene(server, admin, "Keys drill")
    fight = reporter.report("fight", 40.7010, -74.0000)
    sign_in(page, server, event)  # this one is loaded with the page, not pushed
    row = queue_row(page, fight)
    expect(row).to_be_visible()

    page.keyboard.press("j")
    expect(row).to_have_class("inc-row selected")
    page.keyboard.press("a")
    expect(row.get_by_test_id("row-status")).to_have_text("Acknowledged")
    assert server_incident(command, fight["id"])["status"] == "acknowledged"
    page.keyboard.press("d")
    expect(row.get_by_test_id("row-assignee")).to_have_text("Sam Ortiz")
    assert [a["officer_id"] for a in server_incident(command, fight["id"])["assignments"]] == [
        sam.id
    ]

    # Sam does not acknowledge: the row flags him and the bar raises the alarm; `h` takes it.
    expect(row.get_by_test_id("overdue")).to_have_text("NO ACK", timeout=WAIT)
    alarm = page.locator('[data-testid="alarm"][data-kind="dispatch_unacknowledged"]')
    expect(alarm).to_contain_text("Sam Ortiz")
    page.keyboard.press("h")
    expect(alarm.get_by_test_id("alarm-acknowledged-by")).to_have_text("Acknowledged by command")
    alerts = command.get(f"/api/v1/events/{event['id']}/alerts").json()["alerts"]
    assert [(a["kind"], a["acknowledged_by"]["name"]) for a in alerts] == [
        ("dispatch_unacknowledged", "command")
    ]

    page.keyboard.press("Enter")
    expect(page.get_by_test_id("incident-detail")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("incident-detail")).to_be_hidden()

    page.keyboard.press("?")
    overlay = page.get_by_test_id("shortcut-help")
    expect(overlay).to_be_visible()
    expect(overlay).to_contain_text("dispatch the nearest free officer")
    page.screenshot(path=screenshots("shortcuts"))
    page.keyboard.press("Escape")
    expect(overlay).to_be_hidden()

    # Keys typed into a field are words, not commands.
    page.keyboard.press("n")
    form = page.get_by_test_id("incident-form")
    expect(form).to_be_visible()
    form.get_by_test_id("new-note").type("and another")
    expect(page.get_by_test_id("messages")).to_be_hidden()


# --- alarms -----------------------------------------------------------------------------------


def test_a_help_alarm_takes_the_bar_and_the_map_until_acknowledged(
    page, server, admin, command, screenshots
):
    event, _post, _reporter, sam, _lee = scene(server, admin, "Help drill")
    sign_in(page, server, event)
    expect(page.get_by_test_id("alarm-bar")).to_be_hidden()
    expect(page.get_by_test_id("sound-unlock")).to_be_visible()  # no click or key yet

    sam.send_fix(40.7100, -74.0100)
    alert = sam.help()
    alarm = page.locator(f'[data-testid="alarm"][data-alert-id="{alert["id"]}"]')
    expect(alarm).to_be_visible(timeout=WAIT)
    expect(alarm).to_contain_text("OFFICER NEEDS HELP")
    expect(alarm).to_contain_text("Sam Ortiz")
    expect(alarm).to_have_attribute("data-kind", "help")
    assert page.evaluate("window.fieldopsDesk.sound().sounding") is True
    # The map goes to him and follows him.
    page.wait_for_function(
        "() => window.fieldopsCommand.map.getCenter().distanceTo([40.71, -74.01]) < 30",
        timeout=WAIT,
    )
    expect(page.get_by_test_id("officer-detail")).to_contain_text("Sam Ortiz")
    ring = page.locator(f'[data-testid="help-ring"][data-alert-id="{alert["id"]}"]')
    expect(ring).to_contain_text("HELP · Sam Ortiz")
    sam.send_fix(40.7103, -74.0100)  # about 33 m north: the ring goes with him
    page.wait_for_function(
        """() => {
          const ring = document.querySelector('[data-testid="help-ring"]').getBoundingClientRect();
          const map = window.fieldopsCommand.map;
          const box = map.getContainer().getBoundingClientRect();
          const centre = map.containerPointToLatLng(
            [ring.x + ring.width / 2 - box.x, ring.y + ring.height / 2 - box.y]);
          return centre.distanceTo([40.7103, -74.0100]) < 5;
        }""",
        timeout=WAIT,
    )
    page.screenshot(path=screenshots("help-alarm"))

    alarm.get_by_test_id("alarm-acknowledge").click()
    expect(page.get_by_test_id("sound-unlock")).to_be_hidden()  # the click unlocked audio
    expect(alarm.get_by_test_id("alarm-acknowledged-by")).to_have_text("Acknowledged by command")
    expect(alarm).to_have_count(0)  # then it leaves the bar
    expect(ring).to_have_count(0)  # and the map
    expect(page.get_by_test_id("alarm-bar")).to_be_hidden()
    assert page.evaluate("window.fieldopsDesk.sound().sounding") is False

    me = command.get("/api/v1/auth/me").json()["user"]
    alerts = command.get(f"/api/v1/events/{event['id']}/alerts").json()["alerts"]
    held = next(a for a in alerts if a["id"] == alert["id"])
    assert held["acknowledged_by"]["id"] == me["id"]


# --- logging an incident ----------------------------------------------------------------------


def test_the_dispatcher_logs_a_walk_up_report_where_they_click_on_the_map(
    page, server, admin, command, screenshots
):
    event, _post, _reporter, _sam, _lee = scene(server, admin, "Walk-up drill")
    sign_in(page, server, event)
    page.get_by_test_id("new-incident").click()
    form = page.get_by_test_id("incident-form")
    expect(form).to_be_visible()

    form.get_by_role("radio", name="Lost person").check()
    expect(form.locator('input[name="severity"][value="high"]')).to_be_checked()  # the default
    box = page.get_by_test_id("map").bounding_box()
    x, y = round(box["x"] + box["width"] * 0.75), round(box["y"] + box["height"] * 0.4)
    page.mouse.click(x, y)
    clicked = page.evaluate(
        "([x, y]) => { const m = window.fieldopsCommand.map;"
        " const r = m.getContainer().getBoundingClientRect();"
        " const p = m.containerPointToLatLng([x - r.left, y - r.top]);"
        " return [p.lat, p.lng]; }",
        [x, y],
    )
    near_click = (  # within two pixels: the browser's click lands on whole pixels
        "([lat, lon]) => { const p = document.getElementById('new-place').dataset;"
        " return Math.abs(p.lat - lat) < 3e-5 && Math.abs(p.lon - lon) < 3e-5; }"
    )
    page.wait_for_function(near_click, arg=clicked, timeout=WAIT)
    form.get_by_test_id("new-note").fill("boy, 6, red cap, walked up to the tent")
    page.screenshot(path=screenshots("log-form"))
    form.get_by_test_id("new-submit").click()

    expect(form).to_be_hidden()
    detail = page.get_by_test_id("incident-detail")
    expect(detail.get_by_test_id("detail-title")).to_contain_text("Lost person")
    incidents = command.get(f"/api/v1/events/{event['id']}/incidents").json()["incidents"]
    assert len(incidents) == 1
    logged = incidents[0]
    assert (logged["type"], logged["severity"]) == ("lost_person", "high")
    assert logged["note"] == "boy, 6, red cap, walked up to the tent"
    assert logged["reported_by"]["role"] == "command"
    assert abs(logged["lat"] - clicked[0]) < 3e-5 and abs(logged["lon"] - clicked[1]) < 3e-5
    expect(queue_row(page, logged)).to_be_visible()
    expect(pin(page, logged)).to_be_visible()
    # A lost person raises its own alarm on every command screen.
    expect(page.locator('[data-testid="alarm"][data-kind="lost_person"]')).to_be_visible()


# --- messages ---------------------------------------------------------------------------------


def test_a_priority_message_shows_who_has_acknowledged(page, server, admin, screenshots):
    event, _post, _reporter, sam, lee = scene(server, admin, "Message drill")
    sign_in(page, server, event)
    page.get_by_test_id("messages-toggle").click()
    panel = page.get_by_test_id("messages")
    expect(panel).to_be_visible()

    text = "Finish gate closes at 14:00"
    panel.get_by_test_id("message-text").fill(text)
    panel.get_by_test_id("message-to").select_option(label="Finish gate")
    panel.get_by_test_id("message-priority").check()
    panel.get_by_test_id("message-send").click()

    sent = panel.get_by_test_id("sent-message").filter(has_text=text)
    expect(sent).to_contain_text("to Finish gate")
    expect(sent.get_by_test_id("message-ack-count")).to_have_text("0 of 2 acknowledged")
    expect(page.locator("#messages-waiting")).to_have_text("1")

    sam.acknowledge_message(text)
    expect(sent.get_by_test_id("message-ack-count")).to_have_text(
        "1 of 2 acknowledged", timeout=WAIT
    )
    expect(sent.get_by_test_id("message-acked")).to_have_text("✓ Sam Ortiz")
    expect(sent.get_by_test_id("message-waiting")).to_have_text("Waiting for: Lee Park")
    page.screenshot(path=screenshots("messages"))

    lee.acknowledge_message(text)
    expect(sent.get_by_test_id("message-ack-count")).to_have_text(
        "2 of 2 acknowledged", timeout=WAIT
    )
    expect(page.locator("#messages-waiting")).to_be_hidden()


# --- what it looks like -----------------------------------------------------------------------


def test_screenshots_of_the_desk_on_a_laptop_and_a_phone(
    browser, server, admin, command, screenshots
):
    event, post_id, reporter, sam, lee = scene(server, admin, "Busy desk")
    kim = on_shift(server, admin, event, post_id, "Kim Diaz", "7004", (40.6985, -74.0030))
    reports = [
        ("medical", "critical", (40.7012, -74.0002), "runner collapsed, CPR in progress"),
        ("fight", None, (40.6995, -73.9985), "two spectators"),
        ("crowd", None, (40.7020, -74.0025), "barrier leaning"),
        ("traffic", None, (40.6978, -73.9990), "car in the closed lane"),
        ("hazard", "low", (40.7030, -73.9975), "spilled water, slippery"),
    ]
    made = [
        reporter.report(kind, *where, note=note, **({"severity": sev} if sev else {}))
        for kind, sev, where, note in reports
    ]
    sent = command.post(
        f"/api/v1/incidents/{made[1]['id']}/assignments", json={"officer_ids": [sam.id]}
    )
    assert sent.status_code == 201, sent.text
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        sign_in(page, server, event)
        expect(page.locator("#queue-list [data-incident-id]")).to_have_count(len(made))
        kim.send_fix(40.6986, -74.0031)
        kim.help()
        expect(page.locator('[data-testid="alarm"][data-kind="help"]')).to_be_visible(timeout=WAIT)
        expect(queue_row(page, made[1]).get_by_test_id("overdue")).to_be_visible(timeout=WAIT)
        for name, viewport in (("laptop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            page.get_by_test_id("messages-toggle").click()
            page.screenshot(path=screenshots(f"{name}-messages"), full_page=True)
            page.get_by_test_id("new-incident").click()
            page.screenshot(path=screenshots(f"{name}-log-form"), full_page=True)
            queue_row(page, made[1]).locator(".inc-open").click()
            expect(page.get_by_test_id("timeline-entry")).to_have_count(5)
            expect(page.get_by_test_id("timeline-entry").last).to_contain_text(
                "No acknowledgement from Sam Ortiz in time"
            )
            # Lee is free and on shift: offered to send. Kim called for help: listed apart,
            # never offered.
            lee_row = f'[data-testid="nearest-officer"][data-officer-id="{lee.id}"]'
            expect(page.locator(lee_row)).to_contain_text("Lee Park")
            expect(page.get_by_test_id("needs-help-officer")).to_contain_text("Kim Diaz")
            kim_row = f'[data-testid="nearest-officer"][data-officer-id="{kim.id}"]'
            expect(page.locator(kim_row)).to_have_count(0)
            page.screenshot(path=screenshots(f"{name}-detail-and-alarms"), full_page=True)
            page.keyboard.press("Escape")
            page.screenshot(path=screenshots(f"{name}-queue"), full_page=True)
    finally:
        context.close()
