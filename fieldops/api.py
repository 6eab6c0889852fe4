"""Helpers shared by the JSON API routes: reading bodies and the caller's event."""

from __future__ import annotations

from flask import g, request

from fieldops.auth.models import User
from fieldops.auth.principal import request_user
from fieldops.errors import ApiError, Unauthorized
from fieldops.events.access import visible_event
from fieldops.events.models import Event
from fieldops.payloads import M, parse


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
