"""The phone tells the truth, in Debian chromium against a real server whose stale limit is a
few seconds: what command sees of the officer (amber, then red, then green again), the post
and its orders on the first screen, and a report in progress that survives a reload."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.support.browser import PHONE, phone_at
from tests.support.live_server import LiveServer
from tests.test_browser_officer import (
    ORDERS,
    POST,
    harbor_10k,
    join_on_page,
    open_main,
    roster,
    until,
)

STALE_AFTER_S = 8


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """A server that counts an officer stale after STALE_AFTER_S seconds without a fix."""
    with LiveServer(
        tmp_path_factory.mktemp("live-truth"), FIELDOPS_STALE_AFTER=str(STALE_AFTER_S)
    ) as server:
        yield server


@pytest.fixture(scope="module")
def marathon(live_server):
    return harbor_10k(live_server)


@pytest.fixture
def phone(browser):
    context, errors = phone_at(browser, POST["lat"], POST["lon"])
    yield context
    context.close()
    assert not errors, f"the page threw: {errors}"


def on_the_phone(phone, live_server, marathon, name: str):
    officer_id, badge = roster(marathon, name)
    page = phone.new_page()
    join_on_page(page, live_server, marathon, name, badge)
    open_main(page)
    return page, officer_id


def test_the_panel_turns_amber_then_red_as_command_stops_seeing_the_officer(
    live_server, marathon, phone, screenshots
):
    page, _officer_id = on_the_phone(phone, live_server, marathon, "Tess Kane")
    panel = page.get_by_test_id("location-panel")
    expect(panel).to_have_attribute("data-state", "ok", timeout=15_000)
    # Standing still, the phone keeps itself fresh: a fix well inside the stale limit. (A real
    # GPS gives each fix a new time; the emulated one does so when it is set again.)
    for _second in range(int(STALE_AFTER_S * 1.5)):
        phone.set_geolocation({"latitude": POST["lat"], "longitude": POST["lon"], "accuracy": 8})
        page.wait_for_timeout(1000)
        expect(panel).to_have_attribute("data-state", "ok", timeout=100)

    phone.set_offline(True)
    expect(panel).to_have_attribute("data-state", "offline")
    expect(panel).to_have_attribute("data-state", "late", timeout=STALE_AFTER_S * 1000)
    expect(page.get_by_test_id("location-state")).to_have_text("OFFLINE: location saved, not sent")
    expect(page.get_by_test_id("location-detail")).to_contain_text(
        f"At {STALE_AFTER_S} s command shows you as STALE"
    )
    page.screenshot(path=screenshots("late"))
    expect(panel).to_have_attribute("data-state", "stale", timeout=STALE_AFTER_S * 1000)
    expect(page.get_by_test_id("location-state")).to_have_text("Command sees you as STALE")
    expect(page.get_by_test_id("location-detail")).to_contain_text(
        "Your last position reached command"
    )
    page.screenshot(path=screenshots("stale"))
    phone.set_offline(False)  # signal again, and the next fix goes out at once
    phone.set_geolocation({"latitude": POST["lat"], "longitude": POST["lon"], "accuracy": 8})
    expect(panel).to_have_attribute("data-state", "ok", timeout=15_000)


def test_the_post_and_its_orders_are_on_the_first_screen(live_server, marathon, phone):
    page, _officer_id = on_the_phone(phone, live_server, marathon, "Ugo Lind")
    for testid in ("post-name", "post-orders", "shift-button"):
        element = page.get_by_test_id(testid)
        expect(element).to_be_visible()
        box = element.bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"] - 100, (testid, box)  # above the dock
    expect(page.get_by_test_id("post-name")).to_have_text("Mile 3 water")
    expect(page.get_by_test_id("post-orders")).to_have_text(ORDERS)


def photo_file() -> dict:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (20, 120, 200)).save(out, "JPEG")
    return {"name": "scene.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def test_a_report_in_progress_survives_a_reload(live_server, marathon, phone, screenshots):
    page, officer_id = on_the_phone(phone, live_server, marathon, "Vera Holm")
    page.get_by_test_id("report-open").click()
    page.get_by_test_id("type-hazard").click()
    page.get_by_test_id("severity-high").click()
    expect(page.get_by_test_id("report-step")).to_contain_text("Step 3 of 3")
    page.get_by_test_id("report-note").fill("Broken glass across lane 2")
    page.get_by_test_id("report-photos").set_input_files(photo_file())
    expect(page.get_by_test_id("report-photo-count")).to_have_text("1 photo attached")

    page.reload()  # or the browser killed the tab while the camera was open
    sheet = page.get_by_test_id("report-sheet")
    expect(sheet).to_be_visible()
    expect(page.get_by_test_id("report-step")).to_contain_text("Step 3 of 3")
    expect(page.locator("[data-report-chosen]")).to_have_text("Hazard · High")
    expect(page.get_by_test_id("report-note")).to_have_value("Broken glass across lane 2")
    expect(page.get_by_test_id("report-photo-count")).to_have_text("1 photo attached")
    page.screenshot(path=screenshots("draft-restored"))
    page.get_by_test_id("report-send").click()
    expect(sheet).to_be_hidden()

    command = live_server.staff("command")

    def mine():
        found = command.get(f"/api/v1/events/{marathon['id']}/incidents").json()["incidents"]
        return [i for i in found if i["reported_by"]["id"] == officer_id]

    until(page, lambda: len(mine()) == 1 and len(mine()[0]["photos"]) == 1)
    incident = mine()[0]
    assert (incident["type"], incident["severity"]) == ("hazard", "high")
    assert incident["note"] == "Broken glass across lane 2"
    page.reload()  # sent: nothing comes back as a draft
    expect(page.get_by_test_id("screen-main")).to_be_visible()
    expect(sheet).to_be_hidden()


def test_the_small_maps_draw_the_course_and_posts_without_a_base_map(
    live_server, marathon, phone, screenshots
):
    from tests.test_browser_command import tiny_gpx

    admin = marathon["admin"]
    admin.put(
        f"/api/v1/events/{marathon['id']}/course",
        data=tiny_gpx(POST["lat"] - 0.01, POST["lon"]),
        params={"filename": "harbor.gpx"},
        headers={"Content-Type": "application/gpx+xml"},
    ).raise_for_status()
    page, _officer_id = on_the_phone(phone, live_server, marathon, "Wes Ford")
    post_map = page.get_by_test_id("map")
    post_map.scroll_into_view_if_needed()
    # The course as a dark casing under a yellow line, the post as a yellow area, no tiles.
    expect(post_map.locator('path[stroke="#ffd60a"]')).to_have_count(1)
    expect(post_map.locator('path[fill="#ffd60a"]')).to_have_count(1)
    assert post_map.locator(".leaflet-tile").count() == 0
    expect(page.locator(".leaflet-control-attribution")).to_have_count(0)  # no credit over a map
    page.get_by_test_id("report-open").click()
    page.get_by_test_id("type-crowd").click()
    page.locator('[data-severity][aria-pressed="true"]').click()
    report_map = page.get_by_test_id("report-map")
    expect(report_map.locator('path[stroke="#ffd60a"]')).to_have_count(1)
    page.screenshot(path=screenshots("report-map-without-tiles"))
