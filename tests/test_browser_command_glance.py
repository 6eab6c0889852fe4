"""The command map and desk read at a glance, in a real browser against the real server: a
click on an officer opens the officer wherever they stand, quiet officers are grouped until
zoomed in while anyone who needs attention stands alone, the map opens on the busiest event,
the scale and credit never cover a pin, the laptop layout holds with alarms open, a walk-up
incident is placed by post or by mile, and an organizer gets no action buttons."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import set_map_view
from tests.support.live_server import LiveServer
from tests.test_browser_command import Officer, add_post, sign_in, tiny_gpx
from tests.test_browser_command_incidents import Phone, admin, command, page  # noqa: F401

__all__ = ["admin", "command", "page"]  # fixtures shared with the desk's tests, on this server

LAPTOP = {"width": 1280, "height": 800}
WAIT = 10_000
START = (40.6000, -74.0000)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("glance")) as live:
        yield live


def along(km: float, east_m: float = 0.0) -> tuple[float, float]:
    """A point on tiny_gpx's straight course north from START (km along it)."""
    return START[0] + km / 111.2, START[1] + east_m / 84_000


def course_event(server, admin, name: str) -> dict:
    event = server.create_event(admin, name=name)
    response = admin.put(
        f"/api/v1/events/{event['id']}/course",
        data=tiny_gpx(*START),
        params={"filename": "course.gpx"},
        headers={"Content-Type": "application/gpx+xml"},
    )
    assert response.status_code == 200, response.text
    return event


def click_point(page: Page, point: dict) -> None:
    page.mouse.click(point["x"], point["y"])


def officer_point(page: Page, officer_id: int) -> dict:
    page.wait_for_function(
        "id => window.fieldopsCommand.officer(id)?.point", arg=officer_id, timeout=WAIT
    )
    return page.evaluate("id => window.fieldopsCommand.officer(id).point", officer_id)


def test_a_click_on_an_officer_opens_the_officer_even_at_a_post_with_lines_and_rings(
    page, server, admin, command
):
    event = course_event(server, admin, "Click Marathon")
    post_at = along(2.0)
    post_id = add_post(admin, event, "Mile 1 water", *post_at, radius_m=80)
    standing = Phone(server, event, "Ada Stone", f"C{uuid.uuid4().hex[:5]}")
    standing.check_in(post_id)
    standing.send_fix(*post_at)
    caller = Phone(server, event, "Bo Reyes", f"C{uuid.uuid4().hex[:5]}")
    caller.check_in(post_id)
    caller.send_fix(post_at[0] + 0.0004, post_at[1])
    sign_in(page, server, event)
    # A help ring and a dispatch line go on the map around the post.
    caller.help()
    incident = standing.report("crowd", post_at[0] + 0.0002, post_at[1])
    command.post(
        f"/api/v1/incidents/{incident['id']}/assignments", json={"officer_ids": [standing.id]}
    ).raise_for_status()
    expect(page.get_by_test_id("help-ring")).to_have_count(1, timeout=WAIT)
    # The help alarm brought the map to the caller and follows him: let go first (Esc).
    expect(page.get_by_test_id("detail-name")).to_contain_text("Bo Reyes", timeout=WAIT)
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("officer-detail")).to_be_hidden()
    set_map_view(page, *post_at, 17)
    click_point(page, officer_point(page, standing.id))
    card = page.get_by_test_id("officer-detail")
    expect(card.get_by_test_id("detail-name")).to_contain_text("Ada Stone")
    page.get_by_test_id("detail-close").click()
    expect(card).to_be_hidden()

    # Inside the post but away from anyone: the post's orders.
    box = page.get_by_test_id("map").bounding_box()
    spot = page.evaluate(
        """([lat, lon]) => { const m = window.fieldopsCommand.map;
             const p = m.latLngToContainerPoint([lat, lon]); return {x: p.x, y: p.y}; }""",
        [post_at[0] - 0.0005, post_at[1] - 0.0003],
    )
    page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Mile 1 water")


