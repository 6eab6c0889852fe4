"""Incidents over HTTP: reporting (idempotent), the lifecycle, dispatch, roles, the record."""

from __future__ import annotations

import threading

import pytest

from tests.support.scene import bearer, report_body

LIFECYCLE = ["reported", "acknowledged", "dispatched", "en_route", "on_scene"]
FINAL = ["resolved", "cancelled"]
LEGAL = {
    "reported": {"acknowledged", "cancelled"},
    "acknowledged": {"resolved", "cancelled"},
    "dispatched": {"en_route", "on_scene", "resolved", "cancelled"},
    "en_route": {"on_scene", "resolved", "cancelled"},
    "on_scene": {"resolved", "cancelled"},
    "resolved": set(),
    "cancelled": set(),
}


# --- reporting ------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_an_officer_reports_and_a_repeat_returns_the_same_incident(scene):
    officer_id, token = scene.officer("Dana Reyes")
    body = report_body(type="fight")
    url = f"/api/v1/events/{scene.id}/incidents"
    first = scene.as_officer(token, "POST", url, json=body)
    assert first.status_code == 201, first.get_json()
    incident = first.get_json()
    assert incident["type"] == "fight" and incident["severity"] == "high"  # the type's default
    assert incident["status"] == "reported" and incident["reported_by"]["id"] == officer_id
    assert incident["reported_at"] and incident["received_at"]

    again = scene.as_officer(token, "POST", url, json=body)
    assert again.status_code == 200 and again.get_json()["id"] == incident["id"]

    changed = scene.as_officer(token, "POST", url, json=body | {"note": "two people now"})
    assert changed.status_code == 422
    assert changed.get_json()["error"]["code"] == "client_id_conflict"
    assert changed.get_json()["error"]["field"] == "client_id"
    listed = scene.command.client.get(url).get_json()["incidents"]
    assert [i["id"] for i in listed] == [incident["id"]]
    assert listed[0]["note"] == body["note"]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_concurrent_repeats_of_one_report_store_exactly_one_incident(scene):
    _officer_id, token = scene.officer("Dana Reyes")
    body = report_body()
    statuses, ids = [], []
    start = threading.Barrier(8)

    def send():
        start.wait()
        response = scene.as_officer(
            token, "POST", f"/api/v1/events/{scene.id}/incidents", json=body
        )
        statuses.append(response.status_code)
        ids.append(response.get_json().get("id"))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 7 + [201], statuses
    assert len(set(ids)) == 1
    listed = scene.command.client.get(f"/api/v1/events/{scene.id}/incidents").get_json()
    assert len(listed["incidents"]) == 1


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"type": "alien"}, "type"),
        ({"severity": "extreme"}, "severity"),
        ({"lat": 91}, "lat"),
        ({"lon": "x"}, "lon"),
        ({"client_id": "short"}, "client_id"),
        ({"reported_at": "2026-11-23T10:00:00"}, "reported_at"),
        ({"note": "x" * 2001}, "note"),
        ({"color": "red"}, "color"),
    ],
)
def test_a_bad_report_names_its_field_and_stores_nothing(scene, override, field):
    _officer_id, token = scene.officer("Dana Reyes")
    response = scene.report(token, **override)
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == field
    listed = scene.command.client.get(f"/api/v1/events/{scene.id}/incidents").get_json()
    assert listed["incidents"] == []


def test_command_logs_a_phone_call_and_organizers_cannot_report(scene):
    logged = scene.report(type="lost_person", note="mother on the phone: boy, 6, red cap")
    assert logged.status_code == 201
    assert logged.get_json()["reported_by"]["role"] == "command"
    refused = scene.organizer.post(f"/api/v1/events/{scene.id}/incidents", json=report_body())
    assert refused.status_code == 403


def test_an_officer_cannot_report_to_an_event_they_did_not_join(scene, make_event):
    _officer_id, token = scene.officer("Dana Reyes")
    other = make_event(name="School Day")
    response = scene.as_officer(
        token, "POST", f"/api/v1/events/{other['id']}/incidents", json=report_body()
    )
    assert response.status_code == 403


