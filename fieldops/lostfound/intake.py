"""Logging a found item and taking a lost report: stored once per client_id, the item's first
custody record written, matches suggested."""

from __future__ import annotations

from datetime import timedelta

from fieldops.auth.models import Role, User
from fieldops.db import insert_by_client_id, utcnow
from fieldops.errors import Forbidden
from fieldops.events.models import Event
from fieldops.extensions import db
from fieldops.lostfound.access import is_desk
from fieldops.lostfound.custody import Holder
from fieldops.lostfound.matches import suggest_matches
from fieldops.lostfound.models import (
    CustodianKind,
    CustodyRecord,
    FoundItem,
    ItemStatus,
    LostReport,
    LostStatus,
)
from fieldops.lostfound.publishing import (
    publish_again_item,
    publish_again_report,
    publish_item,
    publish_report,
)
from fieldops.lostfound.schemas import FoundItemIn, LostReportIn
from fieldops.places.services import place_text


def retain_until(event: Event):
    return event.ends_at + timedelta(days=event.retention_days)


def log_found_item(event: Event, user: User, body: FoundItemIn) -> tuple[FoundItem, bool]:
    """A found item (True), or the one already logged with this client_id (False). Its first
    custody record: from its finder to the one who logged it (an officer, or the desk)."""
    if user.role == Role.ORGANIZER:
        raise Forbidden("organizers do not log found items")
    fingerprint = body.fingerprint(event.id, user.id)
    now = utcnow()
    by_public = bool(body.finder_name)
    item = FoundItem(
        event_id=event.id,
        client_id=body.client_id,
        body_hash=fingerprint,
        category=body.category,
        description=body.description,
        colours=list(body.colours),
        brand=body.brand,
        marks=body.marks,
        lat=body.lat,
        lon=body.lon,
        place=body.place or place_text(event, body.lat, body.lon),
        found_at=body.found_at,
        found_by_id=None if by_public else user.id,
        finder_name=body.finder_name,
        finder_contact=body.finder_contact,
        logged_by_id=user.id,
        stored_at=body.stored_at
        or ("lost-and-found desk" if is_desk(user) else "with the officer"),
        personal_data=body.has_personal_data,
        status=ItemStatus.IN_CUSTODY,
        retain_until=retain_until(event),
        received_at=now,
        updated_at=now,
    )
    item, created = insert_by_client_id(item, "record")
    if not created:
        publish_again_item(item)
        return item, False
    to = (
        Holder(CustodianKind.DESK, name="lost-and-found desk")
        if is_desk(user)
        else Holder(CustodianKind.OFFICER, user_id=user.id, name=user.display_name)
    )
    db.session.add(
        CustodyRecord(
            item_id=item.id,
            from_kind=CustodianKind.FINDER,
            from_name=body.finder_name or user.display_name,
            from_user_id=None if by_public else user.id,
            to_kind=to.kind,
            to_name=to.name,
            to_user_id=to.user_id,
            at=now,
            where=item.place,
            received_by=user.display_name,
            recorded_by_id=user.id,
            note="found" if not by_public else "handed in by a member of the public",
        )
    )
    publish_item(item)
    suggest_matches(item)
    return item, True


def report_lost(event: Event, user: User, body: LostReportIn) -> tuple[LostReport, bool]:
    if user.role == Role.ORGANIZER:
        raise Forbidden("organizers do not take lost reports")
    fingerprint = body.fingerprint(event.id, user.id)
    now = utcnow()
    report = LostReport(
        event_id=event.id,
        client_id=body.client_id,
        body_hash=fingerprint,
        category=body.category,
        description=body.description,
        colours=list(body.colours),
        brand=body.brand,
        lat=body.lat,
        lon=body.lon,
        place=body.place or place_text(event, body.lat, body.lon),
        last_seen_at=body.last_seen_at,
        owner_name=body.owner_name,
        owner_contact=body.owner_contact,
        taken_by_id=user.id,
        status=LostStatus.OPEN,
        received_at=now,
        updated_at=now,
    )
    report, created = insert_by_client_id(report, "record")
    if not created:
        publish_again_report(report)
        return report, False
    publish_report(report)
    suggest_matches(report)
    return report, True
