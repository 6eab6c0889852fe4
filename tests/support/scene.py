"""An event with a post, a command user, and officers on shift at known places, set up
through the real HTTP API of an in-process app (the `scene` fixture)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tests.conftest import Auth, fix

POST = (40.6500, -74.0100)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def report_body(**overrides) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "type": "medical",
        "lat": 40.6510,
        "lon": -74.0100,
        "note": "runner down at the water table",
        "reported_at": datetime.now(UTC).isoformat(),
    } | overrides


class Scene:
    def __init__(self, app, make_user, make_event, make_post, make_officer, tick):
        self.app = app
        self._make_officer = make_officer
        self._tick = tick
        self.event = make_event()
        self.id = self.event["id"]
        self.post_id = make_post(self.id, name="Mile 3 water", lat=POST[0], lon=POST[1])
        self.command = self.staff(make_user, "command")
        self.organizer = self.staff(make_user, "organizer")

    def staff(self, make_user, role: str) -> Auth:
        _id, username = make_user(role)
        auth = Auth(self.app.test_client())
        assert auth.login(username).status_code == 200
        return auth

    def officer(self, name: str, at: tuple[float, float] | None = POST, on_shift: bool = True):
        """A joined officer (id, token), checked in at the post, with a fix at `at`."""
        officer_id, token = self._make_officer(self.event, name=name)
        client = self.app.test_client()
        if on_shift:
            response = client.post(
                f"/api/v1/events/{self.id}/shift/check-in",
                json={"post_id": self.post_id},
                headers=bearer(token),
            )
            assert response.status_code == 201, response.get_json()
        if at is not None:
            self.move(token, *at)
        return officer_id, token

    def move(self, token: str, lat: float, lon: float, seconds_ago: float = 0) -> None:
        response = self.app.test_client().post(
            f"/api/v1/events/{self.id}/positions",
            json=fix(lat, lon, seconds_ago=seconds_ago),
            headers=bearer(token),
        )
        assert response.status_code == 202, response.get_json()
        self._tick()

    def as_officer(self, token: str, method: str, url: str, **kwargs):
        client = self.app.test_client()
        return client.open(url, method=method, headers=bearer(token), **kwargs)

    def report(self, token: str | None = None, **overrides):
        """An officer (by token) or the command user reports; returns the response."""
        url = f"/api/v1/events/{self.id}/incidents"
        body = report_body(**overrides)
        if token is None:
            return self.command.post(url, json=body)
        return self.as_officer(token, "POST", url, json=body)

    def incident(self, incident_id: int) -> dict:
        response = self.command.client.get(f"/api/v1/incidents/{incident_id}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def transition(self, incident_id: int, to: str, **body):
        return self.command.post(
            f"/api/v1/incidents/{incident_id}/transitions", json={"to": to} | body
        )

    def dispatch(self, incident_id: int, *officer_ids: int):
        return self.command.post(
            f"/api/v1/incidents/{incident_id}/assignments", json={"officer_ids": list(officer_ids)}
        )

    def respond(self, token: str, incident_id: int, status: str):
        return self.as_officer(
            token, "POST", f"/api/v1/incidents/{incident_id}/respond", json={"status": status}
        )

    def officer_state(self, officer_id: int) -> dict:
        snapshot = self.command.client.get(f"/api/v1/events/{self.id}/snapshot").get_json()
        return next(o for o in snapshot["officers"] if o["id"] == officer_id)
