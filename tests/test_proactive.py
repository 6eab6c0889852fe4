"""An officer's proactive work at a school: a safety walk with its findings, a conversation, a
class or programme delivered, logged from the phone once and counted in the report (its notes,
which may name a student, for command only)."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile

import pytest

from tests.conftest import Auth


@pytest.fixture
def school(make_event, make_user, app):
    event = make_event("Lincoln Elementary", kind="school")
    people = {}
    for role in ("command", "organizer"):
        _id, name = make_user(role)
        people[role] = Auth(app.test_client())
        assert people[role].login(name).status_code == 200
    phone = Auth(app.test_client())
    joined = phone.join(event["code"], "Sam Reed", "5100")
    assert joined.status_code == 201
    people["token"] = joined.get_json()["device_token"]
    people["phone"] = phone
    return event, people


def log(people, event, **body):
    body = {"client_id": str(uuid.uuid4()), **body}
    return people["phone"].client.post(
        f"/api/v1/events/{event['id']}/proactive",
        json=body,
        headers={"Authorization": f"Bearer {people['token']}"},
    )


def test_an_officer_logs_a_walk_a_conversation_and_a_class_once_each(school):
    event, people = school
    walk = log(
        people,
        event,
        client_id="walk-1",
        kind="safety_walk",
        findings=["door_propped_open", "camera_out"],
        note="East stairwell door wedged with a chair",
    )
    assert walk.status_code == 201, walk.get_json()
    again = log(people, event, client_id="walk-1", kind="safety_walk")
    assert again.status_code == 200 and again.get_json()["id"] == walk.get_json()["id"]
    talk = log(people, event, kind="conversation", topic="parent", note="Pickup worries")
    lesson = log(people, event, kind="programme", topic="internet_safety", attendees=24)
    assert talk.status_code == 201 and lesson.status_code == 201
    assert lesson.get_json()["attendees"] == 24
    listed = people["command"].client.get(f"/api/v1/events/{event['id']}/proactive")
    assert [e["kind"] for e in listed.get_json()["entries"]] == [
        "safety_walk",
        "conversation",
        "programme",
    ]
    copy = people["organizer"].client.get(f"/api/v1/events/{event['id']}/proactive").get_json()
    assert {e["note"] for e in copy["entries"]} == {None}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "conversation"}, "topic"),
        ({"kind": "conversation", "topic": "internet_safety"}, "topic"),
        ({"kind": "programme", "topic": "parent"}, "topic"),
        ({"kind": "safety_walk", "topic": "student"}, "topic"),
        ({"kind": "programme", "topic": "other", "findings": ["camera_out"]}, "findings"),
        ({"kind": "safety_walk", "findings": ["ufo"]}, "findings.0"),
        ({"kind": "programme", "topic": "other", "attendees": -3}, "attendees"),
        ({"kind": "nap"}, "kind"),
    ],
)
def test_work_that_cannot_be_logged_names_the_field(school, body, field):
    event, people = school
    answer = log(people, event, **body)
    assert answer.status_code == 422, answer.get_json()
    assert answer.get_json()["error"]["field"] == field


def test_the_report_counts_the_proactive_work_and_keeps_notes_for_command(school):
    event, people = school
    log(people, event, kind="safety_walk", findings=["lighting_out"], note="Jake's locker area")
    log(people, event, kind="programme", topic="bullying_prevention", attendees=30)
    page = people["command"].client.get(f"/events/{event['id']}/report").get_data(as_text=True)
    assert "Proactive work" in page and "Safety walk: Lighting out" in page
    assert "Class or programme: Bullying prevention (30 attended)" in page
    for who, noted in (("command", True), ("organizer", False)):
        data = people[who].client.get(f"/events/{event['id']}/report.zip").data
        archive = zipfile.ZipFile(io.BytesIO(data))
        text = archive.read("proactive_work.csv").decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == 2 and ("note" in rows[0]) is noted
        assert ("Jake" in text) is noted
