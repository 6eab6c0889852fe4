"""A few hot requests answered without Flask's request machinery.

A phone's fix over HTTP costs the server more in Flask (request and response objects, URL
matching, the cookie session, the hooks) than in reading, checking and storing the fix
(bench/live.py --compare http --compare osmand, issue 13). Middleware in front of the app
gives such requests to a handler, in an app context, that answers only what it is sure of:
it returns None for anything else (another shape of body, an error whose reason Flask's route
explains) and the request goes on to Flask as if nothing had happened. The answer carries the
headers Flask's hooks would add, and an ApiError its usual JSON.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus

from flask import Flask
from werkzeug.sansio.utils import get_host

from fieldops import security
from fieldops.errors import ApiError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    status: int
    payload: dict | list
    headers: dict = field(default_factory=dict)


Handler = Callable[[dict, re.Match], Answer | None]


@dataclass(frozen=True)
class Route:
    methods: frozenset[str]
    path: re.Pattern
    handler: Handler


class DirectRoutes:
    """WSGI middleware: the routes' plain requests here, everything else to `inner`."""

    def __init__(self, app: Flask, inner, routes: list[Route]):
        self.app = app
        self.inner = inner
        self.routes = routes

    def __call__(self, environ, start_response):
        method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO", "")
        for route in self.routes:
            match = route.path.fullmatch(path) if method in route.methods else None
            if match is not None:
                answer = self._answer(route.handler, environ, match)
                if answer is not None:
                    return _send(answer, self._headers(environ), start_response)
                break
        return self.inner(environ, start_response)

    def _answer(self, handler: Handler, environ, match: re.Match) -> Answer | None:
        with self.app.app_context():
            try:
                return handler(environ, match)
            except ApiError as exc:
                return Answer(exc.status, exc.to_dict(), exc.headers)
            except Exception:
                log.exception("%s %s failed", environ.get("REQUEST_METHOD"), match.group(0))
                return Answer(500, _internal_error())

    def _headers(self, environ) -> tuple[tuple[str, str], ...]:
        return security.response_headers(self.app.config.get("TILE_URL") or "", _host(environ))


def _send(answer: Answer, headers, start_response):
    # Flask's jsonify, compact as outside debug mode
    body = (json.dumps(answer.payload, separators=(",", ":"), sort_keys=True) + "\n").encode()
    start_response(
        f"{answer.status} {HTTPStatus(answer.status).phrase}",
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            *headers,
            *((name, str(value)) for name, value in answer.headers.items()),
        ],
    )
    return [body]


def content_type(environ) -> str:
    """The media type alone, lower case ('' if none)."""
    return environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()


def is_json(media_type: str) -> bool:
    """As Flask's `request.is_json` tells it."""
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def body(environ, max_bytes: int) -> bytes | None:
    """The request's body, put back for Flask should the handler pass; None if it is chunked,
    longer than max_bytes or of a length that does not parse (Flask answers those)."""
    if "HTTP_TRANSFER_ENCODING" in environ:
        return None
    declared = environ.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > max_bytes:  # werkzeug's reading: digits only
        return None
    length = int(declared)
    raw = environ["wsgi.input"].read(length) if length else b""
    if raw:
        environ["wsgi.input"] = io.BytesIO(raw)
    if len(raw) != length:  # the client went away mid-body: Flask's 400, nothing stored
        return None
    return raw


def _host(environ) -> str:
    """As werkzeug's `request.host` reads it."""
    server_port = environ.get("SERVER_PORT")
    port = int(server_port) if server_port and server_port.isdigit() else None
    server = (environ.get("SERVER_NAME", ""), port)
    return get_host(environ.get("wsgi.url_scheme", "http"), environ.get("HTTP_HOST"), server)


def _internal_error() -> dict:
    from werkzeug.exceptions import InternalServerError

    return {
        "error": {
            "code": "internal_server_error",
            "message": InternalServerError.description,
            "field": None,
        }
    }
