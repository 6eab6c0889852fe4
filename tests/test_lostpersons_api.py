"""Lost persons over HTTP: the Code Adam steps (report at once, everyone told, exits watched,
places searched, the agency called in time, found, reunited with a verified guardian)."""

from __future__ import annotations

import io
import itertools
import uuid
from datetime import timedelta

import pytest

from tests.support.lostpersons import LAST_SEEN, REUNION, report, report_body, searched, step
from tests.support.scene import POST
from tests.test_photos import phone_jpeg
from tests.test_stream_truth import Screen


def _envelopes(screen: Screen, type_: str = "lost_person") -> list[dict]:
    return [e["data"] for e in screen.envelopes() if e["type"] == type_]


def test_an_officer_reports_a_lost_child_and_a_repeat_returns_the_same_record(scene):
    _lee_id, lee = scene.officer("Lee Officer")
    body = report_body()
    url = f"/api/v1/events/{scene.id}/lost-persons"
    first = scene.as_officer(lee, "POST", url, json=body)
    assert first.status_code == 201, first.get_json()
    again = scene.as_officer(lee, "POST", url, json=body)
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    other = scene.as_officer(lee, "POST", url, json=body | {"first_name": "Liam"})
    assert other.status_code == 422
    assert other.get_json()["error"]["code"] == "client_id_conflict"
    assert other.get_json()["error"]["field"] == "client_id"
    listed = scene.command.client.get(url).get_json()["lost_persons"]
    assert [p["id"] for p in listed] == [first.get_json()["id"]]


def test_a_report_needs_a_first_name_and_the_last_seen_point(scene):
    for missing in ("first_name", "last_seen_lat", "client_id", "reported_at"):
        body = report_body()
        del body[missing]
        response = scene.command.post(f"/api/v1/events/{scene.id}/lost-persons", json=body)
        assert response.status_code == 422, missing
        assert response.get_json()["error"]["field"] == missing
    assert scene.command.client.get(f"/api/v1/events/{scene.id}/lost-persons").get_json() == {
        "lost_persons": []
    }


def test_organizers_cannot_report(scene):
    assert report(scene).status_code == 201  # command can
    url = f"/api/v1/events/{scene.id}/lost-persons"
    assert scene.organizer.post(url, json=report_body()).status_code == 403


def test_a_report_alarms_command_and_reaches_every_officer_with_the_description(scene):
    _lee_id, lee = scene.officer("Lee Officer")
    _kim_id, kim = scene.officer("Kim Officer", on_shift=False, at=None)
    command = Screen(scene.app, scene.id, client=scene.command.client)
    phones = [Screen(scene.app, scene.id, token=t) for t in (lee, kim)]
    person = report(scene).get_json()

    alarms = _envelopes(command, "alert")
    assert [a["kind"] for a in alarms] == ["lost_person"]
    assert "Emma" in alarms[0]["message"] and "Carter" not in alarms[0]["message"]
    assert alarms[0]["place"] == person["last_seen"]["place"]
    for phone in phones:
        (told,) = _envelopes(phone)
        assert told["id"] == person["id"] and told["first_name"] == "Emma"
        assert told["clothing_top"] == "pink hoodie with a unicorn"
        assert told["meeting_point"] == "Family reunion tent, finish area"
        assert told["last_seen"]["lat"] == LAST_SEEN[0]
        assert told["watch_exit"] is False and told["instruction"] is None


def test_officers_posted_at_an_exit_are_told_to_watch_it(scene, make_post):
    exit_id = make_post(scene.id, name="Gate C exit", lat=POST[0], lon=POST[1] + 0.01, is_exit=True)
    _lee_id, lee = scene.officer("Lee Officer")  # at the water station: not an exit
    ray_id, ray = scene.officer("Ray Officer", on_shift=False, at=None)
    check_in = scene.as_officer(
        ray, "POST", f"/api/v1/events/{scene.id}/shift/check-in", json={"post_id": exit_id}
    )
    assert check_in.status_code == 201, check_in.get_json()
    screens = {t: Screen(scene.app, scene.id, token=t) for t in (lee, ray)}
    report(scene)
    (at_water,) = _envelopes(screens[lee])
    (at_exit,) = _envelopes(screens[ray])
    assert at_water["watch_exit"] is False
    assert at_exit["watch_exit"] is True and "exit" in at_exit["instruction"].lower()
    assert Screen(scene.app, scene.id, token=ray).snapshot["lost_persons"][0]["watch_exit"]
    posts = Screen(scene.app, scene.id, client=scene.command.client).snapshot["posts"]
    assert {p["id"]: p["is_exit"] for p in posts} == {scene.post_id: False, exit_id: True}


