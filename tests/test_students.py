"""Records about students at a school: an incident is marked as involving students, and who
they were is kept apart from it, for command, admin and the school's designated administrator
only, every read and write logged; never on the map, in a broadcast, the report or an export."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import UTC, datetime

import pytest

from tests.conftest import Auth

STUDENT = "Jordan Miles-Okafor"


@pytest.fixture
def school(make_event, make_user, app):
    event = make_event("Lincoln Elementary", kind="school", venue="Lincoln Elementary")
    people = {}
    for role in ("admin", "command", "organizer"):
        user_id, name = make_user(role)
        people[role] = Auth(app.test_client())
        people[f"{role}_id"] = user_id
        assert people[role].login(name).status_code == 200
    officer = Auth(app.test_client())
    joined = officer.join(event["code"], "Sam Reed", "5100")
    assert joined.status_code == 201
    people["officer_token"] = joined.get_json()["device_token"]
    people["officer"] = officer
    return event, people


def officer_call(people, method: str, url: str, body: dict | None = None):
    headers = {"Authorization": f"Bearer {people['officer_token']}"}
    return people["officer"].client.open(url, method=method, json=body, headers=headers)


def report_fight(event, people, **extra):
    body = {
        "client_id": str(uuid.uuid4()),
        "type": "bullying",
        "lat": 40.6452,
        "lon": -73.9712,
        "reported_at": datetime.now(UTC).isoformat(),
        **extra,
    }
    answer = officer_call(people, "POST", f"/api/v1/events/{event['id']}/incidents", body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def add_student(auth: Auth, incident_id: int, **extra):
    body = {"name": STUDENT, "grade": "5", "role_in_incident": "target", **extra}
    return auth.post(f"/api/v1/incidents/{incident_id}/students", json=body)


def test_an_officer_flags_students_and_command_records_who_they_were(school):
    event, people = school
    incident = report_fight(event, people, involves_students=True)
    assert incident["involves_students"] is True and incident["type"] == "bullying"
    assert incident["severity"] == "medium"  # bullying's suggested severity
    added = add_student(people["command"], incident["id"], details="Pushed at recess")
    assert added.status_code == 201, added.get_json()
    record = added.get_json()
    assert record["name"] == STUDENT and record["created_by"]["name"]
    listed = people["command"].client.get(f"/api/v1/incidents/{incident['id']}/students")
    assert [s["name"] for s in listed.get_json()["students"]] == [STUDENT]
    # A restorative outcome closes it.
    resolved = people["command"].post(
        f"/api/v1/incidents/{incident['id']}/transitions",
        json={"to": "acknowledged"},
    )
    assert resolved.status_code == 200, resolved.get_json()
    resolved = people["command"].post(
        f"/api/v1/incidents/{incident['id']}/transitions",
        json={"to": "resolved", "disposition": "mediation"},
    )
    assert resolved.status_code == 200, resolved.get_json()
    assert resolved.get_json()["disposition"] == "mediation"


def test_recording_a_student_marks_the_incident_as_involving_students(school):
    event, people = school
    incident = report_fight(event, people)
    assert incident["involves_students"] is False
    assert add_student(people["command"], incident["id"]).status_code == 201
    again = people["command"].client.get(f"/api/v1/incidents/{incident['id']}").get_json()
    assert again["involves_students"] is True


def test_only_command_admin_and_the_designated_school_administrator_see_students(school):
    event, people = school
    incident = report_fight(event, people, involves_students=True)
    url = f"/api/v1/incidents/{incident['id']}/students"
    assert add_student(people["admin"], incident["id"]).status_code == 201
    assert people["organizer"].client.get(url).status_code == 403
    assert add_student(people["organizer"], incident["id"]).status_code == 403
    assert officer_call(people, "GET", url).status_code == 403
    assert officer_call(people, "POST", url, {"name": "X"}).status_code == 403
    # The admin designates the organizer (the principal) as the school's administrator.
    refused = people["admin"].client.put(
        f"/api/v1/events/{event['id']}/school-admin",
        json={"user_id": people["command_id"]},
        headers={"X-CSRF-Token": people["admin"].csrf},
    )
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "user_id"
    made = people["admin"].client.put(
        f"/api/v1/events/{event['id']}/school-admin",
        json={"user_id": people["organizer_id"]},
        headers={"X-CSRF-Token": people["admin"].csrf},
    )
    assert made.status_code == 200, made.get_json()
    seen = people["organizer"].client.get(url)
    assert seen.status_code == 200 and seen.get_json()["students"][0]["name"] == STUDENT
    # Every access is logged, and the log is the admin's and the school administrator's.
    people["command"].client.get(url)
    log = people["organizer"].client.get(f"/api/v1/events/{event['id']}/students/access-log")
    assert log.status_code == 200
    entries = [(e["action"], e["user"]["role"]) for e in log.get_json()["access"]]
    assert entries == [("added", "admin"), ("viewed", "organizer"), ("viewed", "command")]
    denied = people["command"].client.get(f"/api/v1/events/{event['id']}/students/access-log")
    assert denied.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "A\x00B"}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "Kim", "guardian_contacted_at": "yesterday"}, "guardian_contacted_at"),
    ],
)
def test_a_student_record_that_cannot_be_kept_names_the_field(school, body, field):
    event, people = school
    incident = report_fight(event, people)
    answer = people["command"].post(f"/api/v1/incidents/{incident['id']}/students", json=body)
    assert answer.status_code == 422 and answer.get_json()["error"]["field"] == field


def test_students_names_are_nowhere_but_their_own_records(school, app):
    event, people = school
    incident = report_fight(event, people, involves_students=True, note="Recess line")
    add_student(people["command"], incident["id"], details="Pushed at recess")
    command = people["command"].client
    seen = {
        "incident": command.get(f"/api/v1/incidents/{incident['id']}").get_data(as_text=True),
        "snapshot": command.get(f"/api/v1/events/{event['id']}/snapshot").get_data(as_text=True),
        "officer view": officer_call(people, "GET", f"/api/v1/events/{event['id']}/me").get_data(
            as_text=True
        ),
    }
    for who in ("command", "organizer"):
        client = people[who].client
        seen[f"{who} report"] = client.get(f"/events/{event['id']}/report").get_data(as_text=True)
        archive = zipfile.ZipFile(io.BytesIO(client.get(f"/events/{event['id']}/report.zip").data))
        seen[f"{who} csv"] = "".join(archive.read(n).decode() for n in archive.namelist())
        seen[f"{who} geojson"] = client.get(f"/events/{event['id']}/report.geojson").get_data(
            as_text=True
        )
    assert '"officer"' in seen["officer view"] and '"campus"' in seen["snapshot"]  # real answers
    for where, text in seen.items():
        assert STUDENT not in text, where
        assert "Pushed at recess" not in text, where
    assert json.loads(seen["incident"])["involves_students"] is True
