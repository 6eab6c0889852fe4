"""A phone claiming a badge that is already at the event, in real browsers against the real
server: it waits on a phone-sized officer page while the command desk (laptop-sized) approves
or refuses it; a rostered officer with the PIN is in at once; Leave ends the device token;
signing in never ends on another site."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from playwright.sync_api import expect

from tests.support.browser import PHONE, phone_at
from tests.support.live_server import STAFF_PASSWORD
from tests.test_browser_command import sign_in

POST = {"lat": 40.7000, "lon": -74.0000}
LAPTOP = {"width": 1280, "height": 800}
WAIT = 10_000  # ms: the phone asks every 3 s, pushes reach the desk at once


@pytest.fixture(scope="module")
def event(live_server):
    admin = live_server.staff("admin")
    created = live_server.create_event(admin, name="Riverside 5K")
    post = {"name": "Gate B", "kind": "traffic_point", "radius_m": 60} | POST
    response = admin.post(f"/api/v1/events/{created['id']}/posts", json=post)
    assert response.status_code == 201, response.text
    return {**created, "admin": admin, "post": response.json()}


def roster(event: dict, name: str) -> dict:
    """The admin's roster entry for a new badge: {officer_id, badge, join_pin}."""
    badge = f"R{uuid.uuid4().hex[:5].upper()}"
    now = datetime.now(UTC)
    response = event["admin"].post(
        f"/api/v1/events/{event['id']}/assignments",
        json={
            "name": name,
            "badge": badge,
            "post_id": event["post"]["id"],
            "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=6)).isoformat(),
        },
    )
    assert response.status_code == 201, response.text
    return response.json() | {"badge": badge}


@pytest.fixture
def phone(browser):
    context, errors = phone_at(browser, POST["lat"], POST["lon"])
    yield context
    context.close()
    assert not errors, f"the phone page threw: {errors}"


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"the command page threw: {errors}"


def fill_join(page, server, event, name: str, badge: str, pin: str = "") -> None:
    page.goto(f"{server.url}/officer")
    page.get_by_test_id("join-code").fill(event["enrollment_code"])
    page.get_by_test_id("join-name").fill(name)
    page.get_by_test_id("join-badge").fill(badge)
    if pin:
        page.get_by_test_id("join-pin").fill(pin)
    page.get_by_test_id("join-submit").click()


def me(server, event, token: str) -> requests.Response:
    return requests.get(
        f"{server.url}/api/v1/events/{event['id']}/me",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )


def card(desk, badge: str):
    return desk.get_by_test_id("device-request").filter(has_text=f"#{badge}")


def both_sizes(page, screenshots, name: str, size: dict) -> None:
    """The screen as a tired officer or a busy dispatcher sees it, at both sizes."""
    page.screenshot(path=screenshots(f"{name}-{size['width']}"))
    other = LAPTOP if size == PHONE else PHONE
    page.set_viewport_size(other)
    page.screenshot(path=screenshots(f"{name}-{other['width']}"))
    page.set_viewport_size(size)