def test_the_record_says_where_the_ring_starts_and_how_it_widens(scene, app):
    person = report(scene, last_seen_at=None).get_json()
    ring = person["ring"]
    assert (ring["lat"], ring["lon"]) == LAST_SEEN
    assert ring["speed_m_s"] == app.config["LOST_PERSON_WALK_SPEED"] == 1.0
    assert ring["max_m"] == app.config["LOST_PERSON_MAX_RADIUS"] == 3000.0
    assert ring["since"] == person["last_seen"]["at"] == person["reported_at"]


def test_officers_mark_places_searched_for_everyone_to_see(scene):
    _lee_id, lee = scene.officer("Lee Officer")
    person = report(scene).get_json()
    kim_screen_token = scene.officer("Kim Officer")[1]
    kim = Screen(scene.app, scene.id, token=kim_screen_token)
    body = searched(client_id="tap-" + uuid.uuid4().hex)
    first = step(scene, person["id"], "searched", body, token=lee)
    assert first.status_code == 201, first.get_json()
    again = step(scene, person["id"], "searched", body, token=lee)  # a retry of the same tap
    assert len(again.get_json()["searched"]) == 1
    (area,) = first.get_json()["searched"]
    assert area["by"]["name"] == "Lee Officer" and area["radius_m"] == 40.0 and area["place"]
    assert _envelopes(kim)[-1]["searched"] == [area]
    step(scene, person["id"], "searched", searched(lat=LAST_SEEN[0] + 0.001))
    record = scene.command.client.get(f"/api/v1/lost-persons/{person['id']}").get_json()
    assert len(record["searched"]) == 2


def test_found_then_reunited_closes_the_search_with_the_time_it_took(scene):
    lee_id, lee = scene.officer("Lee Officer")
    person = report(scene).get_json()
    found = step(scene, person["id"], "found", {"place": "Under the bleachers"}, token=lee)
    assert found.status_code == 200, found.get_json()
    record = scene.command.client.get(f"/api/v1/lost-persons/{person['id']}").get_json()
    assert record["status"] == "found" and record["found_by"]["id"] == lee_id
    assert record["found_place"] == "Under the bleachers"
    assert (record["found_lat"], record["found_lon"]) == POST  # the finder's latest fix
    assert record["ring"] is None and record["open"]

    refused = step(scene, person["id"], "reunited", {"with_whom": "Sarah Carter"})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["field"] == "identity_verified_how"
    blank = step(scene, person["id"], "reunited", REUNION | {"identity_verified_how": "  "})
    assert blank.status_code == 422
    assert blank.get_json()["error"]["field"] == "identity_verified_how"
    record = scene.command.client.get(f"/api/v1/lost-persons/{person['id']}").get_json()
    assert record["status"] == "found"  # nothing written by the refusals

    done = step(scene, person["id"], "reunited", REUNION)
    assert done.status_code == 200, done.get_json()
    record = done.get_json()
    assert record["status"] == "reunited" and not record["open"]
    assert record["reunited_with"] == REUNION["with_whom"]
    assert record["identity_verified_how"] == REUNION["identity_verified_how"]
    assert record["reunion_after_s"] is not None and record["reunion_after_s"] >= 0
    again = step(scene, person["id"], "reunited", REUNION)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "illegal_transition"
    assert step(scene, person["id"], "searched", searched(), token=lee).status_code == 409


def test_a_guardian_who_finds_the_child_first_is_a_reunion_straight_from_the_search(scene):
    person = report(scene).get_json()
    record = step(scene, person["id"], "reunited", REUNION).get_json()
    assert record["status"] == "reunited" and record["found_at"] is not None
    assert record["found_place"] == REUNION["place"]


def test_only_command_cancels_or_logs_the_agency_call(scene):
    _lee_id, lee = scene.officer("Lee Officer")
    person = report(scene).get_json()
    assert step(scene, person["id"], "cancel", {"reason": "x"}, token=lee).status_code == 403
    assert step(scene, person["id"], "agency-called", {}, token=lee).status_code == 403
    called = step(scene, person["id"], "agency-called", {"note": "Precinct 5, ref 2231"})
    assert called.status_code == 200
    first = called.get_json()["agency_called_at"]
    again = step(scene, person["id"], "agency-called", {"note": "again"}).get_json()
    assert again["agency_called_at"] == first and again["agency_note"] == "Precinct 5, ref 2231"
    assert step(scene, person["id"], "cancel", {}).status_code == 422
    cancelled = step(scene, person["id"], "cancel", {"reason": "came back to the tent alone"})
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"


