"""What a route says about itself that its code cannot: decorators that only annotate."""

from __future__ import annotations

from typing import Any

ATTRIBUTE = "__openapi__"


def _annotate(view, **facts):
    setattr(view, ATTRIBUTE, getattr(view, ATTRIBUTE, {}) | facts)
    return view


def body(schema: Any, content_type: str = "application/json", required: bool = True):
    """A request body: a pydantic model or any type pydantic can describe (a union, a list),
    or a JSON Schema dict (a file upload). Stack one per content type a route accepts."""

    def annotate(view):
        known = facts(view).get("body", [])
        return _annotate(view, body=[{"schema": schema, "content_type": content_type}, *known])

    return annotate


def upload(field: str, media_type: str):
    """A multipart form with one file field."""
    file = {"type": "string", "contentMediaType": media_type}
    form = {"type": "object", "required": [field], "properties": {field: file}}
    return body(form, "multipart/form-data")


def query(**params: str | tuple[str, dict]):
    """Query parameters: name="what it does" (a string), or name=("what it does", schema)."""
    return lambda view: _annotate(view, query=params)


def returns(*content_types: str, status: str = "200", schema: dict | None = None):
    """A success answered with something other than a JSON object (a file, a list, nothing)."""
    return lambda view: _annotate(
        view, returns={"status": status, "content_types": content_types, "schema": schema or {}}
    )


def unavailable(why: str):
    """The route may answer 503 with the usual error and Retry-After: send it again later."""
    return lambda view: _annotate(view, unavailable=why)


def facts(view) -> dict:
    return getattr(view, ATTRIBUTE, {})