def test_the_queue_is_sorted_by_severity_then_age_and_filters(scene):
    for kind, severity in [("traffic", "low"), ("medical", "critical"), ("hazard", "low")]:
        assert scene.report(type=kind, severity=severity).status_code == 201
    url = f"/api/v1/events/{scene.id}/incidents"
    queue = scene.command.client.get(url).get_json()["incidents"]
    assert [(i["type"], i["severity"]) for i in queue] == [
        ("medical", "critical"),
        ("traffic", "low"),
        ("hazard", "low"),
    ]
    only = scene.command.client.get(f"{url}?type=hazard,traffic&status=reported").get_json()
    assert [i["type"] for i in only["incidents"]] == ["traffic", "hazard"]
    bad = scene.command.client.get(f"{url}?status=sleeping")
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "status"


# --- the lifecycle --------------------------------------------------------------------------


def _incident_at(scene, status: str) -> tuple[int, str]:
    """A new incident driven through the API to `status`; returns (id, the officer's token)."""
    officer_id, token = scene.officer(f"Officer {status}")
    incident_id = scene.report().get_json()["id"]
    steps = {
        "acknowledged": lambda: scene.transition(incident_id, "acknowledged"),
        "dispatched": lambda: scene.dispatch(incident_id, officer_id),
        "en_route": lambda: scene.respond(token, incident_id, "en_route"),
        "on_scene": lambda: scene.respond(token, incident_id, "on_scene"),
    }
    path = LIFECYCLE[1 : LIFECYCLE.index(status) + 1] if status in LIFECYCLE else []
    if status in FINAL:
        path = ["acknowledged"]
    for step in path:
        response = steps[step]()
        assert response.status_code in (200, 201), (step, response.get_json())
    if status == "resolved":
        assert (
            scene.transition(incident_id, "resolved", disposition="treated_on_site").status_code
            == 200
        )
    if status == "cancelled":
        assert scene.transition(incident_id, "cancelled").status_code == 200
    assert scene.incident(incident_id)["status"] == status
    return incident_id, token


@pytest.mark.parametrize("start", LIFECYCLE + FINAL)
@pytest.mark.parametrize("to", ["acknowledged", "en_route", "on_scene", "resolved", "cancelled"])
def test_every_transition_is_allowed_or_refused_as_the_table_says(scene, start, to):
    incident_id, _token = _incident_at(scene, start)
    before = scene.incident(incident_id)
    response = scene.transition(incident_id, to, disposition="unfounded")
    if to in LEGAL[start]:
        assert response.status_code == 200, response.get_json()
        after = scene.incident(incident_id)
        assert after["status"] == to
        assert (
            after["timeline"][-1]["data"] | {"from": start, "to": to}
            == after["timeline"][-1]["data"]
        )
        assert len(after["timeline"]) == len(before["timeline"]) + 1
    else:
        assert response.status_code == 409, response.get_json()
        error = response.get_json()["error"]
        assert error["code"] == "illegal_transition" and error["field"] == "to"
        assert scene.incident(incident_id) == before  # nothing written


def test_dispatched_is_reached_by_assigning_officers_not_by_a_transition(scene):
    incident_id, _token = _incident_at(scene, "reported")
    response = scene.transition(incident_id, "dispatched")
    assert response.status_code == 409
    assert "assignments" in response.get_json()["error"]["message"]


def test_resolving_needs_a_known_disposition(scene):
    incident_id, _token = _incident_at(scene, "acknowledged")
    missing = scene.transition(incident_id, "resolved")
    assert missing.status_code == 422 and missing.get_json()["error"]["field"] == "disposition"
    unknown = scene.transition(incident_id, "resolved", disposition="vanished")
    assert unknown.status_code == 422 and unknown.get_json()["error"]["field"] == "disposition"
    assert scene.incident(incident_id)["status"] == "acknowledged"


# --- dispatch and response ------------------------------------------------------------------


