"""The command line ends access too: staff logins disabled and enabled, an officer's devices
revoked, a new join PIN. Through click's test runner on the real app and database."""

from __future__ import annotations

from tests.conftest import Auth
from tests.support.scene import bearer


def run(app, *args):
    from fieldops.cli import cli

    return app.test_cli_runner().invoke(cli, list(args))


def test_cli_disables_a_staff_user_who_then_cannot_sign_in_and_enables_them(app, make_user):
    _id, username = make_user("command")
    auth = Auth(app.test_client())
    assert auth.login(username).status_code == 200
    result = run(app, "user", "disable", "--username", username)
    assert result.exit_code == 0, result.output
    assert "disabled" in result.output
    assert auth.client.get("/api/v1/auth/me").status_code == 401  # the live session ended
    assert Auth(app.test_client()).login(username).status_code == 401
    listed = run(app, "user", "list")
    assert username in listed.output and "DISABLED" in listed.output
    assert run(app, "user", "enable", "--username", username).exit_code == 0
    assert Auth(app.test_client()).login(username).status_code == 200


def test_cli_names_a_user_it_does_not_know(app):
    result = run(app, "user", "disable", "--username", "nobody")
    assert result.exit_code != 0 and "no staff user 'nobody'" in result.output


def test_cli_revokes_an_officers_devices_by_badge(app, make_event, make_officer):
    event = make_event()
    _officer_id, token = make_officer(event, name="Dana Reyes", badge="4471")
    url = f"/api/v1/events/{event['id']}/me"
    assert app.test_client().get(url, headers=bearer(token)).status_code == 200
    result = run(app, "officer", "revoke-devices", "--event", str(event["id"]), "--badge", "4471")
    assert result.exit_code == 0, result.output
    assert "revoked 1 device token(s) of Dana Reyes #4471" in result.output
    assert app.test_client().get(url, headers=bearer(token)).status_code == 401


def test_cli_issues_a_join_pin_that_lets_the_officer_in(app, make_event, make_officer):
    event = make_event()
    make_officer(event, name="Dana Reyes", badge="4471")
    result = run(app, "officer", "join-pin", "--event", str(event["id"]), "--badge", "4471")
    assert result.exit_code == 0, result.output
    pin = result.output.rsplit(":", 1)[1].strip()
    joined = Auth(app.test_client()).join(event["code"], name="Dana Reyes", badge="4471", pin=pin)
    assert joined.status_code == 201


def test_cli_names_a_badge_that_is_not_at_the_event(app, make_event):
    event = make_event()
    result = run(app, "officer", "join-pin", "--event", str(event["id"]), "--badge", "0000")
    assert result.exit_code != 0 and "no officer with badge '0000'" in result.output
    missing = run(app, "officer", "revoke-devices", "--event", "999", "--badge", "1")
    assert missing.exit_code != 0 and "event 999 does not exist" in missing.output
