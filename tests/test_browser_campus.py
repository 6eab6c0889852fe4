"""A school's campus in a real browser against the real server: the command map draws and
names its buildings, exits and assembly points on a plain background, an incident at an exit is
said by the building and the exit, and an officer's phone draws the campus and follows an
admin's change to it without a reload."""

from __future__ import annotations

import json
import uuid

import pytest
from playwright.sync_api import expect

from tests.support.browser import DESKTOP, PHONE, phone_at, set_map_view
from tests.test_browser_command import sign_in
from tests.test_browser_command_incidents import Phone
from tests.test_browser_officer import join_on_page, open_main, roster
from tests.test_campus import CAMPUS_FILE, at

WAIT = 10_000


@pytest.fixture(scope="module")
def school(live_server) -> dict:
    """A school event with its main gate, and the demo school's campus imported by the admin."""
    admin = live_server.staff("admin")
    event = live_server.create_event(admin, name="Lincoln Elementary", kind="school")
    gate_at = at(-48, 0)
    post = admin.post(
        f"/api/v1/events/{event['id']}/posts",
        json={"name": "Main gate", "kind": "school_gate", "lat": gate_at[0], "lon": gate_at[1]},
    )
    assert post.status_code == 201, post.text
    campus = admin.put(
        f"/api/v1/events/{event['id']}/campus", json=json.loads(CAMPUS_FILE.read_text())
    )
    assert campus.status_code == 200, campus.text
    return {**event, "admin": admin, "post": post.json()}


def test_the_command_map_draws_and_names_the_campus_and_says_places_by_it(
    browser, live_server, school, screenshots
):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in(page, live_server, school)
        page.wait_for_function("() => window.fieldopsCommand.layers().campus === 12")
        set_map_view(page, *at(60, 20), 18)
        page.wait_for_function(
            "() => ['Gym', 'Cafeteria', 'Classroom wing'].every("
            "(n) => window.fieldopsCommand.campusLabels().includes(n))"
        )
        assert "East exit" in page.evaluate("window.fieldopsCommand.campusLabels()")
        # An officer at the gym's east exit reports: the desk says where in the campus's words.
        officer = Phone(live_server, school, "Ana Ortiz", f"S{uuid.uuid4().hex[:5]}")
        officer.check_in(school["post"]["id"])
        officer.send_fix(*at(72, 3))
        incident = officer.report("fight", *at(72, 3))
        assert incident["place"] == "Gym, east exit"
        row = page.locator(f'#queue-list [data-incident-id="{incident["id"]}"]')
        expect(row).to_contain_text("Gym, east exit", timeout=WAIT)
        page.screenshot(path=screenshots("campus-laptop"))
        page.set_viewport_size(PHONE)
        set_map_view(page, *at(60, 20), 17)
        page.screenshot(path=screenshots("campus-phone"))
    finally:
        context.close()
    assert errors == []


def test_the_phone_draws_the_campus_and_follows_a_change_to_it(
    browser, live_server, school, screenshots
):
    _officer_id, badge = roster(school, "Cy Park")
    context, errors = phone_at(browser, *at(-48, 0))
    try:
        page = context.new_page()
        join_on_page(page, live_server, school, "Cy Park", badge)
        open_main(page)
        names = page.locator(".campus-label")
        expect(names).to_have_count(7)  # buildings, areas and assembly points (exits are said)
        page.locator("#map").scroll_into_view_if_needed()
        page.screenshot(path=screenshots("phone-campus"))
        # Names that fit show; none covers another.
        shown = page.locator(".campus-label:not(.crowded)")
        expect(shown.filter(has_text="Gym")).to_be_visible()  # the whole campus is on the map
        boxes = page.evaluate(
            """() => [...document.querySelectorAll('.campus-label:not(.crowded) span')]
                 .map((s) => s.getBoundingClientRect().toJSON())"""
        )
        assert len(boxes) >= 3
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                apart = a["right"] <= b["left"] or b["right"] <= a["left"]
                assert apart or a["bottom"] <= b["top"] or b["bottom"] <= a["top"], (a, b)
        corners = [list(at(-80, 60)), list(at(-80, 80)), list(at(-60, 80)), list(at(-60, 60))]
        added = school["admin"].post(
            f"/api/v1/events/{school['id']}/campus/features",
            json={"kind": "building", "name": "Portable classroom", "polygon": corners},
        )
        assert added.status_code == 201, added.text
        expect(names).to_have_count(8, timeout=WAIT)
        expect(names.filter(has_text="Portable classroom")).to_have_count(1)
    finally:
        context.close()
    assert errors == []
