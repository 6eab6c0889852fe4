"""The command post's live map in a real browser, against the real server (eventlet).

Fixes, check-ins and status changes go through the real HTTP API with an officer's device
token; the page must show them as they are pushed, without a reload.
"""

from __future__ import annotations

import re
import threading

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.conftest import fix
from tests.support.browser import DESKTOP, PHONE, set_map_view
from tests.support.live_server import ROOT, STAFF_PASSWORD, LiveServer

NYC_GPX = ROOT / "tests/data/nyc-marathon-2006-runner-waypoints.gpx"
STALE_AFTER = 3  # seconds, so staleness shows within a test
WAIT = 8000  # ms for a push to reach the page


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Officers go stale after 3 s without a fix and off post after 1 s outside their post."""
    with LiveServer(
        tmp_path_factory.mktemp("command"),
        FIELDOPS_STALE_AFTER=str(STALE_AFTER),
        FIELDOPS_OFF_POST_AFTER="1",
    ) as live:
        yield live


@pytest.fixture(scope="module")
def admin(server):
    return server.staff("admin")


@pytest.fixture
def page(browser):
    """A desktop-sized page that fails the test on any uncaught script error."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == []


# --- helpers ------------------------------------------------------------------------------


class Officer:
    """An officer's phone, talking to the real API with its device token."""

    def __init__(self, server: LiveServer, event: dict, name: str, badge: str):
        _session, joined = server.join_officer(event["enrollment_code"], name, badge)
        self.id = joined["officer"]["id"]
        self.name = name
        self.url = f"{server.url}/api/v1/events/{event['id']}"
        self.headers = {"Authorization": f"Bearer {joined['device_token']}"}
        self.where: tuple[float, float] | None = None

    def send_fix(self, lat: float, lon: float, **extra) -> None:
        self.where = (lat, lon)
        response = requests.post(
            f"{self.url}/positions", json=fix(lat, lon, **extra), headers=self.headers, timeout=10
        )
        assert response.status_code == 202, response.text

    def check_in(self, post_id: int) -> None:
        response = requests.post(
            f"{self.url}/shift/check-in",
            json={"post_id": post_id},
            headers=self.headers,
            timeout=10,
        )
        assert response.status_code == 201, response.text

    def set_status(self, status: str) -> None:
        response = requests.post(
            f"{self.url}/status", json={"status": status}, headers=self.headers, timeout=10
        )
        assert response.status_code == 200, response.text


class KeepFresh:
    """Re-sends each officer's last position every half second (staleness comes in 3 s)."""

    def __init__(self, officers: list[Officer]):
        self.officers = officers
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            for officer in self.officers:
                if officer.where:
                    officer.send_fix(*officer.where, battery=64)
            self.stop.wait(0.5)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.stop.set()
        self.thread.join(timeout=10)


def add_post(admin, event: dict, name: str, lat: float, lon: float, **extra) -> int:
    body = {"name": name, "kind": "traffic_point", "lat": lat, "lon": lon, "radius_m": 60, **extra}
    response = admin.post(f"/api/v1/events/{event['id']}/posts", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def sign_in(page: Page, server: LiveServer, event: dict, role: str = "command") -> None:
    """Through the real sign-in form, then straight to the event's live map."""
    page.goto(f"{server.url}/command")
    expect(page).to_have_url(re.compile(r"/login"))
    page.fill('input[name="username"]', role)
    page.fill('input[name="password"]', STAFF_PASSWORD)
    page.click('button[type="submit"]')
    expect(page).to_have_url(re.compile(r"/command"))
    page.goto(f"{server.url}/command?event={event['id']}")
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "live")


def row(page: Page, officer: Officer):
    return page.locator(f'[data-officer-id="{officer.id}"]').first


def count(page: Page, name: str):
    return page.get_by_test_id(f"count-{name}")


def marker(page: Page, officer: Officer) -> dict:
    """What the map draws for this officer (markers are on a canvas, not in the DOM)."""
    page.wait_for_function(
        "id => window.fieldopsCommand.officer(id)?.onMap", arg=officer.id, timeout=WAIT
    )
    return page.evaluate("id => window.fieldopsCommand.officer(id)", officer.id)


