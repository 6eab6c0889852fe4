"""Nothing is acknowledged before it is stored: a fix's 202 or socket ack comes after the
commit of the tick that took it; a fix that could not be stored is a 503 / `not_stored` error
ack (the phone keeps it and sends it again), never a success."""

from __future__ import annotations

import threading

import pytest

from tests.conftest import fix


def _url(event):
    return f"/api/v1/events/{event['id']}/positions"


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def _stored(app) -> int:
    from fieldops.extensions import db
    from fieldops.tracking.models import PositionFix

    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(PositionFix))


def _wait_until(predicate, timeout: float = 5.0) -> None:
    done = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if predicate():
            return
        done.wait(0.01)
    raise AssertionError("condition not reached")


@pytest.fixture
def storage_fails(monkeypatch):
    from fieldops.tracking import ingest

    def broken(items):
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(ingest, "_write", broken)


@pytest.fixture
def impatient(app, monkeypatch):
    """A tick's watchdog gives up on it after 0.1 s (callers are told "not stored")."""
    from fieldops.tracking import ingest

    monkeypatch.setattr(ingest, "MIN_ACK_WAIT", 0.1)
    app.config["PUSH_TICK"] = 0.02


def _joined_phone(app, event, token):
    from fieldops.extensions import socketio

    phone = socketio.test_client(app, namespace="/live", auth={"token": token})
    assert phone.emit("join", {"event_id": event["id"]}, namespace="/live", callback=True)["ok"]
    return phone


@pytest.fixture
def served(monkeypatch):
    """As in a serving process: a tick task runs, so callers wait for its commit (the test
    plays the tick with the `tick` fixture, from its own thread)."""
    from fieldops.tracking import ingest

    monkeypatch.setattr(ingest, "_ticking", True)


def test_a_fix_that_could_not_be_stored_is_a_503_never_a_success(
    app, client, make_event, make_officer, storage_fails
):
    event = make_event()
    _officer, token = make_officer(event)
    response = client.post(_url(event), json=fix(), headers=_bearer(token))
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "not_stored" and "again" in error["message"]


def test_over_the_socket_a_fix_that_could_not_be_stored_is_an_error_ack(
    app, make_event, make_officer, storage_fails
):
    event = make_event()
    _officer, token = make_officer(event)
    phone = _joined_phone(app, event, token)
    ack = phone.emit("position", fix(), namespace="/live", callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "not_stored"


def test_a_traccar_fix_that_could_not_be_stored_is_retried_not_dropped(
    app, client, make_event, make_officer, storage_fails
):
    event = make_event()
    _officer, token = make_officer(event)
    response = client.post(
        "/track/osmand", query_string={"id": token, "lat": 40.6, "lon": -74.0, "accuracy": 5}
    )
    assert response.status_code == 503  # a 200 would make Traccar Client drop it for good


def test_a_resent_fix_already_stored_is_answered_as_a_success(
    app, client, make_event, make_officer
):
    event = make_event()
    _officer, token = make_officer(event)
    same = fix(seconds_ago=10)
    assert client.post(_url(event), json=same, headers=_bearer(token)).status_code == 202
    again = client.post(_url(event), json=[same, same], headers=_bearer(token))
    assert again.status_code == 202 and again.get_json() == {"accepted": 2}
    assert _stored(app) == 1


def test_in_a_served_process_the_answer_waits_for_the_ticks_commit(
    app, make_event, make_officer, tick, served
):
    from fieldops.tracking import ingest

    event = make_event()
    _officer, token = make_officer(event)
    answers = []

    def phone():
        response = app.test_client().post(_url(event), json=fix(), headers=_bearer(token))
        answers.append((response.status_code, _stored(app)))

    sender = threading.Thread(target=phone)
    sender.start()
    _wait_until(lambda: ingest.pending() == 1)  # buffered, waiting for the tick
    assert answers == [] and _stored(app) == 0
    assert tick() == 1
    sender.join(timeout=5)
    assert answers == [(202, 1)]  # answered after the commit, with the row there


def test_in_a_served_process_a_tick_that_never_comes_is_a_503(
    app, client, make_event, make_officer, served, impatient
):
    event = make_event()
    _officer, token = make_officer(event)
    response = client.post(_url(event), json=fix(), headers=_bearer(token))
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "not_stored"


def _later_ack(phone) -> dict:
    """The ack the server sent after its handler returned (the test client keeps the last)."""
    _wait_until(lambda: phone.acks is not None)
    ack, phone.acks = phone.acks, None
    return ack["args"][0]


def test_in_a_served_process_the_sockets_ack_comes_from_the_ticks_commit(
    app, make_event, make_officer, tick, served
):
    event = make_event()
    _officer, token = make_officer(event)
    phone = _joined_phone(app, event, token)
    # The handler returns at once (the socket's next event is not held), unanswered.
    assert phone.emit("position", fix(), namespace="/live", callback=True) is None
    assert phone.acks is None and _stored(app) == 0
    assert tick() == 1
    assert _later_ack(phone) == {"ok": True, "accepted": 1}


def test_a_fix_sent_while_the_tick_is_overdue_is_told_not_stored_at_once(
    app, make_event, make_officer, tick, served, impatient
):
    event = make_event()
    _officer, token = make_officer(event)
    phone = _joined_phone(app, event, token)
    assert phone.emit("position", fix(), namespace="/live", callback=True) is None
    assert _later_ack(phone)["error"]["code"] == "not_stored"  # the tick's watchdog
    late = phone.emit("position", fix(seconds_ago=1), namespace="/live", callback=True)
    assert late["ok"] is False and late["error"]["code"] == "not_stored", late
    assert tick() == 1  # the first is stored all the same: sent again, it is a success
