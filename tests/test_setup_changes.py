"""Changing what was set up: an event's window, a roster entry, a staff password, through the
services the demo seed and the CLI use, and the CLI commands operators seed with."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import STAFF_PASSWORD, Auth


def run(app, *args, input=None):
    from fieldops.cli import cli

    return app.test_cli_runner().invoke(cli, list(args), input=input)


def test_an_event_window_moves_and_a_bad_change_leaves_it_as_it_was(app, make_event):
    from fieldops.db import write_transaction
    from fieldops.errors import ApiError
    from fieldops.events import services
    from fieldops.events.models import Event
    from fieldops.extensions import db

    event_id = make_event()["id"]
    later = datetime.now(UTC) + timedelta(days=1)
    with app.app_context():
        with write_transaction():
            event = db.session.get(Event, event_id)
            services.change_event(event, starts_at=later, ends_at=later + timedelta(hours=3))
        with pytest.raises(ApiError) as refused, write_transaction():
            services.change_event(db.session.get(Event, event_id), timezone="Mars/Olympus")
        assert refused.value.field == "timezone"
        db.session.remove()
        event = db.session.get(Event, event_id)
        assert (event.starts_at, event.timezone) == (later, "UTC")


def test_moving_a_roster_entry_moves_the_officer_on_the_command_map(scene, app, make_post):
    """events.roster signals the change; tracking refreshes its live picture after the commit."""
    from fieldops.db import write_transaction
    from fieldops.events import roster
    from fieldops.events.models import Assignment, Event, Post
    from fieldops.extensions import db

    officer_id, _token = scene.officer("Dana Reyes", on_shift=False)
    gate = make_post(scene.id, name="North gate", lat=40.66, lon=-74.01)
    now = datetime.now(UTC)
    with app.app_context(), write_transaction():
        event = db.session.get(Event, scene.id)
        roster.assign(
            event,
            officer=_user(officer_id),
            post=db.session.get(Post, scene.post_id),
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=4),
        )
    assert scene.officer_state(officer_id)["post"]["name"] == "Mile 3 water"
    with app.app_context(), write_transaction():
        entry = db.session.scalar(db.select(Assignment).where(Assignment.officer_id == officer_id))
        roster.change_assignment(entry, post=db.session.get(Post, gate))
    assert scene.officer_state(officer_id)["post"]["name"] == "North gate"
    with app.app_context(), write_transaction():
        entry = db.session.scalar(db.select(Assignment).where(Assignment.officer_id == officer_id))
        roster.remove_assignment(entry)
    assert scene.officer_state(officer_id)["post"] is None


def _user(officer_id: int):
    from fieldops.auth.models import User
    from fieldops.extensions import db

    return db.session.get(User, officer_id)


def test_a_new_password_ends_the_old_one_and_its_sessions(app, make_user):
    _id, username = make_user("command")
    signed_in = Auth(app.test_client())
    assert signed_in.login(username).status_code == 200
    result = run(app, "user", "set-password", "--username", username, "--password-stdin",
                 input="a-brand-new-passphrase\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert signed_in.client.get("/api/v1/auth/me").status_code == 401
    assert Auth(app.test_client()).login(username).status_code == 401
    assert Auth(app.test_client()).login(username, "a-brand-new-passphrase").status_code == 200
    short = run(app, "user", "set-password", "--username", username, "--password-stdin",
                input="short\n")  # fmt: skip
    assert short.exit_code != 0 and "at least 10 characters" in short.output


def test_user_create_reads_the_password_from_stdin(app):
    result = run(app, "user", "create", "--role", "organizer", "--username", "org",
                 "--password-stdin", input=f"{STAFF_PASSWORD}\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert Auth(app.test_client()).login("org").status_code == 200


def test_user_import_creates_every_login_or_none(app):
    rows = f"ana,admin,{STAFF_PASSWORD}\ncarl,command,{STAFF_PASSWORD},Carl Duty\n"
    result = run(app, "user", "import", input=rows)
    assert result.exit_code == 0, result.output
    assert "created admin ana" in result.output and "created command carl" in result.output
    assert Auth(app.test_client()).login("carl").status_code == 200
    bad = run(app, "user", "import", input=f"dee,admin,{STAFF_PASSWORD}\neve,pilot,x\n")
    assert bad.exit_code != 0 and "line 2" in bad.output
    assert Auth(app.test_client()).login("dee").status_code == 401  # line 1 rolled back


def test_officer_enroll_gives_each_officer_a_working_device_token(app, make_event, tmp_path):
    event = make_event()
    out = tmp_path / "tokens.json"
    rows = "Dana Reyes,4471\nSam Okafor,4472\n"
    result = run(app, "officer", "enroll", "--event", str(event["id"]), "--tokens", str(out),
                 input=rows)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "enrolled 2 officer(s)" in result.output
    officers = json.loads(out.read_text())["officers"]
    assert [o["badge"] for o in officers] == ["4471", "4472"]
    me = app.test_client().get(
        f"/api/v1/events/{event['id']}/me",
        headers={"Authorization": f"Bearer {officers[1]['token']}"},
    )
    assert me.status_code == 200 and me.get_json()["officer"]["name"] == "Sam Okafor"
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_only_an_admin_changes_a_post_over_http_and_a_bad_value_is_named(scene, make_user):
    url = f"/api/v1/posts/{scene.post_id}"
    admin = scene.staff(make_user, "admin")

    def patch(who, body):
        return who.client.patch(url, json=body, headers={"X-CSRF-Token": who.csrf})

    assert patch(scene.command, {"orders": "x"}).status_code == 403
    assert patch(scene.organizer, {"orders": "x"}).status_code == 403
    refused = patch(admin, {"radius_m": "wide"})
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "radius_m"
    assert patch(admin, {"radius_m": 0}).get_json()["error"]["field"] == "radius_m"
    changed = patch(admin, {"orders": "Watch the barrier", "lat": 40.651})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["orders"] == "Watch the barrier"
    assert changed.get_json()["radius_m"] == 50  # not given: kept
    missing = admin.client.patch(
        "/api/v1/posts/999999", json={"orders": "x"}, headers={"X-CSRF-Token": admin.csrf}
    )
    assert missing.status_code == 404
