"""What a lost-person report and each later step must look like, and the one serializer of a
lost person, with the two copies cut from it for those who may not see everything:

- the command copy (`lost_person_to_dict`): everything, for command and admin users;
- the organizer copy: no full name, no guardian name or contact, no identity check;
- the officer copy: what the search needs (first name, description, photos, last seen, the
  meeting point, the areas searched, the status), and `watch_exit` for an officer at an exit.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from flask import current_app
from pydantic import Field

from fieldops.formats import iso
from fieldops.incidents.schemas import ClientId
from fieldops.lostpersons.lifecycle import FINAL
from fieldops.lostpersons.models import (
    LostPerson,
    LostPersonKind,
    LostPersonPhoto,
    SearchedArea,
)
from fieldops.payloads import Integer, Latitude, Longitude, Number, Payload, Text, When

WATCH_EXIT = (
    "Watch your exit: stop and check every child or vulnerable adult leaving who matches "
    "the description; hold them with you and call command."
)
# Only command and admin see these (issue 9, privacy).
PRIVATE = ("full_name", "guardian_name", "guardian_contact", "reunited_with")
PRIVATE_CHECKS = ("identity_verified_how",)


class Description(Payload):
    """Code Adam: first name, age, sex, height, build, hair, eyes, clothing top to bottom,
    shoes, anything carried. Only the first name is required: the rest as it comes."""

    kind: LostPersonKind = LostPersonKind.CHILD
    first_name: Text(80, strip=True)
    full_name: Text(200, blank=True, strip=True) = ""
    age: Integer | None = Field(None, ge=0, le=120)
    sex: Text(24, blank=True, strip=True) = ""
    height: Text(40, blank=True, strip=True) = ""
    build: Text(40, blank=True, strip=True) = ""
    hair: Text(80, blank=True, strip=True) = ""
    eyes: Text(40, blank=True, strip=True) = ""
    clothing_top: Text(200, blank=True, strip=True) = ""
    clothing_bottom: Text(200, blank=True, strip=True) = ""
    shoes: Text(120, blank=True, strip=True) = ""
    carried: Text(300, blank=True, strip=True) = ""
    guardian_name: Text(120, blank=True, strip=True) = ""
    guardian_contact: Text(120, blank=True, strip=True) = ""
    meeting_point: Text(200, blank=True, strip=True) = ""
    reported_at: When

    def fingerprint(self, event_id: int) -> str:
        """Same body, same hash: a repeat is recognised, another body under the id is not
        (times compared as instants, whatever their offset)."""
        body = {"event_id": event_id, "side": type(self).__name__}
        for key, value in self.model_dump().items():
            body[key] = value.timestamp() if isinstance(value, datetime) else value
        return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


class LostPersonIn(Description):
    """A report: the person and where and when they were last seen (`last_seen_place`: the
    guardian's words; else the place in words of the point)."""

    client_id: ClientId
    last_seen_lat: Latitude
    last_seen_lon: Longitude
    last_seen_place: Text(200, blank=True, strip=True) = ""
    last_seen_at: When | None = None


class FoundPersonIn(Description):
    """A found child (or adult) nobody has reported yet: the other way round."""

    client_id: ClientId
    found_lat: Latitude
    found_lon: Longitude
    found_place: Text(200, blank=True, strip=True) = ""


class SearchedIn(Payload):
    lat: Latitude
    lon: Longitude
    radius_m: Number = Field(50.0, ge=5, le=1000)
    client_id: ClientId | None = None


class FoundIn(Payload):
    """Where the person was found (the finder's position if not given) and in what words."""

    lat: Latitude | None = None
    lon: Longitude | None = None
    place: Text(200, blank=True, strip=True) = ""


class ReunitedIn(Payload):
    """Back with whom, how their identity was verified (refused without it), and where."""

    with_whom: Text(120, strip=True)
    identity_verified_how: Text(300, strip=True)
    place: Text(200, blank=True, strip=True) = ""


class AgencyCalledIn(Payload):
    note: Text(300, blank=True, strip=True) = ""


class CancelIn(Payload):
    reason: Text(300, strip=True)


class MatchIn(Payload):
    """The found-first record this report is matched to."""

    found_id: Integer


def _someone(user) -> dict | None:
    return {"id": user.id, "name": user.display_name} if user else None


def photo_to_dict(photo: LostPersonPhoto) -> dict:
    return {
        "id": photo.id,
        "url": f"/api/v1/lost-person-photos/{photo.id}",
        "width": photo.width,
        "height": photo.height,
    }


def searched_to_dict(area: SearchedArea) -> dict:
    return {
        "id": area.id,
        "lat": area.lat,
        "lon": area.lon,
        "radius_m": area.radius_m,
        "place": area.place,
        "by": _someone(area.by),
        "at": iso(area.at),
    }


def is_open(person: LostPerson) -> bool:
    """Still the desk's business: not reunited or cancelled, not merged into a report."""
    return person.status not in FINAL and person.matched_to_id is None


def search_ring(person: LostPerson) -> dict | None:
    """The rule each screen draws the widening ring by: from the last-seen point at
    `since`, `speed_m_s` metres a second, never more than `max_m`."""
    if person.last_seen_lat is None or not is_open(person) or person.found_at is not None:
        return None
    return {
        "lat": person.last_seen_lat,
        "lon": person.last_seen_lon,
        "since": iso(person.last_seen_at or person.reported_at),
        "speed_m_s": float(current_app.config["LOST_PERSON_WALK_SPEED"]),
        "max_m": float(current_app.config["LOST_PERSON_MAX_RADIUS"]),
    }


def lost_person_to_dict(person: LostPerson) -> dict:
    """The one serializer: the command copy (command and admin users). The organizer's and
    the officers' copies are cut from it (`organizer_copy`, `officer_copy`)."""
    last_seen = None
    if person.last_seen_lat is not None:
        last_seen = {
            "lat": person.last_seen_lat,
            "lon": person.last_seen_lon,
            "place": person.last_seen_place,
            "at": iso(person.last_seen_at),
        }
    reunion_s = None
    if person.reunited_at is not None:
        reunion_s = round((person.reunited_at - person.reported_at).total_seconds(), 1)
    return {
        "id": person.id,
        "event_id": person.event_id,
        "client_id": person.client_id,
        "kind": person.kind.value,
        "status": person.status.value,
        "open": is_open(person),
        "found_first": person.found_first,
        "matched_to_id": person.matched_to_id,
        "first_name": person.first_name,
        "full_name": person.full_name,
        "age": person.age,
        "sex": person.sex,
        "height": person.height,
        "build": person.build,
        "hair": person.hair,
        "eyes": person.eyes,
        "clothing_top": person.clothing_top,
        "clothing_bottom": person.clothing_bottom,
        "shoes": person.shoes,
        "carried": person.carried,
        "photos": [photo_to_dict(p) for p in person.photos],
        "last_seen": last_seen,
        "ring": search_ring(person),
        "guardian_name": person.guardian_name,
        "guardian_contact": person.guardian_contact,
        "meeting_point": person.meeting_point,
        "reported_by": _someone(person.reported_by),
        "reported_at": iso(person.reported_at),
        "received_at": iso(person.received_at),
        "updated_at": iso(person.updated_at),
        "searched": [searched_to_dict(a) for a in person.searched],
        "found_at": iso(person.found_at),
        "found_lat": person.found_lat,
        "found_lon": person.found_lon,
        "found_place": person.found_place,
        "found_by": _someone(person.found_by),
        "reunited_at": iso(person.reunited_at),
        "reunited_with": person.reunited_with,
        "identity_verified_how": person.identity_verified_how,
        "reunited_place": person.reunited_place,
        "reunited_by": _someone(person.reunited_by),
        "reunion_after_s": reunion_s,
        "agency_prompted_at": iso(person.agency_prompted_at),
        "agency_called_at": iso(person.agency_called_at),
        "agency_called_by": _someone(person.agency_called_by),
        "agency_note": person.agency_note,
        "cancelled_at": iso(person.cancelled_at),
        "cancelled_by": _someone(person.cancelled_by),
        "cancel_reason": person.cancel_reason,
    }


def organizer_copy(data: dict) -> dict:
    """Organizers (read-only staff): no full name, no guardian name or contact, no identity
    check; keys left out, not blanked."""
    return {k: v for k, v in data.items() if k not in PRIVATE + PRIVATE_CHECKS}


OFFICER_KEYS = (
    "id",
    "event_id",
    "kind",
    "status",
    "open",
    "found_first",
    "first_name",
    "age",
    "sex",
    "height",
    "build",
    "hair",
    "eyes",
    "clothing_top",
    "clothing_bottom",
    "shoes",
    "carried",
    "photos",
    "last_seen",
    "ring",
    "meeting_point",
    "reported_at",
    "updated_at",
    "searched",
    "found_at",
    "found_place",
    "reunited_at",
    "cancelled_at",
)


def officer_copy(data: dict, *, at_exit: bool) -> dict:
    """An officer's copy: what the search needs, first name only, no guardian details; an
    officer posted at an exit is told to watch it."""
    copy = {k: data[k] for k in OFFICER_KEYS}
    copy["watch_exit"] = at_exit and data["open"] and data["found_at"] is None
    copy["instruction"] = WATCH_EXIT if copy["watch_exit"] else None
    return copy
