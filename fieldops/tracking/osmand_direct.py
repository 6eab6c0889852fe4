"""Traccar Client's classic requests, answered without Flask's request machinery.

Traccar Client sends each fix as its own request: `POST /track/osmand?id=<token>&lat=..`, with
no body, or the same fields as a form. Flask's request and response objects, URL matching,
cookie session and hooks cost more per request than reading, checking and storing the fix
(bench/live.py --compare osmand, issue 13). A request of that plain shape is answered here, in
an app context, by the route's own `osmand_answer`, with the headers Flask would add; any
other request to the path (JSON, multipart, chunked, another method, a body that is not a
form) goes on to Flask. An empty body may have any content type (aiohttp says octet-stream).
"""

from __future__ import annotations

import io
import json
import logging
from http import HTTPStatus
from urllib.parse import parse_qsl

import werkzeug.urls  # noqa: F401  registers the "werkzeug.url_quote" error handler
from flask import Flask

from fieldops import security
from fieldops.errors import ApiError
from fieldops.tracking.protocol_routes import osmand_answer

PATHS = frozenset({"/track/osmand", "/track/osmand/"})
FORM = "application/x-www-form-urlencoded"
MAX_BODY = 64 * 1024  # a form of one fix is a few hundred bytes; larger goes to Flask
log = logging.getLogger(__name__)


class OsmandDirect:
    """WSGI middleware in front of the app: the plain OsmAnd requests, then everything else."""

    def __init__(self, app: Flask, inner):
        self.app = app
        self.inner = inner

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") in PATHS and environ.get("REQUEST_METHOD") in ("GET", "POST"):
            query = _plain_fields(environ)
            if query is not None:
                return self._answer(environ, query, start_response)
        return self.inner(environ, start_response)

    def _answer(self, environ, query: dict[str, str], start_response):
        with self.app.app_context():
            try:
                status, payload, extra = 200, osmand_answer(query, None), {}
            except ApiError as exc:
                status, payload, extra = exc.status, exc.to_dict(), exc.headers
            except Exception:
                log.exception("a Traccar fix failed")
                status, payload, extra = 500, _internal_error(), {}
            tile_url = self.app.config.get("TILE_URL") or ""
        # Flask's jsonify, compact
        body = (json.dumps(payload, separators=(",", ":"), sort_keys=True) + "\n").encode()
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            *security.response_headers(tile_url, _host(environ)),
            *((name, str(value)) for name, value in extra.items()),
        ]
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [body]


def _plain_fields(environ) -> dict[str, str] | None:
    """The query and form fields of a plain request (form fields win, as in the route); None
    for one Flask must read. A body read here is put back for Flask."""
    if "HTTP_TRANSFER_ENCODING" in environ:
        return None
    content_type = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length < 0 or length > MAX_BODY or _read_by_flask(content_type):
        return None
    raw = environ["wsgi.input"].read(length) if length else b""
    if raw:
        environ["wsgi.input"] = io.BytesIO(raw)
        if content_type != FORM or raw[:1] == b"{":  # the route reads it as JSON, or ignores it
            return None
    try:
        fields = dict(_pairs(environ.get("QUERY_STRING", "").encode("latin-1")))
        if content_type == FORM:
            fields.update(_pairs(raw))
    except UnicodeError:
        return None
    return fields


def _read_by_flask(content_type: str) -> bool:
    """JSON (as Flask's `is_json` tells it) and multipart bodies: the route reads those."""
    json_type = content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )
    return json_type or content_type.startswith("multipart/")


def _pairs(raw: bytes) -> list[tuple[str, str]]:
    """Werkzeug's reading of a query string or form, keeping each name's first value."""
    pairs = parse_qsl(raw.decode(), keep_blank_values=True, errors="werkzeug.url_quote")
    first: dict[str, str] = {}
    for name, value in pairs:
        first.setdefault(name, value)
    return list(first.items())


def _host(environ) -> str:
    return environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")


def _internal_error() -> dict:
    from werkzeug.exceptions import InternalServerError

    return {
        "error": {
            "code": "internal_server_error",
            "message": InternalServerError.description,
            "field": None,
        }
    }
