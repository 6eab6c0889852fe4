"""The course importer: real files, GPX/GeoJSON variants, hostile input, markers, simplify."""

from __future__ import annotations

import json
import math
import random
import time
from importlib import resources
from pathlib import Path

import pytest

from fieldops.events.course_import import (
    GAP_SPLIT_M,
    MAX_BYTES,
    Course,
    CourseImportError,
    distance_markers,
    parse_course,
    simplify,
    to_geojson,
)

DATA = Path(__file__).parent / "data"
NYC = DATA / "nyc-marathon-2006-runner-waypoints.gpx"
BIKEHIKE = DATA / "bikehike-route.gpx"
METRES_PER_DEGREE_LAT = 6_371_008.8 * math.pi / 180
NAMESPACES = {
    "no-namespace": "",
    "gpx-1.0": ' version="1.0" xmlns="http://www.topografix.com/GPX/1/0"',
    "gpx-1.1": ' version="1.1" xmlns="http://www.topografix.com/GPX/1/1"',
}
SQUARE = [(40.0, -74.0), (40.001, -74.0), (40.001, -73.999), (40.0, -73.999)]


def gpx(body: str, namespace: str = "") -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<gpx{namespace}>{body}</gpx>'.encode()


def points(tag: str, coords: list[tuple], times: bool = False) -> str:
    out = []
    for i, (lat, lon) in enumerate(coords):
        stamp = f"<time>2024-11-03T14:{i // 60:02d}:{i % 60:02d}Z</time>" if times else ""
        out.append(f'<{tag} lat="{lat}" lon="{lon}"><ele>10</ele>{stamp}</{tag}>')
    return "".join(out)


def trk(*segments: list[tuple], times: bool = False) -> str:
    segs = "".join(f"<trkseg>{points('trkpt', s, times)}</trkseg>" for s in segments)
    return f"<trk><name>course</name>{segs}</trk>"


def rte(coords: list[tuple]) -> str:
    return f"<rte><name>course</name>{points('rtept', coords)}</rte>"


def linestring(coords: list[tuple]) -> dict:
    return {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in coords]}


def geojson(doc: dict) -> bytes:
    return json.dumps(doc).encode()


def north_line(length_m: float, n: int = 11) -> Course:
    """A straight line due north from (0, 0), with n evenly spaced points."""
    line = [(length_m * i / (n - 1) / METRES_PER_DEGREE_LAT, 0.0) for i in range(n)]
    return Course([line], length_m, "geojson")


def import_error(data: bytes, filename: str = "") -> str:
    with pytest.raises(CourseImportError) as excinfo:
        parse_course(data, filename)
    return str(excinfo.value)


# --- the real files ---------------------------------------------------------------------------


def test_nyc_waypoint_only_gpx_without_namespace_imports():
    course = parse_course(NYC.read_bytes(), NYC.name)
    assert course.source_format == "gpx-wpt"
    assert len(course.lines) == 1
    assert len(course.lines[0]) == 1318  # 1325 waypoints - the isolated start fix - 6 repeats
    # The recording covers 1st Avenue (about mile 16) to the finish in Central Park: ~15.8 km.
    assert 15_500 < course.length_m < 16_000
    assert course.lines[0][0] == (40.766303, -73.957158)
    assert course.lines[0][-1] == (40.772617, -73.9767)


def test_nyc_gap_after_staten_island_start_is_split_not_drawn_across_the_harbour():
    course = parse_course(NYC.read_bytes())
    start = (40.606641, -74.044835)  # the first fix, three hours before the next one, 19 km away
    assert all(start not in line for line in course.lines)
    longest_step = max(
        math.dist(a, b) * METRES_PER_DEGREE_LAT
        for a, b in zip(course.lines[0], course.lines[0][1:], strict=False)
    )
    assert longest_step < GAP_SPLIT_M


def test_bikehike_route_gpx_imports_as_one_route():
    course = parse_course(BIKEHIKE.read_bytes(), BIKEHIKE.name)
    assert course.source_format == "gpx-rte"
    assert [len(line) for line in course.lines] == [1342]
    assert 85_500 < course.length_m < 86_500


