"""Places in words, the way they are said on the radio: "Mile 25.8 · near Command post", or
at a school "Gym, east exit".

Pure: a `Gazetteer` is built from an event's course, posts and campus, then answers two questions:
where is this point, in words (`describe`), and where is "mile 18.2" (`locate`). Distances on
the course count from the race's start (`start_m` is where the course file begins).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fieldops.events.schemas import UNIT_METRES, UNIT_WORD
from fieldops.tracking.geometry import bearing, distance_m, in_polygon

ON_COURSE_M = 200.0  # a point this close to the course is "at mile N"
AT_EXIT_M = 25.0  # this close to a campus exit: "Gym, east exit"
EXIT_OF_BUILDING_M = 30.0  # an exit this close to a building's edge is that building's
AT_ASSEMBLY_M = 40.0  # this close to an assembly point: "at Assembly point A"
CAMPUS_RANGE_M = 500.0  # further than this from every building, the campus names nothing
AT_POST_NEAR_M = 150.0  # closer than this to a post's edge: "near <post>"
POST_RANGE_M = 2000.0  # on a course, posts further than this are not named
MIN_STEP_M = 5.0  # course points closer than this are skipped (enough for a mile to 0.1)
COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class PostArea:
    id: int
    name: str
    lat: float
    lon: float
    radius_m: float
    polygon: list | None = None

    def edge_distance(self, lat: float, lon: float) -> float:
        """0 inside the post, else metres to its edge (roughly, for a polygon: its corners)."""
        if self.polygon and len(self.polygon) >= 3:
            if in_polygon(lat, lon, self.polygon):
                return 0.0
            return min(distance_m(lat, lon, p[0], p[1]) for p in self.polygon)
        return max(0.0, distance_m(lat, lon, self.lat, self.lon) - self.radius_m)


@dataclass(frozen=True)
class CampusPlace(PostArea):
    """A campus feature: a building or area (its polygon), or an exit or assembly point."""

    kind: str = "building"

    @property
    def is_area(self) -> bool:
        return self.kind in ("building", "area")


@dataclass(frozen=True)
class Place:
    text: str  # "" when nothing near has a name
    along_m: float | None = None  # race distance, when on the course
    post_id: int | None = None

    def to_dict(self) -> dict:
        return {"text": self.text, "along_m": self.along_m, "post_id": self.post_id}


class Gazetteer:
    """An event's course (as measured points) and posts, ready to name places."""

    def __init__(
        self,
        lines: list,
        posts: list[PostArea],
        unit: str = "km",
        start_m: float = 0.0,
        length_m: float | None = None,
        campus: list[CampusPlace] = (),
    ):
        """`length_m`: the course's measured length, when `lines` are a simplified copy of it
        (a simplified line is a little shorter): race distances are stretched to match it, so
        a place says the same mile as the distance marker beside it."""
        self.unit = unit if unit in UNIT_METRES else "km"
        self.start_m = max(0.0, float(start_m or 0.0))
        self.posts = posts
        self.areas = [c for c in campus if c.is_area]  # buildings before open areas
        self.areas.sort(key=lambda c: c.kind != "building")
        self.exits = [c for c in campus if c.kind == "exit"]
        self.assembly_points = [c for c in campus if c.kind == "assembly"]
        self._points: list[tuple[float, float, float]] = []  # (lat, lon, race distance)
        self._breaks: set[int] = set()  # indexes where a new line starts (no segment before)
        travelled = self.start_m
        for line in lines:
            kept = _thinned(line)
            if not kept:
                continue
            self._breaks.add(len(self._points))
            previous = None
            for lat, lon in kept:
                if previous is not None:
                    travelled += distance_m(previous[0], previous[1], lat, lon)
                self._points.append((lat, lon, travelled))
                previous = (lat, lon)
        measured = travelled - self.start_m
        if length_m and measured > 0:
            stretch = length_m / measured
            self._points = [
                (a, b, self.start_m + (d - self.start_m) * stretch) for a, b, d in self._points
            ]
            measured = length_m
        self.length_m = measured

    @property
    def has_course(self) -> bool:
        return len(self._points) >= 2

    # --- where is this point? -------------------------------------------------------------

    def describe(self, lat: float, lon: float) -> Place:
        on_campus = self.campus_words(lat, lon)
        if on_campus:
            return Place(on_campus)
        along = self.along_course(lat, lon)
        post, gap = self.nearest_post(lat, lon)
        parts = []
        if along is not None:
            parts.append(self.distance_words(along))
        if post is not None and (along is None or gap <= POST_RANGE_M):
            parts.append(_relation(post, gap, lat, lon))
        return Place(" · ".join(parts), along, post.id if post else None)

    def campus_words(self, lat: float, lon: float) -> str:
        """ "Gym, east exit", "Gym", "at Assembly point A", "near Gym" or "60 m N of Gym";
        "" off the campus or without one."""
        exit_, gap = _nearest(self.exits, lat, lon)
        if exit_ is not None and gap <= AT_EXIT_M:
            building, edge = _nearest(self.areas, exit_.lat, exit_.lon)
            if building is not None and edge <= EXIT_OF_BUILDING_M:
                return f"{building.name}, {_mid_sentence(exit_.name)}"
            return f"at {exit_.name}"
        inside = next((a for a in self.areas if a.edge_distance(lat, lon) == 0), None)
        if inside is not None:
            return inside.name
        point, gap = _nearest(self.assembly_points, lat, lon)
        if point is not None and gap <= AT_ASSEMBLY_M:
            return f"at {point.name}"
        area, gap = _nearest(self.areas, lat, lon)
        if area is None or gap > CAMPUS_RANGE_M:
            return ""
        return _relation(area, gap, lat, lon)

    def distance_words(self, race_m: float) -> str:
        """ "Mile 25.8" / "Km 41.5"."""
        value = race_m / UNIT_METRES[self.unit]
        return f"{UNIT_WORD[self.unit]} {value:.1f}"

    def along_course(self, lat: float, lon: float) -> float | None:
        """Race distance of the nearest point of the course, if the point is on it."""
        best = None
        for i in range(1, len(self._points)):
            if i in self._breaks:
                continue
            a, b = self._points[i - 1], self._points[i]
            offset, fraction = _to_segment(lat, lon, a, b)
            if best is None or offset < best[0]:
                best = (offset, a[2] + fraction * (b[2] - a[2]))
        if best is None or best[0] > ON_COURSE_M:
            return None
        return best[1]

    def nearest_post(self, lat: float, lon: float) -> tuple[PostArea | None, float]:
        return _nearest(self.posts, lat, lon)

    # --- where is "mile 18.2"? ----------------------------------------------------------------

    def locate(self, race_distance: float) -> tuple[float, float] | None:
        """The point of the course at this race distance (in the event's unit); None off it."""
        target = race_distance * UNIT_METRES[self.unit]
        for i in range(1, len(self._points)):
            if i in self._breaks:
                continue
            a, b = self._points[i - 1], self._points[i]
            if a[2] <= target <= b[2]:
                f = 0.0 if b[2] == a[2] else (target - a[2]) / (b[2] - a[2])
                return a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])
        return None

    def course_range(self) -> tuple[float, float] | None:
        """(first, last) race distance the course covers, in the event's unit."""
        if not self.has_course:
            return None
        unit = UNIT_METRES[self.unit]
        return self._points[0][2] / unit, self._points[-1][2] / unit