def tiny_gpx(lat: float, lon: float, km: float = 5.5) -> bytes:
    """A straight course north from (lat, lon), about `km` long."""
    points = [(lat + i * km / 111.2 / 10, lon) for i in range(11)]
    trkpts = "".join(f'<trkpt lat="{a:.6f}" lon="{b:.6f}"/>' for a, b in points)
    return (
        '<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><name>Test course</name><trkseg>{trkpts}</trkseg></trk></gpx>"
    ).encode()


# --- the required behaviour ---------------------------------------------------------------


def test_an_officers_fix_puts_a_marker_and_a_list_row_on_the_map(page, server, admin):
    event = server.create_event(admin, name="Harbor 10K")
    sign_in(page, server, event)
    expect(page.locator("#list-empty")).to_contain_text("No officers have joined")
    expect(count(page, "total")).to_have_attribute("data-count", "0")

    sam = Officer(server, event, "Sam Ortiz", "9001")
    sam.send_fix(40.6501, -74.0101, battery=77)

    sam_row = row(page, sam)
    expect(sam_row).to_contain_text("Sam Ortiz", timeout=WAIT)  # name fetched by a re-join
    expect(sam_row).to_contain_text("#9001")
    expect(sam_row.get_by_test_id("row-battery")).to_have_text("Bat 77%")
    expect(sam_row.get_by_test_id("row-age")).to_contain_text(re.compile(r"\d+ s ago"))
    expect(count(page, "total")).to_have_attribute("data-count", "1")

    drawn = marker(page, sam)
    assert drawn["look"]["category"] == "off_shift" and drawn["look"]["label"] == "Sam Ortiz"
    assert (drawn["data"]["fix"]["lat"], drawn["data"]["fix"]["lon"]) == (40.6501, -74.0101)

    # The marker is really there: clicking its spot on the canvas opens the officer's card.
    page.mouse.click(drawn["point"]["x"], drawn["point"]["y"])
    card = page.get_by_test_id("officer-detail")
    expect(card.get_by_test_id("detail-name")).to_contain_text("Sam Ortiz")
    expect(card.get_by_test_id("detail-battery")).to_have_text("77 %")
    expect(card.get_by_test_id("detail-accuracy")).to_have_text("± 8 m")
    expect(card.get_by_test_id("detail-age")).to_contain_text("ago")


def test_check_in_and_status_changes_update_the_row_without_a_reload(page, server, admin):
    event = server.create_event(admin, name="School Day")
    post_id = add_post(admin, event, "Main gate", 40.70, -74.00)
    ana = Officer(server, event, "Ana Cruz", "9004")
    ana.send_fix(40.7001, -74.0001)
    sign_in(page, server, event)

    ana_row = row(page, ana)
    expect(ana_row).to_have_attribute("data-status", "off_shift")
    expect(ana_row).to_contain_text("Off shift")
    page.evaluate("window.__sameDocument = true")

    ana.check_in(post_id)
    expect(ana_row).to_have_attribute("data-status", "on_post", timeout=WAIT)
    expect(ana_row).to_contain_text("On post")
    expect(ana_row).to_contain_text("Main gate")
    expect(count(page, "on-shift")).to_have_attribute("data-count", "1")

    ana.set_status("responding")
    expect(ana_row).to_have_attribute("data-status", "responding", timeout=WAIT)
    expect(ana_row).to_contain_text("Responding")
    expect(count(page, "responding")).to_have_attribute("data-count", "1")
    assert marker(page, ana)["look"]["category"] == "responding"

    ana_row.click()
    card = page.get_by_test_id("officer-detail")
    expect(card.get_by_test_id("detail-shift")).to_contain_text("checked in")
    expect(card.get_by_test_id("detail-post")).to_have_text("Main gate")
    assert page.evaluate("window.__sameDocument") is True


