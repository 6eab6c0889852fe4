"""Shift and status say the same thing: a status is only kept while on shift."""

from __future__ import annotations


def _status(scene, token, status):
    return scene.as_officer(
        token, "POST", f"/api/v1/events/{scene.id}/status", json={"status": status}
    )


def test_off_shift_an_officer_has_no_status_to_set(scene):
    officer_id, token = scene.officer("Dana Reyes", on_shift=False)
    refused = _status(scene, token, "on_break")
    assert refused.status_code == 409
    assert refused.get_json()["error"] == {
        "code": "not_on_shift",
        "message": "check in first: a status is only kept while on shift",
        "field": "status",
    }
    assert scene.officer_state(officer_id)["status"] == "on_post"


def test_checking_out_ends_the_status_and_the_next_shift_starts_on_post(scene):
    officer_id, token = scene.officer("Dana Reyes")
    assert _status(scene, token, "on_break").status_code == 200
    url = f"/api/v1/events/{scene.id}/shift/check-out"
    assert scene.as_officer(token, "POST", url, json={}).status_code == 200
    state = scene.officer_state(officer_id)
    assert (state["on_shift"], state["status"]) == (False, "on_post")
    again = scene.as_officer(
        token, "POST", f"/api/v1/events/{scene.id}/shift/check-in", json={"post_id": scene.post_id}
    )
    assert again.status_code == 201
    assert scene.officer_state(officer_id)["status"] == "on_post"


def test_the_phone_gets_the_course_and_the_stale_limit_with_its_view(scene):
    _id, token = scene.officer("Dana Reyes")
    view = scene.as_officer(token, "GET", f"/api/v1/events/{scene.id}/me").get_json()
    assert view["stale_after"] == 120 and view["server_time"].endswith("Z")
    assert view["course"] is None  # the scene's event has no course; posts come anyway
    assert [p["name"] for p in view["posts"]] == ["Mile 3 water"]
