"""The command page shows what the server holds after it drops and rejoins, from the join's
snapshot alone: it never reads incidents, alarms, messages or waiting phones over REST."""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from playwright.sync_api import expect

from tests.support.live_server import LiveServer
from tests.test_browser_command import Officer, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.live]

LISTS = re.compile(r"/api/v1/events/\d+/(incidents|alerts|messages|device-requests)(\?|$)")
WAIT = 10_000


@pytest.fixture
def server(tmp_path):
    with LiveServer(tmp_path) as live:
        yield live


def _help(officer: Officer) -> dict:
    body = {"client_id": str(uuid.uuid4()), "lat": 40.70, "lon": -74.0}
    response = requests.post(f"{officer.url}/help", json=body, headers=officer.headers, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


def test_after_a_server_restart_the_desk_shows_exactly_the_open_alarms(server, browser):
    admin = server.staff("admin")
    event = server.create_event(admin)
    lee = Officer(server, event, "Lee Officer", "501")
    kim = Officer(server, event, "Kim Officer", "502")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    list_reads: list[str] = []
    page.on("request", lambda r: LISTS.search(r.url) and list_reads.append(r.url))
    try:
        sign_in(page, server, event)
        first = _help(lee)
        alarms = page.get_by_test_id("alarm")
        expect(alarms).to_have_count(1, timeout=WAIT)
        joins = page.evaluate("window.fieldopsCommand.joins()")

        server.stop()  # the page loses its stream; while it is away the world moves on
        server.seed = False
        server.start()
        command = server.staff("command")
        acknowledged = command.post(f"/api/v1/alerts/{first['id']}/acknowledge")
        assert acknowledged.status_code == 200, acknowledged.text
        second = _help(kim)

        page.wait_for_function(f"window.fieldopsCommand.joins() > {joins}", timeout=30_000)
        expect(alarms).to_have_count(1, timeout=WAIT)
        expect(alarms.first).to_contain_text("Kim Officer")
        expect(alarms.first).to_have_attribute("data-alert-id", str(second["id"]))
        assert list_reads == []
    finally:
        context.close()
