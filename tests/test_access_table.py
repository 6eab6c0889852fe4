"""The access table, generated from the app: every route of its URL map and every /live socket
event is declared in tests/support/access_table.py with the roles allowed, and each role gets
exactly that from a real server (eventlet, subprocess) over real HTTP and a real Socket.IO
client, in one world of two events.

Allowed: anything but a denial (an empty `{}` body may well be a 400, 409, 415 or 422).
Denied: 401, 403 or 404, or a page's redirect to /login; over the socket, an error ack
`unauthorized` or `forbidden`. A 5xx is wrong for anyone.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import requests
import socketio
from PIL import Image

from tests.support import access_table as table
from tests.support.live_server import STAFF_PASSWORD, LiveServer, fieldops_command
from tests.support.server_process import ROOT

pytestmark = pytest.mark.live

DENIED_STATUSES = {401, 403, 404}
DENIED_SOCKET_CODES = {"unauthorized", "forbidden"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}
NOT_EVENTS = {"connect", "disconnect"}
CAMPUS_FILE = ROOT / "fieldops" / "data" / "demo-school-campus.geojson"
SCHOOL = (40.64520, -73.97120)  # the demo campus's centre

# Ending requests, after everything else and in this order: each spoils what follows it for
# some role (logging out ends each role's own session or device token: the very last).
RUN_LAST = [
    ("DELETE", "/api/v1/campus/features/<int:feature_id>"),
    ("POST", "/api/v1/users/<int:user_id>/disable"),
    ("POST", "/api/v1/events/<int:event_id>/officers/<int:officer_id>/revoke-devices"),
    ("POST", "/api/v1/drills/<int:drill_id>/all-clear"),
    ("POST", "/api/v1/alerts/<int:alert_id>/cancel"),
    ("POST", "/api/v1/auth/logout"),
]

# Path variables, filled from the world: by name, or by (the segment before it, name) where
# one name means different things.
PATH_VALUES = {
    "event_id": "event",
    "incident_id": "incident",
    "item_id": "found_item",
    "report_id": "lost_report",
    "match_id": "match",
    "person_id": "lost_person",
    "alert_id": "alert",
    "message_id": "message",
    "drill_id": "drill",
    "feature_id": "feature",
    "post_id": "post",
    "request_id": "device_request",
    "officer_id": "spare_officer",  # its devices are revoked: not the officer role's own
    "user_id": "spare_staff",  # disabled: not one of the staff roles
    ("photos", "photo_id"): "incident_photo",
    ("found-item-photos", "photo_id"): "found_item_photo",
    ("lost-person-photos", "photo_id"): "lost_person_photo",
    "z": "tile_z",
    "x": "tile_x",
    "y": "tile_y",
}
QUERIES = {("GET", "/replay"): {"event": "event"}}

_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


# --- what the app has ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def surface(tmp_path_factory):
    """The app's routes and socket events, from an app made in this process (the server runs
    the same code)."""
    from fieldops import realtime
    from fieldops.app import create_app
    from fieldops.extensions import socketio as extension

    folder = tmp_path_factory.mktemp("access-app")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'unused.sqlite3'}",
            "ASYNC_MODE": "threading",
            "SECRET_KEY": "access-table",
            "TESTING": True,
            "INSTANCE_PATH": str(folder / "instance"),
            "MESSAGE_QUEUE": None,
        }
    )
    routes = sorted(
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - IGNORED_METHODS
    )
    events = sorted(set(extension.server.handlers[realtime.NAMESPACE]) - NOT_EVENTS)
    return {"routes": routes, "events": events}


def test_every_route_is_declared_and_every_declared_route_exists(surface):
    routes = set(surface["routes"])
    undeclared = sorted(routes - set(table.ROUTES))
    gone = sorted(set(table.ROUTES) - routes)
    stale = sorted(key for key in [*RUN_LAST, *QUERIES] if key not in routes)
    problems = [
        *(f"undeclared (add to tests/support/access_table.py): {key}" for key in undeclared),
        *(f"declared in tests/support/access_table.py, not in the app: {key}" for key in gone),
        *(f"named in tests/test_access_table.py, not in the app: {key}" for key in stale),
    ]
    assert not problems, "\n".join(problems)


def test_every_socket_event_is_declared_and_every_declared_event_exists(surface):
    events, declared = set(surface["events"]), set(table.SOCKET_EVENTS)
    problems = [
        *(f"undeclared (add to tests/support/access_table.py): {e}" for e in events - declared),
        *(f"declared, but no handler: {e}" for e in declared - events),
    ]
    assert not problems, "\n".join(problems)


# --- the world ----------------------------------------------------------------------------


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "PNG")
    return out.getvalue()


def _mbtiles(path) -> None:
    """A one-tile MBTiles file, so that /tiles answers 200 to whoever may have it."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    conn.execute(
        "CREATE TABLE tiles (zoom_level INT, tile_column INT, tile_row INT, tile_data BLOB)"
    )
    conn.execute("INSERT INTO tiles VALUES (0, 0, 0, ?)", (_png(),))
    conn.commit()
    conn.close()


