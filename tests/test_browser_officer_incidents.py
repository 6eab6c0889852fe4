"""The officer's phone page for incidents, dispatch, help and messages, in Debian chromium
against the real server (eventlet subprocess). What the phone did is checked the way the
command post sees it: through the staff REST API.
"""

from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, datetime

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.support.browser import PHONE, phone_at
from tests.test_browser_officer import (
    PINS,
    POST,
    join_on_page,
    marathon,
    open_main,
    roster,
    until,
)

__all__ = ["marathon"]  # a module-scoped fixture shared with test_browser_officer
DESKTOP = {"width": 1280, "height": 800}
# Every call to navigator.vibrate, so a test can see that the phone buzzed.
RECORD_VIBRATIONS = """
window.__vibrations = [];
navigator.vibrate = (pattern) => { window.__vibrations.push(pattern); return true; };
"""


@pytest.fixture
def phone(browser):
    """A phone at the post with location granted; fails the test on any page error."""
    context, errors = phone_at(browser, POST["lat"], POST["lon"])
    context.add_init_script(RECORD_VIBRATIONS)
    yield context
    context.close()
    assert not errors, f"the page threw: {errors}"


@pytest.fixture(scope="module")
def command(live_server):
    return live_server.staff("command")


def on_duty(phone, live_server, marathon, name: str):
    """A rostered officer joined on the phone page, sharing location; (page, officer id)."""
    officer_id, badge = roster(marathon, name)
    page = phone.new_page()
    join_on_page(page, live_server, marathon, name, badge)
    open_main(page)
    expect(page.get_by_test_id("connection")).to_have_text("Online")
    return page, officer_id


def snap(page, screenshots, name: str) -> None:
    """What the officer sees, on the phone and on a desktop-sized window."""
    page.screenshot(path=screenshots(f"{name}-phone"))
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=screenshots(f"{name}-desktop"))
    page.set_viewport_size(PHONE)


def tiny_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def incidents_of(command, marathon) -> list[dict]:
    response = command.get(f"/api/v1/events/{marathon['id']}/incidents")
    assert response.status_code == 200, response.text
    return response.json()["incidents"]


def report_three_taps(page, type_: str) -> None:
    page.get_by_test_id("report-open").click()
    page.get_by_test_id(f"type-{type_}").click()
    page.locator('[data-severity][aria-pressed="true"]').click()  # the suggested one


def test_three_tap_report_with_a_moved_pin_and_a_photo_reaches_command(
    live_server, marathon, command, phone, screenshots
):
    page, officer_id = on_duty(phone, live_server, marathon, "Ava Stone")
    page.get_by_test_id("report-open").click()
    expect(page.get_by_test_id("report-step")).to_contain_text("Step 1 of 3")
    snap(page, screenshots, "type-grid")
    page.get_by_test_id("type-medical").click()

    expect(page.get_by_test_id("report-step")).to_contain_text("Step 2 of 3")
    high = page.get_by_test_id("severity-high")
    expect(high).to_have_attribute("aria-pressed", "true")  # medical suggests high
    expect(high).to_have_attribute("data-suggested", "true")
    snap(page, screenshots, "severity")
    high.click()

    expect(page.get_by_test_id("report-step")).to_contain_text("Step 3 of 3")
    expect(page.get_by_test_id("report-pin")).to_contain_text("Pin at your position")
    pin = page.locator("#report-map .pin-report")
    box = pin.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y - 40, steps=5)
    page.mouse.move(x, y - 80, steps=5)
    page.mouse.up()
    expect(page.get_by_test_id("report-pin")).to_contain_text("m from you")
    page.get_by_test_id("report-note").fill("Runner down at the water table, conscious")
    page.get_by_test_id("report-photos").set_input_files(
        files=[{"name": "scene.jpg", "mimeType": "image/jpeg", "buffer": tiny_jpeg()}]
    )
    expect(page.get_by_test_id("report-photo-count")).to_have_text("1 photo attached")
    snap(page, screenshots, "place")
    page.get_by_test_id("report-send").click()

    expect(page.get_by_test_id("report-sheet")).to_be_hidden()
    row = page.get_by_test_id("my-incident").first
    expect(row.get_by_test_id("my-incident-delivery")).to_have_text("Sent ✓")
    expect(row.get_by_test_id("my-incident-status")).to_contain_text("Reported")
    page.screenshot(path=screenshots("my-incidents-phone"))

    mine = [i for i in incidents_of(command, marathon) if i["reported_by"]["id"] == officer_id]
    assert len(mine) == 1, mine
    incident = mine[0]
    assert (incident["type"], incident["severity"]) == ("medical", "high")
    assert incident["note"] == "Runner down at the water table, conscious"
    assert incident["lat"] > POST["lat"] + 0.0001, "the pin was dragged north"
    assert abs(incident["lon"] - POST["lon"]) < 0.0005
    assert len(incident["photos"]) == 1
    photo = command.get(incident["photos"][0]["url"])
    assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg"
    reported = datetime.fromisoformat(incident["reported_at"].replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - reported).total_seconds()) < 120


