"""Traccar Client (OsmAnd) and OwnTracks payloads parse to one DeviceFix in SI units and UTC.

The request strings are the real ones: Traccar's OsmAndProtocolDecoderTest and
OwnTracksProtocolDecoderTest, the classic Android client's ProtocolFormatter, the current client's
location template, and the OwnTracks booklet.
"""

import json
import math
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest

from fieldops.tracking.protocols import (
    KMH_IN_MPS,
    KNOT_IN_MPS,
    OWNTRACKS_NON_FIX_TYPES,
    DeviceFix,
    ProtocolError,
    parse_osmand,
    parse_owntracks,
)

NOW = datetime(2026, 11, 1, 14, 3, 7, tzinfo=UTC)


def query(uri: str) -> dict[str, str]:
    """What the HTTP layer hands over for a Traccar test URI: decoded, last value wins."""
    return dict(parse_qsl(urlsplit(uri).query, keep_blank_values=True))


def osmand_uri(uri: str) -> DeviceFix:
    return parse_osmand(query(uri), None, now=NOW)


def osmand_json(body: str) -> DeviceFix:
    return parse_osmand({}, json.loads(body))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- Traccar Client, classic query string -------------------------------------------------------


def test_classic_android_client_request_converts_knots_and_reads_every_field():
    # ProtocolFormatter.kt: id, timestamp (s), lat, lon, speed (kn), bearing, altitude, accuracy,
    # batt, as Kotlin prints doubles; 3.887688 kn is 2 m/s.
    fix = osmand_uri(
        "/?id=tok-123&timestamp=1762005787&lat=40.7128&lon=-74.006&speed=3.887688"
        "&bearing=270.0&altitude=12.5&accuracy=8.0&batt=87.0"
    )
    assert fix == DeviceFix(
        device_id="tok-123",
        lat=40.7128,
        lon=-74.006,
        recorded_at=utc(2025, 11, 1, 14, 3, 7),
        accuracy=8.0,
        heading=270.0,
        speed=pytest.approx(2.0, abs=1e-6),
        altitude=12.5,
        battery=87.0,
    )


def test_classic_client_accuracy_zero_means_not_reported():
    # Position.kt reports accuracy only for non-GPS providers and 0.0 otherwise.
    fix = osmand_uri("/?id=t&timestamp=1377177267&lat=60.0&lon=30.0&accuracy=0.0")
    assert fix.accuracy is None


def test_traccar_query_with_seconds_timestamp_and_zero_bearing():
    fix = osmand_uri(
        "/?id=123456&timestamp=1377177267&lat=60.0&lon=30.0&speed=0.0&bearing=0.0&altitude=0&hdop=0.0"
    )
    assert (fix.device_id, fix.lat, fix.lon) == ("123456", 60.0, 30.0)
    assert fix.recorded_at == utc(2013, 8, 22, 13, 14, 27)
    assert (fix.speed, fix.heading, fix.altitude) == (0.0, 0.0, 0.0)
    assert fix.accuracy is None  # hdop is dimensionless, never taken as metres


def test_traccar_query_with_iso_timestamp():
    fix = osmand_uri(
        "/?id=902064&lat=42.06288&lon=-88.23412&timestamp=2016-01-27T18%3A55%3A47Z"
        "&hdop=6.0&altitude=224.0&speed=0.0"
    )
    assert fix.recorded_at == utc(2016, 1, 27, 18, 55, 47)
    assert fix.altitude == 224.0 and fix.accuracy is None


def test_traccar_query_with_millisecond_timestamp():
    fix = osmand_uri(
        "/?id=902064&lat=42.06288&lon=-88.23412&timestamp=1442068686579&hdop=6.0"
        "&altitude=224.0&speed=0.0"
    )
    assert fix.recorded_at == datetime.fromtimestamp(1442068686.579, UTC)


def test_traccar_query_with_space_separated_date_time_is_read_as_utc():
    fix = osmand_uri(
        "/?lat=49.60688&lon=6.15788&timestamp=2014-06-04+09%3A10%3A11&altitude=384.7"
        "&speed=0.0&id=353861053849681"
    )
    assert fix.recorded_at == utc(2014, 6, 4, 9, 10, 11)
    assert fix.device_id == "353861053849681"


def test_traccar_query_with_deviceid_alias_heading_alias_and_no_timestamp_uses_now():
    fix = osmand_uri(
        "/?lat=60.0&lon=30.0&speed=0.0&heading=0.0&vacc=0&hacc=0&altitude=0&deviceid=123456"
    )
    assert fix.device_id == "123456"
    assert fix.heading == 0.0
    assert fix.recorded_at == NOW