def _ok(response: requests.Response, *statuses: int) -> dict:
    assert response.status_code in (statuses or (200, 201)), (
        f"{response.request.method} {response.url}: {response.status_code} {response.text[:500]}"
    )
    return response.json() if response.content else {}


def _now(minutes: float = 0) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


class World:
    """The server, one HTTP session per role, and the ids of event A's things."""

    def __init__(self, server: LiveServer):
        self.server = server
        self.url = server.url
        self.ids: dict[str, int] = {"tile_z": 0, "tile_x": 0, "tile_y": 0}
        self.sessions: dict[str, requests.Session] = {}
        self.tokens: dict[str, str] = {}
        self._build()

    def post(self, role: str, path: str, **kwargs) -> requests.Response:
        return self.sessions[role].post(self.url + path, timeout=30, **kwargs)

    def get(self, role: str, path: str, **kwargs) -> requests.Response:
        return self.sessions[role].get(self.url + path, timeout=30, **kwargs)

    def _officer(self, role: str, code: str, name: str, badge: str) -> int:
        """A phone: the join's cookie session and its device token, as the officer page."""
        session, joined = self.server.join_officer(code, name, badge)
        session.headers["Authorization"] = f"Bearer {joined['device_token']}"
        self.sessions[role], self.tokens[role] = session, joined["device_token"]
        return joined["officer"]["id"]

    def _build(self) -> None:
        server, ids = self.server, self.ids
        self.sessions[table.ANONYMOUS] = requests.Session()
        for role in (table.ADMIN, table.COMMAND, table.ORGANIZER):
            self.sessions[role] = server.staff(role)
        admin = self.sessions[table.ADMIN]
        a = server.create_event(admin, name="Access Elementary", kind="school")
        b = server.create_event(admin, name="Access 10K")
        ids["event"], ids["event_b"] = a["id"], b["id"]
        event = f"/api/v1/events/{a['id']}"

        campus = json.loads(CAMPUS_FILE.read_text())
        _ok(admin.put(self.url + f"{event}/campus", json=campus))
        features = _ok(self.get(table.ADMIN, f"{event}/campus"))["features"]
        ids["feature"] = next(f["id"] for f in features if f["kind"] == "exit")
        post = {"name": "Front gate", "kind": "traffic_point", "lat": SCHOOL[0], "lon": SCHOOL[1]}
        ids["post"] = _ok(self.post(table.ADMIN, f"{event}/posts", json=post))["id"]

        officer = self._officer(table.OFFICER, a["enrollment_code"], "Dana Reyes", "7001")
        ids["officer"] = officer
        ids["spare_officer"] = server.join_officer(a["enrollment_code"], "Sam Ortiz", "7002")[1][
            "officer"
        ]["id"]
        self._officer(table.OFFICER_ELSEWHERE, b["enrollment_code"], "Kim Lee", "8001")
        # A second phone for Sam's badge, without his PIN, waits for command.
        waiting = self.post(
            table.ANONYMOUS,
            "/api/v1/join",
            json={"code": a["enrollment_code"], "name": "Sam Ortiz", "badge": "7002"},
        )
        ids["device_request"] = _ok(waiting, 202)["request"]["id"]

        areas = _ok(
            self.get(table.ANONYMOUS, "/api/v1/lead/areas", params={"code": a["staff_code"]})
        )
        lead = requests.Session()
        joined = _ok(
            lead.post(
                self.url + "/api/v1/lead/join",
                json={
                    "code": a["staff_code"],
                    "name": "Ms Rivera",
                    "area_ids": [areas["areas"][0]["id"]],
                },
                timeout=10,
            )
        )
        lead.headers["Authorization"] = f"Bearer {joined['device_token']}"
        self.sessions[table.AREA_LEAD], self.tokens[table.AREA_LEAD] = lead, joined["device_token"]

        username = f"spare-{uuid.uuid4().hex[:6]}"
        fieldops_command(
            server.env | {"FIELDOPS_ASYNC_MODE": "threading"},
            *("user", "create", "--role", "command", "--username", username),
            *("--password", STAFF_PASSWORD),
        )
        users = _ok(self.get(table.ADMIN, "/api/v1/users"))["users"]
        ids["spare_staff"] = next(u["id"] for u in users if u["username"] == username)

        report = {
            "client_id": str(uuid.uuid4()),
            "type": "medical",
            "lat": SCHOOL[0],
            "lon": SCHOOL[1],
            "note": "a child fell from the climbing frame",
            "reported_at": _now(),
        }
        ids["incident"] = _ok(self.post(table.OFFICER, f"{event}/incidents", json=report))["id"]
        incident = f"/api/v1/incidents/{ids['incident']}"
        sent = self.post(table.COMMAND, f"{incident}/assignments", json={"officer_ids": [officer]})
        _ok(sent)
        photo = {"files": {"photo": ("scene.png", _png(), "image/png")}}
        ids["incident_photo"] = _ok(self.post(table.OFFICER, f"{incident}/photos", **photo))["id"]
        help_call = {"client_id": str(uuid.uuid4()), "lat": SCHOOL[0], "lon": SCHOOL[1]}
        ids["alert"] = _ok(self.post(table.OFFICER, f"{event}/help", json=help_call))["id"]

        bag = {"category": "bag", "colours": ["red"], "brand": "Osprey"}
        found = bag | {
            "client_id": str(uuid.uuid4()),
            "description": "small red backpack",
            "lat": SCHOOL[0],
            "lon": SCHOOL[1],
            "found_at": _now(),
        }
        ids["found_item"] = _ok(self.post(table.OFFICER, f"{event}/found-items", json=found))["id"]
        item = f"/api/v1/found-items/{ids['found_item']}"
        ids["found_item_photo"] = _ok(self.post(table.OFFICER, f"{item}/photos", **photo))["id"]
        lost = bag | {
            "client_id": str(uuid.uuid4()),
            "description": "red backpack",
            "place": "by the gym",
            "last_seen_at": _now(-30),
            "owner_name": "Dana Runner",
        }
        ids["lost_report"] = _ok(self.post(table.OFFICER, f"{event}/lost-reports", json=lost))["id"]
        ids["match"] = _ok(self.get(table.COMMAND, item))["matches"][0]["id"]

        person = {
            "client_id": str(uuid.uuid4()),
            "first_name": "Emma",
            "age": 6,
            "last_seen_lat": SCHOOL[0],
            "last_seen_lon": SCHOOL[1],
            "reported_at": _now(),
        }
        ids["lost_person"] = _ok(self.post(table.COMMAND, f"{event}/lost-persons", json=person))[
            "id"
        ]
        person_photos = f"/api/v1/lost-persons/{ids['lost_person']}/photos"
        ids["lost_person_photo"] = _ok(self.post(table.COMMAND, person_photos, **photo))["id"]

        message = {"text": "Gate 2 is closed", "to": {"kind": "officer", "id": officer}}
        ids["message"] = _ok(self.post(table.COMMAND, f"{event}/messages", json=message))["id"]
        drill = {"client_id": str(uuid.uuid4()), "action": "hold", "mode": "drill"}
        ids["drill"] = _ok(self.post(table.COMMAND, f"{event}/drills", json=drill))["id"]

    def path(self, method: str, rule: str) -> str:
        """The rule with its variables filled from the world (and its query, if any)."""

        def value(match: re.Match) -> str:
            name = match.group(1)
            segment = rule[: match.start()].rstrip("/").rsplit("/", 1)[-1]
            key = PATH_VALUES.get((segment, name)) or PATH_VALUES.get(name)
            if key is None:
                pytest.fail(
                    f"{rule}: no value for <{name}>: add it to PATH_VALUES "
                    "(tests/test_access_table.py) and its object to the world"
                )
            return str(self.ids[key])

        path = _VARIABLE.sub(value, rule)
        query = QUERIES.get((method, rule))
        if query:
            path += "?" + "&".join(f"{k}={self.ids[v]}" for k, v in query.items())
        return path


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("access")
    _mbtiles(folder / "tiles.mbtiles")
    with LiveServer(folder, FIELDOPS_MBTILES_PATH=str(folder / "tiles.mbtiles")) as server:
        yield World(server)


