"""The campus over HTTP: everyone at the event reads it; admins draw it or import it."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template
from flask_login import current_user

from fieldops import openapi
from fieldops.api import body_as, caller_and_event
from fieldops.auth.models import Role
from fieldops.auth.principal import require
from fieldops.campus import services
from fieldops.campus.schemas import (
    AreaIn,
    FeatureChange,
    FeatureCollectionIn,
    FeatureIn,
    area_to_dict,
    campus_geojson,
    feature_to_dict,
)
from fieldops.db import write_transaction
from fieldops.events.access import visible_event
from fieldops.events.schemas import event_to_dict

bp = Blueprint("campus", __name__)


def _features(event) -> list[dict]:
    return [feature_to_dict(f) for f in event.campus]


@bp.get("/api/v1/events/<int:event_id>/campus")
@require()
def get_campus(event_id: int):
    """The buildings and areas, exits and assembly points, as the maps draw them."""
    _user, event = caller_and_event(event_id)
    return jsonify(features=_features(event))


@bp.get("/api/v1/events/<int:event_id>/campus.geojson")
@require(Role.ADMIN, Role.COMMAND)
@openapi.returns("application/geo+json")
def get_campus_geojson(event_id: int):
    """The campus as GeoJSON ([lon, lat] positions), to edit elsewhere and send back."""
    _user, event = caller_and_event(event_id)
    response = jsonify(campus_geojson(list(event.campus)))
    response.mimetype = "application/geo+json"
    return response


@bp.put("/api/v1/events/<int:event_id>/campus")
@require(Role.ADMIN)
def put_campus(event_id: int):
    """Replace the whole campus with a GeoJSON FeatureCollection: polygons are buildings and
    points exits unless `properties.kind` says otherwise; `properties.name` names each."""
    _user, event = caller_and_event(event_id)
    body = body_as(FeatureCollectionIn)
    with write_transaction():
        services.replace_campus(event, [f.as_feature() for f in body.features])
        data = _features(event)
    return jsonify(features=data)


@bp.post("/api/v1/events/<int:event_id>/campus/features")
@require(Role.ADMIN)
def post_feature(event_id: int):
    _user, event = caller_and_event(event_id)
    body = body_as(FeatureIn)
    with write_transaction():
        feature = services.add_feature(event, body)
        data = feature_to_dict(feature)
    return jsonify(data), 201


@bp.get("/api/v1/events/<int:event_id>/areas")
@require()
def get_areas(event_id: int):
    """The campus as the issue's contract words it: each feature's name, kind (building, area,
    exit, assembly) and GeoJSON geometry."""
    _user, event = caller_and_event(event_id)
    return jsonify(areas=[area_to_dict(f) for f in event.campus])


@bp.post("/api/v1/events/<int:event_id>/areas")
@require(Role.ADMIN)
def post_area(event_id: int):
    _user, event = caller_and_event(event_id)
    body = body_as(AreaIn)
    with write_transaction():
        data = area_to_dict(services.add_feature(event, body.as_feature()))
    return jsonify(data), 201


@bp.patch("/api/v1/campus/features/<int:feature_id>")
@require(Role.ADMIN)
def patch_feature(feature_id: int):
    feature = services.get_feature(feature_id)
    caller_and_event(feature.event_id)  # the admin may see that event
    body = body_as(FeatureChange)
    with write_transaction():
        data = feature_to_dict(services.change_feature(feature, body))
    return jsonify(data)


@bp.delete("/api/v1/campus/features/<int:feature_id>")
@require(Role.ADMIN)
@openapi.returns(status="204")
def delete_feature(feature_id: int):
    feature = services.get_feature(feature_id)
    caller_and_event(feature.event_id)
    with write_transaction():
        services.delete_feature(feature)
    return "", 204


@bp.get("/events/<int:event_id>/campus/edit")
def edit_page(event_id: int):
    """The admin draws the campus on the map: buildings and areas as polygons, exits and
    assembly points as points; or imports a GeoJSON file."""
    from fieldops.web.routes import map_config

    if not current_user.is_authenticated:
        abort(401)
    if current_user.role != Role.ADMIN:
        abort(403)
    event = visible_event(current_user, event_id)
    from fieldops.events.schemas import post_to_dict

    config = {
        "event": event_to_dict(event),
        "map": map_config(),
        "features": _features(event),
        "posts": [post_to_dict(p) for p in event.posts],
    }
    return render_template("campus_edit.html", event=event, config=config)
