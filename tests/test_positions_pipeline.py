"""Fixes are validated at the edge, stored once per tick in a batch, and pushed coalesced."""

import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import fix


def _positions_url(event):
    return f"/api/v1/events/{event['id']}/positions"


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def _stored_fixes(app):
    from fieldops.extensions import db
    from fieldops.tracking.models import PositionFix

    with app.app_context():
        return list(db.session.scalars(db.select(PositionFix).order_by(PositionFix.id)))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_fixes_are_stored_before_the_answer_and_pushed_by_the_next_tick(
    app, client, make_event, make_officer, tick
):
    event = make_event()
    _officer, token = make_officer(event)
    response = client.post(
        _positions_url(event), json=[fix(40.61, -74.01), fix(40.62, -74.02)], headers=_bearer(token)
    )
    assert response.status_code == 202 and response.get_json() == {"accepted": 2}
    stored = _stored_fixes(app)  # the in-process app runs no tick: stored inline (ingest.submit)
    assert tick() == 2
    assert [(f.lat, f.lon, f.source) for f in stored] == [
        (40.61, -74.01, "web"),
        (40.62, -74.02, "web"),
    ]
    assert all(f.received_at >= f.recorded_at - timedelta(seconds=1) for f in stored)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_an_older_fix_is_stored_but_does_not_move_the_marker_back(
    app, client, make_event, make_officer, tick
):
    event = make_event()
    _officer, token = make_officer(event)
    client.post(_positions_url(event), json=fix(40.70, -74.00), headers=_bearer(token))
    tick()
    client.post(
        _positions_url(event), json=fix(40.50, -74.00, seconds_ago=60), headers=_bearer(token)
    )
    tick()
    assert len(_stored_fixes(app)) == 2
    officers = client.get(
        f"/api/v1/events/{event['id']}/snapshot", headers=_bearer(token)
    ).get_json()["officers"]
    assert officers[0]["fix"]["lat"] == 40.70


@pytest.mark.parametrize(
    "body,field",
    [
        ({"lat": 91, "lon": 0, "recorded_at": "2026-01-01T00:00:00Z"}, "lat"),
        ({"lat": 0, "lon": -181, "recorded_at": "2026-01-01T00:00:00Z"}, "lon"),
        ({"lat": 0, "lon": 0}, "recorded_at"),
        ({"lat": 0, "lon": 0, "recorded_at": "2026-01-01T00:00:00"}, "recorded_at"),
        ({"lat": "x", "lon": 0, "recorded_at": "2026-01-01T00:00:00Z"}, "lat"),
        ({"lat": 0, "lon": 0, "accuracy": -1, "recorded_at": "2026-01-01T00:00:00Z"}, "accuracy"),
        ({"lat": 0, "lon": 0, "battery": 140, "recorded_at": "2026-01-01T00:00:00Z"}, "battery"),
    ],
)
def test_bad_fixes_get_422_naming_the_field(client, make_event, make_officer, body, field):
    event = make_event()
    _officer, token = make_officer(event)
    response = client.post(_positions_url(event), json=body, headers=_bearer(token))
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == field


def test_a_fix_from_the_future_beyond_the_skew_is_refused(client, make_event, make_officer):
    event = make_event()
    _officer, token = make_officer(event)
    future = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    response = client.post(
        _positions_url(event),
        json=fix(recorded_at=future) | {"recorded_at": future},
        headers=_bearer(token),
    )
    assert response.status_code == 422
    assert "future" in response.get_json()["error"]["message"]


