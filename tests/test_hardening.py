"""Hostile input and what a browser may do with a response (issue 12, first steps): headers on
every response, ids past the database's range, bodies too deep or too big, the CSRF token on
logout and renewed at login, Secure cookies over TLS."""

from __future__ import annotations

import pytest

from tests.conftest import STAFF_PASSWORD
from tests.support.scene import report_body

DEEP = "[" * 950 + "]" * 950


@pytest.mark.parametrize("path", ["/login", "/api/v1/auth/me", "/api/v1/nope", "/officer"])
def test_every_response_says_what_the_browser_may_do_with_it(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events/99999999999999999999",
        "/api/v1/incidents/9223372036854775808",
        "/api/v1/drills/99999999999999999999",
        "/events/99999999999999999999/report",
    ],
)
def test_an_id_past_the_databases_range_is_not_found(auth, make_user, path):
    _id, name = make_user("command")
    assert auth.login(name).status_code == 200
    response = auth.client.get(path)
    assert response.status_code == 404, response.get_data(as_text=True)[:200]


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/v1/join", {"Content-Type": "application/json"}),
        ("/api/v1/auth/login", {"Content-Type": "application/json"}),
        ("/api/v1/lead/join", {"Content-Type": "application/json"}),
        ("/track/osmand", {"Content-Type": "application/json"}),
        ("/track/owntracks", {"Content-Type": "application/json"}),
    ],
)
def test_a_body_nested_too_deep_is_refused_before_it_is_parsed(
    client, make_event, make_officer, path, headers
):
    import base64

    event = make_event()
    _id, token = make_officer(event, name="Pat Officer", badge="7001")
    basic = base64.b64encode(f"7001:{token}".encode()).decode()
    response = client.post(path, data=DEEP, headers=headers | {"Authorization": f"Basic {basic}"})
    assert response.status_code == 400, response.get_data(as_text=True)[:200]
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_a_body_too_big_is_refused(client):
    body = '{"code": "' + "x" * 4_100_000 + '"}'
    response = client.post("/api/v1/join", data=body, content_type="application/json")
    assert response.status_code == 413


def test_signing_out_needs_the_csrf_token_and_signing_in_renews_it(client, make_user):
    _id, name = make_user("command")
    import re

    page = client.get("/login").get_data(as_text=True)
    before = re.search(r'name="csrf-token" content="([^"]+)"', page)[1]
    login = client.post("/api/v1/auth/login", json={"username": name, "password": STAFF_PASSWORD})
    after = login.get_json()["csrf_token"]
    assert before and after and before != after
    refused = client.post("/api/v1/auth/logout")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "csrf"
    assert client.get("/api/v1/auth/me").status_code == 200  # still signed in
    done = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": after})
    assert done.status_code == 204


def test_cookies_are_secure_over_tls(client, make_user):
    _id, name = make_user("command")
    response = client.post(
        "/api/v1/auth/login",
        json={"username": name, "password": STAFF_PASSWORD},
        base_url="https://localhost",
    )
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c for c in cookies)
    plain = client.post("/api/v1/auth/login", json={"username": name, "password": STAFF_PASSWORD})
    assert not any("Secure" in c for c in plain.headers.getlist("Set-Cookie"))


def test_guessing_a_password_is_stopped_after_five_tries_known_user_or_not(client, make_user):
    _id, name = make_user("command")
    for username in (name, "nobody-here"):
        for _ in range(5):
            wrong = client.post("/api/v1/auth/login", json={"username": username, "password": "x"})
            assert wrong.status_code == 401
        locked = client.post(
            "/api/v1/auth/login", json={"username": username, "password": STAFF_PASSWORD}
        )
        assert locked.status_code == 429, locked.get_json()
        assert locked.get_json()["error"]["code"] == "throttled"
        assert 500 <= int(locked.headers["Retry-After"]) <= 600  # about ten minutes
    # Someone else at the same address still signs in (a command post shares one).
    _id, other = make_user("command")
    ok = client.post("/api/v1/auth/login", json={"username": other, "password": STAFF_PASSWORD})
    assert ok.status_code == 200


def test_the_sign_in_form_is_throttled_too(client, make_user):
    import re

    _id, name = make_user("command")
    for _ in range(6):
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
        answer = client.post(
            "/login", data={"csrf_token": token, "username": name, "password": "wrong"}
        )
    assert answer.status_code == 429 and "too many attempts" in answer.get_data(as_text=True)


def test_guessing_codes_is_stopped_per_address_and_a_right_code_never_counts(client, make_event):
    event = make_event()
    for n in range(3):
        right = client.post(
            "/api/v1/join", json={"code": event["code"], "name": f"Pat {n}", "badge": f"9{n}"}
        )
        assert right.status_code == 201
    for _ in range(20):
        wrong = client.post("/api/v1/join", json={"code": "ZZZZZZ", "name": "Pat", "badge": "1"})
        assert wrong.status_code == 404
    for attempt in (
        client.post("/api/v1/join", json={"code": event["code"], "name": "Pat", "badge": "8"}),
        client.get("/api/v1/lead/areas?code=ZZZZZZ"),
    ):
        assert attempt.status_code == 429 and attempt.headers["Retry-After"]


def _guess_codes(client, times: int, **environ) -> int:
    """The status of the last of `times` wrong joins, each from `environ` (REMOTE_ADDR...)."""
    for _ in range(times):
        answer = client.post(
            "/api/v1/join",
            json={"code": "ZZZZZZZZ", "name": "Pat", "badge": "1"},
            environ_base=environ,
        )
    return answer.status_code


