"""Joining as an area lead with the event's staff code (no location is ever asked), and who
leads which areas."""

from __future__ import annotations

from sqlalchemy import select

from fieldops.audit import services as audit
from fieldops.audit.models import AuditAction
from fieldops.auth.models import Role, User
from fieldops.auth.services import issue_device_token
from fieldops.db import utcnow
from fieldops.errors import invalid
from fieldops.events.models import Event
from fieldops.extensions import db
from fieldops.leads.models import AreaLead


def event_by_staff_code(code: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.staff_code == code.strip().upper()))
    if event is None:
        raise invalid("no event has this staff code", "code")
    return event


def campus_areas(event: Event) -> list[dict]:
    return [{"id": f.id, "name": f.name} for f in event.campus if f.kind.is_area]


def lead_of(user: User, event_id: int) -> AreaLead | None:
    query = select(AreaLead).where(AreaLead.event_id == event_id, AreaLead.user_id == user.id)
    return db.session.scalar(query)


def join(code: str, name: str, area_ids: list[int]) -> tuple[AreaLead, str, Event]:
    """(the lead, their device token, the event): a new lead for the areas they chose."""
    event = event_by_staff_code(code)
    areas = {a["id"] for a in campus_areas(event)}
    if not area_ids:
        raise invalid("pick the areas you lead", "area_ids")
    unknown = [i for i in area_ids if i not in areas]
    if unknown:
        raise invalid(f"no building or area {unknown[0]} on this campus", "area_ids")
    user = User(role=Role.AREA_LEAD, display_name=name, created_at=utcnow())
    db.session.add(user)
    db.session.flush()
    lead = AreaLead(
        event_id=event.id,
        user_id=user.id,
        area_ids=list(dict.fromkeys(area_ids)),
        joined_at=utcnow(),
    )
    db.session.add(lead)
    token = issue_device_token(user, event.id).token
    db.session.flush()
    return lead, token, event


def new_staff_code(event: Event) -> str:
    """A fresh staff code (the old one stops working for new joins; joined leads stay)."""
    from fieldops.events.services import new_enrollment_code

    event.staff_code = new_enrollment_code()
    db.session.flush()
    audit.record(AuditAction.STAFF_CODE_CHANGED, subject=audit.event_subject(event.id))
    return event.staff_code
