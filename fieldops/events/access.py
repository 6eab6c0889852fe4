"""Which events a caller may see: staff see all, an officer only the events they joined."""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import select

from fieldops.auth.models import Role, User
from fieldops.db import get_or_404
from fieldops.errors import Forbidden
from fieldops.events.models import Event, EventOfficer
from fieldops.extensions import db
from fieldops.tracking import live


def is_member(user: User, event_id: int) -> bool:
    """From the live picture when it holds the event (nobody leaves an event, so a member it
    knows is one), else from the database."""
    if live.is_loaded(event_id) and live.officer(event_id, user.id) is not None:
        return True
    return (
        db.session.scalar(
            select(EventOfficer.id).where(
                EventOfficer.event_id == event_id, EventOfficer.officer_id == user.id
            )
        )
        is not None
    )


def visible_event(user: User, event_id: int, token_event_id: int | None = None) -> Event:
    """The event, if this user may see it; NotFound or Forbidden otherwise."""
    event = get_or_404(Event, event_id, "event")
    if user.role == Role.AREA_LEAD:
        from fieldops.leads.services import lead_of

        if token_event_id is None and has_request_context():
            token_event_id = g.get("token_event_id")
        if token_event_id != event_id or lead_of(user, event_id) is None:
            raise Forbidden("an area lead sees only the event they joined")
    if user.role == Role.OFFICER:
        if token_event_id is None and has_request_context():
            token_event_id = g.get("token_event_id")
        if token_event_id is not None and token_event_id != event_id:
            raise Forbidden("this device token belongs to another event")
        if not is_member(user, event_id):
            raise Forbidden("you have not joined this event")
    return event


def events_for(user: User) -> list[Event]:
    query = select(Event).order_by(Event.starts_at.desc())
    if user.role == Role.OFFICER:
        query = query.join(EventOfficer, EventOfficer.event_id == Event.id).where(
            EventOfficer.officer_id == user.id
        )
    if user.role == Role.AREA_LEAD:
        from fieldops.leads.models import AreaLead

        query = query.join(AreaLead, AreaLead.event_id == Event.id).where(
            AreaLead.user_id == user.id
        )
    return list(db.session.scalars(query))