def test_not_found_in_time_prompts_the_desk_to_call_the_agency_once(scene, app, monkeypatch):
    from fieldops.lostpersons import services, watch

    person = report(scene).get_json()
    command = Screen(scene.app, scene.id, client=scene.command.client)
    with app.app_context():
        assert watch.check(600) == 0
    later = services.utcnow() + timedelta(seconds=601)
    monkeypatch.setattr(services, "utcnow", lambda: later)
    with app.app_context():
        assert watch.check(600) == 1
        assert watch.check(600) == 0  # logged once
    alarms = _envelopes(command, "alert")
    assert len(alarms) == 1 and "call the local agency" in alarms[0]["message"]
    record = scene.command.client.get(f"/api/v1/lost-persons/{person['id']}").get_json()
    assert record["agency_prompted_at"] is not None and record["agency_called_at"] is None


def test_a_found_child_logged_first_is_matched_to_the_later_report(scene):
    lee_id, lee = scene.officer("Lee Officer")
    body = report_body(first_name="Noah", full_name="", guardian_name="", guardian_contact="")
    for key in ("last_seen_lat", "last_seen_lon", "last_seen_place"):
        del body[key]
    body |= {"found_lat": POST[0], "found_lon": POST[1], "found_place": "First-aid tent"}
    url = f"/api/v1/events/{scene.id}/found-persons"
    logged = scene.as_officer(lee, "POST", url, json=body)
    assert logged.status_code == 201, logged.get_json()
    found_first = logged.get_json()
    assert found_first["status"] == "found" and found_first["found_first"] and found_first["open"]
    assert scene.as_officer(lee, "POST", url, json=body).status_code == 200

    later = report(scene, first_name="Noah").get_json()
    match_url = f"/api/v1/lost-persons/{later['id']}/match"
    by_officer = scene.as_officer(lee, "POST", match_url, json={"found_id": found_first["id"]})
    assert by_officer.status_code == 403
    matched = scene.command.post(match_url, json={"found_id": found_first["id"]})
    assert matched.status_code == 200, matched.get_json()
    record = matched.get_json()
    assert record["status"] == "found" and record["found_by"]["id"] == lee_id
    assert record["found_place"] == "First-aid tent"
    merged = scene.command.client.get(f"/api/v1/lost-persons/{found_first['id']}").get_json()
    assert merged["matched_to_id"] == later["id"] and not merged["open"]
    assert scene.command.post(match_url, json={"found_id": found_first["id"]}).status_code == 409


def test_a_guardians_photo_is_stored_clean_and_served_to_officers_at_the_event(
    scene, make_event, make_officer
):
    _lee_id, lee = scene.officer("Lee Officer")
    person = report(scene).get_json()
    url = f"/api/v1/lost-persons/{person['id']}/photos"
    files = {"photo": (io.BytesIO(phone_jpeg()), "IMG_0001.JPG")}
    uploaded = scene.command.post(url, data=files, content_type="multipart/form-data")
    assert uploaded.status_code == 201, uploaded.get_json()
    photo = uploaded.get_json()
    served = scene.as_officer(lee, "GET", photo["url"])
    assert served.status_code == 200 and b"Exif" not in served.data
    record = scene.as_officer(lee, "GET", f"/api/v1/lost-persons/{person['id']}").get_json()
    assert record["photos"] == [photo]
    _other_id, outsider = make_officer(make_event(name="Another race"))
    assert scene.as_officer(outsider, "GET", photo["url"]).status_code in (403, 404)


# --- the search as a state machine, over every pair -----------------------------------------


def test_every_move_of_a_search_is_in_the_table_or_refused():
    from fieldops.errors import ApiError
    from fieldops.lostpersons.lifecycle import FINAL, TRANSITIONS, check_transition
    from fieldops.lostpersons.models import LostPersonStatus as S

    legal = {
        (S.SEARCHING, S.FOUND),
        (S.SEARCHING, S.REUNITED),
        (S.SEARCHING, S.CANCELLED),
        (S.FOUND, S.REUNITED),
    }
    for current, to in itertools.product(S, S):
        if (current, to) in legal:
            check_transition(current, to)
        else:
            with pytest.raises(ApiError) as refused:
                check_transition(current, to)
            assert refused.value.status == 409
    assert set(TRANSITIONS) == set(S)
    assert all(not TRANSITIONS[s] for s in FINAL)
