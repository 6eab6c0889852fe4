"""The roster: who is at an event (enrolled by badge), their posts and shift windows.

Every change sends `events.signals.roster_changed` (tracking refreshes the live picture)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from fieldops.auth.models import Role, User
from fieldops.errors import invalid
from fieldops.events.models import Assignment, Event, EventOfficer, Post
from fieldops.events.signals import roster_changed
from fieldops.extensions import db


def clean_officer(name: str, badge: str) -> tuple[str, str]:
    """The name and badge as stored, or a 422 naming the field."""
    name, badge = name.strip(), badge.strip()
    if not name:
        raise invalid("name is required", "name")
    if not badge:
        raise invalid("badge is required", "badge")
    if len(name) > 120 or len(badge) > 40:
        raise invalid("name or badge is too long", "name" if len(name) > 120 else "badge")
    return name, badge


def lock_roster(event: Event) -> None:
    """Serialize writes to one event's officers: two phones (or a phone and the admin) claiming
    the same new badge at once make one officer, not two. SQLite's BEGIN IMMEDIATE already
    serializes every write transaction; PostgreSQL locks the event's row."""
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())


def member_by_badge(event: Event, badge: str) -> EventOfficer | None:
    return db.session.scalar(
        select(EventOfficer)
        .join(User, EventOfficer.officer_id == User.id)
        .where(EventOfficer.event_id == event.id, User.badge == badge.strip())
    )


def enroll_officer(event: Event, *, name: str, badge: str) -> EventOfficer:
    """The officer with this badge at this event, created on first sight (the roster, or a
    walk-up officer joining: fieldops.joining decides who may join as an existing one)."""
    name, badge = clean_officer(name, badge)
    lock_roster(event)
    member = member_by_badge(event, badge)
    if member is None:
        officer = User(role=Role.OFFICER, display_name=name, badge=badge)
        db.session.add(officer)
        db.session.flush()
        member = EventOfficer(event_id=event.id, officer_id=officer.id)
        db.session.add(member)
        db.session.flush()
        roster_changed.send(event, officer_id=officer.id)
    return member


def assign(
    event: Event,
    *,
    officer: User,
    post: Post,
    starts_at: datetime,
    ends_at: datetime,
    hourly_rate: float | None = None,
) -> Assignment:
    if post.event_id != event.id:
        raise invalid("that post belongs to another event", "post_id")
    assignment = Assignment(
        event_id=event.id,
        officer_id=officer.id,
        post_id=post.id,
        starts_at=starts_at,
        ends_at=ends_at,
        hourly_rate=hourly_rate,
    )
    _check_shift(assignment)
    db.session.add(assignment)
    db.session.flush()
    roster_changed.send(event, officer_id=officer.id)
    return assignment


def _check_shift(assignment: Assignment) -> None:
    if assignment.ends_at <= assignment.starts_at:
        raise invalid("the shift must end after it starts", "ends_at")
    if assignment.hourly_rate is not None and not 0 <= assignment.hourly_rate <= 10_000:
        raise invalid("hourly_rate must be between 0 and 10,000", "hourly_rate")


ASSIGNMENT_DETAILS = ("starts_at", "ends_at", "hourly_rate")


def change_assignment(assignment: Assignment, *, post: Post | None = None, **changes) -> Assignment:
    """Move a roster entry to another post of the event or change its shift window or rate."""
    unknown = set(changes) - set(ASSIGNMENT_DETAILS)
    if unknown:
        raise TypeError(f"not a roster detail: {', '.join(sorted(unknown))}")
    if post is not None:
        if post.event_id != assignment.event_id:
            raise invalid("that post belongs to another event", "post_id")
        assignment.post_id = post.id
    for name, value in changes.items():
        setattr(assignment, name, value)
    _check_shift(assignment)
    db.session.flush()
    roster_changed.send(_event_of(assignment), officer_id=assignment.officer_id)
    return assignment


def remove_assignment(assignment: Assignment) -> None:
    """Take a roster entry off (a shift already checked into keeps its record: the database
    sets its assignment to NULL)."""
    event, officer_id = _event_of(assignment), assignment.officer_id
    db.session.delete(assignment)
    db.session.flush()
    roster_changed.send(event, officer_id=officer_id)


def _event_of(assignment: Assignment) -> Event:
    return db.session.get(Event, assignment.event_id)
