"""A school in a real browser against the real server: the command map draws and names the
campus's buildings, exits and assembly points on a plain background, an incident at an exit is
said by the building and the exit, an officer's phone draws the campus and follows an admin's
change to it; and a lockdown drill started at the desk takes the officer's phone, is reported
area by area from the phone and the desk, and ends with All clear on both."""

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


def join_as_lead(page, live_server, school: dict, name: str, area: str) -> None:
    """A teacher's phone joins /lead with the school's staff code for one area."""
    events = school["admin"].get("/api/v1/events").json()["events"]
    staff_code = next(e for e in events if e["id"] == school["id"])["staff_code"]
    page.goto(f"{live_server.url}/lead")
    page.get_by_test_id("lead-code").fill(staff_code)
    page.get_by_test_id("lead-code-go").click()
    page.get_by_test_id("lead-name").fill(name)
    page.get_by_label(area, exact=True).check()
    page.get_by_test_id("lead-join-go").click()
    expect(page.get_by_test_id("lead-connection")).to_contain_text("Connected")


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


def test_a_lockdown_drill_from_the_desk_to_the_phone_and_back(
    browser, live_server, school, screenshots
):
    _officer_id, badge = roster(school, "Dee Ward")
    desk_context = browser.new_context(viewport=DESKTOP)
    desk = desk_context.new_page()
    errors: list[str] = []
    desk.on("pageerror", lambda exc: errors.append(str(exc)))
    phone, phone_errors = phone_at(browser, *at(80, -30))  # in the gym
    teacher_context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        officer = phone.new_page()
        join_on_page(officer, live_server, school, "Dee Ward", badge)
        open_main(officer)
        teacher = teacher_context.new_page()
        join_as_lead(teacher, live_server, school, "Ms Chen", "Classroom wing")
        sign_in(desk, live_server, school)
        desk.get_by_test_id("drills-toggle").click()
        desk.get_by_test_id("drill-pick-lockdown").click()
        desk.get_by_test_id("drill-go").click()
        now = desk.get_by_test_id("drill-now")
        expect(now).to_contain_text("LOCKDOWN")
        expect(desk.get_by_test_id("drill-words")).to_have_text("Locks, lights, out of sight.")
        expect(desk.get_by_test_id("drill-banner")).to_contain_text("DRILL")
        desk.wait_for_function("() => window.fieldopsDesk.drillAreasOnMap() >= 5")

        # The phone: the order above everything else, at once.
        card = officer.get_by_test_id("drill-card")
        expect(card.get_by_test_id("drill-action")).to_have_text("LOCKDOWN", timeout=WAIT)
        expect(card.get_by_test_id("drill-mode")).to_have_text("DRILL")
        expect(card.get_by_test_id("drill-words")).to_have_text("Locks, lights, out of sight.")
        officer.screenshot(path=screenshots("phone-lockdown"))
        # The teacher's phone too, and she reports her classroom wing with its counts.
        lead_card = teacher.get_by_test_id("drill-card")
        expect(lead_card.get_by_test_id("drill-words")).to_have_text(
            "Locks, lights, out of sight.", timeout=WAIT
        )
        lead_card.get_by_test_id("drill-report-open").click()
        lead_card.get_by_test_id("drill-count-accounted").fill("300")
        lead_card.get_by_test_id("drill-count-extra").fill("2")
        lead_card.get_by_test_id("drill-report-send").click()
        expect(lead_card.get_by_test_id("drill-sent")).to_have_text(
            "Classroom wing: Secured ✓ recorded", timeout=WAIT
        )
        card.get_by_test_id("drill-report-open").click()
        card.get_by_test_id("drill-report-area").select_option(label="Gym — Not reported")
        card.get_by_test_id("drill-state-secured").click()
        card.get_by_test_id("drill-count-accounted").fill("24")
        card.get_by_label("Door would not lock").check()
        officer.screenshot(path=screenshots("phone-area-report"))
        card.get_by_test_id("drill-report-send").click()
        expect(card.get_by_test_id("drill-sent")).to_have_text(
            "Gym: Secured ✓ recorded", timeout=WAIT
        )

        # The desk: the gym has a problem; the cafeteria's lead radios in and the desk records it.
        gym = desk.locator('[data-testid="drill-area"]', has_text="Gym")
        expect(gym.get_by_test_id("drill-area-state")).to_have_text("Problem", timeout=WAIT)
        expect(gym).to_contain_text("Door would not lock")
        cafeteria = desk.locator('[data-testid="drill-area"]', has_text="Cafeteria")
        cafeteria.get_by_test_id("drill-relay").click()
        form = cafeteria.get_by_test_id("drill-relay-form")
        form.get_by_label("Accounted for", exact=True).fill("110")
        form.get_by_test_id("drill-relay-send").click()
        expect(cafeteria.get_by_test_id("drill-area-state")).to_have_text("Secured", timeout=WAIT)
        expect(desk.get_by_test_id("drill-totals")).to_contain_text("Accounted for 434")
        wing = desk.locator('[data-testid="drill-area"]', has_text="Classroom wing")
        expect(wing).to_contain_text("Secured at +")  # the timing, from the alarm
        desk.screenshot(path=screenshots("desk-lockdown-laptop"))
        desk.set_viewport_size(PHONE)
        desk.screenshot(path=screenshots("desk-lockdown-phone"), full_page=True)
        desk.set_viewport_size(DESKTOP)

        # All clear takes two taps, and ends it on both screens.
        desk.get_by_test_id("drill-notes").fill("Gym kitchen door to be fixed")
        desk.get_by_test_id("drill-all-clear").click()
        desk.get_by_test_id("drill-all-clear").click()
        expect(desk.get_by_test_id("drill-banner")).to_be_hidden(timeout=WAIT)
        expect(officer.get_by_test_id("drill-ended")).to_contain_text("ALL CLEAR", timeout=WAIT)
        expect(teacher.get_by_test_id("drill-ended")).to_contain_text("ALL CLEAR", timeout=WAIT)
        drills = school["admin"].get(f"/api/v1/events/{school['id']}/drills").json()["drills"]
        assert drills[0]["notes"] == "Gym kitchen door to be fixed" and not drills[0]["open"]
        gym_record = next(a for a in drills[0]["areas"] if a["name"] == "Gym")
        assert gym_record["problems"] == ["door_would_not_lock"] and gym_record["accounted"] == 24
        # The record of it, a click away in the drawer (still open, now with the start form).
        expect(desk.get_by_test_id("drill-start")).to_be_visible()
        desk.get_by_test_id("drill-record-link").click()
        record = desk.get_by_test_id("drill-record").first
        expect(record).to_contain_text("Door would not lock")
        expect(record).to_contain_text("Gym kitchen door to be fixed")
        expect(record.locator("tr", has_text="Classroom wing")).to_contain_text("300")
        desk.screenshot(path=screenshots("drill-record-laptop"), full_page=True)
    finally:
        desk_context.close()
        phone.close()
        teacher_context.close()
    assert errors == [] and phone_errors == []


