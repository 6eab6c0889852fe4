"""Who sees what of lost and found (issue 9, item 7): command and admin see owner and finder
contact details and identity checks; organizers' REST answers, snapshots and stream copies
carry none of them; an officer sees what they logged or took, and nothing else."""

from __future__ import annotations

import json

import pytest

from tests.test_lostfound_api import ID_CHECK, Desk
from tests.test_stream_truth import Screen

SECRETS = ("Sam Spectator", "sam@example.org", "Dana Runner", "+1 555 0100", "licence")


@pytest.fixture
def story(scene):
    """An item handed in by a member of the public, a lost report, a confirmed match, and the
    release with an identity check."""
    desk = Desk(scene)
    lee_id, lee = scene.officer("Lee Officer")

    class Story:
        pass

    s = Story()
    s.scene, s.desk, s.lee_id, s.lee = scene, desk, lee_id, lee
    s.screens = [
        Screen(scene.app, scene.id, client=scene.command.client),
        Screen(scene.app, scene.id, client=scene.organizer.client),
    ]
    s.item = desk.log(lee, finder_name="Sam Spectator", finder_contact="sam@example.org")
    s.item = s.item.get_json()
    s.report = desk.lose().get_json()
    got = scene.command.client.get(f"/api/v1/lost-reports/{s.report['id']}").get_json()
    assert scene.command.post(f"/api/v1/matches/{got['matches'][0]['id']}/confirm").status_code
    check = ID_CHECK | {"detail": "driver's licence, NY"}
    assert desk.release(s.item["id"], identity_check=check).status_code == 201
    return s


def _text(value) -> str:
    return json.dumps(value)


def test_command_sees_owner_and_finder_contacts_and_the_identity_check(story):
    item = story.desk.item(story.item["id"])
    assert item["finder_name"] == "Sam Spectator"
    assert item["finder_contact"] == "sam@example.org"
    assert item["custody"][-1]["identity_check"]["detail"] == "driver's licence, NY"
    assert item["custody"][-1]["to"]["name"] == "Dana Runner"
    report = story.scene.command.client.get(f"/api/v1/lost-reports/{story.report['id']}")
    assert report.get_json()["owner_contact"] == "+1 555 0100"


def test_organizers_rest_answers_hold_no_contact_names_or_identity_checks(story):
    organizer = story.scene.organizer.client
    event_id = story.scene.id
    answers = [
        organizer.get(f"/api/v1/found-items/{story.item['id']}").get_json(),
        organizer.get(f"/api/v1/events/{event_id}/found-items").get_json(),
        organizer.get(f"/api/v1/lost-reports/{story.report['id']}").get_json(),
        organizer.get(f"/api/v1/events/{event_id}/lost-reports").get_json(),
        organizer.get(f"/api/v1/events/{event_id}/snapshot").get_json(),
    ]
    for answer in answers:
        for secret in SECRETS:
            assert secret not in _text(answer)
    item = answers[0]
    assert item["handed_in_by_public"] is True and item["finder_name"] is None
    assert item["custody"][-1]["identity_checked"] is True
    assert item["custody"][-1]["identity_check"] is None
    assert item["status"] == "returned"


def test_organizers_stream_copies_hold_none_of_it_and_commands_do(story):
    command, organizer = story.screens
    command_text = _text(command.envelopes())
    organizer_envelopes = organizer.envelopes()
    assert {e["type"] for e in organizer_envelopes} >= {"found_item", "lost_report", "match"}
    organizer_text = _text(organizer_envelopes) + _text(organizer.fresh())
    for secret in SECRETS:
        assert secret in command_text
        assert secret not in organizer_text


def test_an_officer_sees_what_they_logged_and_not_the_desks_records(story):
    scene = story.scene
    _kim_id, kim = scene.officer("Kim Officer")
    mine = scene.as_officer(story.lee, "GET", f"/api/v1/found-items/{story.item['id']}")
    assert mine.status_code == 200
    # Lee took the finder's details down; from then on they are the desk's, as is the check.
    assert not any(secret in _text(mine.get_json()) for secret in SECRETS)
    assert (
        scene.as_officer(kim, "GET", f"/api/v1/found-items/{story.item['id']}").status_code == 404
    )
    listed = scene.as_officer(kim, "GET", f"/api/v1/events/{scene.id}/found-items").get_json()
    assert listed == {"found_items": []}
    # The lost report was taken at the desk: no officer reads it.
    url = f"/api/v1/lost-reports/{story.report['id']}"
    assert scene.as_officer(story.lee, "GET", url).status_code == 404
    reports = scene.as_officer(story.lee, "GET", f"/api/v1/events/{scene.id}/lost-reports")
    assert reports.get_json() == {"lost_reports": []}


def test_an_officers_phone_follows_the_items_they_handled_without_the_private_details(story):
    scene = story.scene
    _kim_id, kim = scene.officer("Kim Officer")
    lee_phone = Screen(scene.app, scene.id, token=story.lee)
    kim_phone = Screen(scene.app, scene.id, token=kim)
    assert [i["id"] for i in lee_phone.snapshot["found_items"]] == [story.item["id"]]
    assert kim_phone.snapshot["found_items"] == []
    assert "lost_reports" not in lee_phone.snapshot and "matches" not in lee_phone.snapshot
    story.desk.log(story.lee, finder_name="Sam Spectator", finder_contact="sam@example.org")
    story.desk.lose()
    lee_saw, kim_saw = lee_phone.envelopes(), kim_phone.envelopes()
    assert [e["type"] for e in lee_saw] == ["found_item"]
    assert kim_saw == []
    everything = _text([lee_phone.snapshot, lee_saw])
    assert not any(secret in everything for secret in SECRETS)
