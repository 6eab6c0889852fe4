"""The desk's lost persons and lost and found, in a real browser against the real server.

Command reports a lost child over the API: the desk draws the widening search ring and lists
the card within seconds, and records the reunion by clicks. An officer logs a found item and
the desk takes a matching lost report: the dispatcher confirms the suggestion and releases the
item with an identity check, and the server then holds the item returned, with the check.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.support.live_server import LiveServer
from tests.test_browser_command import add_post, sign_in, tiny_gpx
from tests.test_browser_command_incidents import Phone

DESKTOP = {"width": 1280, "height": 800}
WAIT = 8000  # ms for a push to reach the page
POST = (40.7000, -74.0000)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("desk-lf")) as live:
        yield live


@pytest.fixture(scope="module")
def admin(server):
    return server.staff("admin")


@pytest.fixture(scope="module")
def command(server):
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


def ok(response, status: int = 201) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def test_a_lost_child_gets_a_widening_ring_and_a_card_and_is_reunited_by_clicks(
    page: Page, server, admin, command, screenshots
):
    event = server.create_event(admin, name="Code Adam drill")
    add_post(admin, event, "Finish gate", *POST)
    sign_in(page, server, event)

    now = datetime.now(UTC)
    child = ok(
        command.post(
            f"/api/v1/events/{event['id']}/lost-persons",
            json={
                "client_id": str(uuid.uuid4()),
                "first_name": "Mia",
                "full_name": "Mia Santos",
                "age": 6,
                "hair": "brown, ponytail",
                "clothing_top": "yellow raincoat",
                "guardian_name": "Rosa Santos",
                "guardian_contact": "+1 555 0142",
                "meeting_point": "Info tent at the finish",
                "last_seen_lat": 40.7005,
                "last_seen_lon": -74.0008,
                "last_seen_place": "by the finish gate",
                "last_seen_at": (now - timedelta(minutes=2)).isoformat(),
                "reported_at": now.isoformat(),
            },
        )
    )

    # Pushed, no reload: the count in the header, the ring on the map, widening by itself.
    expect(page.get_by_test_id("lost-persons-count")).to_have_text("1", timeout=WAIT)
    page.wait_for_function(
        "id => window.fieldopsDesk.lostRingRadius(id) > 0", arg=child["id"], timeout=WAIT
    )
    first = page.evaluate("id => window.fieldopsDesk.lostRingRadius(id)", child["id"])
    assert 100 <= first <= 200  # 1 m/s for the two minutes since last seen
    page.wait_for_function(
        "([id, r]) => window.fieldopsDesk.lostRingRadius(id) > r",
        arg=[child["id"], first],
        timeout=WAIT,
    )
    label = page.locator(f'[data-testid="lost-person-label"][data-lost-person-id="{child["id"]}"]')
    expect(label).to_contain_text("LOST · Mia · 0 min")

    page.get_by_test_id("lost-persons-toggle").click()
    card = page.locator(f'[data-testid="lost-person-card"][data-lost-person-id="{child["id"]}"]')
    expect(card).to_be_visible()
    expect(card).to_contain_text("Mia Santos")
    expect(card.get_by_test_id("lp-description")).to_contain_text("6 yrs")
    expect(card.get_by_test_id("lp-description")).to_contain_text("yellow raincoat")
    expect(card.get_by_test_id("lp-meeting-point")).to_have_text("Info tent at the finish")
    expect(card.get_by_test_id("lp-guardian")).to_have_text("Rosa Santos")
    expect(card.get_by_test_id("lp-contact")).to_have_text("+1 555 0142")
    page.screenshot(path=screenshots("lost-person"))

    # An officer marks a place searched: a grey disc on the map.
    ok(
        command.post(
            f"/api/v1/lost-persons/{child['id']}/searched",
            json={"lat": 40.7010, "lon": -74.0010, "radius_m": 60},
        )
    )
    page.wait_for_function(
        "id => window.fieldopsDesk.lostSearchedCount(id) === 1", arg=child["id"], timeout=WAIT
    )

    card.get_by_test_id("lp-agency-called").click()
    expect(card.get_by_test_id("lp-agency")).to_contain_text("Agency called", timeout=WAIT)

    # Found: where, then the ring stops (the reunion is still to come).
    card.get_by_test_id("lp-found").click()
    card.get_by_test_id("lp-found-place").fill("at the Mile 3 water table")
    card.get_by_test_id("lp-found-submit").click()
    expect(card.get_by_test_id("lp-found-at")).to_have_text(
        "at the Mile 3 water table", timeout=WAIT
    )
    expect(card.locator(".lp-status")).to_have_text("Found")
    page.wait_for_function(
        "id => window.fieldopsDesk.lostRingRadius(id) === null", arg=child["id"], timeout=WAIT
    )
    expect(label).to_contain_text("FOUND · Mia")

    # Reunited needs how the guardian's identity was verified: not sent without it.
    card.get_by_test_id("lp-reunited").click()
    card.get_by_test_id("lp-reunited-submit").click()
    expect(card.locator(".form-error:visible")).to_contain_text("Identity verified how: required")
    card.get_by_test_id("lp-verified-how").fill("driver's licence; Mia ran to her")
    card.get_by_test_id("lp-reunited-submit").click()
    expect(card).to_have_count(0, timeout=WAIT)
    expect(page.get_by_test_id("lost-persons-count")).to_be_hidden()
    expect(label).to_have_count(0)
    held = ok(command.get(f"/api/v1/lost-persons/{child['id']}"), 200)
    assert held["status"] == "reunited"
    assert held["reunited_with"] == "Rosa Santos"
    assert held["identity_verified_how"] == "driver's licence; Mia ran to her"
    assert held["agency_called_at"] is not None
    assert held["found_place"] == "at the Mile 3 water table"


def test_a_found_bag_is_matched_confirmed_and_released_with_an_identity_check(
    page: Page, server, admin, command, screenshots
):
    event = server.create_event(admin, name="Lost and found drill")
    add_post(admin, event, "Finish gate", *POST)
    officer = Phone(server, event, "Lee Park", "7003")
    sign_in(page, server, event)
    page.get_by_test_id("lost-found-toggle").click()
    drawer = page.get_by_test_id("lost-found")
    expect(drawer).to_contain_text("No found items held.")

    now = datetime.now(UTC).isoformat()
    item = officer.call(
        "POST",
        "/found-items",
        client_id=str(uuid.uuid4()),
        category="bag",
        description="small backpack, bear keyring",
        colours=["red"],
        brand="Osprey",
        lat=40.7010,
        lon=-74.0010,
        found_at=now,
    )
    expect(drawer.get_by_test_id("lf-item")).to_have_count(1, timeout=WAIT)
    page.wait_for_function("() => window.fieldopsDesk.foundItemMarkers() === 1", timeout=WAIT)
    expect(
        page.locator(f'[data-testid="found-item-marker"][data-item-id="{item["id"]}"]')
    ).to_be_attached()

    report = ok(
        command.post(
            f"/api/v1/events/{event['id']}/lost-reports",
            json={
                "client_id": str(uuid.uuid4()),
                "category": "bag",
                "description": "red backpack with a bear keyring",
                "colours": ["red"],
                "brand": "Osprey",
                "place": "near the finish",
                "last_seen_at": now,
                "owner_name": "Dana Runner",
                "owner_contact": "+1 555 0100",
            },
        )
    )
    match = drawer.get_by_test_id("lf-match")
    expect(match).to_have_count(1, timeout=WAIT)
    expect(match).to_contain_text(f"Lost #{report['id']}")
    expect(match).to_contain_text("Dana Runner")
    expect(match.get_by_test_id("match-reasons")).to_contain_text("Osprey")
    expect(page.get_by_test_id("lost-found-count")).to_have_text("1")
    expect(drawer.get_by_test_id("lf-report")).to_contain_text("+1 555 0100")
    page.screenshot(path=screenshots("match"))

    match.get_by_test_id("match-owner-contacted").check()
    match.get_by_test_id("match-confirm").click()
    expect(match).to_have_count(0, timeout=WAIT)
    row = drawer.locator(f'[data-testid="lf-item"][data-item-id="{item["id"]}"]')
    expect(row.get_by_test_id("item-status")).to_have_text("Awaiting pickup")
    expect(row).to_contain_text("Owner: Dana Runner")

    # Release without an identity check: the server refuses, and the form says why.
    row.get_by_test_id("item-release").click()
    expect(row.get_by_test_id("lf-received-by")).to_have_value("Dana Runner")
    row.get_by_test_id("lf-submit").click()
    expect(row.get_by_test_id("lf-form-error")).to_contain_text("identity_check")
    assert ok(command.get(f"/api/v1/found-items/{item['id']}"), 200)["status"] == "awaiting_pickup"

    row.get_by_test_id("release-method").select_option("document")
    row.get_by_test_id("release-detail").fill("driver's licence, NY")
    page.screenshot(path=screenshots("release"))
    row.get_by_test_id("lf-submit").click()
    expect(row).to_have_count(0, timeout=WAIT)
    page.wait_for_function("() => window.fieldopsDesk.foundItemMarkers() === 0", timeout=WAIT)

    held = ok(command.get(f"/api/v1/found-items/{item['id']}"), 200)
    assert held["status"] == "returned"
    last = held["custody"][-1]
    assert last["to"]["kind"] == "owner"
    assert last["received_by"] == "Dana Runner"
    assert last["identity_checked"] is True
    assert last["identity_check"]["method"] == "document"
    assert last["identity_check"]["detail"] == "driver's licence, NY"
    assert ok(command.get(f"/api/v1/lost-reports/{report['id']}"), 200)["status"] == "returned"


def test_the_desk_takes_a_lost_child_report_and_matches_a_child_found_first(
    page: Page, server, admin, command, screenshots
):
    from tests.test_browser_officer_incidents import tiny_jpeg

    event = server.create_event(admin, name="Family fun run")
    add_post(admin, event, "Finish gate", *POST)
    officer = Phone(server, event, "Ana Reyes", "7011")
    sign_in(page, server, event)
    page.get_by_test_id("lost-persons-toggle").click()
    new = page.get_by_test_id("lost-person-new")

    # Found first: a lone child brought to an officer, placed by a click on the map.
    new.get_by_test_id("lpf-new-found").click()
    form = new.get_by_test_id("lpf-form")
    form.get_by_test_id("lpf-age").fill("5")
    form.get_by_test_id("lpf-clothing-top").fill("green dinosaur hoodie")
    form.get_by_test_id("lpf-pick").click()
    page.locator("#map").click(position={"x": 300, "y": 300})
    expect(form.get_by_test_id("lpf-point")).to_contain_text("Map point")
    form.get_by_test_id("lpf-place").fill("at the first-aid tent")
    form.get_by_test_id("lpf-submit").click()
    cards = page.get_by_test_id("lost-person-card")
    expect(cards).to_have_count(1, timeout=WAIT)
    expect(cards.first).to_contain_text("Found, no report yet")

    # The report, Code Adam: first name at once (required), the description, the guardian.
    new.get_by_test_id("lpf-new-lost").click()
    form = new.get_by_test_id("lpf-form")
    form.get_by_test_id("lpf-submit").click()
    expect(form.get_by_test_id("lpf-error")).to_have_text("First name: required")
    form.get_by_test_id("lpf-first-name").fill("Leo")
    form.get_by_test_id("lpf-full-name").fill("Leo Marchetti")
    form.get_by_test_id("lpf-age").fill("5")
    form.get_by_test_id("lpf-hair").fill("curly, black")
    form.get_by_test_id("lpf-clothing-top").fill("green dinosaur hoodie")
    form.get_by_test_id("lpf-shoes").fill("white trainers")
    form.get_by_test_id("lpf-near").select_option(label="Finish gate")
    form.get_by_test_id("lpf-place").fill("by the medal table")
    form.get_by_test_id("lpf-guardian-name").fill("Gia Marchetti")
    form.get_by_test_id("lpf-guardian-contact").fill("+1 555 0177")
    form.get_by_test_id("lpf-meeting-point").fill("Info tent")
    form.get_by_test_id("lpf-photo").set_input_files(
        files=[{"name": "leo.jpg", "mimeType": "image/jpeg", "buffer": tiny_jpeg()}]
    )
    page.screenshot(path=screenshots("lost-person-form"))
    form.get_by_test_id("lpf-submit").click()
    expect(cards).to_have_count(2, timeout=WAIT)
    listed = ok(command.get(f"/api/v1/events/{event['id']}/lost-persons"), 200)["lost_persons"]
    reported = [p for p in listed if not p["found_first"]]
    assert len(reported) == 1
    leo = reported[0]
    assert (leo["full_name"], leo["guardian_contact"]) == ("Leo Marchetti", "+1 555 0177")
    assert leo["last_seen"]["place"] == "by the medal table"
    assert abs(leo["last_seen"]["lat"] - POST[0]) < 1e-6
    # Every officer has it, first name only; the photo follows.
    seen = officer.call("GET", "/lost-persons")["lost_persons"]
    mine = next(p for p in seen if p["id"] == leo["id"])
    assert mine["first_name"] == "Leo" and "full_name" not in mine
    page.wait_for_function(
        f"""async () => (await (await fetch('/api/v1/lost-persons/{leo["id"]}')).json())
            .photos.length === 1""",
        timeout=WAIT,
    )

    card = page.locator(f'[data-testid="lost-person-card"][data-lost-person-id="{leo["id"]}"]')
    card.get_by_test_id("lp-match").click()
    expect(card.get_by_test_id("lp-match-found")).to_contain_text("green dinosaur hoodie")
    card.get_by_test_id("lp-match-submit").click()
    expect(card.locator(".lp-status")).to_have_text("Found", timeout=WAIT)
    held = ok(command.get(f"/api/v1/lost-persons/{leo['id']}"), 200)
    assert held["status"] == "found"
    assert held["found_place"] == "at the first-aid tent"


def test_a_found_items_glyph_on_the_finish_moves_the_finish_label_aside(page: Page, server, admin):
    """Names on the map keep clear of the found items' glyphs, as of incident pins: a bag
    logged at the finish line moves FINISH to a free spot beside it, and the glyph stays
    clickable and readable."""
    event = server.create_event(admin, name="Glyph 5K")
    course = ok(
        admin.put(
            f"/api/v1/events/{event['id']}/course",
            data=tiny_gpx(40.60, -74.00),
            params={"filename": "glyph.gpx"},
            headers={"Content-Type": "application/gpx+xml"},
        ),
        200,
    )
    finish = course["lines"][0][-1]
    officer = Phone(server, event, "Bo Finch", "7010")
    sign_in(page, server, event)
    # How far FINISH is drawn from the finish line's point, in pixels (courseLabels: page points).
    offset = """([lat, lon]) => {
        const hooks = window.fieldopsCommand;
        const label = hooks.courseLabels().find((l) => l.text === "FINISH");
        if (!label) return null;
        const box = hooks.map.getContainer().getBoundingClientRect();
        const point = hooks.map.latLngToContainerPoint([lat, lon]);
        return Math.hypot(label.point.x - box.left - point.x, label.point.y - box.top - point.y);
    }"""
    page.wait_for_function(f"(at) => ({offset})(at) !== null", arg=finish, timeout=WAIT)
    assert page.evaluate(offset, finish) < 1  # on its point while nothing is there

    officer.call(
        "POST",
        "/found-items",
        client_id=str(uuid.uuid4()),
        category="bag",
        description="blue gym bag",
        colours=["blue"],
        lat=finish[0],
        lon=finish[1],
        found_at=datetime.now(UTC).isoformat(),
    )
    page.wait_for_function("() => window.fieldopsDesk.foundItemMarkers() === 1", timeout=WAIT)
    # Beside the 28 px glyph, not on it: at least its half and the label's own half away.
    page.wait_for_function(f"(at) => ({offset})(at) >= 25", arg=finish, timeout=WAIT)


def test_a_course_label_with_no_free_spot_goes_where_it_covers_least(page: Page, server, admin):
    """placeLabels (map/labels.js) in the page: every spot of a distance marker is taken, so it
    is drawn anyway, inside the map and under the fewest other things, not on its point."""
    event = server.create_event(admin, name="Crowded 5K")
    sign_in(page, server, event)
    drawn = page.evaluate(
        """async () => {
            const { placeLabels, spotsAround } = await import("/static/js/map/labels.js");
            const ctx = document.createElement("canvas").getContext("2d");
            const spots = spotsAround(200, 200, "3 mi", "course", 10);
            const under = ([x, y], owner) =>
                ({ x1: x - 2, y1: y - 2, x2: x + 2, y2: y + 2, owner });
            const obstacles = [
                under(spots[0], "a"), under(spots[0], "b"), under(spots[0], "c"), // the point
                under(spots[1], "d"), under(spots[1], "e"),
                under(spots[3], "f"),  // above: the one thing in the way
                under(spots[4], "g"), under(spots[4], "h"),
            ];
            const view = { x1: 0, y1: 0, x2: 400, y2: 400 };
            const label = { text: "3 mi", kind: "course", spots, priority: 0.5, owner: "course" };
            const left = spots[2]; // kept out of the map: the least covered, but never chosen
            const shown = placeLabels(ctx, [label], obstacles, { ...view, x1: left[0] - 1 });
            return { shown: shown.map(({ x, y }) => [x, y]), above: spots[3] };
        }"""
    )
    assert drawn["shown"] == [drawn["above"]]