def _relation(post: PostArea, gap: float, lat: float, lon: float) -> str:
    if gap <= 0:
        return f"at {post.name}"
    if gap <= AT_POST_NEAR_M:
        return f"near {post.name}"
    away = distance_m(post.lat, post.lon, lat, lon)
    where = COMPASS[round(bearing(post.lat, post.lon, lat, lon) / 45) % 8]
    return f"{_metres(away)} {where} of {post.name}"


def _nearest(places: list[PostArea], lat: float, lon: float) -> tuple[PostArea | None, float]:
    best, gap = None, math.inf
    for place in places:
        d = place.edge_distance(lat, lon)
        if d < gap:
            best, gap = place, d
    return best, gap


def _mid_sentence(name: str) -> str:
    """ "East exit" → "east exit" after a comma; "NE door" and "Gate B" keep their capitals."""
    if len(name) > 1 and name[0].isupper() and name[1].islower() and " " in name:
        first, rest = name.split(" ", 1)
        if rest[:1].islower():
            return first.lower() + " " + rest
    return name


def _metres(m: float) -> str:
    return f"{round(m, -1):.0f} m" if m < 1000 else f"{m / 1000:.1f} km"


def _thinned(line: list) -> list[tuple[float, float]]:
    """Drop points closer than MIN_STEP_M to the last kept one (a 1 Hz recording while
    standing still, or a 380,000-point file), keeping the line's last point."""
    kept: list[tuple[float, float]] = []
    for point in line:
        lat, lon = float(point[0]), float(point[1])
        if not kept or distance_m(kept[-1][0], kept[-1][1], lat, lon) >= MIN_STEP_M:
            kept.append((lat, lon))
    if line and kept and (float(line[-1][0]), float(line[-1][1])) != kept[-1]:
        kept.append((float(line[-1][0]), float(line[-1][1])))
    return kept


def _to_segment(lat: float, lon: float, a: tuple, b: tuple) -> tuple[float, float]:
    """(metres from the point to segment ab, fraction along ab of the nearest point)."""
    scale_lat = math.radians(1) * EARTH_RADIUS_M  # metres per degree
    scale_lon = scale_lat * math.cos(math.radians(lat))
    ax, ay = (a[1] - lon) * scale_lon, (a[0] - lat) * scale_lat
    bx, by = (b[1] - lon) * scale_lon, (b[0] - lat) * scale_lat
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
    return math.hypot(ax + t * dx, ay + t * dy), t
