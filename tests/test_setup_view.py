"""An event's set-up (details, course, posts, campus) is built once per version for every
join's snapshot (fieldops.events.setup_view): each change to it makes a new version in the same
transaction, whichever way it was made, and nothing else does."""

from __future__ import annotations

import os

import pytest

from tests.conftest import STAFF_PASSWORD, fix

NYC_COURSE = "fieldops/data/nyc-marathon-course.geojson"


@pytest.fixture
def admin(app, make_user, auth):
    _id, username = make_user("admin")
    assert auth.login(username, STAFF_PASSWORD).status_code == 200
    return auth


def snapshot(admin, event_id: int) -> dict:
    response = admin.client.get(f"/api/v1/events/{event_id}/snapshot")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def revision(app, event_id: int) -> int:
    from fieldops.events.models import Event
    from fieldops.extensions import db

    with app.app_context():
        db.session.remove()
        return db.session.get(Event, event_id).setup_revision


def test_each_change_to_the_set_up_is_in_the_next_snapshot(app, admin, make_event):
    event_id = make_event()["id"]
    assert snapshot(admin, event_id)["posts"] == []  # the first version, now kept
    steps = [
        ("post", f"/api/v1/events/{event_id}/posts",
         {"name": "Mile 3 water", "kind": "water_station", "lat": 40.7, "lon": -73.99}),
        ("campus", f"/api/v1/events/{event_id}/campus/features",
         {"kind": "assembly", "name": "Field", "lat": 40.701, "lon": -73.99}),
    ]  # fmt: skip
    for what, url, body in steps:
        before = revision(app, event_id)
        assert admin.post(url, json=body).status_code == 201, what
        assert revision(app, event_id) == before + 1, what
    seen = snapshot(admin, event_id)
    assert [p["name"] for p in seen["posts"]] == ["Mile 3 water"]
    assert [f["name"] for f in seen["campus"]] == ["Field"]

    post_id = seen["posts"][0]["id"]
    moved = admin.client.patch(
        f"/api/v1/posts/{post_id}", json={"orders": "Keep the left lane open"},
        headers={"X-CSRF-Token": admin.csrf},
    )  # fmt: skip
    assert moved.status_code == 200, moved.get_json()
    assert snapshot(admin, event_id)["posts"][0]["orders"] == "Keep the left lane open"

    course = admin.client.put(
        f"/api/v1/events/{event_id}/course?filename=nyc.geojson",
        data=open(NYC_COURSE, "rb").read(), headers={"X-CSRF-Token": admin.csrf},
    )  # fmt: skip
    assert course.status_code == 200, course.get_json()
    assert snapshot(admin, event_id)["course"]["length_m"] == course.get_json()["length_m"]


def test_an_event_renamed_is_in_the_next_snapshot_and_the_phones_page(
    app, admin, make_event, make_officer, client
):
    from fieldops.db import write_transaction
    from fieldops.events import services
    from fieldops.events.models import Event
    from fieldops.extensions import db

    event = make_event(name="City 10K")
    event_id = event["id"]
    _officer_id, token = make_officer(event)
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/events/{event_id}/me", headers=bearer).get_json()["event"][
        "name"] == "City 10K"  # fmt: skip
    assert snapshot(admin, event_id)["event"]["name"] == "City 10K"
    with app.app_context(), write_transaction():
        services.change_event(db.session.get(Event, event_id), name="City Half")
    me = client.get(f"/api/v1/events/{event_id}/me", headers=bearer).get_json()
    assert me["event"]["name"] == "City Half"
    assert snapshot(admin, event_id)["event"]["name"] == "City Half"


def test_a_change_rolled_back_is_never_kept(app, admin, make_event):
    """A snapshot read in the transaction that changed the set-up sees the change, and keeps
    nothing: the next change committed, which has the version number the abandoned one had,
    is not mistaken for it."""
    from fieldops.db import write_transaction
    from fieldops.events import services, setup_view
    from fieldops.events.models import Event
    from fieldops.extensions import db

    event_id = make_event()["id"]
    assert snapshot(admin, event_id)["posts"] == []
    stored = revision(app, event_id)

    class Abandoned(Exception):
        pass

    with app.app_context(), pytest.raises(Abandoned), write_transaction():
        event = db.session.get(Event, event_id)
        services.add_post(event, name="Never", kind="other", lat=40.7, lon=-73.99)
        assert [p["name"] for p in setup_view.for_snapshot(event)["posts"]] == ["Never"]
        raise Abandoned
    assert revision(app, event_id) == stored
    with app.app_context(), write_transaction():  # the version number the abandoned one had
        services.add_post(
            db.session.get(Event, event_id), name="Kept", kind="other", lat=40.7, lon=-73.99
        )
    assert [p["name"] for p in snapshot(admin, event_id)["posts"]] == ["Kept"]


def test_what_is_not_set_up_makes_no_new_version(app, admin, scene, tick):
    """Officers joining, checking in, moving and changing status leave the set-up as it was:
    the version kept serves every join of a busy event."""
    officer_id, token = scene.officer("Ana Ruiz", on_shift=True)
    bearer = {"Authorization": f"Bearer {token}"}
    before = revision(app, scene.id)
    kept = snapshot(admin, scene.id)
    sent = admin.client.post(f"/api/v1/events/{scene.id}/positions", json=fix(), headers=bearer)
    assert sent.status_code == 202, sent.get_json()
    assert admin.client.post(
        f"/api/v1/events/{scene.id}/status", json={"status": "on_break"}, headers=bearer
    ).status_code == 200  # fmt: skip
    tick()
    assert revision(app, scene.id) == before
    again = snapshot(admin, scene.id)
    assert {k: again[k] for k in ("event", "posts", "campus", "course")} == {
        k: kept[k] for k in ("event", "posts", "campus", "course")
    }
    assert next(o for o in again["officers"] if o["id"] == officer_id)["status"] == "on_break"


@pytest.mark.live
def test_a_change_from_another_process_is_seen(app, admin, make_event, tmp_path):
    """The `fieldops` command (another process, as an operator runs it beside the server) adds a
    post: this app's next snapshot has it, though it kept the version before."""
    from tests.support.live_server import fieldops_command

    event_id = make_event()["id"]
    assert snapshot(admin, event_id)["posts"] == []
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDOPS_")} | {
        "FIELDOPS_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "FIELDOPS_SECRET_KEY": "test-secret",
        "FIELDOPS_INSTANCE_PATH": str(tmp_path / "cli"),
        "FIELDOPS_ASYNC_MODE": "threading",
    }
    fieldops_command(
        env, "post", "add", "--event", str(event_id), "--name", "Gate B", "--kind", "other",
        "--lat", "40.7", "--lon", "-73.99",
    )  # fmt: skip
    assert [p["name"] for p in snapshot(admin, event_id)["posts"]] == ["Gate B"]
