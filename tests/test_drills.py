"""Drills and real responses by the Standard Response Protocol at a school: command starts one
for the whole campus or some areas, each area is reported secured or evacuated with its counts
and problems, the record keeps the timings, and "All clear" ends it."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.conftest import Auth
from tests.test_campus import CAMPUS_FILE, put_campus

AREAS = ["Classroom wing", "Cafeteria", "Gym", "Field", "Staff parking"]


@pytest.fixture
def school(make_event, make_user, client, app):
    """A school with the demo campus; its admin, a command user, an organizer and an officer."""
    event = make_event("Lincoln Elementary", kind="school")
    people = {}
    for role in ("admin", "command", "organizer"):
        _id, name = make_user(role)
        people[role] = Auth(app.test_client())
        assert people[role].login(name).status_code == 200
    campus = json.loads(CAMPUS_FILE.read_text())
    assert put_campus(people["admin"], event["id"], campus).status_code == 200
    people["officer"] = Auth(app.test_client())
    joined = people["officer"].join(event["code"], "Ana Ortiz", "4100")
    assert joined.status_code == 201
    people["officer_token"] = joined.get_json()["device_token"]
    features = people["admin"].client.get(f"/api/v1/events/{event['id']}/campus").get_json()
    people["places"] = {f["name"]: f["id"] for f in features["features"]}
    return event, people


def start(auth: Auth, event_id: int, **body):
    body = {"client_id": str(uuid.uuid4()), "mode": "drill", **body}
    return auth.post(f"/api/v1/events/{event_id}/drills", json=body)


def report(auth: Auth, drill_id: int, area_id: int, **body):
    body = {"client_id": str(uuid.uuid4()), "area_id": area_id, "state": "secured", **body}
    return auth.post(f"/api/v1/drills/{drill_id}/reports", json=body)


def officer_post(school_people, url: str, body: dict):
    token = school_people["officer_token"]
    return school_people["officer"].client.post(
        url, json=body, headers={"Authorization": f"Bearer {token}"}
    )


def test_a_lockdown_is_reported_area_by_area_timed_and_ended_with_all_clear(school):
    event, people = school
    command, places = people["command"], people["places"]
    started = start(command, event["id"], action="lockdown", client_id="drill-1")
    assert started.status_code == 201, started.get_json()
    drill = started.get_json()
    assert (drill["action_label"], drill["mode"], drill["words"]) == (
        "Lockdown",
        "drill",
        "Locks, lights, out of sight.",
    )
    assert drill["whole_campus"] and [a["name"] for a in drill["areas"]] == AREAS
    assert {a["state"] for a in drill["areas"]} == {"not_reported"}
    assert drill["started_by"]["role"] == "command" and drill["open"]
    again = start(command, event["id"], action="lockdown", client_id="drill-1")
    assert again.status_code == 200 and again.get_json()["id"] == drill["id"]
    second = start(command, event["id"], action="hold")
    assert second.status_code == 409
    assert second.get_json()["error"]["code"] == "drill_in_progress"

    # An officer sweeping the gym reports it; command relays the cafeteria's lead by radio.
    gym = {"client_id": str(uuid.uuid4()), "area_id": places["Gym"], "state": "secured"}
    swept = officer_post(people, f"/api/v1/drills/{drill['id']}/reports", gym | {"accounted": 24})
    assert swept.status_code == 201, swept.get_json()
    area = {a["name"]: a for a in swept.get_json()["areas"]}["Gym"]
    assert area["state"] == "secured" and area["accounted"] == 24 and area["done_at"]
    problem = report(
        command,
        drill["id"],
        places["Cafeteria"],
        accounted=110,
        problems=["door_would_not_lock"],
        note="Kitchen door",
    )
    assert {a["name"]: a["state"] for a in problem.get_json()["areas"]}["Cafeteria"] == "problem"
    assert problem.get_json()["completed_at"] is None
    for name, count in (("Classroom wing", 300), ("Field", 0), ("Staff parking", 0)):
        last = report(command, drill["id"], places[name], accounted=count)
        assert last.status_code == 201
    done = last.get_json()
    assert done["completed_at"] == done["reports"][-1]["reported_at"]  # the last area secured
    assert done["time_to_complete_s"] > 0
    assert done["totals"] == {"accounted": 434, "missing": 0, "extra": 0, "injured": 0}

    ended = command.post(f"/api/v1/drills/{drill['id']}/all-clear", json={"notes": "Good drill"})
    assert ended.status_code == 200, ended.get_json()
    record = ended.get_json()
    assert not record["open"] and record["concluded_at"] and record["notes"] == "Good drill"
    assert record["concluded_by"]["role"] == "command"
    late = report(command, drill["id"], places["Gym"])
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "drill_concluded"
    # ... and the next one can start
    assert start(command, event["id"], action="hold").status_code == 201


def test_an_evacuation_counts_who_reached_each_assembly_point(school):
    event, people = school
    command, places = people["command"], people["places"]
    refused = start(command, event["id"], action="evacuate")
    assert refused.get_json()["error"]["field"] == "assembly_point_id"
    point_a = places["Assembly point A (field)"]
    drill = start(
        command,
        event["id"],
        action="evacuate",
        mode="real",
        assembly_point_id=point_a,
        area_ids=[places["Gym"], places["Classroom wing"]],
    ).get_json()
    assert drill["words"] == "To Assembly point A (field)."
    assert not drill["whole_campus"] and [a["name"] for a in drill["areas"]] == [
        "Gym",
        "Classroom wing",
    ]
    secured = report(command, drill["id"], places["Gym"], state="secured", accounted=20)
    assert secured.get_json()["completed_at"] is None  # an evacuation needs evacuated
    report(command, drill["id"], places["Gym"], state="evacuated", accounted=24, extra=1)
    point_b = places["Assembly point B (staff parking)"]
    last = report(
        command,
        drill["id"],
        places["Classroom wing"],
        state="evacuated",
        accounted=290,
        missing=2,
        problems=["student_unaccounted"],
        assembly_point_id=point_b,
    ).get_json()
    assert last["assembly_totals"] == [
        {"id": point_a, "name": "Assembly point A (field)", "accounted": 24},
        {"id": point_b, "name": "Assembly point B (staff parking)", "accounted": 290},
    ]
    assert last["totals"] == {"accounted": 314, "missing": 2, "extra": 1, "injured": 0}
    assert {a["name"]: a["state"] for a in last["areas"]} == {
        "Gym": "evacuated",
        "Classroom wing": "problem",
    }
    assert last["completed_at"] is not None  # both evacuated, one with a problem


def test_shelter_says_its_hazard_and_strategy(school):
    event, people = school
    refused = start(people["command"], event["id"], action="shelter")
    assert refused.get_json()["error"]["field"] == "hazard"
    drill = start(people["command"], event["id"], action="shelter", hazard="tornado").get_json()
    assert drill["words"] == "Tornado: evacuate to the shelter area."
    assert drill["hazard"] == "tornado"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "panic"}, "action"),
        ({"action": "hold", "mode": "maybe"}, "mode"),
        ({"action": "hold", "area_ids": [999999]}, "area_ids"),
        ({"action": "hold", "area_ids": ["1"]}, "area_ids.0"),
        ({"action": "hold", "client_id": ""}, "client_id"),
        ({"action": "shelter", "hazard": "meteor"}, "hazard"),
    ],
)
def test_a_drill_that_cannot_start_names_the_field(school, body, field):
    event, people = school
    response = start(people["command"], event["id"], **body)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["field"] == field


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"accounted": -1}, "accounted"),
        ({"accounted": True}, "accounted"),
        ({"missing": "2"}, "missing"),
        ({"state": "fine"}, "state"),
        ({"problems": ["smoke"]}, "problems.0"),
        ({"area_id": 999999}, "area_id"),
        ({"assembly_point_id": 999999}, "assembly_point_id"),
    ],
)
def test_an_area_report_that_cannot_be_kept_names_the_field(school, body, field):
    event, people = school
    drill = start(people["command"], event["id"], action="hold").get_json()
    gym = people["places"]["Gym"]
    response = report(people["command"], drill["id"], **({"area_id": gym} | body))
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["field"] == field
    after = people["command"].client.get(f"/api/v1/drills/{drill['id']}").get_json()
    assert after["reports"] == []


def test_only_command_starts_and_ends_and_organizers_read_no_notes(school):
    event, people = school
    for who in ("organizer",):
        assert start(people[who], event["id"], action="hold").status_code == 403
    body = {"client_id": "x", "action": "hold", "mode": "drill"}
    assert officer_post(people, f"/api/v1/events/{event['id']}/drills", body).status_code == 403
    drill = start(people["command"], event["id"], action="hold").get_json()
    gym = people["places"]["Gym"]
    report(people["command"], drill["id"], gym, note="Jake Smith's class late")
    url = f"/api/v1/drills/{drill['id']}/all-clear"
    assert officer_post(people, url, {}).status_code == 403
    assert people["organizer"].post(url, json={}).status_code == 403
    people["command"].client.patch(
        f"/api/v1/drills/{drill['id']}",
        json={"notes": "Names: Jake"},
        headers={"X-CSRF-Token": people["command"].csrf},
    )
    copy = people["organizer"].client.get(f"/api/v1/drills/{drill['id']}").get_json()
    assert copy["notes"] is None and copy["reports"][0]["note"] is None
    listed = people["organizer"].client.get(f"/api/v1/events/{event['id']}/drills").get_json()
    assert "Jake" not in json.dumps(listed)
    assert "Jake" in json.dumps(
        people["command"].client.get(f"/api/v1/drills/{drill['id']}").get_json()
    )


def test_a_campus_without_areas_has_nothing_to_drill(make_event, make_user, auth):
    event = make_event("Field day", kind="school")
    _id, name = make_user("command")
    assert auth.login(name).status_code == 200
    response = start(auth, event["id"], action="lockdown")
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "area_ids"


def test_the_drill_record_keeps_the_timings_and_counts_drills_per_school_year(school):
    event, people = school
    command, places = people["command"], people["places"]
    drill = start(command, event["id"], action="lockdown").get_json()
    for name in AREAS:
        report(command, drill["id"], places[name], accounted=10, note="Jake Smith late")
    command.post(f"/api/v1/drills/{drill['id']}/all-clear", json={"notes": "Jake Smith's room"})
    start(command, event["id"], action="hold")  # still on: not complete
    page = command.client.get(f"/events/{event['id']}/drills")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('data-testid="drill-record"') == 2
    assert "after the alarm" in html and "not every area reported" in html
    assert "Jake Smith&#39;s room" in html
    assert 'data-testid="drill-chart"' in html and "<svg" in html
    from datetime import UTC, datetime

    from fieldops.drills.record import school_year

    year = school_year(datetime.now(UTC))  # the event's time zone is UTC
    assert f"<tr><td>{year}</td>" in html  # one lockdown and one hold this school year
    organizer = people["organizer"].client.get(f"/events/{event['id']}/drills")
    assert organizer.status_code == 200 and "Jake" not in organizer.get_data(as_text=True)
    phone = people["officer"].client.get(
        f"/events/{event['id']}/drills",
        headers={"Authorization": f"Bearer {people['officer_token']}"},
    )
    assert phone.status_code in (401, 403)


def test_the_schools_report_holds_its_drills_with_timings_and_problems(school):
    import csv
    import io
    import zipfile

    event, people = school
    command, places = people["command"], people["places"]
    drill = start(command, event["id"], action="lockdown").get_json()
    for name in AREAS:
        problems = ["lights_left_on"] if name == "Gym" else []
        report(command, drill["id"], places[name], accounted=10, problems=problems)
    command.post(f"/api/v1/drills/{drill['id']}/all-clear", json={"notes": "Gym lights: Ms Lee"})
    page = command.client.get(f"/events/{event['id']}/report").get_data(as_text=True)
    assert "Drills" in page and "Gym: Lights left on" in page and "Gym lights: Ms Lee" in page
    for who, notes in (("command", True), ("organizer", False)):
        archive = zipfile.ZipFile(
            io.BytesIO(people[who].client.get(f"/events/{event['id']}/report.zip").data)
        )
        rows = list(csv.DictReader(io.StringIO(archive.read("drills.csv").decode("utf-8-sig"))))
        assert [(r["action"], r["areas"], r["problems"]) for r in rows] == [
            ("Lockdown", "5 of 5", "Gym: Lights left on")
        ]
        assert float(rows[0]["complete_s"]) >= 0
        assert ("notes" in rows[0]) is notes
