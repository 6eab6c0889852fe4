"""What background tracking apps send: Traccar Client (OsmAnd protocol) and OwnTracks (HTTP mode).

Pure functions on plain data (no Flask): the HTTP layer hands over the merged query string and form
fields and/or the parsed JSON body and gets one `DeviceFix` in SI units and UTC back, or a
`ProtocolError` naming the field. Ranges (lat within +-90, the clock, accuracy limits) are the
shared validation layer's job (`fieldops.tracking.schemas`); here a value only has to parse and be
finite.

The formats were read from the source, not guessed:

- traccar/traccar `src/main/java/org/traccar/protocol/OsmAndProtocolDecoder.java`, the server's
  decoder: the 2013-2025 version with `decodeQuery` and `decodeJson` (read in the forks
  itguinlab-maker/traccar-personalizado and sushantjagtap5543/track1, whose copies carry the
  upstream header; the stored upstream copy predates JSON support), and
  `src/test/java/org/traccar/protocol/OsmAndProtocolDecoderTest.java` (the request strings the
  tests below reuse).
- traccar/traccar-client-android `app/src/main/java/org/traccar/client/ProtocolFormatter.kt`,
  `Position.kt`, `PositionProvider.kt`, `RequestManager.kt`: the classic client POSTs an empty
  body to `URL?id=&timestamp=&lat=&lon=&speed=&bearing=&altitude=&accuracy=&batt=`.
- traccar/traccar-client (the current Flutter app) `lib/preferences.dart` (the transistorsoft
  background-geolocation `locationTemplate` and `params: {device_id}`) and
  `lib/geolocation_service.dart`.
- traccar/traccar `src/main/java/org/traccar/protocol/OwnTracksProtocolDecoder.java` and its
  `OwnTracksProtocolDecoderTest.java` (real OwnTracks payloads).
- owntracks/booklet `docs/tech/json.md` (every `_type` and the units) and `docs/tech/http.md`
  (the HTTP mode: Basic auth, the answer is a JSON array, `[]` is fine).
- owntracks/android `.../model/messages/MessageLocation.kt` (`vel` = m/s * 3.6 truncated to an
  int, `tst` = fix time in epoch seconds, `acc`/`alt` rounded metres; Android sends no `cog`),
  `MessageStatus.kt`, and `MessageLocationDeserializer.kt` (`tst`, `lat`, `lon` are required).

Traccar Client, classic query string (GET or POST, or the same as a form-encoded body):
    `id` (alias `deviceid`) the device identifier = our device token; `lat` + `lon`, or
    `location=lat,lon`; `timestamp` epoch seconds, or epoch milliseconds when the number is
    >= 2**31-1 (Traccar's own rule), or ISO 8601 (`2016-01-27T18:55:47Z`), or
    `yyyy-MM-dd HH:mm:ss` (Traccar reads that in the server's zone; we read it as UTC), and
    **missing means now** (as Traccar does); `speed` in **knots** (the Android client multiplies
    m/s by 1.943844); `bearing` (alias `heading`) degrees; `altitude` metres; `accuracy` metres
    (the classic Android client sends 0.0 for GPS-provider fixes, i.e. "not reported"); `batt`
    percent 0..100. `hdop` (dimensionless, not metres), `charge`, `valid`, `mock`, `alarm`,
    `cell`, `wifi`, `driverUniqueId` and any other key are ignored.

Traccar Client, JSON (current versions, `Content-Type: application/json`):
    `{"device_id": "...", "location": {"timestamp": ISO 8601 (required), "coords": {"latitude",
    "longitude", "accuracy" m, "speed" **m/s**, "heading" deg, "altitude" m}, "battery":
    {"level" **fraction 0..1**, "is_charging"}, "is_moving", "odometer" m, "event", "activity":
    {"type"}, "extras": {}, "_": "&id=..&lat=..&lon=..&timestamp=..&"}}`. -1 means "unknown"
    for speed, heading and battery level (iOS also sends -1 accuracies). `location` is one
    object; a list (transistorsoft `batchSync`, not enabled by Traccar Client) is refused.

OwnTracks HTTP mode, `_type: "location"`:
    `lat`, `lon` degrees and `tst` epoch **seconds** of the fix (all three required); `acc` m;
    `alt` m; `vel` **km/h** (integer); `cog` degrees (iOS only); `batt` percent. Also `tid`,
    `topic`, `t` trigger, `conn`, `bs`, `vac`, `m`, `inregions`, `SSID`, `created_at`...: ignored.
    The device is identified by HTTP Basic auth (the HTTP layer's job), so `device_id` is None.
    Other `_type`s carry no fix of their own and give None (the endpoint answers `[]`):
    `transition` (its coordinates also come as a `location` with `t: "c"`), `waypoint(s)`,
    `lwt`, `status`, `card`, `cmd`, `configuration`, `beacon`, `steps`, and any future type.
    `encrypted` is refused: its fix cannot be read without the shared key.

Across both apps a negative speed, heading or battery and an accuracy <= 0 mean "not known" and
become None.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

KNOT_IN_MPS = 1852.0 / 3600.0
KMH_IN_MPS = 1000.0 / 3600.0
# Traccar: a numeric timestamp below Integer.MAX_VALUE is seconds, otherwise milliseconds.
_MILLISECONDS_FROM = 2**31 - 1

# OwnTracks `_type`s that carry no fix we store (booklet docs/tech/json.md; `status` from
# owntracks/android MessageStatus.kt). Unknown types are treated the same way.
OWNTRACKS_NON_FIX_TYPES = frozenset(
    {
        "transition",
        "waypoint",
        "waypoints",
        "lwt",
        "status",
        "card",
        "cmd",
        "configuration",
        "beacon",
        "steps",
    }
)

_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


class ProtocolError(ValueError):
    """A request the apps' protocol does not allow; `field` names the offending field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class DeviceFix:
    device_id: str | None  # the token the app sent as its id (OsmAnd); None for OwnTracks
    lat: float
    lon: float
    recorded_at: datetime  # timezone-aware UTC
    accuracy: float | None  # metres
    heading: float | None  # degrees 0..360
    speed: float | None  # metres per second
    altitude: float | None  # metres
    battery: float | None  # percent 0..100