def test_a_phone_cannot_dodge_the_code_throttle_by_walking_its_ipv6_64(client):
    assert _guess_codes(client, 20, REMOTE_ADDR="2001:db8:1:2::1") == 404
    assert _guess_codes(client, 1, REMOTE_ADDR="2001:db8:1:2:ffff::9") == 429  # the same /64
    assert _guess_codes(client, 1, REMOTE_ADDR="2001:db8:1:3::1") == 404  # a neighbour's


@pytest.mark.app_config(TRUSTED_PROXIES=1)
def test_behind_a_trusted_proxy_each_client_is_counted_not_the_proxy(client):
    proxy = {"REMOTE_ADDR": "10.0.0.2"}  # the load balancer, for everyone
    for _ in range(20):
        client.post(
            "/api/v1/join",
            json={"code": "ZZZZZZZZ", "name": "Pat", "badge": "1"},
            headers={"X-Forwarded-For": "203.0.113.7"},
            environ_base=proxy,
        )

    def status(forwarded_for: str) -> int:
        return client.post(
            "/api/v1/join",
            json={"code": "ZZZZZZZZ", "name": "Pat", "badge": "1"},
            headers={"X-Forwarded-For": forwarded_for},
            environ_base=proxy,
        ).status_code

    assert status("203.0.113.7") == 429
    assert status("198.51.100.4") == 404  # another phone behind the same proxy


def test_without_a_trusted_proxy_a_forged_forwarded_for_changes_nothing(client):
    for n in range(20):
        client.post(
            "/api/v1/join",
            json={"code": "ZZZZZZZZ", "name": "Pat", "badge": "1"},
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        )
    assert _guess_codes(client, 1) == 429


@pytest.mark.parametrize(
    "when", ["0001-01-01T00:00:00Z", "1999-12-31T23:00:00Z", "2999-01-01T00:00:00Z"]
)
def test_a_report_from_another_century_or_the_future_is_refused(
    client, make_event, make_officer, when
):
    event = make_event()
    _id, token = make_officer(event)
    answer = client.post(
        f"/api/v1/events/{event['id']}/incidents",
        json=report_body(reported_at=when),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 422 and answer.get_json()["error"]["field"] == "reported_at"


def test_a_flood_of_alarms_from_one_phone_is_refused_and_told_to_command_once(
    client, make_event, make_officer, make_user, app
):
    import uuid

    event = make_event()
    _id, token = make_officer(event, name="Kit Flood", badge="4242")
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/events/{event['id']}/help"
    first = str(uuid.uuid4())
    answers = [
        client.post(url, json={"client_id": cid, "lat": 40.6, "lon": -74.0}, headers=headers)
        for cid in [first, *(str(uuid.uuid4()) for _ in range(9))]
    ]
    assert [a.status_code for a in answers] == [201] * 5 + [429] * 5
    assert answers[-1].headers["Retry-After"]
    repeat = client.post(url, json={"client_id": first, "lat": 40.6, "lon": -74.0}, headers=headers)
    assert repeat.status_code == 200  # a retry of the same press is never refused
    _uid, name = make_user("command")
    client.post("/api/v1/auth/login", json={"username": name, "password": STAFF_PASSWORD})
    alerts = client.get(f"/api/v1/events/{event['id']}/alerts").get_json()["alerts"]
    kinds = [a["kind"] for a in alerts]
    assert kinds.count("help") == 5 and kinds.count("flood") == 1
    flood = next(a for a in alerts if a["kind"] == "flood")
    assert "Kit Flood" in flood["message"]


# --- what the fuzzer found (tests/test_openapi.py) -------------------------------------------


def test_a_time_with_an_offset_is_answered_in_utc(scene):
    """A lost report's `last_seen_at` sent as -16:36 came back with its offset, breaking the
    `lost_report` envelope's contract (times are UTC with a Z)."""
    from datetime import UTC, datetime, timedelta, timezone

    from tests.test_lostfound_api import lost_body

    seen = (datetime.now(UTC) - timedelta(hours=1)).astimezone(timezone(timedelta(hours=-16.6)))
    response = scene.command.post(
        f"/api/v1/events/{scene.id}/lost-reports", json=lost_body(last_seen_at=seen.isoformat())
    )
    assert response.status_code == 201, response.get_json()
    answered = response.get_json()["last_seen_at"]
    assert answered.endswith("Z")
    assert datetime.fromisoformat(answered) == seen


@pytest.mark.parametrize("field", ["name", "kind", "lat", "lon", "radius_m", "orders", "is_exit"])
def test_a_post_change_cannot_null_what_a_post_must_have(scene, make_user, field):
    """PATCH with `"name": null` reached the database check and was a 500."""
    admin = scene.staff(make_user, "admin")
    response = admin.client.patch(
        f"/api/v1/posts/{scene.post_id}", json={field: None}, headers={"X-CSRF-Token": admin.csrf}
    )
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["field"] == field


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events/{id}/replay?at=9999-12-31T23:59:59-05:00",
        "/api/v1/audit?since=9999-12-31T23:59:59-05:00",
    ],
)
def test_a_time_past_what_utc_can_hold_is_refused_by_name(auth, make_user, make_event, path):
    _id, name = make_user("admin")
    assert auth.login(name).status_code == 200
    response = auth.client.get(path.format(id=make_event()["id"]))
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] in ("at", "since")


def test_a_traccar_time_past_what_utc_can_hold_is_refused_by_name(client, make_event, make_officer):
    _id, token = make_officer(make_event())
    response = client.get(
        "/track/osmand",
        query_string={
            "id": token,
            "lat": 40.6,
            "lon": -74.0,
            "timestamp": "9999-12-31T23:59:59-05:00",
        },
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "timestamp"