def test_stale_and_off_post_officers_are_shown_and_counted(page, server, admin):
    event = server.create_event(admin, name="Bridge Run")
    post_id = add_post(admin, event, "Bridge north", 40.70, -74.00)
    lee = Officer(server, event, "Lee Park", "9002")  # goes quiet: stale
    kim = Officer(server, event, "Kim Diaz", "9003")  # wanders off: off post
    for officer in (lee, kim):
        officer.check_in(post_id)
    lee.send_fix(40.7001, -74.0001)
    kim.send_fix(40.7100, -74.0000)  # about 1.1 km from the post
    sign_in(page, server, event)

    with KeepFresh([kim]):
        expect(row(page, kim)).to_have_attribute("data-off-post", "true", timeout=WAIT)
        expect(row(page, kim)).to_contain_text("OFF POST")
        expect(count(page, "off-post")).to_have_attribute("data-count", "1")

        expect(row(page, lee)).to_have_attribute("data-stale", "true", timeout=WAIT)
        expect(row(page, lee)).to_contain_text("STALE")
        expect(count(page, "stale")).to_have_attribute("data-count", "1")
        assert marker(page, lee)["look"]["stale"] is True
        assert marker(page, kim)["look"] == {
            "category": "on_post",
            "stale": False,
            "offPost": True,
            "selected": False,
            "label": "Kim Diaz",
        }

        # The filters narrow the list (and the map) to what needs attention.
        count(page, "stale").click()
        expect(page.locator("[data-officer-id]")).to_have_count(1)
        expect(row(page, lee)).to_be_visible()
        assert marker(page, lee)["onMap"] is True
        assert page.evaluate("id => window.fieldopsCommand.officer(id).onMap", kim.id) is False
        count(page, "total").click()
        expect(page.locator("[data-officer-id]")).to_have_count(2)

    # A fresh fix brings the quiet officer back.
    lee.send_fix(40.7002, -74.0002)
    expect(row(page, lee)).to_have_attribute("data-stale", "false", timeout=WAIT)


def test_the_course_and_its_distance_markers_render(page, server, admin):
    event = server.create_event(admin, name="Park 5K")
    response = admin.put(
        f"/api/v1/events/{event['id']}/course",
        data=tiny_gpx(40.60, -74.00),
        params={"filename": "park.gpx"},
        headers={"Content-Type": "application/gpx+xml"},
    )
    assert response.status_code == 200, response.text
    course = response.json()
    add_post(admin, event, "Water 1", 40.62, -74.001)
    sign_in(page, server, event)

    expect(page.get_by_test_id("course-length")).to_have_text(f"Course {course['length_label']}")
    # START, FINISH, the distance markers and the post's name are drawn on the map's canvas
    # where they find room; the page says what it drew and where.
    wanted = ["START", "FINISH", *(m["label"] for m in course["markers"])]
    page.wait_for_function(
        "n => window.fieldopsCommand.courseLabels().length === n", arg=len(wanted), timeout=WAIT
    )
    drawn = page.evaluate("window.fieldopsCommand.courseLabels()")
    assert sorted(label["text"] for label in drawn) == sorted(wanted)
    assert wanted[2:4] == ["1 km", "2 km"]
    box = page.get_by_test_id("map").bounding_box()
    for label in drawn:
        assert box["x"] <= label["point"]["x"] <= box["x"] + box["width"], label
        assert box["y"] <= label["point"]["y"] <= box["y"] + box["height"], label
    assert page.evaluate("window.fieldopsCommand.layers()") == {
        "course": 2 * len(course["lines"]),  # a dark casing under the bright line
        "posts": 1,
        "campus": 0,  # a marathon has none
        "officers": 0,
    }
    # The map opened on the course.
    inside = page.evaluate(
        "([a, b]) => window.fieldopsCommand.map.getBounds().contains(L.latLngBounds(a, b))",
        [course["lines"][0][0], course["lines"][0][-1]],
    )
    assert inside is True
    # Post names from zoom 14 on, where they fit; a hover names any post before that.
    assert "Water 1" not in page.evaluate("window.fieldopsCommand.postLabels()")
    set_map_view(page, 40.62, -74.001, 15)
    page.wait_for_function("() => window.fieldopsCommand.postLabels().includes('Water 1')")


# --- the rest of a dispatcher's page ------------------------------------------------------