def test_a_report_made_offline_is_queued_and_sent_exactly_once(
    live_server, marathon, command, phone, screenshots
):
    page, officer_id = on_duty(phone, live_server, marathon, "Ben Okafor")
    answers: list[int] = []
    page.on(
        "response",
        lambda r: (
            answers.append(r.status)
            if r.request.method == "POST" and r.url.endswith("/incidents")
            else None
        ),
    )
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    phone.set_offline(True)
    expect(page.get_by_test_id("connection")).to_have_text("Offline")
    report_three_taps(page, "traffic")
    page.get_by_test_id("report-send").click()
    row = page.get_by_test_id("my-incident").first
    expect(row.get_by_test_id("my-incident-delivery")).to_have_text("Queued — will send")
    page.screenshot(path=screenshots("queued-phone"))

    page.reload()  # a relaunch with no signal: the outbox survives
    row = page.get_by_test_id("my-incident").first
    expect(row.get_by_test_id("my-incident-delivery")).to_have_text("Queued — will send")
    client_id = row.get_attribute("data-client-id")
    # The report waits (with any fix the phone took meanwhile, in its own lane).
    assert page.evaluate("fieldopsOfficer.unsent('reports')") == 1
    page.get_by_test_id("leave").click()  # the first tap only warns what leaving would lose
    expect(page.get_by_test_id("leave")).to_contain_text("not sent, will be lost")

    phone.set_offline(False)
    expect(row.get_by_test_id("my-incident-delivery")).to_have_text("Sent ✓", timeout=20_000)
    mine = [i for i in incidents_of(command, marathon) if i["reported_by"]["id"] == officer_id]
    assert [(i["client_id"], i["type"], i["severity"]) for i in mine] == [
        (client_id, "traffic", "medium")
    ]
    page.wait_for_timeout(3500)  # longer than an outbox round (3 s): nothing goes out again
    assert answers == [201], answers


def test_a_dispatch_takes_the_screen_and_each_step_reaches_the_timeline(
    live_server, marathon, command, phone, screenshots
):
    page, officer_id = on_duty(phone, live_server, marathon, "Cleo Marsh")
    there = {"lat": round(POST["lat"] + 0.002, 6), "lon": POST["lon"]}  # about 220 m north
    created = command.post(
        f"/api/v1/events/{marathon['id']}/incidents",
        json={
            "client_id": uuid.uuid4().hex,
            "type": "fight",
            "severity": "critical",
            "note": "Two men fighting by the barrier",
            "reported_at": datetime.now(UTC).isoformat(),
        }
        | there,
    )
    assert created.status_code == 201, created.text
    incident_id = created.json()["id"]
    sent = command.post(
        f"/api/v1/incidents/{incident_id}/assignments", json={"officer_ids": [officer_id]}
    )
    assert sent.status_code == 201, sent.text

    sheet = page.get_by_test_id("dispatch-sheet")
    expect(sheet).to_be_visible()
    expect(page.get_by_test_id("dispatch-type")).to_have_text("Fight / disturbance")
    expect(page.get_by_test_id("dispatch-severity")).to_have_text("Critical")
    expect(page.get_by_test_id("dispatch-note")).to_have_text("Two men fighting by the barrier")
    expect(page.get_by_test_id("dispatch-distance")).to_have_text("220 m from you")
    expect(page.get_by_test_id("dispatch-place")).to_have_text("220 m N of Mile 3 water")
    navigate = page.get_by_test_id("dispatch-navigate")
    expect(navigate).to_be_visible()
    href = navigate.get_attribute("href")
    assert f"{there['lat']:.6f},{there['lon']:.6f}" in href, href
    expect(page.locator("#dispatch-map path.route-line")).to_have_count(1)  # from here
    assert page.evaluate("window.__vibrations.length") >= 1
    snap(page, screenshots, "dispatch")

    # Minimized, the assignment stays on the main screen.
    page.get_by_test_id("dispatch-minimize").click()
    expect(sheet).to_be_hidden()
    expect(page.get_by_test_id("assignment-text")).to_contain_text("Fight / disturbance · Critical")
    page.screenshot(path=screenshots("assignment-banner-phone"))
    page.get_by_test_id("assignment-open").click()
    expect(sheet).to_be_visible()

    action = page.get_by_test_id("dispatch-action")
    for label, next_label in (
        ("Acknowledge", "En route"),
        ("En route", "On scene"),
        ("On scene", "Resolve"),
    ):
        expect(action).to_have_text(label)
        action.click()
        expect(action).to_have_text(next_label)
    action.click()
    page.get_by_test_id("disposition-arrest_by_agency").click()
    expect(page.get_by_test_id("dispatch-progress")).to_have_text("Resolved ✓ — thank you")
    page.screenshot(path=screenshots("dispatch-resolved-phone"))

    def timeline():
        return command.get(f"/api/v1/incidents/{incident_id}").json()

    until(page, lambda: timeline()["status"] == "resolved")
    incident = timeline()
    assert incident["disposition"] == "arrest_by_agency"
    responses = [e for e in incident["timeline"] if e["kind"] == "response"]
    assert [e["data"]["status"] for e in responses] == ["acknowledged", "en_route", "on_scene"]
    assert all(e["actor"]["id"] == officer_id for e in responses)
    assert all((e["lat"], e["lon"]) == (POST["lat"], POST["lon"]) for e in responses)
    resolved = [
        e for e in incident["timeline"] if e["kind"] == "status" and e["data"]["to"] == "resolved"
    ]
    assert len(resolved) == 1 and resolved[0]["actor"]["id"] == officer_id
    page.get_by_test_id("dispatch-close").click()
    expect(sheet).to_be_hidden()
    expect(page.get_by_test_id("assignment-banner")).to_be_hidden()