def test_a_bullying_report_involving_students_and_who_they_were_for_command_only(
    browser, live_server, school, screenshots
):
    _officer_id, badge = roster(school, "Eli Ford")
    phone, phone_errors = phone_at(browser, *at(120, 40))  # on the field
    desk_context = browser.new_context(viewport=DESKTOP)
    desk = desk_context.new_page()
    try:
        officer = phone.new_page()
        join_on_page(officer, live_server, school, "Eli Ford", badge)
        open_main(officer)
        officer.get_by_test_id("report-open").click()
        expect(officer.get_by_test_id("type-weapon")).to_be_visible()  # a school's types
        officer.get_by_test_id("type-bullying").click()
        officer.get_by_test_id("severity-medium").click()
        expect(officer.get_by_test_id("report-students")).to_be_visible()
        officer.get_by_test_id("report-students").check()
        officer.get_by_test_id("report-send").click()

        sign_in(desk, live_server, school)
        row = desk.locator("#queue-list li", has_text="Bullying")
        expect(row).to_contain_text("Field", timeout=WAIT)
        expect(row.get_by_test_id("row-students")).to_be_visible()  # that it does, not who
        row.click()
        section = desk.get_by_test_id("students")
        expect(section).to_contain_text("No student recorded.")
        form = section.get_by_test_id("student-form")
        form.get_by_placeholder("Student's name").fill("Jordan Miles-Okafor")
        form.get_by_placeholder("Grade").fill("5")
        form.get_by_test_id("student-add").click()
        expect(section.get_by_test_id("student")).to_contain_text("Jordan Miles-Okafor")
        desk.screenshot(path=screenshots("desk-students"))
        # The name never reaches the map, the queue or an organizer.
        assert "Jordan" not in desk.locator("#queue-list").inner_text()
        organizer = live_server.staff("organizer")
        incidents = organizer.get(f"/api/v1/events/{school['id']}/incidents").text
        assert "bullying" in incidents  # the incident itself, without who
        assert "Jordan" not in incidents
    finally:
        desk_context.close()
        phone.close()
    assert phone_errors == []