def test_a_bad_fix_in_a_list_names_its_index_and_nothing_is_kept(
    app, client, make_event, make_officer, tick
):
    event = make_event()
    _officer, token = make_officer(event)
    response = client.post(
        _positions_url(event), json=[fix(), fix(lat=100)], headers=_bearer(token)
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "1.lat"
    tick()
    assert _stored_fixes(app) == []


def test_non_json_and_empty_bodies_get_clear_errors(client, make_event, make_officer):
    event = make_event()
    _officer, token = make_officer(event)
    assert (
        client.post(
            _positions_url(event), data="lat=1", headers=_bearer(token), content_type="text/plain"
        ).status_code
        == 415
    )
    assert client.post(_positions_url(event), json=[], headers=_bearer(token)).status_code == 422
    bad = client.post(
        _positions_url(event),
        data="{not json",
        headers=_bearer(token),
        content_type="application/json",
    )
    assert bad.status_code == 400


def test_staff_cannot_post_positions(client, make_event, make_user, auth):
    event = make_event()
    _id, username = make_user("command")
    auth.login(username)
    response = auth.post(_positions_url(event), json=fix())
    assert response.status_code == 403


def test_one_tick_writes_many_officers_in_one_transaction_and_one_push(
    app, client, make_event, make_officer, tick, monkeypatch
):
    from fieldops.tracking import ingest

    # As in a serving process (a tick task runs): the 15 requests wait for the tick's commit.
    monkeypatch.setattr(ingest, "_ticking", True)
    event = make_event()
    tokens = [make_officer(event)[1] for _ in range(5)]
    dashboard = _dashboard(app, client, event)
    answers = []

    def phone(token, body):
        response = app.test_client().post(_positions_url(event), json=body, headers=_bearer(token))
        answers.append(response.status_code)

    phones = [
        threading.Thread(
            target=phone,
            args=(token, fix(40.6 + i / 100, -74 + step / 1000, seconds_ago=3 - step)),
        )
        for i, token in enumerate(tokens)
        for step in range(3)
    ]
    for thread in phones:
        thread.start()
    for _ in range(500):  # every request is waiting on the tick
        if ingest.pending() == 15:
            break
        threading.Event().wait(0.01)
    with _commits_counted(app) as commits:
        assert tick() == 15
    assert len(commits) == 1
    for thread in phones:
        thread.join(timeout=5)
    assert answers == [202] * 15
    pushes = [m for m in dashboard.get_received("/live") if m["name"] == "positions"]
    assert len(pushes) == 1
    envelope = pushes[0]["args"][0]
    assert envelope["type"] == "positions" and len(envelope["data"]["fixes"]) == 5
    assert {f["lon"] for f in envelope["data"]["fixes"]} == {-74 + 2 / 1000}
    dashboard.disconnect(namespace="/live")


@contextmanager
def _commits_counted(app):
    """The database commits made inside the block (one per write transaction)."""
    from sqlalchemy import event as sqlalchemy_event

    from fieldops.extensions import db

    with app.app_context():
        engine = db.engine
    commits = []

    def count(connection):
        commits.append(connection)

    sqlalchemy_event.listen(engine, "commit", count)
    try:
        yield commits
    finally:
        sqlalchemy_event.remove(engine, "commit", count)


def _dashboard(app, client, event):
    from fieldops.auth.services import create_user
    from fieldops.db import write_transaction
    from fieldops.extensions import socketio

    with app.app_context(), write_transaction():
        create_user(username="dispatch", password="correct-horse-battery", role="command")
    staff = app.test_client()
    staff.post(
        "/api/v1/auth/login", json={"username": "dispatch", "password": "correct-horse-battery"}
    )
    sio = socketio.test_client(app, namespace="/live", flask_test_client=staff)
    ack = sio.emit("join", {"event_id": event["id"]}, namespace="/live", callback=True)
    assert ack["ok"], ack
    return sio


def test_stale_officers_are_flagged_and_pushed(app, client, make_event, make_officer, tick):
    event = make_event()
    _officer, token = make_officer(event)
    client.post(_positions_url(event), json=fix(), headers=_bearer(token))
    tick()
    dashboard = _dashboard(app, client, event)
    app.config["STALE_AFTER"] = 0.0
    tick()
    officer_pushes = [
        m["args"][0] for m in dashboard.get_received("/live") if m["name"] == "officer"
    ]
    assert officer_pushes and officer_pushes[-1]["data"]["stale"] is True


def test_an_officer_outside_the_post_too_long_is_off_post_not_stale(
    app, client, make_event, make_officer, make_post, assign, auth, tick
):
    event = make_event()
    post_id = make_post(event["id"], lat=40.6, lon=-74.0, radius_m=50)
    auth.join(event["code"], badge="501")
    officer_id = client.get("/api/v1/auth/me").get_json()["user"]["id"]
    assign(event["id"], officer_id, post_id)
    assert auth.post(f"/api/v1/events/{event['id']}/shift/check-in", json={}).status_code == 201
    auth.post(_positions_url(event), json=fix(40.61, -74.0))  # ~1.1 km away
    app.config["OFF_POST_AFTER"] = 0.0
    tick()
    me = client.get(f"/api/v1/events/{event['id']}/me").get_json()["officer"]
    assert me["off_post"] is True and me["stale"] is False
    auth.post(_positions_url(event), json=fix(40.6001, -74.0))  # back inside
    tick()
    me = client.get(f"/api/v1/events/{event['id']}/me").get_json()["officer"]
    assert me["off_post"] is False


def test_seq_rises_by_exactly_one_per_message(app, client, make_event, make_officer, tick):
    event = make_event()
    _officer, token = make_officer(event)
    dashboard = _dashboard(app, client, event)
    for step in range(4):
        client.post(
            _positions_url(event),
            json=fix(40.6, -74 + step / 100, seconds_ago=5 - step),
            headers=_bearer(token),
        )
        tick()
    seqs = [m["args"][0]["seq"] for m in dashboard.get_received("/live")]
    assert len(seqs) >= 4 and seqs == list(range(seqs[0], seqs[0] + len(seqs)))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_a_resent_fix_is_stored_once(app, client, make_event, make_officer, tick):
    event = make_event()
    _officer, token = make_officer(event)
    same = fix(40.61, -74.01, seconds_ago=30)
    client.post(_positions_url(event), json=[same, fix(40.62, -74.0)], headers=_bearer(token))
    tick()
    # the ack was lost: the phone sends both again, in one batch and then alone
    client.post(_positions_url(event), json=[same, same], headers=_bearer(token))
    tick()
    client.post(_positions_url(event), json=same, headers=_bearer(token))
    tick()
    assert len(_stored_fixes(app)) == 2