def test_shipped_nyc_course_geojson_is_the_simplified_nyc_import():
    shipped = (resources.files("fieldops") / "data" / "nyc-marathon-course.geojson").read_bytes()
    course = parse_course(shipped, "nyc-marathon-course.geojson")
    expected = simplify(parse_course(NYC.read_bytes()), 5.0)
    assert course.source_format == "geojson"
    assert 100 <= sum(len(line) for line in course.lines) <= 400
    assert course.length_m == pytest.approx(expected.length_m, abs=1.0)
    assert json.loads(shipped)["features"][0]["properties"]["length_m"] == pytest.approx(
        expected.length_m, abs=0.1
    )


# --- GPX variants -----------------------------------------------------------------------------


@pytest.mark.parametrize("namespace", NAMESPACES.values(), ids=NAMESPACES.keys())
@pytest.mark.parametrize(
    ("body", "source_format"),
    [(trk(SQUARE), "gpx-trk"), (rte(SQUARE), "gpx-rte"), (points("wpt", SQUARE), "gpx-wpt")],
    ids=["trk", "rte", "wpt"],
)
def test_gpx_track_route_or_waypoints_import_with_or_without_namespace(
    body, source_format, namespace
):
    course = parse_course(gpx(body, namespace))
    assert course.source_format == source_format
    assert course.lines == [SQUARE]
    assert course.length_m == pytest.approx(111.2 + 85.2 + 111.2, rel=0.01)


def test_every_track_segment_becomes_a_line():
    first, second = SQUARE[:2], SQUARE[2:]
    course = parse_course(gpx(trk(first, second) + trk(SQUARE)))
    assert course.lines == [first, second, SQUARE]


def test_track_is_preferred_over_route_and_route_over_waypoints():
    wpts = points("wpt", [(1.0, 1.0), (1.1, 1.1)])
    assert parse_course(gpx(wpts + rte(SQUARE[:2]) + trk(SQUARE))).source_format == "gpx-trk"
    assert parse_course(gpx(wpts + rte(SQUARE))).lines == [SQUARE]


def test_empty_track_falls_back_to_route():
    course = parse_course(gpx("<trk><trkseg></trkseg></trk>" + rte(SQUARE)))
    assert course.source_format == "gpx-rte"


def test_bad_elevation_or_time_does_not_matter():
    body = '<wpt lat="1" lon="2"><ele>n/a</ele><time>yesterday</time></wpt><wpt lat="1.1" lon="2"/>'
    assert parse_course(gpx(body)).lines == [[(1.0, 2.0), (1.1, 2.0)]]


def test_utf8_bom_and_utf16_gpx_import():
    text = '<?xml version="1.0" encoding="UTF-16"?><gpx>' + trk(SQUARE) + "</gpx>"
    assert parse_course(text.encode("utf-16")).lines == [SQUARE]
    assert parse_course(b"\xef\xbb\xbf" + gpx(trk(SQUARE))).lines == [SQUARE]


def test_exact_consecutive_duplicate_points_are_dropped():
    doubled = [SQUARE[0], SQUARE[0], SQUARE[1], SQUARE[1], SQUARE[1], SQUARE[2], SQUARE[0]]
    course = parse_course(gpx(trk(doubled)))
    assert course.lines == [[SQUARE[0], SQUARE[1], SQUARE[2], SQUARE[0]]]


def test_short_gps_gap_in_a_recording_is_bridged_so_the_course_stays_one_line():
    coords = [(40.0, -74.0), (40.0001, -74.0), (40.0060, -74.0), (40.0061, -74.0)]  # 655 m gap
    course = parse_course(gpx(trk(coords, times=True)))
    assert course.lines == [coords]


def test_long_gps_gap_in_a_recording_splits_the_line_and_drops_a_lone_fix():
    before = [(40.0, -74.0), (40.0001, -74.0)]
    after = [(40.02, -74.0), (40.0201, -74.0)]  # 2.2 km on
    lone = [(40.05, -74.0)]  # another 3.3 km: a single fix, then nothing
    course = parse_course(gpx(points("wpt", before + after + lone, times=True)))
    assert course.lines == [before, after]
    assert course.length_m == pytest.approx(2 * 11.1, rel=0.01)


def test_far_apart_route_points_and_untimed_waypoints_are_never_split():
    coords = [(40.0, -74.0), (40.1, -74.0), (40.2, -74.0)]  # 11 km apart, placed on purpose
    assert parse_course(gpx(rte(coords))).lines == [coords]
    assert parse_course(gpx(points("wpt", coords))).lines == [coords]