def test_nearest_free_officers_come_first_and_stale_ones_are_listed_apart(scene, app):
    near_id, _ = scene.officer("Near", at=(40.6512, -74.0100))
    far_id, _ = scene.officer("Far", at=(40.6600, -74.0100))
    stale_id, _ = scene.officer("Stale", at=(40.6511, -74.0100))
    _off_id, _ = scene.officer("Off shift", at=(40.6510, -74.0101), on_shift=False)
    busy_id, busy_token = scene.officer("Busy", at=(40.6510, -74.0100))
    other = scene.report().get_json()["id"]
    assert scene.dispatch(other, busy_id).status_code == 201

    from fieldops.tracking import live

    with app.app_context():  # Stale's last fix arrived long ago
        state = live.officer(scene.id, stale_id)
        state.fix["received_at"] -= __import__("datetime").timedelta(minutes=10)

    incident_id = scene.report(lat=40.6510, lon=-74.0100).get_json()["id"]
    answer = scene.command.client.get(f"/api/v1/incidents/{incident_id}/nearest").get_json()
    assert [o["officer"]["id"] for o in answer["officers"]] == [near_id, far_id]
    assert answer["officers"][0]["distance_m"] < answer["officers"][1]["distance_m"]
    assert [o["officer"]["id"] for o in answer["stale"]] == [stale_id]
    assert answer["stale"][0]["fix_age_s"] >= 0


def test_an_officer_who_called_for_help_is_not_suggested_even_once_acknowledged(scene):
    near_id, near_token = scene.officer("Near", at=(40.6512, -74.0100))
    far_id, _ = scene.officer("Far", at=(40.6600, -74.0100))
    incident_id = scene.report(lat=40.6510, lon=-74.0100).get_json()["id"]
    url = f"/api/v1/incidents/{incident_id}/nearest"

    before = scene.command.client.get(url).get_json()
    assert [o["officer"]["id"] for o in before["officers"]] == [near_id, far_id]
    help_url = f"/api/v1/events/{scene.id}/help"
    alert = scene.as_officer(near_token, "POST", help_url, json={"client_id": "help-0001"})
    assert alert.status_code == 201
    for _ in range(2):  # open, then acknowledged: still in trouble for a while
        answer = scene.command.client.get(url).get_json()
        assert [o["officer"]["id"] for o in answer["officers"]] == [far_id]
        assert [o["officer"]["id"] for o in answer["needs_help"]] == [near_id]
        ack = scene.command.post(f"/api/v1/alerts/{alert.get_json()['id']}/acknowledge")
        assert ack.status_code in (200, 409)


def test_a_dispatched_officer_responds_step_by_step_and_everything_is_on_the_record(scene):
    reporter_id, reporter_token = scene.officer("Dana Reyes", at=(40.6510, -74.0100))
    officer_id, token = scene.officer("Sam Ortiz", at=(40.6530, -74.0100))
    incident_id = scene.report(reporter_token).get_json()["id"]

    sent = scene.dispatch(incident_id, officer_id)
    assert sent.status_code == 201
    assert sent.get_json()["status"] == "dispatched"
    assert scene.officer_state(officer_id)["status"] == "responding"
    for step in ("acknowledged", "en_route", "on_scene"):
        response = scene.respond(token, incident_id, step)
        assert response.status_code == 200, response.get_json()
    backwards = scene.respond(token, incident_id, "en_route")
    assert backwards.status_code == 409
    note = scene.as_officer(
        token, "POST", f"/api/v1/incidents/{incident_id}/notes", json={"text": "EMS on the way"}
    )
    assert note.status_code == 201
    resolved = scene.as_officer(
        token,
        "POST",
        f"/api/v1/incidents/{incident_id}/transitions",
        json={"to": "resolved", "disposition": "transported_by_ems"},
    )
    assert resolved.status_code == 200, resolved.get_json()
    assert scene.officer_state(officer_id)["status"] == "on_post"

    record = scene.incident(incident_id)
    assert record["status"] == "resolved" and record["disposition"] == "transported_by_ems"
    assert record["assignments"][0]["status"] == "released"
    steps = [
        (e["kind"], e["actor"]["id"], e["data"].get("to") or e["data"].get("status"))
        for e in record["timeline"]
    ]
    assert steps == [
        ("reported", reporter_id, None),
        ("status", scene_command_id(scene), "acknowledged"),
        ("assigned", scene_command_id(scene), None),
        ("status", scene_command_id(scene), "dispatched"),
        ("response", officer_id, "acknowledged"),
        ("response", officer_id, "en_route"),
        ("status", officer_id, "en_route"),
        ("response", officer_id, "on_scene"),
        ("status", officer_id, "on_scene"),
        ("note", officer_id, None),
        ("status", officer_id, "resolved"),
    ]
    officer_entries = [e for e in record["timeline"] if e["actor"]["id"] == officer_id]
    assert all((e["lat"], e["lon"]) == (40.653, -74.01) for e in officer_entries)
    times = [e["at"] for e in record["timeline"]]
    assert times == sorted(times)


