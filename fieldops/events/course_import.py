"""Course import: GPX or GeoJSON bytes in, a validated `Course` out; markers, simplify, GeoJSON.

Pure stdlib, no Flask, no network; any problem with the file is a `CourseImportError` whose
message an admin can act on. GPX is read with expat, not gpxpy: gpxpy rejects a whole file over one
bad <ele>, crashes on UTF-16, and has no hook to refuse DOCTYPE/ENTITY (entity-expansion bombs).

GPS gaps: a timestamped recording (trk or wpt points with <time>) that jumps more than GAP_SPLIT_M
between two fixes lost its signal there. A straight line across would draw a fake street (NYC 2006
file: 19 km across the harbour from the Staten Island start to 1st Avenue three hours later), so
the line is split there and a fragment of one point is dropped. Shorter gaps (tunnels, bridges)
are bridged so the course stays continuous. Route points and untimed points are placed on
purpose: never split, however far apart.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import math
from dataclasses import dataclass
from xml.parsers import expat

MAX_BYTES = 20 * 1024 * 1024
MAX_MARKERS = 100_000
EARTH_RADIUS_M = 6_371_008.8
GAP_SPLIT_M = 1_000.0
POINT_TAGS = ("trkpt", "rtept", "wpt")


class CourseImportError(ValueError):
    """Raised with a message a user can act on, e.g. 'not valid XML: line 3, column 5 ...'."""


@dataclass(frozen=True)
class Course:
    lines: list[list[tuple[float, float]]]  # one or more polylines, each a list of (lat, lon)
    length_m: float  # summed over lines; gaps between lines are not counted
    source_format: str  # "gpx-trk" | "gpx-rte" | "gpx-wpt" | "geojson"


# A line as read from the file, before validation: a label for messages ("track segment 2") and
# its points as (raw latitude, raw longitude, has a timestamp).
RawLine = tuple[str, list[tuple[object, object, bool]]]


def parse_course(data: bytes, filename: str = "") -> Course:
    """Read a GPX (trk, rte or wpt) or GeoJSON course, detected by content, not by name."""
    name = f"'{filename}'" if filename else "The file"
    if len(data) > MAX_BYTES:
        raise CourseImportError(
            f"{name} is {len(data) / 1024 / 1024:.1f} MB; course files are limited to 20 MB."
        )
    first, data = _sniff(data)
    if not first:
        raise CourseImportError(f"{name} is empty.")
    if first == "<":
        raw_lines, source_format = _read_gpx(data)
    elif first == "{":
        raw_lines, source_format = _read_geojson(data), "geojson"
    else:
        raise CourseImportError(
            f"{name} is neither GPX nor GeoJSON (it does not start with '<' or '{{'). "
            "Export the course from your mapping tool as GPX or GeoJSON."
        )
    split = source_format in ("gpx-trk", "gpx-wpt")
    return _build_course(raw_lines, source_format, split_gaps=split)


def distance_markers(course: Course, every_m: float, start_m: float = 0.0) -> list[dict]:
    """[{"lat", "lon", "distance_m"}] at every_m, 2*every_m, ... along the course, up to its end.

    Distance runs on from one line into the next; the gap between lines does not count.
    `start_m`: the race distance where the course file begins (a recording that starts late);
    markers then stand at whole race distances and `distance_m` is the race distance.
    """
    if not every_m > 0:
        raise CourseImportError("The marker spacing must be a positive number of metres.")
    if course.length_m / every_m > MAX_MARKERS:
        raise CourseImportError(f"A marker every {every_m:g} m would make too many markers.")
    markers: list[dict] = []
    first = (math.floor(start_m / every_m + 1e-9) + 1) * every_m
    target, travelled = first - start_m, 0.0
    for line in course.lines:
        for a, b in zip(line, line[1:], strict=False):
            step = _haversine(a, b)
            if step == 0:  # a Course built by hand may repeat a point
                continue
            while target <= travelled + step + 1e-6:  # 1 µm slack: keep a marker at the very end
                f = min(1.0, max(0.0, (target - travelled) / step))
                lat, lon = a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])
                markers.append({"lat": lat, "lon": lon, "distance_m": target + start_m})
                target = first - start_m + every_m * len(markers)
            travelled += step
    return markers


def simplify(course: Course, tolerance_m: float) -> Course:
    """Douglas-Peucker on each line: drop points within tolerance_m of the kept shape."""
    if not tolerance_m >= 0:
        raise CourseImportError("The simplification tolerance must be zero or more metres.")
    lines = [_douglas_peucker(line, tolerance_m) for line in course.lines]
    return Course(lines, _total_length(lines), course.source_format)


def to_geojson(course: Course) -> dict:
    """A FeatureCollection with one MultiLineString ([lon, lat], 6 decimals, ~0.1 m)."""
    coordinates = [[[round(lon, 6), round(lat, 6)] for lat, lon in line] for line in course.lines]
    feature = {
        "type": "Feature",
        "geometry": {"type": "MultiLineString", "coordinates": coordinates},
        "properties": {"length_m": round(course.length_m, 1)},
    }
    return {"type": "FeatureCollection", "features": [feature]}


# --- reading --------------------------------------------------------------------------------


def _sniff(data: bytes) -> tuple[str, bytes]:
    """The first non-blank character, and the data without a UTF-8 BOM and leading blanks."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "ignore").lstrip()[:1], data
    data = data.removeprefix(codecs.BOM_UTF8).lstrip()  # blanks before <?xml are invalid XML
    return data[:1].decode("latin-1"), data


