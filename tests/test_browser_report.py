"""The post-event report in Debian chromium against the real server: an organizer opens one
link and finds the day in numbers and charts, with no action button and nothing private;
command sees the names. The event is hand-built with known answers
(tests/support/report_event.py), into the live server's own database."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support import report_event
from tests.support.live_server import STAFF_PASSWORD, LiveServer

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("report")) as live:
        yield live


@pytest.fixture(scope="module")
def harbor(server, tmp_path_factory):
    from fieldops.app import create_app
    from tests.conftest import _app_config

    url = server.env["FIELDOPS_DATABASE_URL"]
    app = create_app(_app_config(url, tmp_path_factory.mktemp("report-builder")))
    ids = report_event.build(app)
    with app.app_context():
        from fieldops.extensions import db

        db.engine.dispose()
    return ids


def sign_in(page: Page, server: LiveServer, role: str, then: str) -> None:
    page.goto(f"{server.url}/login?next={then}")
    page.fill('input[name="username"]', role)
    page.fill('input[name="password"]', STAFF_PASSWORD)
    page.click('button[type="submit"]')
    expect(page).to_have_url(re.compile(re.escape(then)))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["laptop", "phone"])
def test_an_organizer_reads_the_whole_day_with_nothing_private(
    browser, server, harbor, screenshots, viewport
):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in(page, server, "organizer", f"/events/{harbor['event']}/report")
        expect(page.get_by_test_id("organizer-copy")).to_be_visible()
        expect(page.get_by_test_id("sum-incidents")).to_have_text("5")
        expect(page.get_by_test_id("sum-billed")).to_have_text("658.75")
        expect(page.get_by_test_id("sum-on-scene")).to_have_text("5 min")
        expect(page.get_by_test_id("billing-total")).to_have_text("658.75")
        for chart in ("chart-per-quarter", "chart-on-shift", "chart-on-scene"):
            expect(page.get_by_test_id(chart).locator("svg")).to_be_visible()
        # Read-only: nothing to press but the downloads and the map's own layer switches.
        controls = page.evaluate(
            """() => [...document.querySelectorAll('button, form, input, select, textarea')]
                 .filter((n) => !n.closest('.leaflet-container')).length"""
        )
        assert controls == 0
        # The map: every incident a marker, and the heat layer over them.
        page.wait_for_function("() => window.fieldopsReport?.incidentMarkers() === 5")
        expect(page.locator("#report-map canvas.leaflet-heatmap-layer")).to_have_count(1)
        text = page.locator("body").inner_text()
        leaked = [s for s in report_event.SECRETS if s in text]
        assert leaked == []
        assert "Child 1" in text
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], "the page scrolls sideways"
        page.locator("#report-map").scroll_into_view_if_needed()
        page.screenshot(path=screenshots("map"))
        page.screenshot(path=screenshots("organizer"), full_page=False)
        with page.expect_download() as download:
            page.get_by_test_id("download-zip").click()
        assert download.value.suggested_filename == "harbor-half-2026-05-03-report.zip"
    finally:
        context.close()
    assert errors == []


def test_command_reads_the_same_report_with_the_names(browser, server, harbor, screenshots):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        sign_in(page, server, "command", f"/events/{harbor['event']}/report")
        expect(page.locator("#lost_persons")).to_contain_text("Mia Santos")
        expect(page.locator("#found_items")).to_contain_text("Dana Runner")
        expect(page.get_by_test_id("organizer-copy")).to_have_count(0)
        page.locator("#billing").scroll_into_view_if_needed()
        page.screenshot(path=screenshots("command-billing"))
    finally:
        context.close()


def test_command_replays_an_hour_and_goes_back_to_live(browser, server, harbor, screenshots):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in(page, server, "command", f"/command?event={harbor['event']}")
        expect(page.get_by_test_id("replay-open")).to_have_attribute(
            "href", f"/replay?event={harbor['event']}"
        )
        page.get_by_test_id("replay-open").click()
        expect(page.get_by_test_id("replay-banner")).to_contain_text("REPLAY — not live")
        # 13:00 in the event: Ana's first fix, incident 1 just reported.
        page.goto(f"{server.url}/replay?event={harbor['event']}&at=2026-05-03T13:00:00Z")
        expect(page.get_by_test_id("replay-time")).to_contain_text("09:00:00")  # New York time
        page.wait_for_function(
            "() => document.body.dataset.replayedAt === '2026-05-03T13:00:00.000Z'"
        )
        ana = "() => window.fieldopsReplay.officers().find((o) => o.name === 'Ana Ortiz')"
        assert page.evaluate(f"({ana})().lat") == 40.65
        assert page.evaluate("window.fieldopsReplay.incidents().map((i) => i.status)") == [
            "reported"
        ]
        # Play at 60×: a minute a second, past 13:05 (Ana's second fix; incident 1 on scene).
        page.get_by_test_id("replay-play").click()
        page.wait_for_function(
            f"() => window.fieldopsReplay.time() >= '2026-05-03T13:06'"
            f" && ({ana})()?.lat === 40.652",
            timeout=20_000,
        )
        page.get_by_test_id("replay-play").click()  # pause
        assert page.evaluate("window.fieldopsReplay.incidents()[0].status") == "on_scene"
        page.get_by_test_id("replay-follow").select_option(label="Ana Ortiz #101")
        page.wait_for_function("() => window.fieldopsReplay.trackPoints() >= 2")
        page.screenshot(path=screenshots("replay"))
        # An hour on, then back 10 minutes: the moments the server had then.
        for _ in range(6):
            page.get_by_test_id("step-10").click()
        page.get_by_test_id("step-back-10").click()
        page.wait_for_function("() => window.fieldopsReplay.time() >= '2026-05-03T13:56'")
        page.wait_for_function(
            "() => window.fieldopsReplay.incidents().length === 2"  # 1 and 2 (13:30)
        )
        page.set_viewport_size(PHONE)
        page.screenshot(path=screenshots("replay-phone"))
        page.get_by_test_id("back-to-live").click()
        expect(page).to_have_url(re.compile(r"/command\?event="))
        expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "live")
    finally:
        context.close()
    assert errors == []