def test_a_second_phone_waits_and_gets_in_when_command_approves_it_on_the_desk(
    live_server, event, phone, desk, screenshots
):
    entry = roster(event, "Dana Reyes")
    _first, first = live_server.join_officer(
        event["enrollment_code"], "Dana Reyes", entry["badge"], pin=entry["join_pin"]
    )
    sign_in(desk, live_server, event)
    page = phone.new_page()
    fill_join(page, live_server, event, "Dana Reyes", entry["badge"])

    waiting = page.get_by_test_id("join-waiting")
    expect(waiting).to_be_visible()
    expect(page.get_by_test_id("waiting-title")).to_have_text(
        "Waiting for command to approve this phone"
    )
    expect(page.get_by_test_id("waiting-who")).to_have_text(f"Dana Reyes #{entry['badge']}")
    expect(page.get_by_test_id("waiting-event")).to_have_text("at Riverside 5K")
    expect(page.get_by_test_id("waiting-reason")).to_have_text("No join PIN was given.")
    expect(page.get_by_test_id("join-submit")).to_be_hidden()
    both_sizes(page, screenshots, "phone-waiting", PHONE)

    request = card(desk, entry["badge"])
    expect(request).to_be_visible(timeout=WAIT)  # pushed: the desk did not reload
    expect(request).to_contain_text("Dana Reyes")
    expect(request).to_contain_text("No join PIN given · this officer has 1 phone signed in")
    expect(request.get_by_test_id("device-request-replace")).to_be_visible()
    both_sizes(desk, screenshots, "desk-request", LAPTOP)

    page.reload()  # a phone that locks and reloads keeps waiting
    expect(page.get_by_test_id("join-waiting")).to_be_visible()
    expect(page.get_by_test_id("waiting-who")).to_have_text(f"Dana Reyes #{entry['badge']}")

    request.get_by_test_id("device-request-approve").click()
    expect(request.get_by_test_id("device-request-outcome")).to_have_text(
        re.compile(r"^✓ Approved by command at \d\d:\d\d:\d\d\.$")
    )
    desk.screenshot(path=screenshots("desk-approved-1280"))
    expect(page.get_by_test_id("screen-joined")).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("joined-event")).to_have_text("Riverside 5K")
    token = page.get_by_test_id("device-token").inner_text()
    assert me(live_server, event, token).json()["officer"]["id"] == entry["officer_id"]
    assert me(live_server, event, first["device_token"]).status_code == 200  # not replaced
    page.get_by_test_id("continue").click()
    expect(page.get_by_test_id("connection")).to_have_text("Online")


def test_approving_with_sign_out_sends_the_old_phone_back_to_join(
    browser, live_server, event, phone, desk, screenshots
):
    """The officer's old phone is online on its main screen; command approves a new phone and
    signs the old one out: the old page learns it at once (its socket is dropped and its token
    refused) and asks to join again."""
    entry = roster(event, "Sam Ortiz")
    old_context, old_errors = phone_at(browser, POST["lat"], POST["lon"])
    old = old_context.new_page()
    fill_join(old, live_server, event, "Sam Ortiz", entry["badge"], pin=entry["join_pin"])
    expect(old.get_by_test_id("screen-joined")).to_be_visible()
    old_token = old.get_by_test_id("device-token").inner_text()
    old.get_by_test_id("continue").click()
    expect(old.get_by_test_id("connection")).to_have_text("Online")

    sign_in(desk, live_server, event)
    page = phone.new_page()
    fill_join(page, live_server, event, "Sam Ortiz", entry["badge"])
    expect(page.get_by_test_id("join-waiting")).to_be_visible()
    request = card(desk, entry["badge"])
    request.get_by_test_id("device-request-replace").click(timeout=WAIT)
    expect(request.get_by_test_id("device-request-outcome")).to_contain_text(
        "Old phone signed out."
    )
    expect(old.get_by_test_id("screen-join")).to_be_visible(timeout=WAIT)
    expect(old.get_by_test_id("join-notice")).to_contain_text("Join again")
    old.screenshot(path=screenshots("old-phone-390"))
    assert me(live_server, event, old_token).status_code == 401
    expect(page.get_by_test_id("screen-joined")).to_be_visible(timeout=WAIT)
    old_context.close()
    assert not old_errors, f"the old phone's page threw: {old_errors}"


