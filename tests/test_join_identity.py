"""Officers are who they say they are: a badge already at the event joins at once only with
that officer's join PIN (first phone only); otherwise the phone waits for command.

All through the real HTTP API of an in-process app, as the phone and the command desk do it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import Auth
from tests.support.scene import bearer


@pytest.fixture
def desk(scene, make_user):
    """The scene plus an admin login (the roster is the admin's)."""
    scene.admin = scene.staff(make_user, "admin")
    return scene


def roster(desk, name: str, badge: str) -> dict:
    """The admin's roster entry for a new officer; its answer shows the join PIN once."""
    now = datetime.now(UTC)
    response = desk.admin.post(
        f"/api/v1/events/{desk.id}/assignments",
        json={
            "name": name,
            "badge": badge,
            "post_id": desk.post_id,
            "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=6)).isoformat(),
        },
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def phone(desk) -> Auth:
    return Auth(desk.app.test_client())


def join(desk, badge: str, name: str = "Dana Reyes", pin: str = "") -> tuple[Auth, object]:
    device = phone(desk)
    return device, device.join(desk.event["code"], name=name, badge=badge, pin=pin)


def poll(device: Auth, answer: dict):
    return device.client.post(answer["poll_url"], json={"secret": answer["request_secret"]})


def snapshot_as(desk, token: str):
    return desk.app.test_client().get(f"/api/v1/events/{desk.id}/snapshot", headers=bearer(token))


# --- who joins at once ----------------------------------------------------------------------


def test_a_walk_up_badge_nobody_here_has_joins_at_once(desk):
    _device, response = join(desk, "W-1")
    assert response.status_code == 201
    assert response.get_json()["officer"]["badge"] == "W-1"


def test_a_second_phone_claiming_a_joined_badge_waits_and_sees_nothing_of_that_officer(desk):
    _first, joined = join(desk, "4471")
    assert joined.status_code == 201
    intruder, answer = join(desk, "4471", name="Not Dana")
    assert answer.status_code == 202
    body = answer.get_json()
    assert body["request"]["status"] == "pending" and body["request"]["reason"] == "no_pin"
    assert "device_token" not in body and len(body["request_secret"]) >= 24
    assert body["event"]["id"] == desk.id  # the phone says which event it waits for
    # No token, no session: the waiting phone reads nothing of the officer's event.
    assert intruder.client.get(f"/api/v1/events/{desk.id}/snapshot").status_code == 401
    assert intruder.client.get(f"/api/v1/events/{desk.id}/me").status_code == 401
    assert poll(intruder, body).get_json()["request"]["status"] == "pending"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_command_approves_and_the_waiting_phone_becomes_that_officer(desk, backend):
    _first, joined = join(desk, "4471")
    device, answer = join(desk, "4471")
    body = answer.get_json()
    listed = desk.command.client.get(f"/api/v1/events/{desk.id}/device-requests?open=1")
    (request,) = listed.get_json()["device_requests"]
    assert request["officer"]["id"] == joined.get_json()["officer"]["id"]
    assert request["live_devices"] == 1 and request["given_name"] == "Dana Reyes"

    approved = desk.command.post(f"/api/v1/device-requests/{request['id']}/approve")
    assert approved.status_code == 200
    decided = approved.get_json()
    assert decided["status"] == "approved" and decided["decided_by"]["name"]

    got = poll(device, body)
    assert got.status_code == 200
    token = got.get_json()["device_token"]
    assert got.get_json()["officer"]["id"] == joined.get_json()["officer"]["id"]
    assert snapshot_as(desk, token).status_code == 200
    # The first phone keeps working: approving without "replace" adds a phone.
    assert snapshot_as(desk, joined.get_json()["device_token"]).status_code == 200
    open_now = desk.command.client.get(f"/api/v1/events/{desk.id}/device-requests?open=1")
    assert open_now.get_json()["device_requests"] == []


def test_approving_with_replace_signs_the_old_phone_out(desk):
    _first, joined = join(desk, "4471")
    device, answer = join(desk, "4471")
    body = answer.get_json()
    url = f"/api/v1/device-requests/{body['request']['id']}/approve"
    assert desk.command.post(url, json={"replace_old": True}).get_json()["live_devices"] == 0
    old = joined.get_json()["device_token"]
    assert snapshot_as(desk, old).status_code == 401
    new = poll(device, body).get_json()["device_token"]
    assert snapshot_as(desk, new).status_code == 200


def test_command_refuses_and_the_phone_is_told_and_gets_nothing(desk):
    join(desk, "4471")
    device, answer = join(desk, "4471")
    body = answer.get_json()
    refused = desk.command.post(f"/api/v1/device-requests/{body['request']['id']}/refuse")
    assert refused.status_code == 200 and refused.get_json()["status"] == "refused"
    told = poll(device, body)
    assert told.status_code == 200
    assert told.get_json() == {"request": told.get_json()["request"]}  # no token in it
    assert told.get_json()["request"]["status"] == "refused"
    again = desk.command.post(f"/api/v1/device-requests/{body['request']['id']}/approve")
    assert again.status_code == 409 and "refused by" in again.get_json()["error"]["message"]


def test_a_wrong_secret_learns_nothing_about_a_request(desk):
    join(desk, "4471")
    device, answer = join(desk, "4471")
    body = answer.get_json() | {"request_secret": "guessed-" * 4}
    assert poll(device, body).status_code == 404
    unknown = device.client.post("/api/v1/device-requests/9999/poll", json={"secret": "x"})
    assert unknown.status_code == 404


def test_a_waiting_phone_may_give_up_and_command_cannot_approve_it_after(desk):
    join(desk, "4471")
    device, answer = join(desk, "4471")
    body = answer.get_json()
    cancel = device.client.post(
        f"/api/v1/device-requests/{body['request']['id']}/cancel",
        json={"secret": body["request_secret"]},
    )
    assert cancel.status_code == 200 and cancel.get_json()["request"]["status"] == "cancelled"
    late = desk.command.post(f"/api/v1/device-requests/{body['request']['id']}/approve")
    assert late.status_code == 409


# --- the join PIN ----------------------------------------------------------------------------


def test_the_roster_answer_shows_a_six_digit_join_pin_once(desk):
    first = roster(desk, "Sam Ortiz", "9001")
    assert len(first["join_pin"]) == 6 and first["join_pin"].isdigit()
    second_shift = roster(desk, "Sam Ortiz", "9001")
    assert second_shift["officer_id"] == first["officer_id"]
    assert second_shift["join_pin"] is None  # the officer already has one


def test_a_rostered_officer_joins_at_once_with_their_pin_and_only_the_first_phone_does(desk):
    entry = roster(desk, "Sam Ortiz", "9001")
    _phone, joined = join(desk, "9001", name="Sam Ortiz", pin=entry["join_pin"])
    assert joined.status_code == 201
    assert joined.get_json()["officer"]["id"] == entry["officer_id"]
    _other, again = join(desk, "9001", name="Sam Ortiz", pin=entry["join_pin"])
    assert again.status_code == 202 and again.get_json()["request"]["reason"] == "pin_used"


def test_the_first_phone_to_claim_a_rostered_badge_without_the_pin_does_not_take_it(desk):
    entry = roster(desk, "Sam Ortiz", "9001")
    _phone, answer = join(desk, "9001", name="Someone Else")
    assert answer.status_code == 202 and answer.get_json()["request"]["reason"] == "no_pin"
    # The real officer still gets in with the PIN.
    _real, joined = join(desk, "9001", name="Sam Ortiz", pin=entry["join_pin"])
    assert joined.status_code == 201


def test_the_pin_is_typed_with_spaces_as_it_was_written_down(desk):
    pin = roster(desk, "Sam Ortiz", "9001")["join_pin"]
    _phone, joined = join(desk, "9001", name="Sam Ortiz", pin=f" {pin[:3]} {pin[3:]} ")
    assert joined.status_code == 201


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_wrong_pins_go_to_command_and_lock_the_pin_after_three(desk, backend):
    entry = roster(desk, "Sam Ortiz", "9001")
    wrong = "000000" if entry["join_pin"] != "000000" else "111111"
    reasons = [join(desk, "9001", pin=wrong)[1].get_json()["request"]["reason"] for _ in range(3)]
    assert reasons == ["wrong_pin"] * 3
    _phone, locked = join(desk, "9001", pin=entry["join_pin"])  # even the right one, now
    assert locked.status_code == 202 and locked.get_json()["request"]["reason"] == "pin_locked"
    listed = desk.command.client.get(f"/api/v1/events/{desk.id}/device-requests?open=1")
    assert len(listed.get_json()["device_requests"]) == 4

    reissued = desk.command.post(
        f"/api/v1/events/{desk.id}/officers/{entry['officer_id']}/join-pin"
    )
    assert reissued.status_code == 201
    pin = reissued.get_json()["join_pin"]
    assert join(desk, "9001", name="Sam Ortiz", pin=pin)[1].status_code == 201


def test_beyond_five_waiting_phones_for_one_badge_the_phone_is_told_to_call_command(desk):
    entry = roster(desk, "Sam Ortiz", "9001")
    wrong = "000000" if entry["join_pin"] != "000000" else "111111"
    for _ in range(5):
        assert join(desk, "9001")[1].status_code == 202
    _phone, busy = join(desk, "9001", pin=wrong)
    assert busy.status_code == 429
    assert busy.get_json()["error"] == {
        "code": "too_many_requests",
        "message": busy.get_json()["error"]["message"],
        "field": "badge",
    }
    assert "call command" in busy.get_json()["error"]["message"]
    # That wrong PIN still counted: two more and the PIN is locked.
    from fieldops.extensions import db
    from fieldops.joining.models import JoinPin

    with desk.app.app_context():
        assert db.session.scalar(db.select(JoinPin.failures)) == 1


def test_join_pins_are_stored_as_keyed_hashes_not_as_digits(desk):
    from fieldops.extensions import db
    from fieldops.joining.models import JoinPin

    pin = roster(desk, "Sam Ortiz", "9001")["join_pin"]
    with desk.app.app_context():
        stored = db.session.scalar(db.select(JoinPin.pin_hash))
    assert len(stored) == 64 and pin not in stored


def test_an_approved_phone_whose_answer_was_lost_collects_a_new_token_and_the_first_ends(desk):
    join(desk, "4471")
    device, answer = join(desk, "4471")
    body = answer.get_json()
    desk.command.post(f"/api/v1/device-requests/{body['request']['id']}/approve")
    lost = poll(device, body).get_json()["device_token"]
    kept = poll(device, body).get_json()["device_token"]
    assert lost != kept
    assert snapshot_as(desk, lost).status_code == 401
    assert snapshot_as(desk, kept).status_code == 200


# --- who decides -----------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["approve", "refuse"])
def test_organizers_see_the_requests_but_cannot_decide(desk, action):
    join(desk, "4471")
    _device, answer = join(desk, "4471")
    request_id = answer.get_json()["request"]["id"]
    listed = desk.organizer.client.get(f"/api/v1/events/{desk.id}/device-requests")
    assert [r["id"] for r in listed.get_json()["device_requests"]] == [request_id]
    refused = desk.organizer.post(f"/api/v1/device-requests/{request_id}/{action}")
    assert refused.status_code == 403


def test_officers_cannot_list_or_decide_requests(desk):
    first, joined = join(desk, "4471")
    _device, answer = join(desk, "4471")
    request_id = answer.get_json()["request"]["id"]
    assert first.client.get(f"/api/v1/events/{desk.id}/device-requests").status_code == 403
    assert first.post(f"/api/v1/device-requests/{request_id}/approve").status_code == 403


def test_approve_names_a_bad_replace_old_value(desk):
    join(desk, "4471")
    _device, answer = join(desk, "4471")
    url = f"/api/v1/device-requests/{answer.get_json()['request']['id']}/approve"
    response = desk.command.post(url, json={"replace_old": "yes"})
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "replace_old"


def test_only_admin_and_command_reissue_a_pin(desk):
    entry = roster(desk, "Sam Ortiz", "9001")
    url = f"/api/v1/events/{desk.id}/officers/{entry['officer_id']}/join-pin"
    assert desk.organizer.post(url).status_code == 403
    assert desk.admin.post(url).status_code == 201
    missing = desk.command.post(f"/api/v1/events/{desk.id}/officers/999999/join-pin")
    assert missing.status_code == 404