def test_missing_timestamp_defaults_to_the_current_utc_time():
    before = datetime.now(UTC)
    fix = parse_osmand(query("/?id=123456&lat=60.0&lon=30.0"), None)
    assert before <= fix.recorded_at <= datetime.now(UTC)
    assert fix.recorded_at.tzinfo is UTC


def test_traccar_query_battery_is_already_percent():
    fix = osmand_uri(
        "/?id=861001000719969&lat=41.666667&lon=-0.883333&altitude=350.059479&speed=0.000000&batt=87"
    )
    assert fix.battery == 87.0


def test_traccar_query_location_alias_gives_lat_lon():
    fix = osmand_uri("/?id=123456&timestamp=1377177267&location=60.0,30.0")
    assert (fix.lat, fix.lon) == (60.0, 30.0)


def test_traccar_query_speed_in_knots_becomes_metres_per_second_and_extras_are_ignored():
    fix = osmand_uri(
        "/?id=123456789012345&timestamp=1504763810&lat=40.7232948571&lon=-74.0061408571"
        "&bearing=7.19889788244&speed=40&ignition=true&rpm=933&fuel=24"
    )
    assert fix.speed == pytest.approx(40 * 0.514444, rel=1e-5)
    assert fix.speed == 40 * KNOT_IN_MPS
    assert fix.heading == 7.19889788244


def test_traccar_query_form_body_parses_like_a_query_string():
    form = {"id": "tok", "lat": "51.5", "lon": "-0.12", "timestamp": "1762005787", "batt": "55.5"}
    fix = parse_osmand(form, None)
    assert (fix.device_id, fix.lat, fix.lon, fix.battery) == ("tok", 51.5, -0.12, 55.5)


def test_negative_speed_and_bearing_mean_not_available():
    fix = osmand_uri("/?id=t&lat=1&lon=2&timestamp=1377177267&speed=-1&bearing=-1&batt=-1")
    assert (fix.speed, fix.heading, fix.battery) == (None, None, None)


def test_cell_only_query_without_coordinates_is_refused_naming_lat():
    # Traccar falls back to the last known position here; we have no fix to store.
    uri = (
        "/?id=123456&timestamp=1377177267&cell=257,02,16,2224&cell=257,02,16,2223,-90"
        "&wifi=00-14-22-01-23-45,-80&wifi=00-1C-B3-09-85-15,-70"
    )
    with pytest.raises(ProtocolError) as caught:
        osmand_uri(uri)
    assert caught.value.field == "lat"


def test_query_without_device_id_is_refused_naming_id():
    with pytest.raises(ProtocolError) as caught:
        osmand_uri("/?timestamp=1377177267&lat=60.0&lon=30.0")
    assert caught.value.field == "id"
    assert "device token" in str(caught.value)


@pytest.mark.parametrize(
    ("uri", "field"),
    [
        ("/?id=t&lat=60.0", "lon"),
        ("/?id=t&lon=30.0", "lat"),
        ("/?id=t&lat=abc&lon=30.0", "lat"),
        ("/?id=t&lat=60.0&lon=30,5", "lon"),
        ("/?id=t&location=60.0", "location"),
        ("/?id=t&location=60.0,east", "location"),
        ("/?id=t&lat=60&lon=30&timestamp=yesterday", "timestamp"),
        ("/?id=t&lat=60&lon=30&timestamp=2016-13-45T99:00:00Z", "timestamp"),
        ("/?id=t&lat=60&lon=30&timestamp=99999999999999999999", "timestamp"),
        ("/?id=t&lat=60&lon=30&speed=fast", "speed"),
        ("/?id=t&lat=60&lon=30&batt=full", "batt"),
        ("/?id=t&lat=60&lon=30&heading=north", "heading"),
    ],
)
def test_unparseable_query_values_are_refused_naming_the_field(uri, field):
    with pytest.raises(ProtocolError) as caught:
        osmand_uri(uri)
    assert caught.value.field == field


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-Infinity", "1e999"])
@pytest.mark.parametrize("field", ["lat", "lon", "accuracy", "speed", "altitude"])
def test_non_finite_query_numbers_are_refused(field, value):
    params = {"id": "t", "lat": "60", "lon": "30", field: value}
    with pytest.raises(ProtocolError) as caught:
        parse_osmand(params, None)
    assert caught.value.field == field


