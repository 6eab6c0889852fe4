"""Background tracking apps: Traccar Client (OsmAnd protocol) and OwnTracks (HTTP mode).

They keep reporting with the screen locked. Both authenticate with the officer's device token;
their fixes go through the same checks and the same ingest tick as the officer page's, and
are answered only once stored (a 503 otherwise, which both apps retry).
"""

from __future__ import annotations

import base64
import binascii
import logging

from flask import Blueprint, jsonify, request

from fieldops import openapi
from fieldops.api import check_json_bounds
from fieldops.auth import device_callers
from fieldops.errors import ApiError, Unauthorized
from fieldops.tracking import services
from fieldops.tracking.protocols import DeviceFix, ProtocolError, parse_osmand, parse_owntracks

bp = Blueprint("protocols", __name__)
log = logging.getLogger(__name__)


# Their own formats, described as far as fieldops reads them (fieldops.tracking.protocols).
OSMAND_JSON = {
    "type": "object",
    "description": "Traccar Client's JSON: device_id and location.coords, .timestamp, .battery",
    "required": ["device_id", "location"],
    "properties": {"device_id": {"type": "string"}, "location": {"type": "object"}},
}
OWNTRACKS_JSON = {
    "type": "object",
    "description": "An OwnTracks message: a `location` is stored, any other `_type` ignored",
    "required": ["_type"],
    "properties": {
        "_type": {"type": "string"},
        "lat": {"type": "number"},
        "lon": {"type": "number"},
        "tst": {"type": "integer", "description": "Unix seconds"},
    },
}


def _as_fix_body(fix: DeviceFix) -> dict:
    return {
        "lat": fix.lat,
        "lon": fix.lon,
        "accuracy": fix.accuracy,
        "heading": fix.heading,
        "speed": fix.speed,
        "altitude": fix.altitude,
        "battery": fix.battery,
        "recorded_at": fix.recorded_at.isoformat(),
    }


def _record(token: str | None, fix: DeviceFix, source: str) -> None:
    caller = device_callers.lookup(token) if token else None
    if caller is None:
        raise Unauthorized("unknown or revoked device token")
    services.take_fixes(caller.event_id, caller.user_id, lambda: _as_fix_body(fix), source)


def _protocol_error(exc: ProtocolError) -> ApiError:
    return ApiError(str(exc), code="invalid", field=exc.field, status=400)


@bp.route("/track/osmand", methods=["GET", "POST"])
@bp.route("/track/osmand/", methods=["GET", "POST"])
@openapi.query(
    id="the device token",
    lat="latitude",
    lon="longitude",
    timestamp="Unix seconds, or ISO 8601",
    speed="knots",
    bearing="degrees",
    altitude="metres",
    accuracy="metres",
    batt="percent",
)
@openapi.body(OSMAND_JSON)
@openapi.unavailable("not stored, or the server is behind (`busy`): send the fixes again")
def osmand():
    """Traccar Client: query string/form (classic) or JSON body; the device id is the token."""
    query = {**request.args.to_dict(), **request.form.to_dict()}
    body = None
    if request.is_json or request.get_data()[:1] == b"{":  # some builds omit the content type
        check_json_bounds()
        body = request.get_json(silent=True, force=True)
    return jsonify(osmand_answer(query, body)), 200


def osmand_answer(query: dict[str, str], body) -> dict:
    """Store a Traccar Client fix: the 200's body, or the ApiError to answer (400 for a fix it
    cannot read, 401 for the token, 503 to send it again). Its classic requests come here
    without Flask (fieldops.tracking.direct)."""
    try:
        fix = parse_osmand(query, body)
    except ProtocolError as exc:
        raise _protocol_error(exc) from None
    try:
        _record(fix.device_id, fix, "osmand")
    except ApiError as exc:
        if exc.status in (401, 403) or exc.status >= 500:  # 503 not_stored: it must resend
            raise
        # Traccar Client resends its oldest unacknowledged fix until it gets a 2xx, holding back
        # every newer one: a refused fix is dropped with a 200 that says so, never retried.
        log.warning("dropped a Traccar fix: %s", exc.message)
        return dict(stored=False, **exc.to_dict())
    return {"stored": True}


def _basic_auth_token() -> str | None:
    """The device token as the Basic password (or as the user name, if the password is empty)."""
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(encoded.strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return password or user or None


@bp.post("/track/owntracks")
@openapi.body(OWNTRACKS_JSON)
@openapi.unavailable("not stored, or the server is behind (`busy`): send the fixes again")
@openapi.returns("application/json", schema={"type": "array", "maxItems": 0})
def owntracks():
    """OwnTracks HTTP mode: HTTP Basic with the token; answers the JSON array it expects."""
    token = _basic_auth_token()
    if token is None or device_callers.lookup(token) is None:
        return (
            jsonify(
                error={"code": "unauthorized", "message": "device token required", "field": None}
            ),
            401,
            {"WWW-Authenticate": 'Basic realm="fieldops"'},
        )
    check_json_bounds()
    body = request.get_json(silent=True, force=True)
    try:
        fix = parse_owntracks(body)
    except ProtocolError as exc:
        raise _protocol_error(exc) from None
    if fix is not None:
        _record(token, fix, "owntracks")
    return jsonify([])
