"""The fixes phones send over HTTP, answered without Flask (fieldops.direct).

- Traccar Client's requests: the classic `POST /track/osmand?id=<token>&lat=..`, with no body
  or the same fields as a form, and the current app's JSON (`device_id`, `location.coords`).
  Answered by the route's own `osmand_answer`, errors included.
- A fix or a list from a device token: `POST /api/v1/events/<id>/positions` with
  `Authorization: Bearer` and a JSON body, as the officer page's outbox and `bench/live.py
  --transport http` send them, from an officer the live picture knows is at the event. The
  route explains any refusal but `busy` and a fix that does not check.

Anything else (multipart, JSON that does not parse or is out of bounds, a cookie session, an
unknown token) goes on to the Flask routes in fieldops.tracking.protocol_routes and .routes.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

import werkzeug.urls  # noqa: F401  registers the "werkzeug.url_quote" error handler

from fieldops import direct
from fieldops.api import MAX_JSON_BYTES, json_from_bytes
from fieldops.auth import device_callers
from fieldops.auth.principal import bearer_of
from fieldops.errors import ApiError
from fieldops.security import MAX_ID
from fieldops.tracking import live, services
from fieldops.tracking.protocol_routes import osmand_answer

FORM = "application/x-www-form-urlencoded"
MAX_FORM = 64 * 1024  # a form of one fix is a few hundred bytes; larger goes to Flask


def osmand(environ, _match) -> direct.Answer | None:
    """Traccar Client's classic request (query, or a form) or its JSON, its body read once;
    None for what the route reads otherwise (multipart, a form starting with {, a body that is
    neither) or refuses (JSON that does not parse, `null`, too large or too deep: it explains
    those)."""
    media_type = direct.content_type(environ)
    if media_type.startswith("multipart/"):
        return None
    raw = direct.body(environ, MAX_FORM if media_type == FORM else MAX_JSON_BYTES)
    if raw is None:
        return None
    try:
        fields = _first_values(environ.get("QUERY_STRING", "").encode("latin-1"))
    except UnicodeError:
        return None
    # The route reads a body starting with { as JSON, whatever its content type but a form's.
    if direct.is_json(media_type) or (media_type != FORM and raw[:1] == b"{"):
        body = _json_or_none(raw)
        return None if body is None else direct.Answer(200, osmand_answer(fields, body))
    if raw and (media_type != FORM or raw[:1] == b"{"):
        return None  # a form starting with {, or a body the route ignores
    if raw:
        try:
            fields.update(_first_values(raw))  # form fields win, as in the route
        except UnicodeError:
            return None
    return direct.Answer(200, osmand_answer(fields, None))


def positions(environ, match: re.Match) -> direct.Answer | None:
    token = bearer_of(environ.get("HTTP_AUTHORIZATION", ""))
    event_id = int(match[1])
    if token is None or event_id > MAX_ID or not direct.is_json(direct.content_type(environ)):
        return None
    caller = device_callers.lookup(token)
    if caller is None or not live.is_member(caller, event_id):
        return None
    raw = direct.body(environ, MAX_JSON_BYTES)
    if raw is None:
        return None
    accepted = services.take_fixes(event_id, caller.user_id, lambda: json_from_bytes(raw), "web")
    return direct.Answer(202, {"accepted": accepted})


ROUTES = [
    direct.Route(frozenset({"GET", "POST"}), re.compile(r"/track/osmand/?"), osmand),
    direct.Route(
        frozenset({"POST"}), re.compile(r"/api/v1/events/([1-9][0-9]{0,18})/positions"), positions
    ),
]


def _json_or_none(raw: bytes):
    """The JSON body, or None where the route's own reading answers an error."""
    try:
        return json_from_bytes(raw)
    except ApiError:
        return None


def _first_values(raw: bytes) -> dict[str, str]:
    """Werkzeug's reading of a query string or form, keeping each name's first value."""
    first: dict[str, str] = {}
    for name, value in parse_qsl(raw.decode(), keep_blank_values=True, errors="werkzeug.url_quote"):
        first.setdefault(name, value)
    return first