def scene_command_id(scene) -> int:
    return scene.command.client.get("/api/v1/auth/me").get_json()["user"]["id"]


# --- who may do what ------------------------------------------------------------------------


def test_an_officer_cannot_act_on_or_see_someone_elses_incident(scene):
    _sent_id, _sent_token = scene.officer("Sent")
    outsider_id, outsider_token = scene.officer("Outsider")
    incident_id = scene.report().get_json()["id"]
    scene.dispatch(incident_id, _sent_id)
    url = f"/api/v1/incidents/{incident_id}"
    assert scene.as_officer(outsider_token, "GET", url).status_code == 404
    resolve = scene.as_officer(
        outsider_token,
        "POST",
        f"{url}/transitions",
        json={"to": "resolved", "disposition": "unfounded"},
    )
    assert resolve.status_code == 404
    assert scene.respond(outsider_token, incident_id, "acknowledged").status_code == 404
    listed = scene.as_officer(outsider_token, "GET", f"/api/v1/events/{scene.id}/incidents")
    assert listed.get_json()["incidents"] == []
    assert scene.incident(incident_id)["status"] == "dispatched"


def test_an_officer_who_reported_sees_it_but_cannot_dispatch_or_cancel(scene):
    reporter_id, token = scene.officer("Reporter")
    incident_id = scene.report(token).get_json()["id"]
    url = f"/api/v1/incidents/{incident_id}"
    assert scene.as_officer(token, "GET", url).status_code == 200
    dispatch = scene.as_officer(
        token, "POST", f"{url}/assignments", json={"officer_ids": [reporter_id]}
    )
    assert dispatch.status_code == 403
    cancel = scene.as_officer(token, "POST", f"{url}/transitions", json={"to": "cancelled"})
    assert cancel.status_code == 403
    assert scene.incident(incident_id)["status"] == "reported"


def test_an_organizer_can_read_but_not_act(scene):
    officer_id, _token = scene.officer("Sam")
    incident_id = scene.report().get_json()["id"]
    url = f"/api/v1/incidents/{incident_id}"
    organizer = scene.organizer
    assert organizer.client.get(url).status_code == 200
    assert organizer.post(f"{url}/transitions", json={"to": "acknowledged"}).status_code == 403
    assert (
        organizer.post(f"{url}/assignments", json={"officer_ids": [officer_id]}).status_code == 403
    )
    assert organizer.post(f"{url}/notes", json={"text": "hi"}).status_code == 403
    assert organizer.client.get(f"{url}/nearest").status_code == 403
    assert scene.incident(incident_id)["status"] == "reported"


def test_dispatch_refuses_unknown_repeated_and_already_sent_officers(
    scene, make_event, make_officer
):
    officer_id, _token = scene.officer("Sam")
    elsewhere_id, _ = make_officer(make_event(name="Other event"), name="Elsewhere")
    incident_id = scene.report().get_json()["id"]
    for ids, field in [
        ([], "officer_ids"),
        ([officer_id, officer_id], "officer_ids"),
        (["7"], "officer_ids"),
        ([elsewhere_id], "officer_ids.0"),
    ]:
        response = (
            scene.dispatch(incident_id, *ids)
            if ids and isinstance(ids[0], int)
            else scene.command.post(
                f"/api/v1/incidents/{incident_id}/assignments", json={"officer_ids": ids}
            )
        )
        assert response.status_code == 422, (ids, response.get_json())
        assert response.get_json()["error"]["field"] == field
    assert scene.dispatch(incident_id, officer_id).status_code == 201
    again = scene.dispatch(incident_id, officer_id)
    assert again.status_code == 409 and again.get_json()["error"]["field"] == "officer_ids.0"


def test_a_device_token_reaches_only_its_own_events_incidents(scene, make_event, make_officer):
    incident_id = scene.report().get_json()["id"]
    _other_id, other_token = make_officer(make_event(name="Other event"), name="Elsewhere")
    response = scene.app.test_client().get(
        f"/api/v1/incidents/{incident_id}", headers=bearer(other_token)
    )
    assert response.status_code == 404
