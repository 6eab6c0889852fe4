"""Sessions end on the server: sign-out, their lifetime, a disabled user, a revoked device.

Cookies are copied the way an attacker would copy them (the raw header), so that what is
tested is the server refusing them, not the test client forgetting them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import Auth
from tests.support.scene import bearer


def cookie_of(response) -> str:
    """The session cookie a response set, as `name=value` for a Cookie header."""
    return response.headers["Set-Cookie"].split(";", 1)[0]


def with_cookie(app, cookie: str, path: str):
    return app.test_client(use_cookies=False).get(path, headers={"Cookie": cookie})


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_a_cookie_copied_before_sign_out_no_longer_works_after_it(backend, app, make_user, auth):
    _id, username = make_user("command")
    copy = cookie_of(auth.login(username))
    assert with_cookie(app, copy, "/api/v1/auth/me").status_code == 200
    assert auth.post("/api/v1/auth/logout").status_code == 204
    assert with_cookie(app, copy, "/api/v1/auth/me").status_code == 401
    assert with_cookie(app, copy, "/command").status_code == 302  # back to the login page


def test_signing_in_again_starts_a_new_session_and_ending_one_leaves_the_other(app, make_user):
    _id, username = make_user("command")
    laptop, wall = Auth(app.test_client()), Auth(app.test_client())
    laptop_cookie = cookie_of(laptop.login(username))
    wall_cookie = cookie_of(wall.login(username))
    assert laptop_cookie != wall_cookie
    laptop.post("/api/v1/auth/logout")
    assert with_cookie(app, laptop_cookie, "/api/v1/auth/me").status_code == 401
    assert with_cookie(app, wall_cookie, "/api/v1/auth/me").status_code == 200


def test_the_session_cookie_lasts_16_hours_not_flasks_31_days(app, make_user, auth):
    from email.utils import parsedate_to_datetime

    _id, username = make_user("command")
    response = auth.login(username)
    expires = response.headers["Set-Cookie"].split("Expires=", 1)[1].split(";", 1)[0]
    left = parsedate_to_datetime(expires) - datetime.now(UTC)
    assert timedelta(hours=15, minutes=59) < left <= timedelta(hours=16)
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=16)


def test_the_session_lifetime_is_configurable(monkeypatch, tmp_path):
    from fieldops.config import load_config

    monkeypatch.setenv("FIELDOPS_SESSION_HOURS", "10")
    config = load_config({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    assert config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=10)


def test_a_session_past_its_end_is_refused_though_its_cookie_is_still_signed(app, make_user, auth):
    from fieldops.auth.models import UserSession
    from fieldops.db import write_transaction
    from fieldops.extensions import db

    _id, username = make_user("command")
    copy = cookie_of(auth.login(username))
    assert with_cookie(app, copy, "/api/v1/auth/me").status_code == 200
    with app.app_context(), write_transaction():
        row = db.session.scalar(db.select(UserSession))
        assert row.expires_at - row.created_at == timedelta(hours=16)
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    assert with_cookie(app, copy, "/api/v1/auth/me").status_code == 401


def test_a_cookie_from_before_server_side_sessions_is_refused(app, make_user):
    """A cookie signed with the right key but naming no session (how every cookie issued
    before this change looks) is anonymous."""
    user_id, _username = make_user("command")
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = str(user_id)
        flask_session["_fresh"] = True
    assert client.get("/api/v1/auth/me").status_code == 401


# --- disabling staff -------------------------------------------------------------------------


@pytest.fixture
def admin(app, make_user):
    _id, username = make_user("admin")
    auth = Auth(app.test_client())
    auth.login(username)
    return auth


def test_a_disabled_user_is_signed_out_everywhere_and_cannot_sign_in(app, make_user, admin):
    user_id, username = make_user("command")
    auth = Auth(app.test_client())
    copy = cookie_of(auth.login(username))
    assert with_cookie(app, copy, "/api/v1/auth/me").status_code == 200
    disabled = admin.post(f"/api/v1/users/{user_id}/disable")
    assert disabled.status_code == 200 and disabled.get_json()["disabled_at"]
    assert with_cookie(app, copy, "/api/v1/auth/me").status_code == 401
    again = Auth(app.test_client()).login(username)
    assert again.status_code == 401
    assert again.get_json()["error"]["code"] == "account_disabled"
    assert "disabled" in again.get_json()["error"]["message"]

    assert admin.post(f"/api/v1/users/{user_id}/enable").status_code == 200
    assert Auth(app.test_client()).login(username).status_code == 200
    assert with_cookie(app, copy, "/api/v1/auth/me").status_code == 401  # old one stays ended


def test_a_disabled_user_is_told_so_on_the_sign_in_page(app, make_user, admin):
    user_id, username = make_user("command")
    admin.post(f"/api/v1/users/{user_id}/disable")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    form = {"csrf_token": token, "username": username, "password": "correct-horse-battery"}
    response = client.post("/login", data=form)
    assert response.status_code == 401
    assert "This account is disabled" in response.get_data(as_text=True)


def test_a_wrong_password_for_a_disabled_user_says_only_wrong_password(app, make_user, admin):
    user_id, username = make_user("command")
    admin.post(f"/api/v1/users/{user_id}/disable")
    response = Auth(app.test_client()).login(username, "not-the-password")
    assert response.get_json()["error"]["code"] == "invalid_credentials"


@pytest.mark.parametrize("role", ["command", "organizer"])
def test_only_admins_disable_users(app, make_user, role):
    target, _ = make_user("command")
    _id, username = make_user(role)
    auth = Auth(app.test_client())
    auth.login(username)
    assert auth.post(f"/api/v1/users/{target}/disable").status_code == 403
    assert auth.client.get("/api/v1/users").status_code == 403


def test_an_admin_cannot_disable_themselves_nor_an_officer(app, admin, make_event, make_officer):
    me = admin.client.get("/api/v1/auth/me").get_json()["user"]["id"]
    response = admin.post(f"/api/v1/users/{me}/disable")
    assert response.status_code == 422 and "your own" in response.get_json()["error"]["message"]
    officer_id, _token = make_officer(make_event())
    assert admin.post(f"/api/v1/users/{officer_id}/disable").status_code == 404


def test_admins_list_staff_logins_with_their_state(app, make_user, make_event, make_officer, admin):
    user_id, username = make_user("organizer")
    officer_id, _token = make_officer(make_event())
    admin.post(f"/api/v1/users/{user_id}/disable")
    users = admin.client.get("/api/v1/users").get_json()["users"]
    mine = next(u for u in users if u["id"] == user_id)
    assert mine["username"] == username and mine["disabled_at"]
    assert officer_id not in {u["id"] for u in users}
    assert all(u["role"] != "officer" for u in users)


# --- officers' devices -----------------------------------------------------------------------


def test_leaving_on_the_phone_ends_its_device_token_and_its_cookie(app, make_event, auth):
    event = make_event()
    joined = auth.join(event["code"], badge="4471")
    cookie, token = cookie_of(joined), joined.get_json()["device_token"]
    snapshot = f"/api/v1/events/{event['id']}/snapshot"
    assert app.test_client().get(snapshot, headers=bearer(token)).status_code == 200
    assert with_cookie(app, cookie, snapshot).status_code == 200
    left = auth.post("/api/v1/auth/logout", headers=bearer(token))
    assert left.status_code == 204
    assert app.test_client().get(snapshot, headers=bearer(token)).status_code == 401
    assert with_cookie(app, cookie, snapshot).status_code == 401


def test_command_revokes_an_officers_devices_and_the_phone_is_out(scene):
    officer_id, token = scene.officer("Dana Reyes")
    url = f"/api/v1/events/{scene.id}/officers/{officer_id}/revoke-devices"
    assert scene.organizer.post(url).status_code == 403
    response = scene.command.post(url)
    assert response.status_code == 200 and response.get_json()["revoked"] == 1
    assert scene.as_officer(token, "GET", f"/api/v1/events/{scene.id}/me").status_code == 401
    assert scene.command.post(url).get_json()["revoked"] == 0


def test_a_phone_sending_fixes_over_http_is_refused_the_moment_its_devices_are_revoked(scene):
    """The token of a phone that reports every few seconds is remembered, not looked up each
    time (fieldops.auth.device_callers): revoking it must still end it at once."""
    from tests.conftest import fix

    officer_id, token = scene.officer("Dana Reyes")
    positions = f"/api/v1/events/{scene.id}/positions"
    assert scene.as_officer(token, "POST", positions, json=fix()).status_code == 202
    url = f"/api/v1/events/{scene.id}/officers/{officer_id}/revoke-devices"
    assert scene.command.post(url).get_json()["revoked"] == 1
    refused = scene.as_officer(token, "POST", positions, json=fix())
    assert refused.status_code == 401, refused.get_json()


# --- sockets: dropped in this process at once, or by the sweep ---------------------------------


def _live_socket(app, flask_client, **kwargs):
    from fieldops.extensions import socketio

    sio = socketio.test_client(app, namespace="/live", flask_test_client=flask_client, **kwargs)
    assert sio.is_connected("/live")
    return sio


def test_signing_out_disconnects_that_sessions_socket_in_this_process_at_once(app, make_user):
    """No sweep runs in the in-process app: the disconnect comes from the commit itself."""
    _id, username = make_user("command")
    laptop, wall = Auth(app.test_client()), Auth(app.test_client())
    laptop.login(username)
    wall.login(username)
    laptop_socket = _live_socket(app, laptop.client)
    wall_socket = _live_socket(app, wall.client)
    assert laptop.post("/api/v1/auth/logout").status_code == 204
    assert not laptop_socket.is_connected("/live")
    assert wall_socket.is_connected("/live")  # the same user's other session is untouched
    wall_socket.disconnect(namespace="/live")


def test_revoking_devices_disconnects_the_phones_socket_in_this_process_at_once(scene):
    from fieldops.extensions import socketio

    officer_id, token = scene.officer("Dana Reyes")
    phone = _live_socket(scene.app, scene.app.test_client(), auth={"token": token})
    scene.command.post(f"/api/v1/events/{scene.id}/officers/{officer_id}/revoke-devices")
    assert not phone.is_connected("/live")
    # The token's caller was remembered when it connected (auth.device_callers): no more.
    again = socketio.test_client(scene.app, namespace="/live", auth={"token": token})
    assert not again.is_connected("/live")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_the_sweep_drops_sockets_whose_credentials_ended_elsewhere(backend, app, make_user):
    """What another process (or the CLI) ended is found by the sweep's next round."""
    from fieldops.auth import ending
    from fieldops.auth.models import UserSession
    from fieldops.db import utcnow, write_transaction
    from fieldops.extensions import db

    _id, username = make_user("command")
    auth = Auth(app.test_client())
    auth.login(username)
    sio = _live_socket(app, auth.client)
    since = utcnow()
    with app.app_context():
        ending.sweep(since)
        assert sio.is_connected("/live")  # nothing of it ended yet
        with write_transaction():  # as another process would: no in-process drop
            db.session.execute(db.update(UserSession).values(revoked_at=utcnow()))
        assert sio.is_connected("/live")
        ending.sweep(since)
    assert not sio.is_connected("/live")


def test_the_sweep_drops_a_socket_whose_session_reached_its_end(app, make_user, monkeypatch):
    from fieldops.auth import ending
    from fieldops.db import utcnow

    _id, username = make_user("command")
    auth = Auth(app.test_client())
    auth.login(username)
    sio = _live_socket(app, auth.client)
    with app.app_context():
        ending.sweep(utcnow())
        assert sio.is_connected("/live")
        later = utcnow() + timedelta(hours=16, seconds=1)
        monkeypatch.setattr(ending, "utcnow", lambda: later)  # 16 hours on
        ending.sweep(later)
    assert not sio.is_connected("/live")
