"""A lost child on the officer's phone, in Debian chromium against the real server: command
reports the child, the phone shows the alert within seconds (first name, description, meeting
point, "watch your exit" at an exit post; never the full name or the family's contact), the
officer marks the place searched, command marks the child found and the alert leaves."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.test_browser_officer import POST, marathon, until
from tests.test_browser_officer_incidents import (  # noqa: F401
    command,
    on_duty,
    phone,
    snap,
    tiny_jpeg,
)

__all__ = ["marathon", "command", "phone"]


def report_lost_child(command, marathon) -> dict:
    now = datetime.now(UTC)
    made = command.post(
        f"/api/v1/events/{marathon['id']}/lost-persons",
        json={
            "client_id": uuid.uuid4().hex,
            "kind": "child",
            "first_name": "Mia",
            "full_name": "Mia Quentin-Larsson",
            "age": 6,
            "sex": "girl",
            "height": "about 115 cm",
            "build": "slim",
            "hair": "blonde, two braids",
            "clothing_top": "pink raincoat with a white star",
            "clothing_bottom": "blue leggings",
            "shoes": "red wellies",
            "carried": "a grey toy rabbit",
            "last_seen_lat": POST["lat"] + 0.0005,
            "last_seen_lon": POST["lon"],
            "last_seen_place": "by the bouncy castle",
            "last_seen_at": (now - timedelta(minutes=4)).isoformat(),
            "guardian_name": "Petra Quentin-Larsson",
            "guardian_contact": "+1 555 0199",
            "meeting_point": "Info tent at the finish",
            "reported_at": now.isoformat(),
        },
    )
    assert made.status_code == 201, made.text
    return made.json()


def test_a_lost_child_reaches_the_phone_is_searched_for_and_found(
    live_server, marathon, command, phone, screenshots
):
    marathon["admin"].patch(
        f"/api/v1/posts/{marathon['post']['id']}", json={"is_exit": True}
    ).raise_for_status()
    page, _officer_id = on_duty(phone, live_server, marathon, "Lena Voss")
    person = report_lost_child(command, marathon)
    uploaded = command.post(
        f"/api/v1/lost-persons/{person['id']}/photos",
        files={"photo": ("mia.jpg", tiny_jpeg(), "image/jpeg")},
    )
    assert uploaded.status_code == 201, uploaded.text

    alert = page.get_by_test_id("lost-person")
    expect(alert).to_be_visible(timeout=5_000)
    expect(page.get_by_test_id("lost-kind")).to_have_text("LOST CHILD")
    expect(page.get_by_test_id("lost-who")).to_have_text("Mia, 6, girl")
    expect(page.get_by_test_id("lost-clothing_top")).to_have_text("pink raincoat with a white star")
    expect(page.get_by_test_id("lost-shoes")).to_have_text("red wellies")
    expect(page.get_by_test_id("lost-carried")).to_have_text("a grey toy rabbit")
    expect(page.get_by_test_id("lost-last-seen")).to_have_text("by the bouncy castle · 4 min ago")
    expect(page.get_by_test_id("lost-meeting-point")).to_have_text("Info tent at the finish")
    expect(page.get_by_test_id("lost-instruction")).to_contain_text("Watch your exit")
    photo = page.get_by_test_id("lost-photo")
    expect(photo).to_have_attribute("src", re.compile("^blob:"))  # fetched with the device token
    until(page, lambda: photo.evaluate("img => img.naturalWidth") == 64)
    text = page.get_by_test_id("takeover").inner_text()
    assert "Quentin-Larsson" not in text and "555" not in text and "Petra" not in text
    assert "Quentin" not in page.content()
    until(page, lambda: len(page.evaluate("window.__vibrations")) >= 1)  # it buzzes once
    snap(page, screenshots, "officer-lost-child")

    # Minimized: a slim bar, still on top; a tap opens it again.
    page.get_by_test_id("lost-minimize").click()
    expect(page.get_by_test_id("lost-bar")).to_contain_text("LOST CHILD")
    expect(page.get_by_test_id("lost-who")).to_have_count(0)
    page.get_by_test_id("lost-bar").click()
    expect(page.get_by_test_id("lost-who")).to_have_text("Mia, 6, girl")

    page.get_by_test_id("lost-searched-here").click()
    expect(page.get_by_test_id("lost-searched")).to_contain_text("Searched ✓")

    def searched_by_lena():
        record = command.get(f"/api/v1/lost-persons/{person['id']}").json()
        return [a for a in record["searched"] if a["by"] and a["by"]["name"] == "Lena Voss"]

    until(page, lambda: searched_by_lena())
    area = searched_by_lena()[0]
    assert abs(area["lat"] - POST["lat"]) < 0.0002 and abs(area["lon"] - POST["lon"]) < 0.0002
    snap(page, screenshots, "officer-lost-child-searched")

    found = command.post(f"/api/v1/lost-persons/{person['id']}/found", json={"place": "Info tent"})
    assert found.status_code == 200, found.text
    expect(page.get_by_test_id("lost-ended")).to_contain_text("FOUND — Mia")
    expect(page.get_by_test_id("lost-persons")).to_be_hidden(timeout=15_000)
    assert page.evaluate("window.fieldopsOfficer.unsent('searched')") == 0
