"""Area leads: a school's teachers and staff join with the event's staff code for the areas
they lead (no location asked), see the drill the moment it starts, report their own areas,
and reach nothing else: no officer, incident or position."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.conftest import Auth, fix
from tests.test_campus import CAMPUS_FILE, put_campus


@pytest.fixture
def school(make_event, make_user, app, client):
    event = make_event("Lincoln Elementary", kind="school")
    admin_id, admin_name = make_user("admin")
    admin = Auth(app.test_client())
    assert admin.login(admin_name).status_code == 200
    assert put_campus(admin, event["id"], json.loads(CAMPUS_FILE.read_text())).status_code == 200
    listed = admin.client.get("/api/v1/events").get_json()["events"]
    staff_code = next(e for e in listed if e["id"] == event["id"])["staff_code"]
    _id, command_name = make_user("command")
    command = Auth(app.test_client())
    assert command.login(command_name).status_code == 200
    return {"event": event, "staff_code": staff_code, "admin": admin, "command": command}


def lead_join(client, code: str, names: list[str], name: str = "Ms Rivera"):
    areas = client.get(f"/api/v1/lead/areas?code={code.lower()}").get_json()["areas"]
    ids = [a["id"] for a in areas if a["name"] in names]
    return client.post("/api/v1/lead/join", json={"code": code, "name": name, "area_ids": ids})


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_teacher_joins_with_the_staff_code_for_the_areas_they_lead(school, client):
    code = school["staff_code"]
    assert code and code != school["event"]["code"]
    opened = client.get(f"/api/v1/lead/areas?code={code}").get_json()
    assert opened["event"]["name"] == "Lincoln Elementary"
    assert [a["name"] for a in opened["areas"]] == [
        "Classroom wing",
        "Cafeteria",
        "Gym",
        "Field",
        "Staff parking",
    ]
    joined = lead_join(client, code, ["Classroom wing", "Gym"])
    assert joined.status_code == 201, joined.get_json()
    body = joined.get_json()
    assert body["device_token"] and [a["name"] for a in body["lead"]["areas"]] == [
        "Classroom wing",
        "Gym",
    ]
    # The officers' code is not a staff code, nor the other way round.
    wrong = client.get(f"/api/v1/lead/areas?code={school['event']['code']}")
    assert wrong.status_code == 422 and wrong.get_json()["error"]["field"] == "code"
    officer_join = client.post("/api/v1/join", json={"code": code, "name": "Pat", "badge": "9"})
    assert officer_join.status_code in (404, 422)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Ms Rivera", "area_ids": []}, "area_ids"),
        ({"name": "Ms Rivera", "area_ids": [999999]}, "area_ids"),
        ({"name": "", "area_ids": [1]}, "name"),
        ({"code": "NOPE99", "name": "Ms Rivera", "area_ids": [1]}, "code"),
    ],
)
def test_a_join_that_cannot_be_kept_names_the_field(school, client, body, field):
    answer = client.post("/api/v1/lead/join", json={"code": school["staff_code"]} | body)
    assert answer.status_code == 422 and answer.get_json()["error"]["field"] == field


def test_a_lead_reaches_the_drills_and_nothing_else(school, client, app):
    from fieldops.extensions import socketio

    event_id = school["event"]["id"]
    token = lead_join(client, school["staff_code"], ["Gym"]).get_json()["device_token"]
    for method, url in [
        ("GET", f"/api/v1/events/{event_id}/snapshot"),
        ("GET", f"/api/v1/events/{event_id}/incidents"),
        ("GET", f"/api/v1/events/{event_id}"),
        ("GET", f"/api/v1/events/{event_id}/campus"),
        ("GET", f"/api/v1/events/{event_id}/drills"),
        ("GET", "/api/v1/events"),
    ]:
        assert client.open(url, method=method, headers=bearer(token)).status_code == 403, url
    sent = client.post(f"/api/v1/events/{event_id}/positions", json=fix(), headers=bearer(token))
    assert sent.status_code == 403  # never tracked
    socket = socketio.test_client(app, namespace="/live", auth={"token": token})
    ack = socket.emit("join", {"event_id": event_id}, namespace="/live", callback=True)
    assert ack["ok"] and ack["stream"] == f"event:{event_id}:leads"
    snapshot = ack["snapshot"]
    assert set(snapshot) == {
        "event",
        "campus",
        "lead",
        "server_time",
        "drills",
        "kept_closed_drills",
    }
    assert [a["name"] for a in snapshot["lead"]["areas"]] == ["Gym"]
    position = socket.emit("position", fix(), namespace="/live", callback=True)
    assert position["ok"] is False


def test_a_lead_sees_the_drill_at_once_and_reports_only_their_own_areas(school, client, app):
    from fieldops.extensions import socketio

    event_id = school["event"]["id"]
    token = lead_join(client, school["staff_code"], ["Gym"]).get_json()["device_token"]
    socket = socketio.test_client(app, namespace="/live", auth={"token": token})
    socket.emit("join", {"event_id": event_id}, namespace="/live", callback=True)
    socket.get_received("/live")
    started = school["command"].post(
        f"/api/v1/events/{event_id}/drills",
        json={"client_id": "lockdown-9", "action": "lockdown", "mode": "real"},
    )
    assert started.status_code == 201
    drill = started.get_json()
    got = [m["args"][0] for m in socket.get_received("/live") if m["name"] == "drill"]
    assert got and got[-1]["data"]["words"] == "Locks, lights, out of sight."
    areas = {a["name"]: a["id"] for a in drill["areas"]}
    body = {"client_id": str(uuid.uuid4()), "state": "secured", "accounted": 26}
    mine = client.post(
        f"/api/v1/drills/{drill['id']}/reports",
        json=body | {"area_id": areas["Gym"]},
        headers=bearer(token),
    )
    assert mine.status_code == 201, mine.get_json()
    assert mine.get_json()["reports"][0]["reported_by"]["role"] == "area_lead"
    other = client.post(
        f"/api/v1/drills/{drill['id']}/reports",
        json=body | {"client_id": str(uuid.uuid4()), "area_id": areas["Cafeteria"]},
        headers=bearer(token),
    )
    assert other.status_code == 403


def test_the_contract_join_areas_and_a_problem_report(school, client):
    """The issue's contract: a lead joins with the staff code at `POST /events/<id>/join`, the
    campus reads and grows as `/areas` with GeoJSON geometry, an area reports `problem`."""
    event_id = school["event"]["id"]
    areas = school["admin"].client.get(f"/api/v1/events/{event_id}/areas").get_json()["areas"]
    gym = next(a for a in areas if a["name"] == "Gym")
    assert gym["kind"] == "building" and gym["geometry"]["type"] == "Polygon"
    point = next(a for a in areas if a["kind"] == "assembly")
    assert point["geometry"]["type"] == "Point"
    added = school["admin"].post(
        f"/api/v1/events/{event_id}/areas",
        json={
            "name": "Side gate",
            "kind": "exit",
            "geometry": {"type": "Point", "coordinates": [-73.971, 40.6449]},
        },
    )
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["geometry"]["coordinates"] == [-73.971, 40.6449]
    bad = school["admin"].post(
        f"/api/v1/events/{event_id}/areas",
        json={"name": "X", "kind": "building", "geometry": {"type": "Polygon", "coordinates": []}},
    )
    assert bad.status_code == 422 and bad.get_json()["error"]["field"].startswith("geometry")

    joined = client.post(
        f"/api/v1/events/{event_id}/join",
        json={"code": school["staff_code"], "name": "Mr Okafor", "area_ids": [gym["id"]]},
    )
    assert joined.status_code == 201, joined.get_json()
    token = joined.get_json()["device_token"]
    assert joined.get_json()["lead"]["areas"] == [{"id": gym["id"], "name": "Gym"}]
    drill = (
        school["command"]
        .post(
            f"/api/v1/events/{event_id}/drills",
            json={"client_id": "hold-1", "action": "hold", "mode": "drill"},
        )
        .get_json()
    )
    body = {"client_id": "gym-p", "area_id": gym["id"], "state": "problem", "problems": ["other"]}
    answer = client.post(f"/api/v1/drills/{drill['id']}/reports", json=body, headers=bearer(token))
    assert answer.status_code == 201, answer.get_json()
    area = next(a for a in answer.get_json()["areas"] if a["id"] == gym["id"])
    assert area["state"] == "problem" and area["done_at"] is None
    again = client.post(f"/api/v1/drills/{drill['id']}/reports", json=body, headers=bearer(token))
    assert again.status_code == 200 and len(again.get_json()["reports"]) == 1  # idempotent