# --- the socket (before the HTTP checks: those end every role's session at the end) -------


def test_anonymous_sockets_are_refused(world):
    with pytest.raises(socketio.exceptions.ConnectionError):
        world.server.socket()


def test_each_role_reaches_exactly_the_declared_socket_events(world, surface):
    events = sorted(surface["events"], key=lambda name: name != "join")  # join first
    mismatches = []
    for role in table.ROLES:
        if role == table.ANONYMOUS:
            continue
        if role in world.tokens:
            client = world.server.socket(token=world.tokens[role])
        else:
            client = world.server.socket(cookies=world.sessions[role])
        try:
            for name in events:
                if name not in table.SOCKET_EVENTS:
                    continue  # undeclared: the declaration test says so
                payload = {"event_id": world.ids["event"]} if name == "join" else {}
                ack = client.call(name, payload, namespace="/live", timeout=10)
                code = (ack.get("error") or {}).get("code") if isinstance(ack, dict) else None
                allowed = role in table.SOCKET_EVENTS[name]
                denied = isinstance(ack, dict) and ack.get("ok") is False
                denied = denied and code in DENIED_SOCKET_CODES
                if code == "server_error" or allowed == denied:
                    expected = "allowed" if allowed else "denied"
                    mismatches.append(f"{name} as {role}: declared {expected}, ack {ack!r:.200}")
                if name == "join" and role == table.OFFICER_ELSEWHERE:
                    own = client.call("join", {"event_id": world.ids["event_b"]}, namespace="/live")
                    assert own["ok"], own
        finally:
            client.disconnect()
    assert not mismatches, "\n".join(mismatches)