def test_query_ranges_are_left_to_the_validation_layer():
    fix = osmand_uri("/?id=t&lat=123.0&lon=-500&timestamp=1")
    assert (fix.lat, fix.lon) == (123.0, -500.0)
    assert fix.recorded_at == utc(1970, 1, 1, 0, 0, 1)


# --- Traccar Client, JSON (transistorsoft background-geolocation) ----------------------------

ANDROID_JSON = (
    '{"location":{"timestamp":"2025-06-15T13:45:12.862Z","coords":{"latitude":37.4219983,'
    '"longitude":-122.084,"accuracy":5,"speed":0,"heading":-1,"altitude":5},"is_moving":false,'
    '"odometer":0,"event":"motionchange","battery":{"level":1,"is_charging":false},'
    '"activity":{"type":"still"},"extras":{},'
    '"_":"&id=48241179&lat=37.4219983&lon=-122.084&timestamp=2025-06-15T13:45:12.862Z&"},'
    '"device_id":"48241179"}'
)

IOS_JSON = (
    '{"location":{"extras":{},"mock":true,"coords":{"speed_accuracy":-1,"speed":-1,'
    '"longitude":-122.406417,"ellipsoidal_altitude":0,"floor":null,"heading_accuracy":-1,'
    '"latitude":37.785834000000001,"accuracy":5,"altitude_accuracy":-1,"altitude":0,'
    '"heading":-1},"is_moving":false,"age":188,"odometer":0,'
    '"uuid":"2FB04C65-99CF-42AB-8DD3-EBCB4B108BF8","event":"motionchange",'
    '"battery":{"level":-1,"is_charging":false},"activity":{"type":"unknown","confidence":100},'
    '"timestamp":"2025-05-09T04:11:30.579Z"},"device_id":"658765"}'
)

MOVING_JSON = (
    '{"location":{"event":"motionchange","is_moving":false,'
    '"uuid":"0e9a2473-a9a7-4c00-997b-fb97d2154e75","timestamp":"2021-07-21T08:06:34.444Z",'
    '"odometer":0,"coords":{"latitude":-6.1148096,"longitude":106.6837015,"accuracy":3.8,'
    '"speed":18.67,"speed_accuracy":0.26,"heading":63,"heading_accuracy":0.28,"altitude":35.7,'
    '"altitude_accuracy":3.8},"activity":{"type":"still","confidence":100},'
    '"battery":{"is_charging":false,"level":0.79},"extras":{}},"device_id":"8737767034"}'
)


def test_current_client_json_from_android_reads_device_id_and_coords():
    fix = osmand_json(ANDROID_JSON)
    assert fix == DeviceFix(
        device_id="48241179",
        lat=37.4219983,
        lon=-122.084,
        recorded_at=utc(2025, 6, 15, 13, 45, 12, 862000),
        accuracy=5.0,
        heading=None,  # -1: no heading
        speed=0.0,
        altitude=5.0,
        battery=100.0,  # level 1 is a fraction: 100 %
    )


def test_current_client_json_from_ios_maps_minus_one_to_unknown():
    fix = osmand_json(IOS_JSON)
    assert fix.device_id == "658765"
    assert (fix.lat, fix.lon) == (37.785834, -122.406417)
    assert fix.recorded_at == utc(2025, 5, 9, 4, 11, 30, 579000)
    assert (fix.speed, fix.heading, fix.battery) == (None, None, None)
    assert (fix.accuracy, fix.altitude) == (5.0, 0.0)


def test_current_client_json_speed_is_already_metres_per_second_and_battery_a_fraction():
    fix = osmand_json(MOVING_JSON)
    assert fix.speed == 18.67
    assert fix.heading == 63.0
    assert fix.accuracy == 3.8
    assert fix.altitude == 35.7
    assert fix.battery == 79.0


def test_current_client_json_ignores_the_query_string():
    fix = parse_osmand(query("/?id=other&lat=1&lon=2"), json.loads(ANDROID_JSON))
    assert fix.device_id == "48241179" and fix.lat == 37.4219983


def test_current_client_json_with_extras_still_parses():
    body = json.loads(ANDROID_JSON)
    body["location"]["extras"] = {"device_string_test": "long_device_id", "heartbeat": True}
    assert parse_osmand({}, body).device_id == "48241179"


def _android_body_without(*path: str) -> dict:
    body = json.loads(ANDROID_JSON)
    target = body
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return body


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (("device_id",), "device_id"),
        (("location",), "location"),
        (("location", "timestamp"), "location.timestamp"),
        (("location", "coords"), "location.coords"),
        (("location", "coords", "latitude"), "location.coords.latitude"),
        (("location", "coords", "longitude"), "location.coords.longitude"),
    ],
)
def test_current_client_json_missing_required_parts_are_refused_naming_them(path, field):
    with pytest.raises(ProtocolError) as caught:
        parse_osmand({}, _android_body_without(*path))
    assert caught.value.field == field