def help_alerts(command, marathon, officer_id: int) -> list[dict]:
    response = command.get(f"/api/v1/events/{marathon['id']}/alerts")
    assert response.status_code == 200, response.text
    return [
        a
        for a in response.json()["alerts"]
        if a["kind"] == "help" and a["officer"]["id"] == officer_id
    ]


def test_help_needs_a_full_hold_raises_exactly_one_alarm_and_waits_out_no_signal(
    live_server, marathon, command, phone, screenshots
):
    page, officer_id = on_duty(phone, live_server, marathon, "Dev Patel")
    button = page.get_by_test_id("help-button")
    box = button.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    page.mouse.down()  # a pocket press: let go well before 1.5 s
    expect(button).to_have_attribute("data-state", "holding")
    page.wait_for_timeout(500)
    page.mouse.up()
    expect(button).to_have_attribute("data-state", "idle")
    page.wait_for_timeout(1500)  # past the hold time: a cancelled hold must not fire later
    expect(page.get_by_test_id("help-status")).to_be_hidden()
    assert help_alerts(command, marathon, officer_id) == []

    page.mouse.down()
    page.wait_for_function(
        "parseFloat(document.getElementById('help-button').style.getPropertyValue('--hold')) > 0.4"
    )
    snap(page, screenshots, "help-holding")
    expect(page.get_by_test_id("help-status-text")).to_contain_text("HELP SENT — command notified")
    page.mouse.up()
    snap(page, screenshots, "help-sent")
    alerts = help_alerts(command, marathon, officer_id)
    assert len(alerts) == 1, alerts
    assert (alerts[0]["lat"], alerts[0]["lon"]) == (POST["lat"], POST["lon"])

    # With no signal the alarm is kept, survives a relaunch, and goes out once signal returns.
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    phone.set_offline(True)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    status = page.get_by_test_id("help-status-text")
    expect(status).to_contain_text("NO SIGNAL — help alarm saved")
    page.mouse.up()
    page.reload()
    expect(status).to_contain_text("NO SIGNAL — help alarm saved")
    phone.set_offline(False)
    expect(status).to_contain_text("HELP SENT — command notified", timeout=20_000)
    until(page, lambda: len(help_alerts(command, marathon, officer_id)) == 2)
    page.wait_for_timeout(3500)  # longer than an outbox round: no third alarm
    assert len(help_alerts(command, marathon, officer_id)) == 2