def test_the_event_picker_switches_events_and_keeps_the_choice_in_the_url(page, server, admin):
    first = server.create_event(admin, name="Picker Alpha")
    second = server.create_event(admin, name="Picker Bravo")
    ben = Officer(server, second, "Ben Hale", "9101")
    ben.send_fix(40.75, -73.98)
    sign_in(page, server, first)
    picker = page.get_by_test_id("event-picker")
    expect(picker).to_have_value(str(first["id"]))

    picker.select_option(str(second["id"]))
    expect(page).to_have_url(re.compile(rf"/command\?event={second['id']}$"))
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "live")
    expect(row(page, ben)).to_contain_text("Ben Hale")

    page.reload()
    expect(page.get_by_test_id("event-picker")).to_have_value(str(second["id"]))
    expect(row(page, ben)).to_contain_text("Ben Hale")


def test_the_page_says_when_its_picture_is_old_ages_it_and_recovers(browser, tmp_path, screenshots):
    server = LiveServer(tmp_path, FIELDOPS_STALE_AFTER=str(STALE_AFTER))
    server.start()
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        event = server.create_event(server.staff("admin"), name="Outage drill")
        sign_in(page, server, event)
        expect(page.get_by_test_id("map-banner")).to_be_hidden()
        joe = Officer(server, event, "Joe Walsh", "9201")
        joe.send_fix(40.70, -74.00)
        expect(row(page, joe)).not_to_contain_text("no fix yet", timeout=WAIT)
        expect(row(page, joe)).to_have_attribute("data-stale", "false")

        server.stop()
        connection = page.get_by_test_id("connection")
        expect(connection).to_have_attribute("data-state", "reconnecting", timeout=WAIT)
        expect(page.get_by_test_id("map-banner")).to_contain_text("old")
        # Nobody can push now: the page ages the officer itself.
        expect(row(page, joe)).to_have_attribute("data-stale", "true", timeout=WAIT)
        expect(count(page, "stale")).to_have_attribute("data-count", "1")
        page.screenshot(path=screenshots("server-gone"))

        server.seed = False  # same port, same database: the page reconnects and re-joins
        server.start()
        expect(connection).to_have_attribute("data-state", "live", timeout=15000)
        expect(page.get_by_test_id("map-banner")).to_be_hidden()
        expect(row(page, joe)).to_contain_text("Joe Walsh")
    finally:
        context.close()
        server.stop()


CAPTURE_SOCKET = """
let realIo;
Object.defineProperty(window, "io", {
  configurable: true,
  set(value) { realIo = value; },
  get() { return realIo && ((...args) => (window.__socket = realIo(...args))); },
});
"""

INJECT = """([type, seq, data]) =>
  window.__socket.emitEvent([type, { type, seq: window.fieldopsCommand.seq() + seq, data }])"""


def test_envelopes_apply_in_seq_order_and_a_gap_brings_a_fresh_snapshot(page, server, admin):
    """Envelopes go through the page's real socket handlers, as if the server had sent them."""
    event = server.create_event(admin, name="Seq check")
    eva = Officer(server, event, "Eva Novak", "9301")
    eva.send_fix(40.70, -74.00)
    page.add_init_script(CAPTURE_SOCKET)
    sign_in(page, server, event)
    expect(row(page, eva)).to_contain_text("Eva Novak")
    # Once she is stale the server has nothing more to push, so only our envelopes arrive.
    expect(row(page, eva)).to_have_attribute("data-stale", "true", timeout=WAIT)
    far = {**fix(41.5, -75.5), "officer_id": eva.id, "received_at": fix()["recorded_at"]}
    for key in ("heading", "speed", "battery"):
        far[key] = None
    positions = {"event_id": event["id"], "fixes": [far]}

    page.evaluate(INJECT, ["positions", 0, positions])  # a repeat of what we have: dropped
    page.wait_for_timeout(300)
    assert marker(page, eva)["data"]["fix"]["lat"] == 40.70

    joins = page.evaluate("window.fieldopsCommand.joins()")
    page.evaluate(INJECT, ["positions", 3, positions])  # two envelopes missing
    page.wait_for_timeout(300)
    assert marker(page, eva)["data"]["fix"]["lat"] == 40.70  # held back, not applied
    page.wait_for_function(  # the gap did not fill: the page joined again for a snapshot
        "joins => window.fieldopsCommand.joins() > joins", arg=joins, timeout=WAIT
    )
    assert marker(page, eva)["data"]["fix"]["lat"] == 40.70
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "live")

    page.evaluate(INJECT, ["positions", 1, positions])  # the next one in order: applied
    page.wait_for_function(
        "id => window.fieldopsCommand.officer(id).data.fix.lat === 41.5", arg=eva.id
    )