# --- every route, every role --------------------------------------------------------------


def _is_login_redirect(response: requests.Response) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code in (301, 302, 303, 307) and urlsplit(location).path == "/login"


def _is_denial(response: requests.Response) -> bool:
    return response.status_code in DENIED_STATUSES or _is_login_redirect(response)


def _order(routes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last = {key: index for index, key in enumerate(RUN_LAST)}
    return sorted(routes, key=lambda key: (last.get(key, -1), key))


def test_each_role_reaches_exactly_the_declared_routes(world, surface):
    mismatches = []
    for method, rule in _order([key for key in surface["routes"] if key in table.ROUTES]):
        declared = table.ROUTES[(method, rule)]
        url = world.url + world.path(method, rule)
        body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
        # Denied roles first: an allowed one may change what the others would see.
        roles = sorted(
            table.ROLES,
            key=lambda r: declared != table.SAME_FOR_EVERYONE and r in declared,
        )
        answers = {}
        for role in roles:
            response = world.sessions[role].request(
                method, url, allow_redirects=False, timeout=60, **body
            )
            answers[role] = response
            status, text = response.status_code, response.text[:200]
            where = f"{method} {rule} as {role}: {status}"
            if status >= 500:
                mismatches.append(f"{where} (a server error): {text!r}")
            elif declared == table.SAME_FOR_EVERYONE:
                continue
            elif role in declared and _is_denial(response):
                mismatches.append(f"{where}, declared allowed: {text!r}")
            elif role not in declared and not _is_denial(response):
                mismatches.append(f"{where}, declared denied: {text!r}")
        if declared == table.SAME_FOR_EVERYONE:
            statuses = {role: r.status_code for role, r in answers.items()}
            if len(set(statuses.values())) > 1:
                mismatches.append(f"{method} {rule}: declared the same for everyone: {statuses}")
    assert not mismatches, f"{len(mismatches)} mismatches:\n" + "\n".join(mismatches)