class _GpxCollector:
    """Expat callbacks gathering track segments, routes and waypoints, whatever the namespace."""

    def __init__(self) -> None:
        self.segments: list[list] = []
        self.routes: list[list] = []
        self.waypoints: list[list] = [[]]
        self.root: str | None = None
        self.point: list | None = None  # [lat, lon, has_time] of the point element being read

    def start(self, name: str, attrs: dict) -> None:
        tag = name.rpartition(" ")[2]  # "http://www.topografix.com/GPX/1/1 trkpt" -> "trkpt"
        if self.root is None:
            self.root = tag
            if tag != "gpx":
                raise CourseImportError(f"This is not a GPX file: it starts with <{tag}>.")
        if tag == "trkseg":
            self.segments.append([])
        elif tag == "rte":
            self.routes.append([])
        elif tag in POINT_TAGS:
            self.point = [attrs.get("lat", ""), attrs.get("lon", ""), False]
            lines = {"trkpt": self.segments, "rtept": self.routes, "wpt": self.waypoints}[tag]
            if not lines:  # a point outside any <trkseg>/<rte>: be lenient
                lines.append([])
            lines[-1].append(self.point)
        elif tag == "time" and self.point is not None:
            self.point[2] = True

    def end(self, name: str) -> None:
        if name.rpartition(" ")[2] in POINT_TAGS:
            self.point = None


def _refuse_dtd(*_args: object) -> None:
    raise CourseImportError(
        "The GPX file contains a DOCTYPE or ENTITY declaration, which is refused for safety. "
        "Re-export it from your mapping tool."
    )


def _read_gpx(data: bytes) -> tuple[list[RawLine], str]:
    collector = _GpxCollector()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.StartElementHandler = collector.start
    parser.EndElementHandler = collector.end
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise CourseImportError(f"The GPX file is not valid XML: {exc}.") from None
    except CourseImportError:
        raise
    except (LookupError, ValueError) as exc:  # an encoding="..." expat cannot use
        raise CourseImportError(
            f"The GPX file's character encoding cannot be read ({exc}); save it as UTF-8."
        ) from None
    if any(collector.segments):
        lines = [(f"track segment {i}", s) for i, s in enumerate(collector.segments, 1)]
        return lines, "gpx-trk"
    if any(collector.routes):
        return [(f"route {i}", r) for i, r in enumerate(collector.routes, 1)], "gpx-rte"
    if any(collector.waypoints):
        return [("the waypoints", collector.waypoints[0])], "gpx-wpt"
    raise CourseImportError("The GPX file has no <trk>, <rte> or <wpt> points.")


def _read_geojson(data: bytes) -> list[RawLine]:
    try:
        doc = json.loads(data)
    except RecursionError:
        raise CourseImportError("The GeoJSON file is nested too deeply to be a course.") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise CourseImportError(f"The GeoJSON file is not valid JSON: {exc}.") from None
    if not isinstance(doc, dict):
        raise CourseImportError('The GeoJSON file must contain an object with a "type".')
    kind = doc.get("type")
    if kind == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            raise CourseImportError('The GeoJSON FeatureCollection has no "features" list.')
        geometries = [f.get("geometry") for f in features if isinstance(f, dict)]
    elif kind == "Feature":
        geometries = [doc.get("geometry")]
    else:
        geometries = [doc]
    coordinate_lists = [c for g in geometries for c in _line_coordinates(g)]
    if not coordinate_lists:
        raise CourseImportError(
            "The GeoJSON file contains no LineString or MultiLineString to use as the course."
        )
    return [_geojson_line(c, i) for i, c in enumerate(coordinate_lists, 1)]


