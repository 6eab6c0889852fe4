"""What the lost-and-found bodies must look like, and the one serializer per resource (REST
and the `found_item`, `lost_report` and `match` envelopes).

`private=False` is the organizer's copy: the same keys, with what only command may see (contact
details, the names of members of the public, identity checks) as null.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated

from pydantic import Field

from fieldops.formats import iso
from fieldops.incidents.schemas import ClientId, person
from fieldops.lostfound.models import (
    PERSONAL_DATA,
    Category,
    CustodianKind,
    CustodyRecord,
    FoundItem,
    FoundItemPhoto,
    IdentityMethod,
    LostReport,
    Match,
)
from fieldops.payloads import Flag, Integer, Latitude, Longitude, Payload, Text, When

Colours = Annotated[list[Text(30, strip=True)], Field(max_length=6)]


def _hash(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


class FoundItemIn(Payload):
    client_id: ClientId
    category: Category
    description: Text(2000, blank=True, strip=True) = ""
    colours: Colours = []
    brand: Text(80, blank=True, strip=True) = ""
    marks: Text(1000, blank=True, strip=True) = ""
    lat: Latitude | None = None
    lon: Longitude | None = None
    place: Text(200, blank=True, strip=True) = ""  # where found, in words, when there is no GPS
    found_at: When
    # A member of the public handing it in; without one, the one logging it found it.
    finder_name: Text(120, blank=True, strip=True) = ""
    finder_contact: Text(200, blank=True, strip=True) = ""
    stored_at: Text(200, blank=True, strip=True) = ""
    # Set by itself for IDs, cards and phones; may be set for anything else.
    personal_data: Flag = False

    @property
    def has_personal_data(self) -> bool:
        return self.personal_data or self.category in PERSONAL_DATA

    def fingerprint(self, event_id: int, logged_by: int) -> str:
        return _hash(
            self.model_dump(mode="json")
            | {"event_id": event_id, "by": logged_by, "found_at": self.found_at.timestamp()}
        )


class LostReportIn(Payload):
    client_id: ClientId
    category: Category
    description: Text(2000, blank=True, strip=True) = ""
    colours: Colours = []
    brand: Text(80, blank=True, strip=True) = ""
    lat: Latitude | None = None  # where last seen
    lon: Longitude | None = None
    place: Text(200, blank=True, strip=True) = ""  # where last seen, in the owner's words
    last_seen_at: When
    owner_name: Text(120, strip=True)
    owner_contact: Text(200, blank=True, strip=True) = ""

    def fingerprint(self, event_id: int, taken_by: int) -> str:
        return _hash(
            self.model_dump(mode="json")
            | {"event_id": event_id, "by": taken_by, "last_seen_at": self.last_seen_at.timestamp()}
        )


class HolderIn(Payload):
    """Who takes the item: an officer (by id), a post (by id), the desk, the agency (its name),
    the disposal; the owner only through …/release."""

    kind: CustodianKind
    officer_id: Integer | None = None
    post_id: Integer | None = None
    name: Text(120, blank=True, strip=True) = ""


class HandOffIn(Payload):
    to: HolderIn
    where: Text(200, blank=True, strip=True) = ""
    received_by: Text(120, blank=True, strip=True) = ""  # the receiving person's name
    stored_at: Text(200, blank=True, strip=True) = ""  # where the item now is, if not obvious
    note: Text(1000, blank=True, strip=True) = ""


class IdentityCheckIn(Payload):
    method: IdentityMethod
    # "document": which one ("driver's licence, NY"); "contents": what the owner described.
    detail: Text(500, strip=True)
    verified_by: Integer | None = None  # a user id; the caller by default


class ReleaseIn(Payload):
    received_by: Text(120, strip=True)  # the owner (or who collects for them)
    identity_check: IdentityCheckIn | None = None
    where: Text(200, blank=True, strip=True) = ""
    note: Text(1000, blank=True, strip=True) = ""


class ConfirmIn(Payload):
    owner_contacted: Flag = False


# --- serializers --------------------------------------------------------------------------

PUBLIC_HOLDERS = (CustodianKind.FINDER, CustodianKind.OWNER)


def _holder(kind, name, user_id, post_id, *, private: bool, public_finder: bool) -> dict:
    hidden = not private and (
        kind == CustodianKind.OWNER or (kind == CustodianKind.FINDER and public_finder)
    )
    return {
        "kind": kind.value,
        "name": None if hidden else name,
        "officer_id": user_id,
        "post_id": post_id,
    }


def custody_record_to_dict(
    record: CustodyRecord, *, private: bool = True, public_finder: bool = False
) -> dict:
    checked = record.identity_method is not None
    check = None
    if checked and private:
        check = {
            "method": record.identity_method.value,
            "detail": record.identity_detail,
            "verified_by": person(record.verified_by),
        }
    to_owner = record.to_kind == CustodianKind.OWNER
    return {
        "id": record.id,
        "from": _holder(
            record.from_kind,
            record.from_name,
            record.from_user_id,
            record.from_post_id,
            private=private,
            public_finder=public_finder,
        ),
        "to": _holder(
            record.to_kind,
            record.to_name,
            record.to_user_id,
            record.to_post_id,
            private=private,
            public_finder=public_finder,
        ),
        "at": iso(record.at),
        "where": record.where,
        "received_by": None if (to_owner and not private) else record.received_by,
        "recorded_by": person(record.recorded_by),
        "note": record.note if private else None,
        "identity_checked": checked,
        "identity_check": check,
    }


def photo_to_dict(photo: FoundItemPhoto) -> dict:
    return {
        "id": photo.id,
        "url": f"/api/v1/found-item-photos/{photo.id}",
        "width": photo.width,
        "height": photo.height,
    }


def found_item_to_dict(item: FoundItem, *, private: bool = True) -> dict:
    public_finder = bool(item.finder_name)
    custody = [
        custody_record_to_dict(r, private=private, public_finder=public_finder)
        for r in item.custody
    ]
    return {
        "id": item.id,
        "event_id": item.event_id,
        "client_id": item.client_id,
        "category": item.category.value,
        "description": item.description,
        "colours": list(item.colours or []),
        "brand": item.brand,
        "marks": item.marks,
        "lat": item.lat,
        "lon": item.lon,
        "place": item.place,
        "found_at": iso(item.found_at),
        "found_by": person(item.found_by),
        "finder_name": item.finder_name if private or not public_finder else None,
        "finder_contact": item.finder_contact if private else None,
        "handed_in_by_public": public_finder,
        "logged_by": person(item.logged_by),
        "stored_at": item.stored_at,
        "personal_data": item.personal_data,
        "status": item.status.value,
        "custodian": custody[-1]["to"] if custody else None,
        "retain_until": iso(item.retain_until),
        "received_at": iso(item.received_at),
        "updated_at": iso(item.updated_at),
        "photos": [photo_to_dict(p) for p in item.photos],
        "custody": custody,
    }


def lost_report_to_dict(report: LostReport, *, private: bool = True) -> dict:
    return {
        "id": report.id,
        "event_id": report.event_id,
        "client_id": report.client_id,
        "category": report.category.value,
        "description": report.description,
        "colours": list(report.colours or []),
        "brand": report.brand,
        "lat": report.lat,
        "lon": report.lon,
        "place": report.place,
        "last_seen_at": iso(report.last_seen_at),
        "owner_name": report.owner_name if private else None,
        "owner_contact": report.owner_contact if private else None,
        "taken_by": person(report.taken_by),
        "status": report.status.value,
        "received_at": iso(report.received_at),
        "updated_at": iso(report.updated_at),
    }


def match_to_dict(match: Match) -> dict:
    return {
        "id": match.id,
        "event_id": match.event_id,
        "found_item_id": match.found_item_id,
        "lost_report_id": match.lost_report_id,
        "score": match.score,
        "reasons": list(match.reasons or []),
        "status": match.status.value,
        "suggested_at": iso(match.suggested_at),
        "confirmed_by": (
            {"id": match.confirmed_by.id, "name": match.confirmed_by.display_name}
            if match.confirmed_by
            else None
        ),
        "confirmed_at": iso(match.confirmed_at),
        "updated_at": iso(match.updated_at),
    }