# --- GeoJSON variants -------------------------------------------------------------------------


def test_geojson_linestring_imports_with_lon_lat_order():
    course = parse_course(geojson(linestring(SQUARE)))
    assert course.source_format == "geojson"
    assert course.lines == [SQUARE]


def test_geojson_multilinestring_gives_one_line_each():
    doc = {"type": "MultiLineString", "coordinates": [linestring(SQUARE)["coordinates"]] * 2}
    assert parse_course(geojson(doc)).lines == [SQUARE, SQUARE]


def test_geojson_feature_of_a_line_imports():
    doc = {"type": "Feature", "geometry": linestring(SQUARE), "properties": {"name": "5K"}}
    assert parse_course(geojson(doc)).lines == [SQUARE]


def test_geojson_feature_collection_ignores_points_and_polygons():
    ring = [[-74.0, 40.0], [-73.9, 40.0], [-73.9, 40.1], [-74.0, 40.0]]
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-74.0, 40.0]}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}},
        {"type": "Feature", "geometry": None},
        {"type": "Feature", "geometry": linestring(SQUARE)},
    ]
    course = parse_course(geojson({"type": "FeatureCollection", "features": features}))
    assert course.lines == [SQUARE]


def test_geojson_altitude_is_ignored():
    doc = {"type": "LineString", "coordinates": [[-74.0, 40.0, 12.5], [-74.0, 40.001, 13.0]]}
    assert parse_course(geojson(doc)).lines == [[(40.0, -74.0), (40.001, -74.0)]]


def test_format_is_detected_by_content_not_file_name():
    assert parse_course(geojson(linestring(SQUARE)), "course.gpx").source_format == "geojson"
    assert parse_course(gpx(trk(SQUARE)), "course.geojson").source_format == "gpx-trk"
    assert parse_course(b"\n\t  " + gpx(trk(SQUARE)), "course.txt").lines == [SQUARE]


def test_to_geojson_writes_a_multilinestring_that_imports_back():
    course = parse_course(gpx(trk(SQUARE[:2], SQUARE[2:])))
    doc = to_geojson(course)
    assert doc["type"] == "FeatureCollection"
    [feature] = doc["features"]
    assert feature["geometry"]["type"] == "MultiLineString"
    assert feature["geometry"]["coordinates"][0][0] == [-74.0, 40.0]  # [lon, lat]
    assert feature["properties"] == {"length_m": round(course.length_m, 1)}
    again = parse_course(json.dumps(doc).encode())
    assert again.lines == course.lines
    assert again.length_m == pytest.approx(course.length_m)


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \n\t ", b"\xef\xbb\xbf"], ids=["empty", "blank", "bom"])
def test_empty_file_is_refused(data):
    assert "empty" in import_error(data, "course.gpx")


def test_binary_junk_is_refused_as_neither_gpx_nor_geojson():
    message = import_error(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "course.png")
    assert "'course.png' is neither GPX nor GeoJSON" in message


def test_invalid_json_is_refused_with_its_position():
    message = import_error(b'{"type": "LineString",\n "coordinates": [[1, 2],, ]}')
    assert "not valid JSON" in message
    assert "line 2" in message


def test_invalid_xml_is_refused_with_line_and_column():
    message = import_error(b"<gpx>\n<trk>\n<trkseg><trkpt lat=1></trkseg></trk></gpx>")
    assert "not valid XML" in message
    assert "line 3, column" in message


def test_gpx_without_points_is_refused():
    message = import_error(gpx("<metadata><name>x</name></metadata><trk><trkseg/></trk>"))
    assert message == "The GPX file has no <trk>, <rte> or <wpt> points."


