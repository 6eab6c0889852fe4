"""Helpers shared by the JSON API routes: reading bodies and the caller's event."""

from __future__ import annotations

from flask import g, request

from fieldops.auth.models import User
from fieldops.auth.principal import request_user
from fieldops.errors import ApiError, Unauthorized
from fieldops.events.access import visible_event
from fieldops.events.models import Event


def json_body(required: bool = True):
    if not request.is_json:
        if required:
            raise ApiError(
                "send a JSON body with Content-Type: application/json",
                code="unsupported_media_type",
                status=415,
            )
        return {}
    body = request.get_json(silent=True)
    if body is None:
        raise ApiError("the body is not valid JSON", code="invalid_json", status=400)
    return body


def json_object(required: bool = True) -> dict:
    body = json_body(required)
    if not isinstance(body, dict):
        raise ApiError("the body must be a JSON object", code="invalid", status=422)
    return body


def text_field(body: dict, name: str, *, required: bool = True, max_length: int = 200) -> str:
    value = body.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ApiError(f"{name} is required", code="invalid", field=name, status=422)
    if len(value) > max_length:
        raise ApiError(
            f"{name} is longer than {max_length} characters", code="invalid", field=name, status=422
        )
    return value


def caller_and_event(event_id: int) -> tuple[User, Event]:
    user = request_user()
    if user is None:
        raise Unauthorized()
    return user, visible_event(user, event_id, g.get("token_event_id"))


def optional_coordinate(body: dict, name: str, limit: float) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not -limit <= value <= limit
    ):
        raise ApiError(
            f"{name} must be a number between -{limit} and {limit}",
            code="invalid",
            field=name,
            status=422,
        )
    return float(value)