def test_current_client_json_without_optional_parts_leaves_them_unknown():
    body = json.loads(ANDROID_JSON)
    body["location"]["coords"] = {"latitude": 1.5, "longitude": 2.5}
    del body["location"]["battery"]
    fix = parse_osmand({}, body)
    assert (fix.accuracy, fix.heading, fix.speed, fix.altitude, fix.battery) == (None,) * 5


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize("name", ["latitude", "longitude", "speed", "accuracy"])
def test_current_client_json_non_finite_numbers_are_refused(name, value):
    body = json.loads(ANDROID_JSON)
    body["location"]["coords"][name] = value
    with pytest.raises(ProtocolError) as caught:
        parse_osmand({}, body)
    assert caught.value.field == f"location.coords.{name}"


def test_current_client_json_nan_literal_from_the_wire_is_refused():
    # Python's json (and so Flask's get_json) accepts the NaN literal.
    body = json.loads(ANDROID_JSON.replace('"latitude":37.4219983', '"latitude":NaN'))
    with pytest.raises(ProtocolError) as caught:
        parse_osmand({}, body)
    assert caught.value.field == "location.coords.latitude"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"device_id": ""}, "device_id"),
        ({"device_id": True}, "device_id"),
        ({"location": [{}]}, "location"),
        ({"location": "here"}, "location"),
    ],
)
def test_current_client_json_with_wrong_shapes_is_refused(change, field):
    body = {**json.loads(ANDROID_JSON), **change}
    with pytest.raises(ProtocolError) as caught:
        parse_osmand({}, body)
    assert caught.value.field == field


def test_current_client_json_bad_timestamp_and_boolean_latitude_are_refused():
    body = json.loads(ANDROID_JSON)
    body["location"]["timestamp"] = "soon"
    with pytest.raises(ProtocolError, match="location.timestamp"):
        parse_osmand({}, body)
    body = json.loads(ANDROID_JSON)
    body["location"]["coords"]["latitude"] = True
    with pytest.raises(ProtocolError, match="must be a number"):
        parse_osmand({}, body)


def test_json_body_that_is_not_an_object_is_refused():
    with pytest.raises(ProtocolError) as caught:
        parse_osmand({}, [json.loads(ANDROID_JSON)])
    assert caught.value.field is None


# --- OwnTracks ------------------------------------------------------------------------------


def test_owntracks_android_location_converts_kmh_and_reads_seconds():
    body = json.loads(
        '{"_type":"location","acc":15,"alt":440,"batt":46,"conn":"w","lat":46.0681247,'
        '"lon":11.1512805,"t":"u","tid":"5t","tst":1551874878,"vac":2,"vel":0}'
    )
    assert parse_owntracks(body) == DeviceFix(
        device_id=None,
        lat=46.0681247,
        lon=11.1512805,
        recorded_at=utc(2019, 3, 6, 12, 21, 18),
        accuracy=15.0,
        heading=None,  # Android sends no cog
        speed=0.0,
        altitude=440.0,
        battery=46.0,
    )


def test_owntracks_ios_location_with_course_and_velocity():
    body = json.loads(
        '{"cog":271,"lon":2.29513,"acc":5,"vel":61,"vac":21,"lat":48.85833,"tst":1497349316,'
        '"alt":167,"_type":"location","tid":"JJ","t":"u","batt":67}'
    )
    fix = parse_owntracks(body)
    assert fix.heading == 271.0
    assert fix.speed == pytest.approx(16.9444, rel=1e-4)
    assert fix.speed == 61 * KMH_IN_MPS
    assert (fix.accuracy, fix.altitude, fix.battery) == (5.0, 167.0, 67.0)
    assert fix.recorded_at == utc(2017, 6, 13, 10, 21, 56)


def test_owntracks_minimal_location_leaves_optional_fields_unknown():
    fix = parse_owntracks(
        json.loads('{"lon":2.29513,"lat":48.85833,"tst":1497349316,"_type":"location","tid":"JJ"}')
    )
    assert (fix.lat, fix.lon) == (48.85833, 2.29513)
    assert (fix.accuracy, fix.heading, fix.speed, fix.altitude, fix.battery) == (None,) * 5


