"""Issue 9's "done when", the way its users do it, in Debian chromium against the real server:
an officer logs a wallet handed in by a runner on the phone, with a photo, and hands it to the
desk; the dispatcher takes the owner's lost report at the desk, confirms the suggested match,
is refused a release without an identity check, releases with one; the phone sees the item
returned, and the server holds a chain from the finder's hand to the owner's with no gap."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.test_browser_command import sign_in
from tests.test_browser_officer import marathon  # noqa: F401
from tests.test_browser_officer_incidents import (  # noqa: F401
    command,
    on_duty,
    phone,
    snap,
    tiny_jpeg,
)

__all__ = ["marathon", "command", "phone"]  # fixtures, used by name

DESKTOP = {"width": 1280, "height": 800}
WAIT = 8000


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == []


def log_wallet_on_the_phone(page, screenshots) -> None:
    page.get_by_test_id("report-open").click()
    page.get_by_test_id("type-found-item").click()
    expect(page.get_by_test_id("found-step")).to_contain_text("Step 1 of 2")
    snap(page, screenshots, "found-category")
    page.get_by_test_id("category-wallet_purse").click()
    expect(page.get_by_test_id("found-step")).to_contain_text("Step 2 of 2")
    page.get_by_test_id("colour-black").click()
    expect(page.get_by_test_id("colour-black")).to_have_attribute("aria-pressed", "true")
    page.get_by_test_id("found-description").fill("leather wallet, zip pocket")
    page.get_by_test_id("found-brand").fill("Fossil")
    page.get_by_test_id("found-by-public").check()
    # Handed in by the public needs the person's name: not logged without it.
    page.get_by_test_id("found-send").click()
    expect(page.get_by_test_id("found-error")).to_contain_text("name of the person")
    page.get_by_test_id("found-finder-name").fill("Sam Spectator")
    page.get_by_test_id("found-finder-contact").fill("sam@example.org")
    page.get_by_test_id("found-photos").set_input_files(
        files=[{"name": "wallet.jpg", "mimeType": "image/jpeg", "buffer": tiny_jpeg()}]
    )
    expect(page.get_by_test_id("found-photo-count")).to_have_text("1 photo attached")
    expect(page.get_by_test_id("found-place")).to_contain_text("at your position")
    snap(page, screenshots, "found-details")
    page.get_by_test_id("found-send").click()
    expect(page.get_by_test_id("found-sheet")).to_be_hidden()


def test_a_wallet_goes_from_the_finder_to_its_owner_by_phone_and_desk(
    live_server,
    marathon,
    command,
    phone,
    desk,
    screenshots,
):
    page, officer_id = on_duty(phone, live_server, marathon, "Lee Park")
    log_wallet_on_the_phone(page, screenshots)

    row = page.get_by_test_id("my-found-item").first
    expect(row.get_by_test_id("my-found-delivery")).to_have_text("Logged ✓", timeout=WAIT)
    expect(row.get_by_test_id("my-found-status")).to_contain_text("With you")
    listed = command.get(f"/api/v1/events/{marathon['id']}/found-items").json()["found_items"]
    assert len(listed) == 1
    item = listed[0]
    assert (item["category"], item["colours"]) == ("wallet_purse", ["black"])
    assert item["brand"] == "Fossil"
    assert item["finder_name"] == "Sam Spectator" and item["found_by"] is None
    assert item["custodian"]["officer_id"] == officer_id
    assert item["lat"] is not None and item["place"]
    page.wait_for_function(
        "async () => (await window.fieldopsOfficer.unsent('found')) === 0", timeout=WAIT
    )
    photos = command.get(f"/api/v1/found-items/{item['id']}").json()["photos"]
    assert len(photos) == 1
    page.screenshot(path=screenshots("found-with-me-phone"))

    row.get_by_test_id("hand-to-desk").click()
    expect(row.get_by_test_id("my-found-status")).to_contain_text(
        "At the lost-and-found desk", timeout=WAIT
    )

    # The desk: the item held there, then the owner's report taken at the desk.
    sign_in(desk, live_server, marathon)
    desk.get_by_test_id("lost-found-toggle").click()
    drawer = desk.get_by_test_id("lost-found")
    held = drawer.locator(f'[data-testid="lf-item"][data-item-id="{item["id"]}"]')
    expect(held.get_by_test_id("item-holder")).to_have_text("at the desk")
    expect(held).to_contain_text("1 photo")
    drawer.get_by_test_id("lf-new-lost").click()
    report_form = drawer.get_by_test_id("lf-form-lost")
    report_form.get_by_test_id("lf-category").select_option("wallet_purse")
    report_form.get_by_test_id("lf-colours").fill("black")
    report_form.get_by_test_id("lf-brand").fill("fossil")
    report_form.get_by_test_id("lf-description").fill("black leather purse with a zip pocket")
    report_form.get_by_test_id("lf-place").fill("near Mile 3 water")
    report_form.get_by_test_id("lf-owner-contact").fill("+1 555 0100")
    report_form.get_by_test_id("lf-submit").click()
    expect(report_form.get_by_test_id("lf-form-error")).to_contain_text("Last seen at")
    lost_at = datetime.now().astimezone() - timedelta(minutes=40)
    report_form.get_by_test_id("lf-last-seen-at").fill(lost_at.strftime("%H:%M"))
    report_form.get_by_test_id("lf-submit").click()
    expect(report_form.get_by_test_id("lf-form-error")).to_contain_text("owner_name")
    report_form.get_by_test_id("lf-owner-name").fill("Dana Runner")
    desk.screenshot(path=screenshots("desk-lost-report-form"))
    report_form.get_by_test_id("lf-submit").click()
    expect(report_form).to_have_count(0, timeout=WAIT)

    match = drawer.get_by_test_id("lf-match")
    expect(match).to_have_count(1, timeout=WAIT)
    expect(match).to_contain_text(f"Found #{item['id']}")
    expect(match.get_by_test_id("match-reasons")).to_contain_text(re.compile("fossil", re.I))
    expect(match.get_by_test_id("match-reasons")).to_contain_text("after it was lost")
    desk.screenshot(path=screenshots("desk-match"))
    match.get_by_test_id("match-owner-contacted").check()
    match.get_by_test_id("match-confirm").click()
    expect(match).to_have_count(0, timeout=WAIT)

    waiting = drawer.get_by_test_id("lf-pickup").locator(f'[data-item-id="{item["id"]}"]')
    expect(waiting.get_by_test_id("item-status")).to_have_text("Awaiting pickup")
    expect(waiting).to_contain_text("Owner: Dana Runner")
    waiting.get_by_test_id("item-release").click()
    release = waiting.get_by_test_id("lf-form-release")
    expect(release.get_by_test_id("lf-received-by")).to_have_value("Dana Runner")
    release.get_by_test_id("lf-submit").click()
    expect(release.get_by_test_id("lf-form-error")).to_contain_text("identity_check")
    assert command.get(f"/api/v1/found-items/{item['id']}").json()["status"] == "awaiting_pickup"
    release.get_by_test_id("release-method").select_option("contents")
    release.get_by_test_id("release-detail").fill("named the library card and the gym tag inside")
    desk.screenshot(path=screenshots("desk-release"))
    release.get_by_test_id("lf-submit").click()
    expect(waiting).to_have_count(0, timeout=WAIT)

    # The phone follows it to the owner; the server holds the whole chain, with no gap.
    expect(row.get_by_test_id("my-found-status")).to_contain_text("Returned", timeout=WAIT)
    final = command.get(f"/api/v1/found-items/{item['id']}").json()
    assert final["status"] == "returned"
    chain = final["custody"]
    assert [(r["from"]["kind"], r["to"]["kind"]) for r in chain] == [
        ("finder", "officer"),
        ("officer", "desk"),
        ("desk", "owner"),
    ]
    for before, after in zip(chain, chain[1:], strict=False):
        assert after["from"] == before["to"]
    assert chain[0]["from"]["name"] == "Sam Spectator"
    assert chain[-1]["received_by"] == "Dana Runner"
    assert chain[-1]["identity_check"]["method"] == "contents"
    assert chain[-1]["identity_check"]["verified_by"]["name"]