# ---------------------------------------------------------------------------------------------
# Values


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value: Any, field: str) -> float:
    """A finite float from a JSON number or a decimal string; ProtocolError otherwise."""
    if _missing(value):
        raise ProtocolError(f"{field} is required", field)
    if isinstance(value, bool):
        raise ProtocolError(f"{field} must be a number", field)
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            raise ProtocolError(f"{field} must be a finite number", field) from None
    elif isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        number = float(value)
    else:
        raise ProtocolError(f"{field} must be a number", field)
    if not math.isfinite(number):
        raise ProtocolError(f"{field} must be a finite number", field)
    return number


def _optional_number(value: Any, field: str) -> float | None:
    return None if _missing(value) else _number(value, field)


def _known(value: float | None) -> float | None:
    """-1 (any negative) is the apps' "not available" for speed, heading and battery."""
    return None if value is None or value < 0 else value


def _known_accuracy(value: float | None) -> float | None:
    """0 is "not reported" (classic Traccar Client on GPS fixes); negative is "invalid"."""
    return None if value is None or value <= 0 else value


def _from_epoch(seconds: float, field: str) -> datetime:
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        raise ProtocolError(f"{field} is not a usable time", field) from None


def _time(value: Any, field: str) -> datetime:
    """Traccar's rules: epoch seconds, epoch milliseconds (>= 2**31-1), or ISO 8601 (UTC if
    it has no zone; `yyyy-MM-dd HH:mm:ss` included)."""
    if _missing(value):
        raise ProtocolError(f"{field} is required", field)
    if isinstance(value, str) and _DATE_TIME.match(value.strip()):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ProtocolError(f"{field} is not a valid date and time", field) from None
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        try:
            return parsed.astimezone(UTC)
        except OverflowError:  # 9999-12-31T23:59-05:00 has no UTC time
            raise ProtocolError(f"{field} is not a valid date and time", field) from None
    try:
        epoch = _number(value, field)
    except ProtocolError:
        raise ProtocolError(
            f"{field} must be epoch seconds, epoch milliseconds or ISO 8601", field
        ) from None
    if epoch >= _MILLISECONDS_FROM:
        epoch /= 1000.0
    return _from_epoch(epoch, field)


# ---------------------------------------------------------------------------------------------
# Traccar Client (OsmAnd protocol)


def parse_osmand(
    query: Mapping[str, str], json_body: Any | None, *, now: datetime | None = None
) -> DeviceFix:
    """query = merged query string + form fields; json_body = parsed JSON body or None.

    With a JSON body (current Traccar Client) the body alone is read, as Traccar's server does;
    otherwise the classic query string. `now` stands in for a missing query `timestamp`.
    """
    if json_body is not None:
        return _parse_osmand_json(json_body)
    return _parse_osmand_query(query, now)


