"""Phones on a secure origin: the officer page opened over plain HTTP on a network name says it
needs its HTTPS address and names it; over HTTPS (the self-signed certificate accepted) it
joins and shares location, its socket over wss, in Debian chromium against the real server.

chromium treats localhost and 127.0.0.0/8 as secure, so the page is opened as
`fieldops.test`, which this browser resolves to 127.0.0.1 (no traffic leaves the machine).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import CHROMIUM_ARGS, PHONE, chromium_path
from tests.support.live_server import LiveServer, Recorder
from tests.support.server_process import free_port

HOST = "fieldops.test"
WHERE = {"latitude": 40.7060, "longitude": -74.0090, "accuracy": 8}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`fieldops serve` with HTTP on its port and HTTPS for phones on a second one."""
    with LiveServer(tmp_path_factory.mktemp("secure-origin"), tls_port=free_port()) as live:
        yield live


@pytest.fixture(scope="module")
def network_browser(browser):
    """A second chromium of the session's Playwright, resolving HOST to 127.0.0.1."""
    args = [*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {HOST} 127.0.0.1"]
    instance = browser.browser_type.launch(executable_path=chromium_path(), args=args)
    yield instance
    instance.close()


def _context(browser, viewport=PHONE, **options):
    phone = viewport == PHONE
    context = browser.new_context(
        viewport=viewport,
        is_mobile=phone,
        has_touch=phone,
        geolocation=WHERE,
        permissions=["geolocation"],
        **options,
    )
    context.set_default_timeout(15_000)
    errors: list[str] = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    return context, errors


def _join(page, event: dict, name: str, badge: str) -> None:
    page.get_by_test_id("join-code").fill(event["enrollment_code"])
    page.get_by_test_id("join-name").fill(name)
    page.get_by_test_id("join-badge").fill(badge)
    page.get_by_test_id("join-submit").click()
    page.get_by_test_id("continue").click()
    expect(page.get_by_test_id("screen-main")).to_be_visible()


def test_over_plain_http_the_officer_page_names_its_https_address(
    server, network_browser, screenshots
):
    event = server.create_event(server.staff("admin"), name="School field day")
    secure = f"https://{HOST}:{server.tls_port}/officer"
    context, errors = _context(network_browser)
    page = context.new_page()
    page.goto(f"http://{HOST}:{server.port}/officer")
    assert page.evaluate("window.isSecureContext") is False

    notice = page.get_by_test_id("secure-notice-join")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("This page is not secure")
    expect(notice.get_by_role("link", name=secure)).to_have_attribute("href", secure)
    page.screenshot(path=screenshots("join-390"))

    _join(page, event, "Dana Reyes", "5101")
    expect(page.get_by_test_id("secure-notice-main")).to_be_visible()
    expect(page.get_by_test_id("location-state")).to_have_text(
        "NOT SHARING: this page is not secure"
    )
    expect(page.get_by_test_id("location-detail")).to_contain_text("open the https:// address")
    expect(page.get_by_test_id("connection")).to_have_text("Online")  # the socket works
    page.screenshot(path=screenshots("main-390"))
    context.close()
    assert not errors, errors

    wide, errors = _context(network_browser, viewport={"width": 1280, "height": 800})
    page = wide.new_page()
    page.goto(f"http://{HOST}:{server.port}/officer")
    expect(page.get_by_test_id("secure-notice-join")).to_be_visible()
    page.screenshot(path=screenshots("join-1280"))
    wide.close()
    assert not errors, errors


def test_over_https_the_page_shares_location_and_shows_no_notice(
    server, network_browser, screenshots
):
    event = server.create_event(server.staff("admin"), name="Harbor 10K")
    dashboard = server.socket(cookies=server.staff("command"))
    recorder = Recorder(dashboard)
    assert dashboard.call("join", {"event_id": event["id"]}, namespace="/live")["ok"]
    # the officer accepted the self-signed certificate (what "Advanced, then Proceed" does)
    context, errors = _context(network_browser, ignore_https_errors=True)
    page = context.new_page()
    page.goto(f"https://{HOST}:{server.tls_port}/officer")
    assert page.evaluate("window.isSecureContext") is True
    expect(page.get_by_test_id("screen-join")).to_be_visible()
    expect(page.get_by_test_id("secure-notice-join")).to_be_hidden()

    _join(page, event, "Sam Ortiz", "5102")
    expect(page.get_by_test_id("secure-notice-main")).to_be_hidden()
    expect(page.get_by_test_id("location-state")).to_have_text("Sharing location: command sees you")
    fix = recorder.wait_for(lambda e: e["type"] == "positions", timeout=15)["data"]["fixes"][0]
    assert (fix["lat"], fix["lon"]) == (WHERE["latitude"], WHERE["longitude"])
    page.screenshot(path=screenshots("main-390"))
    context.close()
    dashboard.disconnect()
    assert not errors, errors