def _line_coordinates(geometry: object) -> list:
    """The coordinate lists of a LineString / MultiLineString; nothing for other geometries."""
    if not isinstance(geometry, dict):
        return []
    coordinates = geometry.get("coordinates")
    if geometry.get("type") == "LineString":
        return [coordinates]
    if geometry.get("type") == "MultiLineString":
        if not isinstance(coordinates, list):
            raise CourseImportError("A GeoJSON MultiLineString has no list of lines.")
        return coordinates
    return []


def _geojson_line(coordinates: object, number: int) -> RawLine:
    label = f"line {number}"
    if not isinstance(coordinates, list):
        raise CourseImportError(f"GeoJSON {label} has no list of coordinates.")
    points = []
    for i, position in enumerate(coordinates, 1):
        if not isinstance(position, list) or len(position) < 2:
            raise CourseImportError(f"Point {i} of {label} is not a [longitude, latitude] pair.")
        points.append((position[1], position[0], False))
    return label, points


# --- validating and building ----------------------------------------------------------------


def _build_course(raw_lines: list[RawLine], source_format: str, split_gaps: bool) -> Course:
    lines = []
    for label, raw_points in raw_lines:
        points = _drop_duplicates([_validated(p, i, label) for i, p in enumerate(raw_points, 1)])
        pieces = _split_at_gaps(points) if split_gaps else [points]
        lines += [[(lat, lon) for lat, lon, _ in piece] for piece in pieces if len(piece) >= 2]
    if not lines:
        raise CourseImportError(
            "The course needs a line of at least two different points; this file has none."
        )
    return Course(lines, _total_length(lines), source_format)


def _validated(point: tuple, index: int, label: str) -> tuple[float, float, bool]:
    raw_lat, raw_lon, has_time = point
    where = f"Point {index} of {label}"
    lat = _coordinate(raw_lat, "latitude", 90, where)
    return lat, _coordinate(raw_lon, "longitude", 180, where), has_time


def _coordinate(raw: object, name: str, limit: int, where: str) -> float:
    value = None
    if isinstance(raw, int | float | str) and not isinstance(raw, bool):
        with contextlib.suppress(ValueError, OverflowError):
            value = float(raw)
    if value is None or not -limit <= value <= limit:  # also refuses NaN and infinity
        raise CourseImportError(
            f"{where} has {name} {repr(raw)[:40]}; it must be a number from -{limit} to {limit}."
        )
    return value


def _drop_duplicates(points: list) -> list:
    kept = points[:1]
    for point in points[1:]:
        if point[:2] != kept[-1][:2]:
            kept.append(point)
    return kept


def _split_at_gaps(points: list) -> list[list]:
    pieces: list[list] = [points[:1]]
    for prev, cur in zip(points, points[1:], strict=False):
        if prev[2] and cur[2] and _haversine(prev[:2], cur[:2]) > GAP_SPLIT_M:
            pieces.append([])
        pieces[-1].append(cur)
    return pieces


# --- geometry -------------------------------------------------------------------------------


def _haversine(a: tuple, b: tuple) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _total_length(lines: list[list[tuple[float, float]]]) -> float:
    return sum(_haversine(a, b) for line in lines for a, b in zip(line, line[1:], strict=False))


def _douglas_peucker(line: list[tuple[float, float]], tolerance_m: float) -> list:
    if len(line) < 3:
        return list(line)
    # Local equirectangular projection to metres: exact enough at the scale of an event course.
    lat0 = math.radians(sum(lat for lat, _ in line) / len(line))
    xy = [
        (math.radians(lon) * math.cos(lat0) * EARTH_RADIUS_M, math.radians(lat) * EARTH_RADIUS_M)
        for lat, lon in line
    ]
    keep = [False] * len(line)
    keep[0] = keep[-1] = True
    stack = [(0, len(line) - 1)]
    while stack:  # iterative, so a long line cannot hit the recursion limit
        first, last = stack.pop()
        worst, index = 0.0, None
        for i in range(first + 1, last):
            d = _segment_distance(xy[i], xy[first], xy[last])
            if d > worst:
                worst, index = d, i
        if index is not None and worst > tolerance_m:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(line, keep, strict=True) if k]


def _segment_distance(p: tuple, a: tuple, b: tuple) -> float:
    """Distance from p to segment ab (not the infinite line, so loop courses work too)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)
