"""Drawing a campus: its features added, changed, removed or replaced by an imported GeoJSON
file. Every change reaches the screens watching the event as a `setup` envelope."""

from __future__ import annotations

from fieldops.campus.models import CampusFeature
from fieldops.campus.schemas import MAX_FEATURES, FeatureChange, FeatureIn
from fieldops.db import get_or_404
from fieldops.errors import invalid
from fieldops.events.models import Event
from fieldops.events.services import publish_setup
from fieldops.extensions import db


def _centre(corners: list[list[float]]) -> tuple[float, float]:
    return (
        sum(c[0] for c in corners) / len(corners),
        sum(c[1] for c in corners) / len(corners),
    )


def _feature(event: Event, body: FeatureIn) -> CampusFeature:
    if body.kind.is_area and body.polygon is None:
        raise invalid("a building or area needs its polygon", "polygon")
    if not body.kind.is_area and (body.lat is None or body.lon is None):
        raise invalid("an exit or assembly point needs lat and lon", "lat")
    corners = body.polygon if body.kind.is_area else None
    lat, lon = _centre(corners) if corners else (body.lat, body.lon)
    return CampusFeature(
        event_id=event.id, kind=body.kind, name=body.name, polygon=corners, lat=lat, lon=lon
    )


def _room_for(event: Event, adding: int) -> None:
    if len(event.campus) + adding > MAX_FEATURES:
        raise invalid(f"a campus holds at most {MAX_FEATURES} features", "features")


def add_feature(event: Event, body: FeatureIn) -> CampusFeature:
    _room_for(event, 1)
    feature = _feature(event, body)
    event.campus.append(feature)
    db.session.flush()
    publish_setup(event)
    return feature


def replace_campus(event: Event, features: list[FeatureIn]) -> list[CampusFeature]:
    """An imported file replaces the whole campus (the file is the drawing)."""
    event.campus.clear()
    db.session.flush()
    event.campus.extend(_feature(event, body) for body in features)
    db.session.flush()
    publish_setup(event)
    return list(event.campus)


def get_feature(feature_id: int) -> CampusFeature:
    return get_or_404(CampusFeature, feature_id, "campus feature")


def change_feature(feature: CampusFeature, change: FeatureChange) -> CampusFeature:
    if change.name is not None:
        feature.name = change.name
    if feature.kind.is_area:
        if change.lat is not None or change.lon is not None:
            raise invalid("a building or area moves by its polygon", "polygon")
        if change.polygon is not None:
            feature.polygon = change.polygon
            feature.lat, feature.lon = _centre(change.polygon)
    else:
        if change.polygon is not None:
            raise invalid("an exit or assembly point is a point: give lat and lon", "polygon")
        feature.lat = change.lat if change.lat is not None else feature.lat
        feature.lon = change.lon if change.lon is not None else feature.lon
    db.session.flush()
    publish_setup(feature.event)
    return feature


def delete_feature(feature: CampusFeature) -> None:
    event = feature.event
    event.campus.remove(feature)
    db.session.flush()
    publish_setup(event)