def test_a_rostered_badge_claimed_without_the_pin_is_refused_and_the_phone_says_so(
    live_server, event, phone, desk, screenshots
):
    entry = roster(event, "Chris Lee")  # on the roster, no phone yet
    sign_in(desk, live_server, event)
    page = phone.new_page()
    fill_join(page, live_server, event, "C. Lee", entry["badge"])
    expect(page.get_by_test_id("join-waiting")).to_be_visible()
    request = card(desk, entry["badge"])
    expect(request).to_contain_text("typed “C. Lee”")
    expect(request).to_contain_text("this officer has 0 phones signed in")
    expect(request.get_by_test_id("device-request-replace")).to_have_count(0)
    request.get_by_test_id("device-request-refuse").click()
    expect(request.get_by_test_id("device-request-outcome")).to_contain_text("✕ Refused by command")
    desk.screenshot(path=screenshots("desk-refused-1280"))

    expect(page.get_by_test_id("waiting-title")).to_have_text(
        "Command refused this phone", timeout=WAIT
    )
    expect(page.get_by_test_id("waiting-status")).to_have_text(
        "Ask command on the radio, then join again."
    )
    both_sizes(page, screenshots, "phone-refused", PHONE)
    page.get_by_test_id("waiting-back").click()
    expect(page.get_by_test_id("join-submit")).to_be_visible()

    # With the PIN from the roster, the real officer is in at once.
    page.get_by_test_id("join-name").fill("Chris Lee")
    page.get_by_test_id("join-pin").fill(entry["join_pin"])
    page.get_by_test_id("join-submit").click()
    expect(page.get_by_test_id("screen-joined")).to_be_visible()


def test_a_wrong_pin_also_waits_for_command(live_server, event, phone):
    entry = roster(event, "Kim Novak")
    wrong = "000000" if entry["join_pin"] != "000000" else "111111"
    page = phone.new_page()
    fill_join(page, live_server, event, "Kim Novak", entry["badge"], pin=wrong)
    expect(page.get_by_test_id("waiting-reason")).to_have_text("The join PIN was wrong.")
    page.get_by_test_id("waiting-cancel").click()  # typed it wrong: try again
    expect(page.get_by_test_id("join-submit")).to_be_visible()
    page.get_by_test_id("join-pin").fill(entry["join_pin"])
    page.get_by_test_id("join-submit").click()
    expect(page.get_by_test_id("screen-joined")).to_be_visible()


def test_organizers_see_a_waiting_phone_but_no_buttons(
    live_server, event, phone, desk, screenshots
):
    entry = roster(event, "Eli Grant")
    sign_in(desk, live_server, event, role="organizer")
    page = phone.new_page()
    fill_join(page, live_server, event, "Eli Grant", entry["badge"])
    request = card(desk, entry["badge"])
    expect(request).to_be_visible(timeout=WAIT)
    expect(request).to_contain_text("Command approves or refuses.")
    expect(request.locator("button")).to_have_count(0)
    desk.screenshot(path=screenshots("organizer-1280"))


def test_leaving_on_the_phone_ends_its_device_token_on_the_server(
    live_server, event, phone, screenshots
):
    page = phone.new_page()
    fill_join(page, live_server, event, "Walk Up", f"W{uuid.uuid4().hex[:5]}")
    expect(page.get_by_test_id("screen-joined")).to_be_visible()
    token = page.get_by_test_id("device-token").inner_text()
    page.get_by_test_id("continue").click()
    expect(page.get_by_test_id("connection")).to_have_text("Online")
    assert me(live_server, event, token).status_code == 200
    page.get_by_test_id("leave").click()
    page.get_by_test_id("leave").click()  # the second tap leaves
    expect(page.get_by_test_id("screen-join")).to_be_visible()
    expect(page.get_by_test_id("join-notice")).to_be_hidden()  # the server was told
    assert me(live_server, event, token).status_code == 401
    both_sizes(page, screenshots, "join-form", PHONE)


def test_signing_in_with_a_tab_in_next_ends_on_this_site(live_server, desk):
    desk.goto(f"{live_server.url}/login?next=/%09/evil.example")
    desk.fill('input[name="username"]', "command")
    desk.fill('input[name="password"]', STAFF_PASSWORD)
    desk.click('button[type="submit"]')
    expect(desk).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/command"))