def test_a_teacher_joins_as_area_lead_and_reports_an_evacuation_from_the_classroom(
    browser, live_server, school, screenshots
):
    events = school["admin"].get("/api/v1/events").json()["events"]
    staff_code = next(e for e in events if e["id"] == school["id"])["staff_code"]
    teacher = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    teacher.set_default_timeout(15_000)
    errors: list[str] = []
    teacher.on("weberror", lambda error: errors.append(str(error.error)))
    try:
        page = teacher.new_page()
        page.goto(f"{live_server.url}/lead")
        page.get_by_test_id("lead-code").fill(staff_code.lower())
        page.get_by_test_id("lead-code-go").click()
        expect(page.get_by_test_id("lead-school")).to_have_text("Lincoln Elementary")
        page.get_by_test_id("lead-name").fill("Ms Rivera")
        page.get_by_label("Gym").check()
        page.screenshot(path=screenshots("lead-join"))
        page.get_by_test_id("lead-join-go").click()
        expect(page.get_by_test_id("lead-who")).to_have_text("Ms Rivera · Gym")
        expect(page.get_by_test_id("lead-connection")).to_contain_text("Connected")

        points = school["admin"].get(f"/api/v1/events/{school['id']}/campus").json()["features"]
        point_a = next(f for f in points if f["name"] == "Assembly point A (field)")
        started = school["admin"].post(
            f"/api/v1/events/{school['id']}/drills",
            json={
                "client_id": str(uuid.uuid4()),
                "action": "evacuate",
                "mode": "drill",
                "assembly_point_id": point_a["id"],
            },
        )
        assert started.status_code == 201, started.text
        card = page.get_by_test_id("drill-card")
        expect(card.get_by_test_id("drill-action")).to_have_text("EVACUATE", timeout=WAIT)
        expect(card.get_by_test_id("drill-words")).to_have_text("To Assembly point A (field).")
        card.get_by_test_id("drill-report-open").click()
        area = card.get_by_test_id("drill-report-area")
        assert area.locator("option").all_inner_texts() == ["Gym — Not reported"]  # theirs only
        card.get_by_test_id("drill-state-evacuated").click()
        card.get_by_test_id("drill-count-accounted").fill("22")
        card.get_by_test_id("drill-count-missing").fill("1")
        card.get_by_label("Student unaccounted for").check()
        page.screenshot(path=screenshots("lead-report"))
        card.get_by_test_id("drill-report-send").click()
        expect(card.get_by_test_id("drill-sent")).to_have_text(
            "Gym: Evacuated ✓ recorded", timeout=WAIT
        )
        page.screenshot(path=screenshots("lead-sent"))
        drill = school["admin"].get(f"/api/v1/drills/{started.json()['id']}").json()
        gym = next(a for a in drill["areas"] if a["name"] == "Gym")
        assert (gym["state"], gym["accounted"], gym["missing"]) == ("problem", 22, 1)
        assert drill["reports"][0]["reported_by"]["role"] == "area_lead"
        school["admin"].post(f"/api/v1/drills/{drill['id']}/all-clear", json={})
        expect(page.get_by_test_id("drill-ended")).to_contain_text("ALL CLEAR", timeout=WAIT)
    finally:
        teacher.close()
    assert errors == []