def test_owntracks_http_location_with_topic_and_created_at_uses_tst():
    body = json.loads(
        '{"lon":-122,"acc":5,"created_at":1736161415,"lat":37,'
        '"topic":"owntracks/ckrey/22A67880-15C3-41A6-9157-25545C7993AC","t":"u","m":1,'
        '"tst":1736161169,"conn":"w","alt":0,"_type":"location","tid":"AC"}'
    )
    fix = parse_owntracks(body)
    assert (fix.lat, fix.lon) == (37.0, -122.0)
    assert fix.recorded_at == datetime.fromtimestamp(1736161169, UTC)


def test_owntracks_fractional_tst_is_accepted():
    fix = parse_owntracks({"_type": "location", "lat": 1, "lon": 2, "tst": 1736161169.5})
    assert fix.recorded_at == datetime.fromtimestamp(1736161169.5, UTC)


def test_owntracks_transition_is_not_stored():
    # Booklet: the coordinates of a transition also arrive as a location with t="c".
    body = {
        "_type": "transition",
        "wtst": 1736100000,
        "lat": 40.7,
        "lon": -74.0,
        "tst": 1736161169,
        "acc": 12,
        "tid": "JJ",
        "event": "enter",
        "desc": "Post 7",
        "t": "c",
    }
    assert parse_owntracks(body) is None


@pytest.mark.parametrize(
    "body",
    [
        {"_type": "lwt", "tst": 1380738247},
        {"_type": "waypoint", "desc": "Post 7", "lat": 40.7, "lon": -74.0, "rad": 50, "tst": 1},
        {"_type": "waypoints", "waypoints": []},
        {"_type": "status", "android": {"wifi": 1, "ps": 0, "bo": 1, "hib": 0, "loc": 1}},
        {"_type": "card", "name": "Officer", "tid": "JJ"},
        {"_type": "cmd", "action": "reportLocation"},
        {"_type": "configuration", "mode": 3},
        {"_type": "steps", "tst": 1, "steps": -1, "from": 0, "to": 1},
        {"_type": "beacon", "uuid": "x", "major": 1, "minor": 2, "tst": 1, "prox": 1},
        {"_type": "something-new"},
    ],
)
def test_owntracks_messages_without_a_fix_give_none(body):
    assert parse_owntracks(body) is None


def test_every_documented_non_fix_type_gives_none():
    for kind in OWNTRACKS_NON_FIX_TYPES:
        assert parse_owntracks({"_type": kind}) is None


def test_owntracks_encrypted_payload_is_refused():
    with pytest.raises(ProtocolError) as caught:
        parse_owntracks({"_type": "encrypted", "data": "c2VjcmV0"})
    assert caught.value.field == "_type"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lat": 1, "lon": 2, "tst": 3}, "_type"),
        ({"_type": "location", "lon": 2, "tst": 3}, "lat"),
        ({"_type": "location", "lat": 1, "tst": 3}, "lon"),
        ({"_type": "location", "lat": 1, "lon": 2}, "tst"),
        ({"_type": "location", "lat": "north", "lon": 2, "tst": 3}, "lat"),
        ({"_type": "location", "lat": 1, "lon": 2, "tst": "today"}, "tst"),
        ({"_type": "location", "lat": 1, "lon": 2, "tst": 10**20}, "tst"),
        ({"_type": "location", "lat": 1, "lon": 2, "tst": 3, "vel": "fast"}, "vel"),
        ({"_type": "location", "lat": 1, "lon": 2, "tst": 3, "batt": []}, "batt"),
    ],
)
def test_owntracks_location_missing_or_unparseable_fields_are_refused(body, field):
    with pytest.raises(ProtocolError) as caught:
        parse_owntracks(body)
    assert caught.value.field == field


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("name", ["lat", "lon", "tst", "acc", "vel", "alt"])
def test_owntracks_non_finite_numbers_are_refused(name, value):
    body = {"_type": "location", "lat": 1.0, "lon": 2.0, "tst": 1736161169, name: value}
    with pytest.raises(ProtocolError) as caught:
        parse_owntracks(body)
    assert caught.value.field == name


@pytest.mark.parametrize("body", [None, [], "location", 42])
def test_owntracks_body_that_is_not_an_object_is_refused(body):
    with pytest.raises(ProtocolError) as caught:
        parse_owntracks(body)
    assert caught.value.field is None


def test_protocol_error_is_a_value_error_carrying_its_field():
    error = ProtocolError("lat is required", "lat")
    assert isinstance(error, ValueError)
    assert (str(error), error.field) == ("lat is required", "lat")
    assert ProtocolError("bad body").field is None
