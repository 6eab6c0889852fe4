"""Who sees what of a lost person (issue 9, privacy): the full name, the guardian's name and
contact and the identity check are for command and admin users only; organizers' answers and
stream, and every officer's copy, leave them out — over HTTP and over the sockets."""

from __future__ import annotations

import pytest

from tests.support.lostpersons import REUNION, report, step
from tests.test_stream_truth import Screen

PRIVATE = ("full_name", "guardian_name", "guardian_contact", "reunited_with")
CHECKS = ("identity_verified_how",)
SECRETS = ("Louise", "Carter", "555 0100")  # of the full name, the guardian, the contact


def _says_nothing_private(copy: dict) -> None:
    for key in PRIVATE + CHECKS:
        assert key not in copy, key
    text = repr(copy)
    for secret in SECRETS:
        assert secret not in text, secret


@pytest.fixture
def staff(scene, make_user):
    return {
        "command": scene.command,
        "admin": scene.staff(make_user, "admin"),
        "organizer": scene.organizer,
    }


@pytest.mark.parametrize("role", ["command", "admin"])
def test_command_and_admin_see_the_full_name_and_guardian_contact(scene, staff, role):
    person = report(scene).get_json()
    one = staff[role].client.get(f"/api/v1/lost-persons/{person['id']}").get_json()
    listed = staff[role].client.get(f"/api/v1/events/{scene.id}/lost-persons").get_json()
    for copy in (one, listed["lost_persons"][0]):
        assert copy["full_name"] == "Emma Louise Carter"
        assert copy["guardian_name"] == "Sarah Carter"
        assert copy["guardian_contact"] == "+1 555 0100"
    screen = Screen(scene.app, scene.id, client=staff[role].client)
    assert screen.snapshot["lost_persons"][0]["guardian_contact"] == "+1 555 0100"


def test_organizers_answers_and_stream_leave_the_private_details_out(scene, staff):
    organizer = staff["organizer"]
    screen = Screen(scene.app, scene.id, client=organizer.client)
    person = report(scene).get_json()
    assert step(scene, person["id"], "reunited", REUNION).status_code == 200
    one = organizer.client.get(f"/api/v1/lost-persons/{person['id']}").get_json()
    listed = organizer.client.get(f"/api/v1/events/{scene.id}/lost-persons").get_json()
    pushed = [e["data"] for e in screen.envelopes() if e["type"] == "lost_person"]
    assert len(pushed) == 2  # reported, reunited
    snapshot = Screen(scene.app, scene.id, client=organizer.client).snapshot["lost_persons"]
    for copy in (one, *listed["lost_persons"], *pushed, *snapshot):
        assert copy["first_name"] == "Emma"
        _says_nothing_private(copy)


def test_officers_copies_leave_the_private_details_out(scene):
    _lee_id, lee = scene.officer("Lee Officer")
    phone = Screen(scene.app, scene.id, token=lee)
    reported = report(scene, token=lee)
    person = reported.get_json()
    _says_nothing_private(person)  # their own report's answer too
    assert step(scene, person["id"], "searched", {"lat": 40.65, "lon": -74.01}, token=lee)
    one = scene.as_officer(lee, "GET", f"/api/v1/lost-persons/{person['id']}").get_json()
    listed = scene.as_officer(lee, "GET", f"/api/v1/events/{scene.id}/lost-persons").get_json()
    pushed = [e["data"] for e in phone.envelopes() if e["type"] == "lost_person"]
    assert len(pushed) == 2
    snapshot = Screen(scene.app, scene.id, token=lee).snapshot["lost_persons"]
    for copy in (one, *listed["lost_persons"], *pushed, *snapshot):
        assert copy["first_name"] == "Emma" and copy["clothing_top"]
        assert "agency_note" not in copy and "reported_by" not in copy
        _says_nothing_private(copy)


def test_officers_only_see_records_of_events_they_joined(scene, make_event, make_officer):
    person = report(scene).get_json()
    _other_id, outsider = make_officer(make_event(name="Another race"))
    response = scene.as_officer(outsider, "GET", f"/api/v1/lost-persons/{person['id']}")
    assert response.status_code in (403, 404)
    other_stream = scene.as_officer(outsider, "GET", f"/api/v1/events/{scene.id}/lost-persons")
    assert other_stream.status_code == 403


def test_the_alarm_on_every_desk_names_the_child_by_first_name_only(scene):
    organizer = Screen(scene.app, scene.id, client=scene.organizer.client)
    report(scene)
    (alarm,) = [e["data"] for e in organizer.envelopes() if e["type"] == "alert"]
    assert "Emma" in alarm["message"]
    for secret in SECRETS:
        assert secret not in alarm["message"]