def test_an_admin_draws_a_building_and_an_exit_on_the_map_and_imports_a_file(
    browser, live_server, screenshots, tmp_path
):
    admin = live_server.staff("admin")
    event = live_server.create_event(admin, name="Jefferson Middle", kind="school")
    gate = at(-48, 0)
    admin.post(
        f"/api/v1/events/{event['id']}/posts",
        json={"name": "Front gate", "kind": "school_gate", "lat": gate[0], "lon": gate[1]},
    ).raise_for_status()
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in(page, live_server, event, role="admin")
        page.goto(f"{live_server.url}/events/{event['id']}/campus/edit")
        set_map_view(page, *at(0, 0), 18, map_js="window.fieldopsCampus.map")

        def point(north: float, east: float) -> dict:
            return page.evaluate(
                """([lat, lon]) => { const m = window.fieldopsCampus.map;
                     const p = m.latLngToContainerPoint([lat, lon]);
                     const box = m.getContainer().getBoundingClientRect();
                     return {x: box.left + p.x, y: box.top + p.y}; }""",
                list(at(north, east)),
            )

        page.get_by_test_id("draw-building").click()
        corners = [point(-20, -30), point(-20, 30), point(20, 30), point(20, -30)]
        for corner in [*corners, corners[0]]:  # the first corner again closes it
            page.mouse.click(corner["x"], corner["y"])
        page.get_by_test_id("name-input").fill("Library")
        page.get_by_test_id("name-save").click()
        expect(page.get_by_test_id("campus-say")).to_contain_text("Library")
        page.get_by_test_id("draw-exit").click()
        door = point(21, 0)
        page.mouse.click(door["x"], door["y"])
        page.get_by_test_id("name-input").fill("North door")
        page.get_by_test_id("name-save").click()
        expect(page.get_by_test_id("campus-feature")).to_have_count(2)
        page.screenshot(path=screenshots("campus-editor"))
        page.set_viewport_size(PHONE)
        page.screenshot(path=screenshots("campus-editor-phone"), full_page=True)
        page.set_viewport_size(DESKTOP)
        campus = admin.get(f"/api/v1/events/{event['id']}/campus").json()["features"]
        library = next(f for f in campus if f["name"] == "Library")
        assert library["kind"] == "building" and len(library["polygon"]) == 4
        lats = [c[0] for c in library["polygon"]]
        assert min(lats) < at(0, 0)[0] < max(lats)  # drawn where it was clicked
        lat, lon = at(22, 1)
        place = admin.get(f"/api/v1/events/{event['id']}/place", params={"lat": lat, "lon": lon})
        place = place.json()
        assert place["text"] == "Library, north door"
        # A file replaces it all; a bad one is refused and changes nothing.
        bad = tmp_path / "broken.geojson"
        bad.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature"}]}')
        page.get_by_test_id("campus-import").set_input_files(str(bad))
        expect(page.get_by_test_id("campus-say")).to_contain_text("Not imported")
        expect(page.get_by_test_id("campus-feature")).to_have_count(2)
        page.get_by_test_id("campus-import").set_input_files(str(CAMPUS_FILE))
        expect(page.get_by_test_id("campus-feature")).to_have_count(12)
        parking = page.locator(
            '[data-testid="campus-feature"]:has(.ce-feature-name:text-is("Staff parking"))'
        )
        parking.get_by_test_id("campus-delete").click()
        expect(page.get_by_test_id("campus-feature")).to_have_count(11)
    finally:
        context.close()
    assert errors == []


def test_an_officer_logs_a_safety_walk_and_a_class_from_the_phone(
    browser, live_server, school, screenshots
):
    _officer_id, badge = roster(school, "Flo Diaz")
    phone, errors = phone_at(browser, *at(-5, -40))
    try:
        page = phone.new_page()
        join_on_page(page, live_server, school, "Flo Diaz", badge)
        open_main(page)
        card = page.get_by_test_id("school-work")
        card.get_by_test_id("work-safety_walk").click()
        card.get_by_label("Door propped open").check()
        card.get_by_test_id("work-note").fill("West exit wedged open")
        card.get_by_test_id("work-log").click()
        card.get_by_test_id("work-programme").click()
        card.get_by_test_id("work-topic").select_option(label="Internet safety")
        card.get_by_test_id("work-attendees").fill("24")
        page.screenshot(path=screenshots("school-work-form"))
        card.get_by_test_id("work-log").click()
        items = card.get_by_test_id("work-item")
        expect(items).to_have_count(2)
        expect(items.first).to_have_text("Class or programme: Internet safety — logged ✓")
        expect(items.last).to_have_text("Safety walk — logged ✓")
        logged = school["admin"].get(f"/api/v1/events/{school['id']}/proactive").json()["entries"]
        mine = [e for e in logged if e["officer"]["name"] == "Flo Diaz"]
        assert [(e["kind"], e["findings"], e["attendees"]) for e in mine] == [
            ("safety_walk", ["door_propped_open"], 0),
            ("programme", [], 24),
        ]
        assert mine[0]["place"]  # where it was logged, in words
    finally:
        phone.close()
    assert errors == []