def test_xml_that_is_not_gpx_is_refused():
    kml = b'<kml xmlns="http://www.opengis.net/kml/2.2"><wpt lat="1" lon="2"/></kml>'
    assert "not a GPX file: it starts with <kml>" in import_error(kml)


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ('lat="91" lon="-74"', "Point 3 of track segment 1 has latitude '91'"),
        ('lat="40" lon="-180.5"', "Point 3 of track segment 1 has longitude '-180.5'"),
        ('lat="north" lon="-74"', "Point 3 of track segment 1 has latitude 'north'"),
        ('lon="-74"', "Point 3 of track segment 1 has latitude ''"),
        ('lat="NaN" lon="-74"', "Point 3 of track segment 1 has latitude 'NaN'"),
        ('lat="40" lon="inf"', "Point 3 of track segment 1 has longitude 'inf'"),
    ],
)
def test_gpx_coordinate_out_of_range_or_not_a_number_names_the_point(bad, expected):
    body = f"<trk><trkseg>{points('trkpt', SQUARE[:2])}<trkpt {bad}/></trkseg></trk>"
    message = import_error(gpx(body))
    assert message.startswith(expected)
    assert "must be a number from" in message


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        ([-74.0, 95.0], "Point 2 of line 1 has latitude 95.0"),
        ([-200, 40.0], "Point 2 of line 1 has longitude -200"),
        ([True, 40.0], "Point 2 of line 1 has longitude True"),
        ([-74.0, 10**400], "Point 2 of line 1 has latitude 1000000"),
        ([-74.0], "Point 2 of line 1 is not a [longitude, latitude] pair"),
        ("-74,40", "Point 2 of line 1 is not a [longitude, latitude] pair"),
    ],
)
def test_geojson_bad_position_names_the_point(position, expected):
    doc = {"type": "LineString", "coordinates": [[-74.0, 40.0], position]}
    assert import_error(geojson(doc)).startswith(expected)


def test_geojson_nan_coordinate_is_refused():
    data = b'{"type": "LineString", "coordinates": [[-74, 40], [NaN, 40.1]]}'
    assert "longitude nan" in import_error(data)


