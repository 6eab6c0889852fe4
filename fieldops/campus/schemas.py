"""What an admin sends to draw a campus (one feature, or a GeoJSON FeatureCollection), and the
one serializer of a feature (snapshots, `setup` envelopes and the API)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from fieldops.campus.models import CampusFeature, FeatureKind
from fieldops.payloads import Latitude, Longitude, Payload, Text

MAX_FEATURES = 500  # a district's largest campus has tens of buildings, not hundreds
MAX_CORNERS = 2000

Corner = tuple[Latitude, Longitude]


def distinct_corners(points: list) -> list[list[float]]:
    """The corners of a ring without its closing repeat; at least 3 distinct ones."""
    corners = [list(p) for p in points]
    if len(corners) > 1 and corners[0] == corners[-1]:
        corners = corners[:-1]
    if len({tuple(c) for c in corners}) < 3:
        raise PydanticCustomError("polygon", "a building or area needs at least 3 corners")
    return corners


# [[lat, lon], ...]: a ring of at least 3 distinct corners, kept without its closing repeat
Polygon = Annotated[list[Corner], Field(max_length=MAX_CORNERS), AfterValidator(distinct_corners)]


class FeatureIn(Payload):
    """A building or area (`polygon`: [[lat, lon], ...]) or an exit or assembly point
    (`lat`, `lon`); campus.services checks the shape fits the kind."""

    kind: FeatureKind
    name: Text(80, strip=True)
    polygon: Polygon | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None


class FeatureChange(Payload):
    """What an admin changes of a feature: only the fields given (its kind stays)."""

    name: Text(80, strip=True) | None = None
    polygon: Polygon | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None


# --- GeoJSON (RFC 7946: positions are [lon, lat]) --------------------------------------------

Position = tuple[Longitude, Latitude] | tuple[Longitude, Latitude, float]


class GeoPoint(Payload):
    type: Literal["Point"]
    coordinates: Position


class GeoPolygon(Payload):
    type: Literal["Polygon"]
    coordinates: Annotated[
        list[Annotated[list[Position], Field(min_length=3, max_length=MAX_CORNERS)]],
        Field(min_length=1),
    ]

    @model_validator(mode="after")
    def _outer_ring_has_corners(self):
        distinct_corners(self.coordinates[0])
        return self


class GeoProperties(Payload):
    model_config = ConfigDict(extra="ignore", frozen=True)  # drawing tools add their styles

    name: Text(80, strip=True)
    kind: FeatureKind | None = None


class GeoFeature(Payload):
    type: Literal["Feature"]
    geometry: Annotated[GeoPoint | GeoPolygon, Field(discriminator="type")]
    properties: GeoProperties

    def as_feature(self) -> FeatureIn:
        """A polygon is a building and a point an exit unless `properties.kind` says else;
        a polygon's holes are left out (its outer ring bounds it)."""
        kind = self.properties.kind
        if isinstance(self.geometry, GeoPolygon):
            ring = [[p[1], p[0]] for p in self.geometry.coordinates[0]]
            return FeatureIn(
                kind=kind or FeatureKind.BUILDING, name=self.properties.name, polygon=ring
            )
        lon, lat = self.geometry.coordinates[:2]
        return FeatureIn(kind=kind or FeatureKind.EXIT, name=self.properties.name, lat=lat, lon=lon)


class FeatureCollectionIn(Payload):
    type: Literal["FeatureCollection"]
    features: Annotated[list[GeoFeature], Field(max_length=MAX_FEATURES)]


# --- out ---------------------------------------------------------------------------------------


def feature_to_dict(feature: CampusFeature) -> dict:
    return {
        "id": feature.id,
        "kind": feature.kind.value,
        "name": feature.name,
        "polygon": feature.polygon,
        "lat": feature.lat,
        "lon": feature.lon,
    }


def geometry(f: CampusFeature) -> dict:
    """A feature's shape as GeoJSON ([lon, lat]; a polygon's ring closed)."""
    if f.polygon:
        ring = [[lon, lat] for lat, lon in f.polygon]
        return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
    return {"type": "Point", "coordinates": [f.lon, f.lat]}


def area_to_dict(f: CampusFeature) -> dict:
    """`/areas` (the issue's contract): name, kind and GeoJSON geometry."""
    return {"id": f.id, "name": f.name, "kind": f.kind.value, "geometry": geometry(f)}


def campus_geojson(features: list[CampusFeature]) -> dict:
    """The campus as the GeoJSON an admin can edit elsewhere and send back."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": f.id,
                "geometry": geometry(f),
                "properties": {"name": f.name, "kind": f.kind.value},
            }
            for f in features
        ],
    }


class AreaIn(Payload):
    """A feature as `POST /areas` takes it: its name, kind and GeoJSON geometry."""

    name: Text(80, strip=True)
    kind: FeatureKind
    geometry: Annotated[GeoPoint | GeoPolygon, Field(discriminator="type")]

    def as_feature(self) -> FeatureIn:
        return GeoFeature(
            type="Feature",
            geometry=self.geometry,
            properties=GeoProperties(name=self.name, kind=self.kind),
        ).as_feature()
