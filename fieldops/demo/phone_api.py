"""The phone's side of the HTTP API, with the standard library only (used by the demo)."""

from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.request
from datetime import UTC, datetime


class ServerUnavailable(Exception):
    """No answer, a dropped connection, or a 5xx: worth retrying later."""


class Api:
    """JSON over HTTP; `session=True` keeps cookies (a staff login) instead of a device token."""

    def __init__(self, base_url: str, timeout: float = 5.0, *, session: bool = False):
        base_url = base_url.rstrip("/")
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"the server URL must start with http:// or https://: {base_url}")
        self.base_url = base_url
        self.timeout = timeout
        handlers = [urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())]
        self._open = urllib.request.build_opener(*handlers if session else []).open
        self.session = session
        self.csrf: str | None = None  # a session's writes echo the token its login answered

    def call(
        self, method: str, path: str, token: str | None = None, body: dict | None = None
    ) -> tuple[int, dict | None]:
        """(status, JSON body) for 2xx, 4xx and a 503 `busy`; ServerUnavailable otherwise.

        A 503 `busy` is the server asking a phone to keep its fixes a while
        (fieldops.tracking.brake): it is up, so it is an answer and not an outage."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.base_url + path, data=data, method=method
        )
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        if self.session and self.csrf and method not in ("GET", "HEAD"):
            request.add_header("X-CSRF-Token", self.csrf)
        try:
            with self._open(request, timeout=self.timeout) as response:
                answer = _json(response.read())
                if self.session and answer and isinstance(answer.get("csrf_token"), str):
                    self.csrf = answer["csrf_token"]
                return response.status, answer
        except urllib.error.HTTPError as exc:
            payload = _json(exc.read())
            exc.close()
            if exc.code >= 500 and not is_busy(exc.code, payload):
                raise ServerUnavailable(f"HTTP {exc.code}") from None
            return exc.code, payload
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ServerUnavailable(str(reason) or type(exc).__name__) from None


def iso_now() -> str:
    """Now, as a phone sends it: ISO 8601 UTC with a Z."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _json(raw: bytes) -> dict | None:
    try:
        value = json.loads(raw or b"null")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def is_busy(status: int | None, payload: dict | None) -> bool:
    return status == 503 and error_code(payload) == "busy"


def error_code(payload: dict | None) -> str:
    return _error_part(payload, "code")


def error_message(payload: dict | None) -> str:
    return _error_part(payload, "message")


def _error_part(payload: dict | None, part: str) -> str:
    """One part of fieldops' error shape, {"error": {"code", "message", "field"}}; "" if none."""
    if payload and isinstance(payload.get("error"), dict):
        return str(payload["error"].get(part, ""))
    return ""