def test_screenshots_of_a_busy_event_on_a_wall_screen_and_a_phone(
    browser, server, admin, screenshots
):
    event = server.create_event(admin, name="NYC Marathon")
    response = admin.put(
        f"/api/v1/events/{event['id']}/course",
        data=NYC_GPX.read_bytes(),
        params={"filename": NYC_GPX.name},
    )
    assert response.status_code == 200, response.text
    line = response.json()["lines"][0]
    step = max(1, len(line) // 8)
    spots = [line[i] for i in range(step // 2, len(line), step)][:8]
    names = ["Water", "Medical", "Crossing", "Cheer zone", "Barrier", "Water", "Crossing", "Tent"]
    posts = [
        (add_post(admin, event, f"{names[i]} {i + 1}", lat, lon), lat, lon)
        for i, (lat, lon) in enumerate(spots)
    ]
    people = [
        "Dana Reyes",
        "Sam Ortiz",
        "Lee Park",
        "Kim Diaz",
        "Ana Cruz",
        "Ravi Shah",
        "Tom Byrne",
        "Mia Chen",
        "Joe Walsh",
        "Eva Novak",
        "Ali Khan",
        "Zoe Hart",
        "Max Ruiz",
        "Ida Berg",
        "Luc Moreau",
        "Amy Stone",
        "Ben Hale",
        "Noor Aziz",
        "Pat Kelly",
        "Gus Lind",
    ]
    officers = []
    for i, name in enumerate(people):
        officer = Officer(server, event, name, str(4400 + i))
        post_id, lat, lon = posts[i % len(posts)]
        if i % 7 != 6:
            officer.check_in(post_id)
        jitter = 0.0002 * ((i % 3) - 1)
        officer.send_fix(lat + jitter, lon + jitter * 1.3, battery=90 - 4 * i)
        officers.append(officer)
    responding, on_break, quiet, wanderer = officers[1], officers[4], officers[9], officers[12]
    responding.set_status("responding")
    on_break.set_status("on_break")
    wanderer.send_fix(wanderer.where[0] + 0.006, wanderer.where[1] - 0.004)
    fresh = [o for o in officers if o is not quiet]

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        with KeepFresh(fresh):
            sign_in(page, server, event)
            expect(row(page, quiet)).to_have_attribute("data-stale", "true", timeout=WAIT)
            expect(row(page, wanderer)).to_have_attribute("data-off-post", "true", timeout=WAIT)
            expect(count(page, "total")).to_have_attribute("data-count", str(len(officers)))
            page.screenshot(path=screenshots("desktop-overview"))

            row(page, responding).click()
            expect(page.get_by_test_id("detail-name")).to_contain_text(responding.name)
            page.wait_for_timeout(800)  # the map's pan to the officer
            page.screenshot(path=screenshots("desktop-selected"))

            page.get_by_test_id("detail-close").click()
            _post_id, lat, lon = posts[0]
            page.evaluate(
                "([lat, lon]) => { window.fieldopsCommand.map.setView([lat, lon], 18); }",
                [lat, lon],
            )
            page.wait_for_timeout(500)
            page.screenshot(path=screenshots("desktop-zoomed-names"))

            page.set_viewport_size(PHONE)
            page.wait_for_timeout(300)
            row(page, responding).click()  # the card opens under the map; the map centres
            expect(page.get_by_test_id("detail-name")).to_contain_text(responding.name)
            page.wait_for_timeout(800)
            page.screenshot(path=screenshots("phone"), full_page=True)
            page.get_by_test_id("detail-close").click()
            expect(page.get_by_test_id("list-toggle")).to_be_visible()
            page.get_by_test_id("list-toggle").click()
            expect(page.get_by_test_id("officer-list")).to_be_hidden()
    finally:
        context.close()


def test_search_sort_the_card_buttons_a_post_click_and_history_work(page, server, admin):
    """The page's controls, each the way a dispatcher uses it."""
    event = server.create_event(admin, name="Controls Run")
    other = server.create_event(admin, name="Other Run")
    post_id = add_post(admin, event, "Main gate", 40.70, -74.00, orders="Hold the gate")
    ana = Officer(server, event, "Ana Cruz", "9004")
    bob = Officer(server, event, "Bob Zed", "1111")
    ana.check_in(post_id)
    ana.send_fix(40.7001, -74.0001)
    bob.send_fix(40.7003, -74.0003)
    sign_in(page, server, event)
    expect(row(page, bob)).to_be_visible(timeout=WAIT)
    expect(page.locator("#list-shown")).to_have_text("(2)")

    # "/" jumps to the search; the search narrows the list and the map.
    page.keyboard.press("/")
    page.keyboard.type("bob")
    expect(page.locator("[data-officer-id]")).to_have_count(1)
    expect(page.locator("#list-shown")).to_have_text("(1 of 2)")
    assert page.evaluate("id => window.fieldopsCommand.officer(id).onMap", ana.id) is False
    page.get_by_test_id("search").fill("")
    expect(page.locator("[data-officer-id]")).to_have_count(2)

    # Rows are placed by transform, not DOM order: the top row is the one nearest y = 0.
    first_row = """(name) => [...document.querySelectorAll('.row')].sort((a, b) =>
        new DOMMatrix(a.style.transform).f - new DOMMatrix(b.style.transform).f
    )[0].textContent.startsWith(name)"""
    page.get_by_test_id("sort").select_option("badge")
    page.wait_for_function(first_row, arg="Bob")
    page.get_by_test_id("sort").select_option("name")
    page.wait_for_function(first_row, arg="Ana")
    # Someone new is sorted in among the names the page had already ranked.
    aaron = Officer(server, event, "Aaron Abel", "5005")
    aaron.send_fix(40.7005, -74.0005)
    page.wait_for_function(first_row, arg="Aaron")
    page.get_by_test_id("sort").select_option("badge")
    page.wait_for_function(first_row, arg="Bob")  # 1111 before 5005 and 9004
    page.get_by_test_id("sort").select_option("name")
    expect(page.locator("#list-shown")).to_have_text("(3)")

    drawn = marker(page, ana)
    page.mouse.move(drawn["point"]["x"], drawn["point"]["y"])
    expect(page.locator(".officer-tip")).to_contain_text("Ana Cruz")

    row(page, ana).click()
    card = page.get_by_test_id("officer-detail")
    expect(card.get_by_test_id("detail-shift")).to_contain_text("checked in")
    assert marker(page, ana)["look"]["selected"] is True
    follow = card.locator('[data-action="follow"]')
    follow.click()
    expect(follow).to_have_attribute("aria-pressed", "true")
    follow.click()
    expect(follow).to_have_attribute("aria-pressed", "false")
    card.get_by_test_id("detail-close").click()
    expect(card).to_be_hidden()
    page.wait_for_function("id => !window.fieldopsCommand.officer(id).look.selected", arg=ana.id)
    row(page, bob).click()
    expect(card).to_be_visible()
    page.keyboard.press("Escape")
    expect(card).to_be_hidden()

    page.locator("#panel-toggle").click()
    expect(page.locator("#command")).to_have_class(re.compile("panel-hidden"))
    page.locator("#panel-toggle").click()

    # A click inside the post, away from its officers, opens its orders.
    set_map_view(page, 40.70, -74.0, 17)
    inside = page.evaluate(
        """() => { const map = window.fieldopsCommand.map;
        const p = map.latLngToContainerPoint([40.7004, -73.9996]);
        const box = map.getContainer().getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y}; }"""
    )
    page.mouse.click(inside["x"], inside["y"])
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Hold the gate")
    assert page.evaluate("window.fieldopsCommand.layers()")["officers"] == 3

    # Another event, then Back: the first event's officers again, live.
    page.get_by_test_id("event-picker").select_option(str(other["id"]))
    expect(page.locator("#list-empty")).to_contain_text("No officers have joined", timeout=WAIT)
    page.go_back()
    expect(row(page, ana)).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "live")

    page.locator("#sign-out").click()
    expect(page).to_have_url(re.compile(r"/login"))