def test_quiet_officers_are_grouped_until_zoomed_in_and_the_ones_to_watch_stand_alone(
    page, server, admin
):
    event = course_event(server, admin, "Crowded Marathon")
    posts = [(add_post(admin, event, f"Km {km}", *along(km)), along(km)) for km in (1, 2, 3, 4, 5)]
    officers = []
    for i in range(40):
        post_id, (lat, lon) = posts[i % len(posts)]
        officer = Officer(server, event, f"Quiet {i:02d}", f"G{i:03d}{uuid.uuid4().hex[:3]}")
        officer.check_in(post_id)
        officer.send_fix(lat + 0.00005 * (i // 5), lon)
        officers.append(officer)
    responding, resting = officers[7], officers[12]
    responding.set_status("responding")
    resting.set_status("on_break")
    sign_in(page, server, event)
    expect(page.get_by_test_id("count-on-shift")).to_have_attribute(
        "data-count", "40", timeout=WAIT
    )
    page.evaluate("window.fieldopsCommand.map.setZoom(13, {animate: false})")
    page.wait_for_function("window.fieldopsCommand.groups().length > 0", timeout=WAIT)
    groups = page.evaluate("window.fieldopsCommand.groups()")
    assert sum(g["count"] for g in groups) <= 39  # the responding officer is never in one
    assert any(g["byCategory"].get("on_break") for g in groups)  # counted, by status
    drawn = page.evaluate("id => window.fieldopsCommand.officer(id)", responding.id)
    assert drawn["clustered"] is False and drawn["point"] is not None
    # A click on a group zooms the map in to where it falls apart.
    click_point(page, groups[0]["point"])
    page.wait_for_function("window.fieldopsCommand.map.getZoom() > 13", timeout=WAIT)
    page.evaluate("window.fieldopsCommand.map.setZoom(16, {animate: false})")
    page.wait_for_function("window.fieldopsCommand.groups().length === 0", timeout=WAIT)
    assert page.evaluate("id => window.fieldopsCommand.officer(id).clustered", resting.id) is False


def test_the_map_opens_on_the_busiest_event_then_remembers_the_choice(page, server, admin):
    quiet = server.create_event(admin, name="Aaa Quiet Fun Run")
    busy = server.create_event(admin, name="Zzz Busy Half")
    post_id = add_post(admin, busy, "Gate", *START)
    for i in range(45):  # more than any other event on this server
        officer = Officer(server, busy, f"Busy {i}", f"B{i}{uuid.uuid4().hex[:4]}")
        officer.check_in(post_id)
    sign_in(page, server, quiet)  # signs in, then opens ?event=<quiet>
    page.goto(f"{server.url}/command")
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "live")
    assert page.evaluate("new URLSearchParams(location.search).get('event')") == str(busy["id"])
    picker = page.get_by_test_id("event-picker")
    expect(picker.locator("option:checked")).to_contain_text("45 on shift")
    picker.select_option(str(quiet["id"]))
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "live")
    page.goto(f"{server.url}/command")
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "live")
    assert page.evaluate("new URLSearchParams(location.search).get('event')") == str(quiet["id"])


def test_the_scale_bar_and_the_map_credit_sit_under_the_map_not_over_it(page, server, admin):
    event = course_event(server, admin, "Footer 10K")
    sign_in(page, server, event)
    map_box = page.get_by_test_id("map").bounding_box()
    for selector in (".leaflet-control-scale", ".leaflet-control-attribution"):
        control = page.get_by_test_id("map-footer").locator(selector)
        expect(control).to_be_visible()
        box = control.bounding_box()
        assert box["y"] >= map_box["y"] + map_box["height"] - 1, (selector, box, map_box)
    assert (
        page.locator("#map .leaflet-control-scale, #map .leaflet-control-attribution").count() == 0
    )


def test_at_1280x800_one_header_row_and_with_two_alarms_five_incidents_in_view(
    page, server, admin, command
):
    event = course_event(server, admin, "Layout Marathon")
    post_id = add_post(admin, event, "Km 2 water", *along(2))
    reporter = Phone(server, event, "Cy Lowe", f"L{uuid.uuid4().hex[:5]}")
    reporter.check_in(post_id)
    reporter.send_fix(*along(2))
    reporter.report("medical", *along(1), severity="critical", note="not breathing")
    for i, kind in enumerate(["crowd", "traffic", "hazard", "fight", "suspicious"]):
        reporter.report(kind, *along(1.5 + i * 0.5), note=f"incident {i}")
    caller = Phone(server, event, "Di Moss", f"L{uuid.uuid4().hex[:5]}")
    caller.send_fix(*along(3))
    caller.help()
    sign_in(page, server, event)
    expect(page.get_by_test_id("alarm")).to_have_count(2, timeout=WAIT)  # help, critical
    header = page.locator(".cmd-header").bounding_box()
    assert header["height"] <= 70, header  # one row
    for testid in ("event-name", "course-length", "connection", "clock"):
        element = page.get_by_test_id(testid)
        if element.is_visible():
            box = element.bounding_box()
            assert box["y"] + box["height"] <= header["y"] + header["height"], testid
    rows = page.get_by_test_id("queue-row")
    expect(rows).to_have_count(7)  # six reports and the help call
    queue = page.get_by_test_id("queue-list").bounding_box()
    fully_shown = [
        box
        for box in (rows.nth(i).bounding_box() for i in range(rows.count()))
        if box["y"] >= queue["y"] - 1
        and box["y"] + box["height"] <= queue["y"] + queue["height"] + 1
    ]
    assert len(fully_shown) >= 5, fully_shown
    map_box = page.get_by_test_id("map").bounding_box()
    assert map_box["height"] >= 0.6 * LAPTOP["height"], map_box
    search = page.get_by_test_id("search").bounding_box()
    assert search["width"] >= 200, search
    for label in page.locator(".count-label").all():
        assert label.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), label.inner_text()


