"""The phone during the moments that matter, in Debian chromium against the real server: a
call for help that command has seen (and who is coming), called off when it was a mistake;
a dispatch that leaves the help button and a priority message in reach; the truth about
what command sees; a report that survives a reload."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from playwright.sync_api import Page, expect

from tests.support.browser import PHONE
from tests.test_browser_officer import POST, marathon, until
from tests.test_browser_officer_incidents import command, on_duty, phone, snap  # noqa: F401

__all__ = ["marathon", "command", "phone"]


def press_help(page: Page) -> None:
    button = page.get_by_test_id("help-button")
    box = button.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    expect(page.get_by_test_id("help-status-text")).to_contain_text("HELP SENT", timeout=10_000)
    page.mouse.up()


def my_help(command, marathon, officer_id: int) -> dict | None:
    alarms = command.get(f"/api/v1/events/{marathon['id']}/alerts").json()["alerts"]
    mine = [a for a in alarms if a["kind"] == "help" and a["officer"]["id"] == officer_id]
    return mine[0] if mine else None


def colleague(live_server, marathon, name: str, lat: float, lon: float) -> dict:
    """A walk-up officer on shift at the post, with a fix at (lat, lon), over the phone API."""
    session, joined = live_server.join_officer(
        marathon["enrollment_code"], name, f"W{uuid.uuid4().hex[:5]}"
    )
    headers = {"Authorization": f"Bearer {joined['device_token']}"}
    base = f"{live_server.url}/api/v1/events/{marathon['id']}"
    session.post(
        f"{base}/shift/check-in", json={"post_id": marathon["post"]["id"]}, headers=headers
    ).raise_for_status()
    fix = {"lat": lat, "lon": lon, "accuracy": 5, "recorded_at": datetime.now(UTC).isoformat()}
    session.post(f"{base}/positions", json=fix, headers=headers).raise_for_status()
    return {"id": joined["officer"]["id"], "name": name, "headers": headers, "session": session}


def in_reach(page: Page, testid: str) -> None:
    """The element is on screen and on top: a tap at its centre lands on it."""
    element = page.get_by_test_id(testid)
    expect(element).to_be_visible()
    box = element.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    on_top = page.evaluate(
        """([x, y, id]) =>
            document.elementFromPoint(x, y)?.closest(`[data-testid="${id}"]`) != null""",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, testid],
    )
    assert on_top, f"{testid} is covered"


def test_command_seeing_a_call_for_help_and_who_is_coming_show_on_the_phone(
    live_server, marathon, command, phone, screenshots
):
    page, officer_id = on_duty(phone, live_server, marathon, "Hana Cho")
    helper = colleague(live_server, marathon, "Omar Reid", POST["lat"] + 0.003, POST["lon"])
    press_help(page)
    expect(page.get_by_test_id("help-status-text")).to_contain_text("HELP SENT — command notified")
    expect(page.get_by_test_id("help-status-detail")).to_contain_text("Waiting for command")
    alert = my_help(command, marathon, officer_id)

    done = command.post(f"/api/v1/alerts/{alert['id']}/acknowledge")
    assert done.status_code == 200, done.text
    seen = done.json()["acknowledged_at"]
    stamp = datetime.fromisoformat(seen.replace("Z", "+00:00")).astimezone()
    expect(page.get_by_test_id("help-status-text")).to_have_text(
        f"Command has seen it — command, {stamp:%H:%M}"
    )
    expect(page.get_by_test_id("help-status")).to_have_attribute("data-state", "seen")

    until(
        page,
        lambda: command.get(f"/api/v1/incidents/{alert['incident_id']}/nearest").json()["officers"],
    )
    sent = command.post(
        f"/api/v1/incidents/{alert['incident_id']}/assignments",
        json={"officer_ids": [helper["id"]]},
    )
    assert sent.status_code == 201, sent.text
    responder = page.get_by_test_id("help-responder")
    expect(responder).to_have_count(1)
    expect(responder).to_contain_text("Omar Reid")
    expect(responder).to_contain_text("dispatched · 330 m away")
    snap(page, screenshots, "help-seen-and-coming")

    # A false alarm: two taps call it off; it stays on the record as called off by the officer.
    page.get_by_test_id("help-cancel").click()
    expect(page.get_by_test_id("help-cancel")).to_have_text("Tap again to call off")
    page.get_by_test_id("help-cancel").click()
    expect(page.get_by_test_id("help-status-text")).to_contain_text(
        "Called off by Hana Cho (false alarm)"
    )
    until(page, lambda: my_help(command, marathon, officer_id)["cancelled_at"] is not None)
    incident = command.get(f"/api/v1/incidents/{alert['incident_id']}").json()
    assert incident["status"] == "cancelled"
    page.get_by_test_id("help-dismiss").click()
    expect(page.get_by_test_id("help-status")).to_be_hidden()


def test_the_help_button_and_a_priority_message_stay_in_reach_during_a_dispatch(
    live_server, marathon, command, phone, screenshots
):
    page, officer_id = on_duty(phone, live_server, marathon, "Ivo Brandt")
    made = command.post(
        f"/api/v1/events/{marathon['id']}/incidents",
        json={
            "client_id": uuid.uuid4().hex,
            "type": "crowd",
            "lat": POST["lat"] + 0.001,
            "lon": POST["lon"],
            "reported_at": datetime.now(UTC).isoformat(),
        },
    )
    incident_id = made.json()["id"]
    command.post(
        f"/api/v1/incidents/{incident_id}/assignments", json={"officer_ids": [officer_id]}
    ).raise_for_status()
    expect(page.get_by_test_id("dispatch-sheet")).to_be_visible()
    in_reach(page, "help-button")
    in_reach(page, "dispatch-action")

    sent = command.post(
        f"/api/v1/events/{marathon['id']}/messages",
        json={
            "text": "Hold all traffic on 3rd",
            "to": {"kind": "officer", "id": officer_id},
            "priority": True,
        },
    )
    message_id = sent.json()["id"]
    expect(page.get_by_test_id("priority-message")).to_contain_text("Hold all traffic on 3rd")
    expect(page.get_by_test_id("dispatch-sheet")).to_be_visible()  # still there, under it
    in_reach(page, "message-ack")
    in_reach(page, "help-button")
    snap(page, screenshots, "priority-message-over-dispatch")
    page.get_by_test_id("message-ack").click()

    def acknowledged():
        message = next(
            m
            for m in command.get(f"/api/v1/events/{marathon['id']}/messages").json()["messages"]
            if m["id"] == message_id
        )
        return message["recipients"][0]["acknowledged_at"] is not None

    until(page, acknowledged)
    expect(page.get_by_test_id("priority-message")).to_have_count(0)

    press_help(page)  # the same press-and-hold, over the dispatch
    until(page, lambda: my_help(command, marathon, officer_id) is not None)
    in_reach(page, "help-status")
    expect(page.get_by_test_id("dispatch-sheet")).to_be_visible()