def test_a_colleagues_help_alarm_nearby_shows_name_distance_and_pin(
    live_server, marathon, command, phone, screenshots
):
    page, _officer_id = on_duty(phone, live_server, marathon, "Eli Grant")
    colleague_id, badge = roster(marathon, "Fay Nunez")
    session, joined = live_server.join_officer(
        marathon["enrollment_code"], "Fay Nunez", badge, pin=PINS[badge]
    )
    bearer = {"Authorization": f"Bearer {joined['device_token']}"}
    near = {"lat": round(POST["lat"] - 0.003, 6), "lon": POST["lon"]}  # about 330 m south
    fix = near | {"accuracy": 5, "recorded_at": datetime.now(UTC).isoformat()}
    base = f"{live_server.url}/api/v1/events/{marathon['id']}"
    assert session.post(f"{base}/positions", json=fix, headers=bearer).status_code == 202

    def colleague_fix():
        officers = command.get(f"/api/v1/events/{marathon['id']}/snapshot").json()["officers"]
        return next(o for o in officers if o["id"] == colleague_id)["fix"]

    until(page, lambda: colleague_fix() is not None)  # written on the next ingest tick
    raised = session.post(
        f"{base}/help", json={"client_id": uuid.uuid4().hex} | near, headers=bearer
    )
    assert raised.status_code == 201, raised.text

    banner = page.get_by_test_id("nearby-help")
    expect(banner).to_be_visible()
    expect(page.get_by_test_id("nearby-who")).to_have_text(f"Fay Nunez #{badge}")
    expect(page.get_by_test_id("nearby-where")).to_contain_text("330 m from you")
    expect(page.locator("#nearby-map .pin-help")).to_have_count(1)
    expect(page.get_by_test_id("nearby-progress")).to_contain_text("Waiting for command")
    snap(page, screenshots, "nearby-help")

    # The colleagues who were told follow the call too: command has seen it.
    alert = raised.json()
    command.post(f"/api/v1/alerts/{alert['id']}/acknowledge").raise_for_status()
    expect(page.get_by_test_id("nearby-progress")).to_contain_text("Command has seen it — command")


def test_a_priority_message_acknowledged_on_the_phone_shows_at_command(
    live_server, marathon, command, phone, screenshots
):
    page, officer_id = on_duty(phone, live_server, marathon, "Gil Ortega")
    sent = command.post(
        f"/api/v1/events/{marathon['id']}/messages",
        json={
            "text": "Close lane 2 now: ambulance coming through",
            "to": {"kind": "officer", "id": officer_id},
            "priority": True,
        },
    )
    assert sent.status_code == 201, sent.text
    message_id = sent.json()["id"]

    card = page.get_by_test_id("priority-message")
    expect(card).to_contain_text("Close lane 2 now: ambulance coming through")
    snap(page, screenshots, "priority-message")
    card.get_by_test_id("message-ack").click()
    acked = page.get_by_test_id("messages").get_by_test_id("message-acked")
    expect(acked).to_contain_text("Acknowledged")
    expect(page.get_by_test_id("priority-messages")).to_be_hidden()

    def recipient():
        messages = command.get(f"/api/v1/events/{marathon['id']}/messages").json()["messages"]
        message = next(m for m in messages if m["id"] == message_id)
        return next(r for r in message["recipients"] if r["officer_id"] == officer_id)

    until(page, lambda: recipient()["acknowledged_at"] is not None)

    page.reload()  # read again on load: still there, still acknowledged
    expect(page.get_by_test_id("messages").get_by_test_id("message-acked")).to_be_visible()
    expect(page.get_by_test_id("priority-messages")).to_be_hidden()


def test_after_a_relaunch_the_page_asks_for_a_tap_before_a_dispatch_could_be_silent(
    live_server, marathon, phone, screenshots
):
    page, _officer_id = on_duty(phone, live_server, marathon, "Cal Reed")
    expect(page.get_by_test_id("sound-unlock")).to_be_hidden()  # joining took taps

    page.reload()  # a relaunch: nothing touched yet, so a dispatch would only vibrate
    banner = page.get_by_test_id("sound-unlock")
    expect(banner).to_be_visible()
    expect(banner).to_have_text("Tap to turn on the dispatch alarm sound")
    page.screenshot(path=screenshots("sound-unlock-phone"))
    banner.click()
    expect(banner).to_be_hidden()


def test_after_a_relaunch_the_phone_takes_its_lists_from_the_join_snapshot(
    live_server, marathon, command, phone
):
    """Incidents, help calls and messages come with the join ack: none is re-read over REST."""
    page, officer_id = on_duty(phone, live_server, marathon, "Noor Haddad")
    text = f"Water at mile 3 is out ({uuid.uuid4().hex[:4]})"
    sent = command.post(
        f"/api/v1/events/{marathon['id']}/messages",
        json={"text": text, "to": {"kind": "officer", "id": officer_id}},
    )
    assert sent.status_code == 201, sent.text
    expect(page.get_by_test_id("messages")).to_contain_text(text)

    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if r.method == "GET" else None)
    page.reload()
    expect(page.get_by_test_id("connection")).to_have_text("Online")
    expect(page.get_by_test_id("messages")).to_contain_text(text)
    lists = re.compile(r"/api/v1/events/\d+/(incidents|alerts|messages)(\?|$)")
    assert [url for url in asked if lists.search(url)] == []