def _parse_osmand_query(query: Mapping[str, str], now: datetime | None) -> DeviceFix:
    device_id = next(
        (query[key].strip() for key in ("id", "deviceid") if not _missing(query.get(key))), None
    )
    if device_id is None:
        raise ProtocolError("id is required (the device identifier: your device token)", "id")

    if not _missing(query.get("lat")) or not _missing(query.get("lon")):
        lat = _number(query.get("lat"), "lat")
        lon = _number(query.get("lon"), "lon")
    elif not _missing(query.get("location")):
        parts = query["location"].split(",")
        if len(parts) < 2:
            raise ProtocolError("location must be 'lat,lon'", "location")
        lat = _number(parts[0], "location")
        lon = _number(parts[1], "location")
    else:
        raise ProtocolError("lat is required", "lat")

    if _missing(query.get("timestamp")):
        recorded_at = now if now is not None else datetime.now(UTC)
    else:
        recorded_at = _time(query["timestamp"], "timestamp")

    speed_knots = _known(_optional_number(query.get("speed"), "speed"))
    heading_key = "heading" if _missing(query.get("bearing")) else "bearing"
    return DeviceFix(
        device_id=device_id,
        lat=lat,
        lon=lon,
        recorded_at=recorded_at,
        accuracy=_known_accuracy(_optional_number(query.get("accuracy"), "accuracy")),
        heading=_known(_optional_number(query.get(heading_key), heading_key)),
        speed=None if speed_knots is None else speed_knots * KNOT_IN_MPS,
        altitude=_optional_number(query.get("altitude"), "altitude"),
        battery=_known(_optional_number(query.get("batt"), "batt")),
    )


def _object(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ProtocolError(f"{field} is required (an object)", field)
    return value


def _parse_osmand_json(body: Any) -> DeviceFix:
    if not isinstance(body, Mapping):
        raise ProtocolError("the JSON body must be an object")
    device_id = body.get("device_id")
    if isinstance(device_id, int) and not isinstance(device_id, bool):
        device_id = str(device_id)
    if not isinstance(device_id, str) or not device_id.strip():
        raise ProtocolError(
            "device_id is required (the device identifier: your device token)", "device_id"
        )

    location = body.get("location")
    if isinstance(location, list):
        raise ProtocolError(
            "send one location per request (batch sync is not supported)", "location"
        )
    location = _object(location, "location")
    recorded_at = _time(location.get("timestamp"), "location.timestamp")
    coords = _object(location.get("coords"), "location.coords")

    def coord(name: str) -> float | None:
        return _optional_number(coords.get(name), f"location.coords.{name}")

    battery = location.get("battery")
    level = None
    if battery is not None:
        level = _known(
            _optional_number(
                _object(battery, "location.battery").get("level"), "location.battery.level"
            )
        )
    return DeviceFix(
        device_id=device_id.strip(),
        lat=_number(coords.get("latitude"), "location.coords.latitude"),
        lon=_number(coords.get("longitude"), "location.coords.longitude"),
        recorded_at=recorded_at,
        accuracy=_known_accuracy(coord("accuracy")),
        heading=_known(coord("heading")),
        speed=_known(coord("speed")),
        altitude=coord("altitude"),
        battery=None if level is None else round(level * 100.0, 2),
    )


# ---------------------------------------------------------------------------------------------
# OwnTracks (HTTP mode)


def parse_owntracks(json_body: Any) -> DeviceFix | None:
    """None for message types that carry no position (the endpoint then answers [] and stores
    nothing)."""
    if not isinstance(json_body, Mapping):
        raise ProtocolError("the body must be an OwnTracks JSON object")
    kind = json_body.get("_type")
    if not isinstance(kind, str) or not kind:
        raise ProtocolError("_type is required", "_type")
    if kind == "encrypted":
        raise ProtocolError(
            "encrypted payloads cannot be read: turn off encryption in OwnTracks", "_type"
        )
    if kind != "location":
        return None

    speed_kmh = _known(_optional_number(json_body.get("vel"), "vel"))
    return DeviceFix(
        device_id=None,
        lat=_number(json_body.get("lat"), "lat"),
        lon=_number(json_body.get("lon"), "lon"),
        recorded_at=_from_epoch(_number(json_body.get("tst"), "tst"), "tst"),
        accuracy=_known_accuracy(_optional_number(json_body.get("acc"), "acc")),
        heading=_known(_optional_number(json_body.get("cog"), "cog")),
        speed=None if speed_kmh is None else speed_kmh * KMH_IN_MPS,
        altitude=_optional_number(json_body.get("alt"), "alt"),
        battery=_known(_optional_number(json_body.get("batt"), "batt")),
    )
