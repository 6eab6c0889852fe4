"""Helpers shared by the JSON API routes: reading bodies and the caller's event."""

from __future__ import annotations

import json

from flask import g, request

from fieldops.auth.models import User
from fieldops.auth.principal import request_user
from fieldops.errors import ApiError, Unauthorized
from fieldops.events.access import visible_event
from fieldops.events.models import Event
from fieldops.payloads import M, parse

MAX_JSON_BYTES = 4_000_000  # a big campus file; every other body is far smaller
MAX_JSON_DEPTH = 32  # the deepest body (a GeoJSON polygon) nests 6 levels


def json_depth(raw: bytes, limit: int) -> bool:
    """True when `raw` nests arrays and objects deeper than `limit`, counted before parsing
    (a parser would recurse once per level: 950 levels stop Python's)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:  # a fix, a report: no scan needed
        return False
    depth, in_string, escaped = 0, False, False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def check_json_bounds() -> None:
    """Before any JSON of this request is parsed: too big is a 413, too deep a 400."""
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        raise _too_large()
    check_json_bytes(request.get_data(cache=True))


def check_json_bytes(raw: bytes) -> None:
    """The same checks on a body already read."""
    if len(raw) > MAX_JSON_BYTES:
        raise _too_large()
    if json_depth(raw, MAX_JSON_DEPTH):
        raise ApiError(
            f"the body nests deeper than {MAX_JSON_DEPTH} levels", code="invalid_json", status=400
        )


def _too_large() -> ApiError:
    message = f"a JSON body is at most {MAX_JSON_BYTES:,} bytes"
    return ApiError(message, code="too_large", status=413)


def json_body(required: bool = True):
    """The request's JSON, refused before parsing when too big (413) or too deep (400)."""
    if request.is_json:
        check_json_bounds()
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
        raise _not_json()
    return body


def json_from_bytes(raw: bytes):
    """A JSON body already read, as json_body() reads the request's: the same 413 and 400s."""
    check_json_bytes(raw)
    try:
        body = json.loads(raw)
    except ValueError:
        raise _not_json() from None
    if body is None:  # `null`: Flask's get_json(silent=True) cannot tell it from bad JSON
        raise _not_json()
    return body


def _not_json() -> ApiError:
    return ApiError("the body is not valid JSON", code="invalid_json", status=400)


def body_as(model: type[M], required: bool = True) -> M:
    """The JSON body as a pydantic model (`fieldops.payloads`), or the 4xx naming the field.

    `required=False`: no body at all reads as `{}`."""
    return parse(model, json_body(required))


def caller_and_event(event_id: int) -> tuple[User, Event]:
    user = request_user()
    if user is None:
        raise Unauthorized()
    return user, visible_event(user, event_id, g.get("token_event_id"))


def uploaded_photo():
    """The request's multipart `photo`, checked to be a real image and re-encoded without EXIF
    (fieldops.incidents.photos) in a worker thread: it takes seconds for a big photo, which
    must not stall the hub. 422 naming `photo` without one; 413 too big."""
    from fieldops import offload
    from fieldops.incidents import photos

    upload = request.files.get("photo")
    if upload is None:
        raise ApiError(
            "send the image as multipart field `photo`", code="invalid", field="photo", status=422
        )
    # Read here (a file werkzeug already received), decode in a worker thread: Pillow releases
    # the GIL while it decodes, resamples and encodes.
    raw = upload.stream.read(photos.MAX_BYTES + 1)
    return offload.in_thread(photos.process_photo, raw)


def photo_file(path):
    """A stored photo, to a caller already allowed to see it: private, never sniffed."""
    from flask import send_file

    response = send_file(path, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
