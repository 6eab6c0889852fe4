"""Places over HTTP: a point in words, or "mile 18.2" / a post as a point."""

from __future__ import annotations

import math

from flask import Blueprint, jsonify, request

from fieldops import openapi
from fieldops.api import caller_and_event
from fieldops.auth.principal import require
from fieldops.errors import ApiError
from fieldops.events.models import Post
from fieldops.extensions import db
from fieldops.places.services import gazetteer

bp = Blueprint("places", __name__)


def _number(name: str, low: float, high: float) -> float | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not low <= value <= high:
        raise ApiError(
            f"{name} must be a number from {low:g} to {high:g}",
            code="invalid",
            field=name,
            status=422,
        )
    return value


@bp.get("/api/v1/events/<int:event_id>/place")
@require()
@openapi.query(
    lat="latitude", lon="longitude", distance="race distance in the event's unit", post_id="a post"
)
def get_place(event_id: int):
    """Anyone who may see the event: `?lat=&lon=` in words; `?distance=18.2` (race distance in
    the event's unit) or `?post_id=` as a point with its words. 404 `not_on_course` when the
    course does not cover that distance."""
    _user, event = caller_and_event(event_id)
    names = gazetteer(event)
    lat, lon = _number("lat", -90, 90), _number("lon", -180, 180)
    distance = _number("distance", 0, 1000)
    post_id = request.args.get("post_id")
    if post_id is not None:
        post = db.session.get(Post, int(post_id)) if post_id.isdigit() else None
        if post is None or post.event_id != event.id:
            raise ApiError(
                "no such post at this event", code="invalid", field="post_id", status=422
            )
        lat, lon = post.lat, post.lon
    elif distance is not None:
        point = names.locate(distance)
        if point is None:
            covered = names.course_range()
            span = f"{covered[0]:.1f} to {covered[1]:.1f}" if covered else "nothing (no course)"
            raise ApiError(
                f"the course covers {event.distance_unit} {span}",
                code="not_on_course",
                field="distance",
                status=404,
            )
        lat, lon = point
    elif lat is None or lon is None:
        raise ApiError(
            "give lat and lon, distance, or post_id", code="invalid", field="lat", status=422
        )
    place = names.describe(lat, lon)
    return jsonify({"lat": lat, "lon": lon, **place.to_dict()})
