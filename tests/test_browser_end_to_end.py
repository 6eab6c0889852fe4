"""The whole loop in real browsers against the real server: an officer reports an incident on
the phone page, the command post acknowledges and dispatches it on the dashboard, and the
officer sent there sees it full screen on their phone and answers it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import DESKTOP, phone_at
from tests.test_browser_command import sign_in
from tests.test_browser_officer import POST, join_on_page, open_main, roster

WAIT = 8000  # ms for a push to reach a page


@pytest.fixture(scope="module")
def event(live_server):
    admin = live_server.staff("admin")
    created = live_server.create_event(admin, name="Bay Bridge Run")
    post = {"name": "Finish gate", "kind": "traffic_point", "radius_m": 60} | POST
    response = admin.post(f"/api/v1/events/{created['id']}/posts", json=post)
    assert response.status_code == 201, response.text
    return {**created, "admin": admin, "post": response.json()}


def officer_phone(browser, live_server, event, name: str, *, check_in: bool):
    """A phone at the post, joined on the officer page and sharing its location."""
    context, errors = phone_at(browser, POST["lat"], POST["lon"])
    officer_id, badge = roster(event, name)
    page = context.new_page()
    join_on_page(page, live_server, event, name, badge)
    open_main(page)
    if check_in:
        page.get_by_test_id("shift-button").click()
        expect(page.get_by_test_id("shift-state")).to_contain_text("ON SHIFT")
    return context, page, officer_id, errors


def test_a_report_on_a_phone_is_acknowledged_dispatched_and_answered_step_by_step(
    browser, live_server, event, screenshots
):
    command = live_server.staff("command")
    desk_context = browser.new_context(viewport=DESKTOP)
    desk = desk_context.new_page()
    desk_errors: list[str] = []
    desk.on("pageerror", lambda exc: desk_errors.append(str(exc)))
    reporter_context, reporter, reporter_id, reporter_errors = officer_phone(
        browser, live_server, event, "Rosa Diaz", check_in=False
    )
    responder_context, responder, responder_id, responder_errors = officer_phone(
        browser, live_server, event, "Tom Hale", check_in=True
    )
    try:
        sign_in(desk, live_server, event)
        expect(desk.get_by_test_id("queue-count")).to_have_text("0 open")

        # Three taps on the phone: type, the suggested severity, send at the current position.
        reporter.get_by_test_id("report-open").click()
        reporter.get_by_test_id("type-medical").click()
        reporter.locator('[data-severity][aria-pressed="true"]').click()
        reporter.get_by_test_id("report-note").fill("Runner down past the finish, breathing")
        reporter.get_by_test_id("report-send").click()
        expect(reporter.get_by_test_id("my-incident-delivery").first).to_have_text("Sent ✓")

        # It is on the dashboard without a reload, and worked there with two clicks.
        row = desk.locator("#queue-list [data-incident-id]")
        expect(row).to_have_count(1, timeout=WAIT)
        expect(row).to_contain_text("Medical")
        expect(row).to_contain_text("by Rosa Diaz")
        incident_id = int(row.get_attribute("data-incident-id"))
        row.get_by_test_id("row-acknowledge").click()
        expect(row.get_by_test_id("row-status")).to_have_text("Acknowledged")
        row.get_by_test_id("row-dispatch").click()  # the nearest free officer: Tom, on shift
        expect(row.get_by_test_id("row-assignee")).to_have_text("Tom Hale")

        # Tom's phone takes the whole screen; each step he taps reaches the dashboard.
        sheet = responder.get_by_test_id("dispatch-sheet")
        expect(sheet).to_be_visible(timeout=WAIT)
        expect(responder.get_by_test_id("dispatch-type")).to_have_text("Medical")
        expect(responder.get_by_test_id("dispatch-note")).to_have_text(
            "Runner down past the finish, breathing"
        )
        responder.screenshot(path=screenshots("responder-dispatch"))
        action = responder.get_by_test_id("dispatch-action")
        expect(action).to_have_text("Acknowledge")
        action.click()
        expect(action).to_have_text("En route")
        action.click()
        expect(row.get_by_test_id("row-status")).to_have_text("En route", timeout=WAIT)
        desk.screenshot(path=screenshots("desk-en-route"))

        # The whole history reads back in order, each step by who did it.
        record = command.get(f"/api/v1/incidents/{incident_id}").json()
        steps = [
            (e["kind"], e["actor"]["id"], e["data"].get("to") or e["data"].get("status"))
            for e in record["timeline"]
        ]
        desk_user = record["timeline"][1]["actor"]["id"]
        assert steps == [
            ("reported", reporter_id, None),
            ("status", desk_user, "acknowledged"),
            ("assigned", desk_user, None),
            ("status", desk_user, "dispatched"),
            ("response", responder_id, "acknowledged"),
            ("response", responder_id, "en_route"),
            ("status", responder_id, "en_route"),
        ]
        assert record["timeline"][1]["actor"]["role"] == "command"
        assert record["reported_by"]["id"] == reporter_id
        assert [a["officer_id"] for a in record["assignments"]] == [responder_id]
        # The reporter was never sent it full screen.
        expect(reporter.get_by_test_id("dispatch-sheet")).to_be_hidden()
    finally:
        for context in (desk_context, reporter_context, responder_context):
            context.close()
    assert desk_errors == [] and reporter_errors == [] and responder_errors == []
