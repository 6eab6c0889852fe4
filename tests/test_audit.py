"""The audit trail (issue 12): sign-ins and their failures, sign-outs and revoked tokens, user
and role changes, throttling, codes and PINs, each recorded once with who, what and from where,
never a secret; readable by admins only; and append-only in the database itself."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy.exc import DBAPIError

from tests.conftest import STAFF_PASSWORD, Auth
from tests.support.scene import bearer

WRONG_PASSWORD = "not-the-password-42"
BOTH_DATABASES = pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def admin(app, make_user):
    """A signed-in admin's client: reads the trail as the product's admin would."""
    admin_id, name = make_user("admin")
    auth = Auth(app.test_client())
    assert auth.login(name).status_code == 200
    auth.id = admin_id
    return auth


def trail(admin: Auth, **params) -> list[dict]:
    answer = admin.client.get("/api/v1/audit", query_string=params)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["entries"]


def actions(entries: list[dict]) -> list[str]:
    return [e["action"] for e in entries]


def run(app, *args, input: str | None = None):
    from fieldops.cli import cli

    return app.test_cli_runner().invoke(cli, list(args), input=input)


# --- signing in and out ----------------------------------------------------------------------


@BOTH_DATABASES
def test_a_failed_and_a_succeeded_sign_in_are_recorded_without_the_password(
    client, make_user, admin
):
    user_id, name = make_user("command")
    wrong = client.post("/api/v1/auth/login", json={"username": name, "password": WRONG_PASSWORD})
    assert wrong.status_code == 401
    stranger = client.post(
        "/api/v1/auth/login", json={"username": "nobody-here", "password": WRONG_PASSWORD}
    )
    assert stranger.status_code == 401
    right = client.post("/api/v1/auth/login", json={"username": name, "password": STAFF_PASSWORD})
    assert right.status_code == 200

    answer = admin.client.get("/api/v1/audit?action=login.failed,login.succeeded")
    assert WRONG_PASSWORD not in answer.get_data(as_text=True)
    assert STAFF_PASSWORD not in answer.get_data(as_text=True)
    succeeded, unknown, failed = answer.get_json()["entries"][:3]  # newest first
    assert failed["action"] == "login.failed"
    assert failed["subject"] == f"user:{user_id}" and failed["actor_user_id"] is None
    assert failed["detail"]["username"] == name
    assert failed["detail"]["reason"] == "invalid_credentials"
    assert failed["address"] == "127.0.0.1"
    assert failed["detail"]["agent"].startswith("Werkzeug")
    assert unknown["action"] == "login.failed" and unknown["subject"] is None
    assert unknown["detail"]["username"] == "nobody-here"
    assert succeeded["action"] == "login.succeeded"
    assert succeeded["subject"] == f"user:{user_id}" and succeeded["actor_user_id"] == user_id
    assert succeeded["at"].endswith("Z")


def test_a_right_password_for_a_disabled_login_is_a_failed_sign_in(client, make_user, admin):
    user_id, name = make_user("command")
    assert admin.post(f"/api/v1/users/{user_id}/disable").status_code == 200
    refused = client.post("/api/v1/auth/login", json={"username": name, "password": STAFF_PASSWORD})
    assert refused.status_code == 401
    failed = trail(admin, action="login.failed")[0]
    assert failed["detail"]["reason"] == "account_disabled"
    deactivated = trail(admin, action="user.deactivated")[0]
    assert deactivated["subject"] == f"user:{user_id}" and deactivated["actor_user_id"] == admin.id


def test_a_refused_sign_in_stays_a_401_when_the_trail_cannot_be_written(
    client, make_user, monkeypatch
):
    from fieldops.audit import services

    def broken(*_args, **_kwargs):
        raise RuntimeError("the disk is full")

    _id, name = make_user("command")
    monkeypatch.setattr(services, "record", broken)
    wrong = client.post("/api/v1/auth/login", json={"username": name, "password": "x"})
    assert wrong.status_code == 401
    assert wrong.get_json()["error"]["code"] == "invalid_credentials"


def test_signing_out_and_a_phone_leaving_are_recorded(
    app, make_user, make_event, make_officer, admin
):
    user_id, name = make_user("command")
    command = Auth(app.test_client())
    assert command.login(name).status_code == 200
    assert command.post("/api/v1/auth/logout").status_code == 204
    logout = trail(admin, action="logout")[0]
    assert logout["subject"] == f"user:{user_id}" and logout["actor_user_id"] == user_id

    event = make_event()
    officer_id, token = make_officer(event, name="Dana Reyes", badge="4471")
    phone = app.test_client()
    assert phone.post("/api/v1/auth/logout", headers=bearer(token)).status_code == 204
    left = trail(admin, action="token.revoked")[0]
    assert left["subject"] == f"user:{officer_id}" and left["actor_user_id"] == officer_id
    assert left["detail"] == {"event_id": event["id"], "tokens": 1, "reason": "signed_out"}
    assert token not in json.dumps(trail(admin))  # the token itself, never

    issued = trail(admin, action="token.issued", subject=f"user:{officer_id}")
    assert len(issued) == 1 and issued[0]["detail"]["event_id"] == event["id"]


def test_revoking_an_officers_phones_names_who_did_it(
    app, make_user, make_event, make_officer, admin
):
    event = make_event()
    officer_id, _token = make_officer(event, name="Dana Reyes", badge="4471")
    _id, name = make_user("command")
    command = Auth(app.test_client())
    command.login(name)
    url = f"/api/v1/events/{event['id']}/officers/{officer_id}/revoke-devices"
    assert command.post(url).get_json()["revoked"] == 1
    revoked = trail(admin, action="token.revoked")[0]
    assert revoked["actor_user_id"] == _id and revoked["detail"]["reason"] == "revoked"


# --- users and roles -------------------------------------------------------------------------


@BOTH_DATABASES
def test_a_role_change_records_the_old_role_and_the_new_and_ends_the_sessions(
    app, make_user, admin
):
    user_id, name = make_user("command")
    them = Auth(app.test_client())
    assert them.login(name).status_code == 200
    changed = admin.client.patch(
        f"/api/v1/users/{user_id}",
        json={"role": "organizer"},
        headers={"X-CSRF-Token": admin.csrf},
    )
    assert changed.status_code == 200 and changed.get_json()["role"] == "organizer"
    entry = trail(admin, action="user.role_changed")[0]
    assert entry["subject"] == f"user:{user_id}" and entry["actor_user_id"] == admin.id
    assert entry["detail"] == {"from": "command", "to": "organizer", "sessions_ended": 1}
    assert them.client.get("/api/v1/auth/me").status_code == 401  # signs in again as organizer
    assert them.login(name).get_json()["user"]["role"] == "organizer"


def test_an_admin_renames_a_login_but_cannot_change_their_own_role(admin, make_user):
    user_id, _name = make_user("organizer")
    headers = {"X-CSRF-Token": admin.csrf}
    renamed = admin.client.patch(
        f"/api/v1/users/{user_id}", json={"name": "Principal Ortiz"}, headers=headers
    )
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Principal Ortiz"
    assert trail(admin, action="user.updated")[0]["detail"] == {"changed": ["name"]}
    own = admin.client.patch(f"/api/v1/users/{admin.id}", json={"role": "command"}, headers=headers)
    assert own.status_code == 422
    officer = admin.client.patch(
        f"/api/v1/users/{user_id}", json={"role": "officer"}, headers=headers
    )
    assert officer.status_code == 422 and officer.get_json()["error"]["field"] == "role"
    assert not trail(admin, action="user.role_changed")


def test_user_changes_from_the_command_line_are_recorded_without_passwords(app, admin):
    imported = run(
        app,
        "user",
        "import",
        input="ana,command,ana-secret-pass\nbo,organizer,bo-secret-pass,Bo Lee\n",
    )
    assert imported.exit_code == 0, imported.output
    new_password = "a-brand-new-password"
    changes = [
        run(
            app, "user", "set-password", "--username", "ana", "--password-stdin", input=new_password
        ),
        run(app, "user", "set-role", "--username", "ana", "--role", "organizer"),
        run(app, "user", "disable", "--username", "bo"),
        run(app, "user", "enable", "--username", "bo"),
    ]
    assert all(r.exit_code == 0 for r in changes), [r.output for r in changes]
    assert "ana is now organizer" in changes[1].output
    entries = trail(admin)
    assert actions(entries)[:6] == [
        "user.reactivated",
        "user.deactivated",
        "user.role_changed",
        "user.password_changed",
        "user.created",
        "user.created",
    ]
    created = entries[4:6]
    assert {e["detail"]["username"] for e in created} == {"ana", "bo"}
    assert all(e["actor_user_id"] is None and e["address"] is None for e in entries[:6])
    text = json.dumps(entries)
    assert "secret-pass" not in text and new_password not in text

    listed = run(app, "audit", "--action", "user.created", "--limit", "2")
    assert listed.exit_code == 0, listed.output
    assert listed.output.count("user.created") == 2 and "ana" in listed.output


# --- throttling ------------------------------------------------------------------------------


def test_a_sign_in_lockout_is_recorded_once_however_many_attempts_it_refuses(
    client, make_user, admin
):
    _id, name = make_user("command")
    answers = [
        client.post("/api/v1/auth/login", json={"username": name, "password": "x"}).status_code
        for _ in range(15)
    ]
    assert answers == [401] * 5 + [429] * 10
    lockouts = trail(admin, action="throttle.triggered")
    assert len(lockouts) == 1
    assert lockouts[0]["subject"] == f"username:{name}"
    assert lockouts[0]["detail"]["rule"] == "login-user"
    assert lockouts[0]["detail"]["limit"] == "5 per 10 minutes"
    assert len(trail(admin, action="login.failed")) == 5  # refused ones are not failures


def test_guessing_codes_is_recorded_once_per_address(client, make_event, admin):
    make_event()
    answers = [
        client.post("/api/v1/join", json={"code": "ZZZZZZ", "name": "Pat", "badge": "1"})
        for _ in range(25)
    ]
    assert [a.status_code for a in answers] == [404] * 20 + [429] * 5
    lockouts = trail(admin, action="throttle.triggered")
    assert [(e["subject"], e["detail"]["rule"]) for e in lockouts] == [
        ("address:127.0.0.1", "code-address")
    ]
    assert "ZZZZZZ" not in json.dumps(trail(admin))


def test_a_flood_from_one_phone_is_recorded_once_with_its_alarm(
    client, make_event, make_officer, admin
):
    event = make_event()
    officer_id, token = make_officer(event, name="Kit Flood", badge="4242")
    url = f"/api/v1/events/{event['id']}/help"
    answers = [
        client.post(
            url,
            json={"client_id": str(uuid.uuid4()), "lat": 40.6, "lon": -74.0},
            headers=bearer(token),
        ).status_code
        for _ in range(12)
    ]
    assert answers == [201] * 5 + [429] * 7
    floods = trail(admin, action="throttle.triggered")
    assert len(floods) == 1
    assert floods[0]["subject"] == f"user:{officer_id}"
    assert floods[0]["detail"]["rule"] == "help-officer"
    assert floods[0]["detail"]["event_id"] == event["id"]


# --- codes, PINs and the school's administrator ----------------------------------------------


def test_a_new_join_pin_staff_code_and_school_administrator_are_recorded_never_the_secrets(
    admin, make_user, make_event, make_officer
):
    event = make_event(kind="school")
    officer_id, _token = make_officer(event, name="Dana Reyes", badge="4471")
    principal_id, _name = make_user("organizer")
    pin = admin.post(f"/api/v1/events/{event['id']}/officers/{officer_id}/join-pin")
    assert pin.status_code == 201
    staff_code = admin.post(f"/api/v1/events/{event['id']}/staff-code").get_json()["staff_code"]
    designated = admin.client.put(
        f"/api/v1/events/{event['id']}/school-admin",
        json={"user_id": principal_id},
        headers={"X-CSRF-Token": admin.csrf},
    )
    assert designated.status_code == 200

    school_admin, code, issued = trail(admin)[:3]
    assert issued["action"] == "join_pin.issued" and issued["subject"] == f"user:{officer_id}"
    assert issued["actor_user_id"] == admin.id
    assert code["action"] == "staff_code.changed" and code["subject"] == f"event:{event['id']}"
    assert school_admin["action"] == "school_admin.changed"
    assert school_admin["detail"] == {"from": None, "to": principal_id}
    text = json.dumps(trail(admin))
    assert pin.get_json()["join_pin"] not in text and staff_code not in text


def test_three_wrong_pins_lock_the_pin_and_say_so_once(app, admin, make_event, make_officer):
    event = make_event()
    officer_id, _token = make_officer(event, name="Dana Reyes", badge="4471")
    admin.post(f"/api/v1/events/{event['id']}/officers/{officer_id}/join-pin")
    for _ in range(4):
        phone = Auth(app.test_client())
        answer = phone.join(event["code"], name="Dana Reyes", badge="4471", pin="000000")
        assert answer.status_code == 202  # a request for command to decide
    locked = trail(admin, action="join_pin.locked")
    assert len(locked) == 1 and locked[0]["subject"] == f"user:{officer_id}"


# --- reading the trail -----------------------------------------------------------------------


def _area_lead_token(admin: Auth, client, make_event) -> str:
    from tests.test_campus import CAMPUS_FILE, put_campus

    event = make_event("Lincoln Elementary", kind="school")
    assert put_campus(admin, event["id"], json.loads(CAMPUS_FILE.read_text())).status_code == 200
    listed = admin.client.get("/api/v1/events").get_json()["events"]
    code = next(e for e in listed if e["id"] == event["id"])["staff_code"]
    areas = client.get(f"/api/v1/lead/areas?code={code}").get_json()["areas"]
    body = {"code": code, "name": "Ms Park", "area_ids": [areas[0]["id"]]}
    joined = client.post("/api/v1/lead/join", json=body)
    assert joined.status_code == 201, joined.get_json()
    return joined.get_json()["device_token"]


@pytest.mark.parametrize("role", ["command", "organizer", "officer", "area_lead"])
def test_only_admins_read_the_trail(admin, client, make_user, make_event, make_officer, role):
    assert client.get("/api/v1/audit").status_code == 401
    assert admin.client.get("/api/v1/audit").status_code == 200
    if role == "officer":
        _id, token = make_officer(make_event())
        answer = client.get("/api/v1/audit", headers=bearer(token))
    elif role == "area_lead":
        token = _area_lead_token(admin, client, make_event)
        answer = client.get("/api/v1/audit", headers=bearer(token))
    else:
        _id, name = make_user(role)
        assert Auth(client).login(name).status_code == 200
        answer = client.get("/api/v1/audit")
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "forbidden"


def test_the_trail_pages_back_newest_first_and_filters(client, make_user, admin):
    _id, name = make_user("command")
    for _ in range(3):
        client.post("/api/v1/auth/login", json={"username": name, "password": "x"})
    first = admin.client.get("/api/v1/audit?action=login.failed&limit=2").get_json()
    ids = [e["id"] for e in first["entries"]]
    assert len(ids) == 2 and ids == sorted(ids, reverse=True)
    rest = admin.client.get(
        f"/api/v1/audit?action=login.failed&limit=2&before_id={first['next_before_id']}"
    ).get_json()
    assert len(rest["entries"]) == 1 and rest["entries"][0]["id"] < ids[-1]
    assert trail(admin, since="2999-01-01T00:00:00Z") == []
    assert len(trail(admin, since="2000-01-01T00:00:00Z", action="login.failed")) == 3
    for params, field in [
        ({"action": "login.maybe"}, "action"),
        ({"since": "yesterday"}, "since"),
        ({"since": "9999-12-31T23:59:59-05:00"}, "since"),
        ({"limit": "0"}, "limit"),
        ({"before_id": "99999999999999999999999"}, "before_id"),
        ({"subject": "user:\x00"}, "subject"),
    ]:
        answer = admin.client.get("/api/v1/audit", query_string=params)
        assert answer.status_code == 422, params
        assert answer.get_json()["error"]["field"] == field


# --- append-only, in the database itself -----------------------------------------------------


@BOTH_DATABASES
def test_the_database_refuses_to_change_or_remove_an_entry(app, client, make_user):
    from fieldops.extensions import db

    _id, name = make_user("command")
    client.post("/api/v1/auth/login", json={"username": name, "password": "x"})
    with app.app_context():
        count = "SELECT count(*) FROM audit_entries"
        before = db.session.execute(db.text(count)).scalar()
        assert before >= 2  # the user's creation and the failed sign-in
        statements = [
            "UPDATE audit_entries SET detail = '{}'",
            "DELETE FROM audit_entries",
        ]
        if db.engine.dialect.name == "postgresql":
            statements.append("TRUNCATE audit_entries")
        for statement in statements:
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(db.text(statement))
            db.session.rollback()
        assert db.session.execute(db.text(count)).scalar() == before


def test_an_entry_never_holds_a_secret(app):
    from fieldops.audit import services
    from fieldops.audit.models import AuditAction
    from fieldops.db import write_transaction

    with app.app_context():
        for key in ("password", "token", "code", "pin", "staff_code", "join_pin"):
            with pytest.raises(ValueError, match="never holds"), write_transaction():
                services.record(AuditAction.USER_UPDATED, detail={key: "s3cret"})
