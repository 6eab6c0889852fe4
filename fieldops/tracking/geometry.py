"""Small geodesy: distances, bearings, and whether a point is within a post."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = 111_320.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def in_polygon(lat: float, lon: float, polygon: list) -> bool:
    """Ray casting on [[lat, lon], ...]; fine at the scale of a post."""
    inside = False
    j = len(polygon) - 1
    for i in range(len(polygon)):
        lat_i, lon_i = polygon[i]
        lat_j, lon_j = polygon[j]
        if (lon_i > lon) != (lon_j > lon):
            cross = (lat_j - lat_i) * (lon - lon_i) / (lon_j - lon_i) + lat_i
            if lat < cross:
                inside = not inside
        j = i
    return inside


def within_post(lat: float, lon: float, accuracy: float | None, post: dict) -> bool:
    """Inside the post's polygon or radius, giving the fix the benefit of its accuracy (<=50 m)."""
    slack = min(accuracy or 0.0, 50.0)
    if post.get("polygon"):
        if in_polygon(lat, lon, post["polygon"]):
            return True
        return any(distance_m(lat, lon, p[0], p[1]) <= slack for p in post["polygon"])
    return distance_m(lat, lon, post["lat"], post["lon"]) <= post["radius_m"] + slack


def destination(lat: float, lon: float, bearing_deg: float, dist: float) -> tuple[float, float]:
    """The point `dist` metres from (lat, lon) on a bearing (flat earth: fine at this scale)."""
    rad = math.radians(bearing_deg)
    north, east = dist * math.cos(rad), dist * math.sin(rad)
    return (
        lat + north / METRES_PER_DEGREE,
        lon + east / (METRES_PER_DEGREE * math.cos(math.radians(lat))),
    )


def bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial bearing from the first point to the second, degrees in [0, 360)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(x, y)) % 360.0
