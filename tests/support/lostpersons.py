"""Lost-person bodies and helpers for the tests (the scene fixture's event)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tests.support.scene import POST, Scene

LAST_SEEN = (POST[0] + 0.002, POST[1])


def report_body(**overrides) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "kind": "child",
        "first_name": "Emma",
        "full_name": "Emma Louise Carter",
        "age": 6,
        "sex": "girl",
        "height": "about 115 cm",
        "build": "slim",
        "hair": "blonde, ponytail",
        "eyes": "blue",
        "clothing_top": "pink hoodie with a unicorn",
        "clothing_bottom": "blue jeans",
        "shoes": "white sneakers with lights",
        "carried": "a purple balloon",
        "last_seen_lat": LAST_SEEN[0],
        "last_seen_lon": LAST_SEEN[1],
        "last_seen_place": "by the ice-cream truck at the Mile 3 water station",
        "guardian_name": "Sarah Carter",
        "guardian_contact": "+1 555 0100",
        "meeting_point": "Family reunion tent, finish area",
        "reported_at": datetime.now(UTC).isoformat(),
    } | overrides


def report(scene: Scene, token: str | None = None, **overrides):
    """An officer (by token) or the command user reports; returns the response."""
    url = f"/api/v1/events/{scene.id}/lost-persons"
    body = report_body(**overrides)
    if token is None:
        return scene.command.post(url, json=body)
    return scene.as_officer(token, "POST", url, json=body)


def step(scene: Scene, person_id: int, what: str, body: dict | None = None, token=None):
    """POST /api/v1/lost-persons/<id>/<what> as the command user or an officer."""
    url = f"/api/v1/lost-persons/{person_id}/{what}"
    if token is None:
        return scene.command.post(url, json=body or {})
    return scene.as_officer(token, "POST", url, json=body or {})


def searched(lat=LAST_SEEN[0], lon=LAST_SEEN[1], **extra) -> dict:
    return {"lat": lat, "lon": lon, "radius_m": 40.0} | extra


REUNION = {
    "with_whom": "Sarah Carter (mother)",
    "identity_verified_how": "driver's licence matched the name; the child ran to her",
    "place": "Family reunion tent",
}
