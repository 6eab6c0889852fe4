"""Staff sign in with a password; officers join an event with its code and get a device token."""

import pytest

from tests.conftest import Auth


def test_staff_login_sets_an_httponly_samesite_session_cookie(client, make_user, auth):
    _id, username = make_user("command")
    response = auth.login(username)
    assert response.status_code == 200
    assert response.get_json()["user"]["role"] == "command"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_wrong_password_is_refused_with_a_json_error(client, make_user, auth):
    _id, username = make_user("command")
    response = auth.login(username, "not-the-password")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"


def test_login_needs_a_json_body(client):
    response = client.post(
        "/api/v1/auth/login",
        data="username=a&password=b",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415


def test_login_names_the_missing_field(client):
    response = client.post("/api/v1/auth/login", json={"username": "x"})
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "password"


def test_passwords_are_stored_as_strong_hashes(app, make_user):
    from fieldops.auth.models import User
    from fieldops.extensions import db

    user_id, _ = make_user("admin")
    with app.app_context():
        stored = db.session.get(User, user_id).password_hash
    assert stored.startswith(("scrypt:", "pbkdf2:")) and "correct-horse" not in stored


def test_officer_joins_with_code_and_gets_a_device_token_and_qr(client, make_event, auth):
    event = make_event()
    response = auth.join(event["code"].lower(), name="Dana Reyes", badge="4471")
    assert response.status_code == 201
    body = response.get_json()
    assert body["event"]["id"] == event["id"]
    assert len(body["device_token"]) >= 20
    assert body["device_token_qr"].startswith("<?xml") or "<svg" in body["device_token_qr"]
    assert body["officer"]["role"] == "officer" and body["officer"]["badge"] == "4471"


def test_join_by_event_id_answers_201_with_the_token(client, make_event):
    event = make_event()
    response = client.post(
        f"/api/v1/events/{event['id']}/join",
        json={"code": event["code"], "name": "A", "badge": "1"},
    )
    assert response.status_code == 201 and response.get_json()["device_token"]


def test_wrong_code_is_refused_and_names_the_field(client, make_event):
    event = make_event()
    response = client.post(
        f"/api/v1/events/{event['id']}/join", json={"code": "WRONG1", "name": "A", "badge": "1"}
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["field"] == "code"


@pytest.mark.parametrize("missing", ["name", "badge", "code"])
def test_join_names_each_missing_field(client, make_event, missing):
    event = make_event()
    body = {"code": event["code"], "name": "A", "badge": "1"}
    body.pop(missing)
    response = client.post("/api/v1/join", json=body)
    assert response.status_code in (404, 422)
    assert response.get_json()["error"]["field"] == missing


def test_a_second_phone_with_the_same_badge_becomes_that_officer_only_once_command_approves(
    app, make_event, auth, scene
):
    """Joining again with a badge already at the event is no longer silent: the phone waits
    (202); once command approves, it is the same officer record with a token of its own."""
    event = scene.event
    first = auth.join(event["code"], badge="77").get_json()
    other = Auth(app.test_client())
    waiting = other.join(event["code"], badge="77")
    assert waiting.status_code == 202
    body = waiting.get_json()
    request_id, secret = body["request"]["id"], body["request_secret"]
    approved = scene.command.post(f"/api/v1/device-requests/{request_id}/approve")
    assert approved.status_code == 200, approved.get_json()
    second = other.client.post(body["poll_url"], json={"secret": secret}).get_json()
    assert first["officer"]["id"] == second["officer"]["id"]
    assert first["device_token"] != second["device_token"]


def test_officer_sees_only_events_they_joined(client, make_event, auth):
    mine, other = make_event(name="Mine"), make_event(name="Other")
    auth.join(mine["code"])
    assert client.get(f"/api/v1/events/{mine['id']}/snapshot").status_code == 200
    response = client.get(f"/api/v1/events/{other['id']}/snapshot")
    assert response.status_code == 403
    listed = client.get("/api/v1/events").get_json()["events"]
    assert [e["id"] for e in listed] == [mine["id"]]


def test_device_token_is_good_for_its_own_event_only(client, make_event, make_officer):
    mine, other = make_event(name="Mine"), make_event(name="Other")
    _officer, token = make_officer(mine)
    make_officer(other)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/events/{mine['id']}/snapshot", headers=headers).status_code == 200
    assert client.get(f"/api/v1/events/{other['id']}/snapshot", headers=headers).status_code == 403


def test_unknown_bearer_token_is_401(client, make_event):
    event = make_event()
    response = client.get(
        f"/api/v1/events/{event['id']}/snapshot", headers={"Authorization": "Bearer nope"}
    )
    assert response.status_code == 401


def test_session_writes_without_the_csrf_header_are_refused(client, make_event, auth):
    event = make_event()
    auth.join(event["code"])
    response = client.post(f"/api/v1/events/{event['id']}/status", json={"status": "on_break"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "csrf"
    off_shift = auth.post(f"/api/v1/events/{event['id']}/status", json={"status": "on_break"})
    assert off_shift.status_code == 409 and off_shift.get_json()["error"]["code"] == "not_on_shift"


@pytest.mark.parametrize("role,status", [("admin", 201), ("command", 403), ("organizer", 403)])
def test_only_admins_create_events(client, make_user, auth, role, status):
    _id, username = make_user(role)
    auth.login(username)
    response = auth.post(
        "/api/v1/events",
        json={
            "name": "Turkey Trot",
            "kind": "other",
            "starts_at": "2026-11-26T08:00:00-05:00",
            "ends_at": "2026-11-26T13:00:00-05:00",
            "timezone": "America/New_York",
        },
    )
    assert response.status_code == status


def test_anonymous_callers_get_401_everywhere(client, make_event):
    event = make_event()
    for url in (
        f"/api/v1/events/{event['id']}/snapshot",
        "/api/v1/events",
        f"/api/v1/events/{event['id']}/me",
    ):
        assert client.get(url).status_code == 401
    assert client.post(f"/api/v1/events/{event['id']}/positions", json={}).status_code == 401


def _sign_in_with_next(client, username: str, next_value: str):
    from urllib.parse import quote

    page = client.get("/login")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    return client.post(
        f"/login?next={quote(next_value, safe='')}",
        data={"csrf_token": token, "username": username, "password": "correct-horse-battery"},
    )


HOSTILE_NEXT = [
    "//evil.example/x",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "https://evil.example/",
    "http:/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "/ /evil.example",
    "/\x00/evil.example",
    "/\u200b/evil.example",
    "/\u2028/evil.example",
    "/\x7f/evil.example",
    "///evil.example",
    "",
]


@pytest.mark.parametrize("next_value", HOSTILE_NEXT, ids=repr)
def test_login_page_never_redirects_off_this_site(client, make_user, next_value):
    _id, username = make_user("command")
    response = _sign_in_with_next(client, username, next_value)
    assert response.status_code == 302 and response.headers["Location"] == "/command"


@pytest.mark.parametrize("next_value", ["/command?event=3", "/officer", "/command#map"])
def test_login_page_follows_a_path_on_this_site(client, make_user, next_value):
    _id, username = make_user("command")
    response = _sign_in_with_next(client, username, next_value)
    assert response.status_code == 302 and response.headers["Location"] == next_value