def test_a_walk_up_incident_is_logged_at_a_post_or_at_a_mile(page, server, admin, command):
    event = course_event(server, admin, "Walk-up 5K")
    add_post(admin, event, "Km 3 water", *along(3))
    sign_in(page, server, event)
    page.get_by_test_id("new-incident").click()
    form = page.get_by_test_id("incident-form")
    form.locator('input[value="medical"]').check(force=True)
    where = page.get_by_test_id("new-where")
    where.fill("Km 3 water")
    where.press("Enter")
    expect(page.get_by_test_id("new-place")).to_have_text("Km 3.0 · at Km 3 water")
    where.fill("1.5")
    where.press("Enter")
    expect(page.get_by_test_id("new-place")).to_have_text("Km 1.5 · 1.5 km S of Km 3 water")
    where.fill("9")
    where.press("Enter")
    expect(page.get_by_test_id("new-place")).to_contain_text("the course covers km 0.0 to 5.5")
    where.fill("Km 3 water")
    where.press("Enter")
    expect(page.get_by_test_id("new-place")).to_have_text("Km 3.0 · at Km 3 water")
    page.get_by_test_id("new-submit").click()
    detail = page.get_by_test_id("incident-detail")
    expect(detail.get_by_test_id("detail-place")).to_have_text("Km 3.0 · at Km 3 water")
    row = page.get_by_test_id("queue-row").first
    expect(row.get_by_test_id("row-place")).to_have_text("Km 3.0 · at Km 3 water")
    incidents = command.get(f"/api/v1/events/{event['id']}/incidents").json()["incidents"]
    assert [i["place"] for i in incidents] == ["Km 3.0 · at Km 3 water"]


def test_an_organizer_watches_read_only_and_the_reporter_is_not_suggested(
    browser, server, admin, command
):
    event = course_event(server, admin, "Organizer 10K")
    post_id = add_post(admin, event, "Km 2 water", *along(2))
    reporter = Phone(server, event, "Eve Park", f"O{uuid.uuid4().hex[:5]}")
    reporter.check_in(post_id)
    reporter.send_fix(*along(2))
    other = Phone(server, event, "Finn Hale", f"O{uuid.uuid4().hex[:5]}")
    other.check_in(post_id)
    other.send_fix(*along(2.2))
    incident = reporter.report("medical", *along(2))
    other.help()

    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    try:
        sign_in(page, server, event, role="organizer")
        expect(page.get_by_test_id("queue-row")).to_have_count(2, timeout=WAIT)
        expect(page.get_by_test_id("alarm")).to_have_count(1)
        expect(page.get_by_test_id("new-incident")).to_be_hidden()
        for testid in ("row-acknowledge", "row-dispatch", "alarm-acknowledge"):
            expect(page.get_by_test_id(testid)).to_have_count(0)
        page.get_by_test_id("queue-row").first.locator(".inc-open").click()
        detail = page.get_by_test_id("incident-detail")
        expect(detail.get_by_test_id("timeline")).to_be_visible()
        for testid in ("detail-acknowledge", "detail-dispatch", "detail-cancel", "note-form"):
            expect(detail.get_by_test_id(testid)).to_have_count(0)
        page.get_by_test_id("messages-toggle").click()
        expect(page.get_by_test_id("message-send")).to_be_hidden()
        page.keyboard.press("n")  # the shortcut does nothing for an organizer either
        expect(page.get_by_test_id("incident-form")).to_be_hidden()
    finally:
        context.close()

    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    try:
        sign_in(page, server, event)
        row = page.locator(f'[data-testid="queue-row"][data-incident-id="{incident["id"]}"]')
        row.locator(".inc-open").click()
        detail = page.get_by_test_id("incident-detail")
        reported = detail.get_by_test_id("reporter-officer")
        expect(reported).to_contain_text("Eve Park")
        expect(reported).to_contain_text("reported it, at the scene")
        expect(detail.get_by_test_id("nearest-officer")).to_have_count(0)  # Finn called for help
        expect(detail.get_by_test_id("needs-help-officer")).to_contain_text("Finn Hale")
    finally:
        context.close()