@pytest.mark.parametrize(
    "doc",
    [
        {"type": "Point", "coordinates": [-74.0, 40.0]},
        {"type": "Feature", "geometry": None},
        {"type": "FeatureCollection", "features": []},
        {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": "road"}]},
        {"hello": "world"},
    ],
)
def test_geojson_without_any_line_is_refused(doc):
    assert "no LineString or MultiLineString" in import_error(geojson(doc))


@pytest.mark.parametrize(
    "data",
    [
        b'{"type": "FeatureCollection", "features": {}}',
        b'{"type": "MultiLineString", "coordinates": 5}',
        b'{"type": "LineString", "coordinates": null}',
        b"{" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b'{"type": "LineString", "coordinates": [[-74, 40], [-74, 40.1]]}\xff\xfe',
    ],
    ids=["features-not-list", "coords-not-list", "coords-null", "open-braces", "deep", "bad-utf8"],
)
def test_malformed_geojson_is_refused(data):
    import_error(data)


@pytest.mark.parametrize(
    "data",
    [
        gpx(trk([(40.0, -74.0)])),
        gpx(trk([(40.0, -74.0)] * 5)),
        geojson(linestring([(40.0, -74.0)])),
        geojson({"type": "LineString", "coordinates": []}),
    ],
    ids=["one-point", "same-point-five-times", "geojson-one-point", "geojson-no-points"],
)
def test_a_line_needs_at_least_two_different_points(data):
    assert "at least two different points" in import_error(data)


def test_single_point_segment_is_dropped_when_another_line_is_usable():
    assert parse_course(gpx(trk([(1.0, 1.0)], SQUARE))).lines == [SQUARE]


def test_file_over_20_mb_is_refused_before_parsing():
    data = b"<gpx>" + b" " * MAX_BYTES + b"</gpx>"
    message = import_error(data, "huge.gpx")
    assert message == "'huge.gpx' is 20.0 MB; course files are limited to 20 MB."
    assert parse_course(gpx(trk(SQUARE)).ljust(MAX_BYTES, b" ")).lines == [SQUARE]


@pytest.mark.parametrize("name", ["billion-laughs.gpx", "xxe-external-entity.gpx"])
def test_doctype_and_entity_declarations_are_refused_quickly(name):
    started = time.perf_counter()
    message = import_error((DATA / name).read_bytes(), name)
    assert "DOCTYPE or ENTITY" in message
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize("encoding", ["OTF-8", "shift_jis", "rot13", "idna", "punycode"])
def test_gpx_declaring_an_unusable_encoding_is_refused(encoding):
    data = f'<?xml version="1.0" encoding="{encoding}"?><gpx><wpt lat="\u00e9"/></gpx>'
    assert "encoding" in import_error(data.encode("latin-1"))


def test_undefined_entity_reference_is_invalid_xml():
    assert "not valid XML" in import_error(gpx("<trk><name>&secret;</name></trk>"))


def test_truncated_files_and_random_bytes_only_ever_raise_course_import_error():
    rng = random.Random(20061105)
    samples = []
    for original in (NYC.read_bytes()[:6000], gpx(trk(SQUARE)), geojson(linestring(SQUARE))):
        samples += [original[:cut] for cut in range(0, len(original), max(1, len(original) // 150))]
        for _ in range(150):
            mutated = bytearray(original)
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
            samples.append(bytes(mutated))
    for prefix in (b"", b"<", b"<gpx>", b"{", b'{"type":'):
        samples += [prefix + rng.randbytes(rng.randrange(1, 400)) for _ in range(60)]
    started = time.perf_counter()
    for data in samples:
        try:
            course = parse_course(data)
        except CourseImportError as exc:
            assert str(exc)
        else:
            assert all(len(line) >= 2 for line in course.lines)
    assert time.perf_counter() - started < 10


# --- distance markers -------------------------------------------------------------------------


def test_distance_markers_every_km_on_a_straight_line():
    markers = distance_markers(north_line(5_500), 1_000)
    assert [m["distance_m"] for m in markers] == [1000, 2000, 3000, 4000, 5000]
    for m in markers:
        assert m["lat"] == pytest.approx(m["distance_m"] / METRES_PER_DEGREE_LAT, abs=1e-9)
        assert m["lon"] == 0.0


def test_distance_markers_include_the_end_but_not_the_start():
    course = north_line(4_000, n=3)
    markers = distance_markers(course, 1_000)
    assert [m["distance_m"] for m in markers] == [1000, 2000, 3000, 4000]
    assert markers[-1]["lat"] == pytest.approx(course.lines[0][-1][0])


def test_distance_markers_continue_across_lines_without_counting_the_gap():
    first = [(0.0, 0.0), (1_500 / METRES_PER_DEGREE_LAT, 0.0)]
    second = [(0.0, 1.0), (1_500 / METRES_PER_DEGREE_LAT, 1.0)]
    markers = distance_markers(Course([first, second], 3_000.0, "geojson"), 1_000)
    assert [m["distance_m"] for m in markers] == [1000, 2000, 3000]
    assert [m["lon"] for m in markers] == [0.0, 1.0, 1.0]
    assert markers[1]["lat"] == pytest.approx(500 / METRES_PER_DEGREE_LAT)


def test_distance_markers_on_a_course_shorter_than_the_spacing_are_none():
    assert distance_markers(north_line(900), 1_000) == []


@pytest.mark.parametrize("every", [0, -5, float("nan"), 0.001])
def test_distance_markers_refuse_a_useless_spacing(every):
    with pytest.raises(CourseImportError):
        distance_markers(north_line(5_500), every)


# --- simplify ---------------------------------------------------------------------------------


def test_simplify_collapses_a_straight_line_to_its_endpoints():
    course = north_line(5_000, n=51)
    simple = simplify(course, 1.0)
    assert simple.lines == [[course.lines[0][0], course.lines[0][-1]]]
    assert simple.length_m == pytest.approx(5_000)
    assert simple.source_format == course.source_format


def test_simplify_keeps_corners_bigger_than_the_tolerance():
    course = parse_course(gpx(trk(SQUARE)))
    assert simplify(course, 5.0).lines == [SQUARE]
    assert simplify(course, 500.0).lines == [[SQUARE[0], SQUARE[-1]]]


def test_simplify_keeps_a_loop_course_that_starts_and_ends_at_the_same_point():
    loop = SQUARE + [SQUARE[0]]
    assert simplify(parse_course(gpx(trk(loop))), 5.0).lines == [loop]


def test_simplify_real_course_keeps_endpoints_and_stays_within_tolerance_of_the_length():
    course = parse_course(NYC.read_bytes())
    simple = simplify(course, 5.0)
    assert simple.lines[0][0] == course.lines[0][0]
    assert simple.lines[0][-1] == course.lines[0][-1]
    assert len(simple.lines[0]) < len(course.lines[0]) / 4
    assert simple.length_m == pytest.approx(course.length_m, rel=0.02)
