"""Logging proactive work (once per client_id) and reading it back."""

from __future__ import annotations

from sqlalchemy import select

from fieldops.auth.models import Role, User
from fieldops.db import insert_once, utcnow
from fieldops.errors import Forbidden, invalid
from fieldops.events.models import Event
from fieldops.extensions import db
from fieldops.places.services import place_text
from fieldops.proactive.models import ProactiveEntry, WorkKind
from fieldops.proactive.schemas import CONVERSATION_TOPICS, ProactiveIn


def log_work(event: Event, officer: User, body: ProactiveIn) -> tuple[ProactiveEntry, bool]:
    if officer.role != Role.OFFICER:
        raise Forbidden("officers log their proactive work")
    if body.kind == WorkKind.SAFETY_WALK and body.topic is not None:
        raise invalid("a safety walk has findings, not a topic", "topic")
    if body.kind == WorkKind.CONVERSATION and body.topic not in CONVERSATION_TOPICS:
        raise invalid("say who the conversation was with: student, parent or staff", "topic")
    if body.kind == WorkKind.PROGRAMME and (
        body.topic is None or body.topic in CONVERSATION_TOPICS
    ):
        raise invalid("say what the class or programme was about", "topic")
    if body.kind != WorkKind.SAFETY_WALK and body.findings:
        raise invalid("findings belong to a safety walk", "findings")
    entry = ProactiveEntry(
        event_id=event.id,
        officer_id=officer.id,
        client_id=body.client_id,
        kind=body.kind,
        topic=body.topic,
        findings=[f.value for f in dict.fromkeys(body.findings)],
        attendees=body.attendees if body.kind == WorkKind.PROGRAMME else 0,
        note=body.note.strip(),
        lat=body.lat,
        lon=body.lon,
        place=place_text(event, body.lat, body.lon),
        logged_at=utcnow(),
    )
    return insert_once(
        entry,
        select(ProactiveEntry).where(
            ProactiveEntry.officer_id == officer.id, ProactiveEntry.client_id == body.client_id
        ),
    )


def entries_of(event_id: int, officer_id: int | None = None) -> list[ProactiveEntry]:
    query = select(ProactiveEntry).where(ProactiveEntry.event_id == event_id)
    if officer_id is not None:
        query = query.where(ProactiveEntry.officer_id == officer_id)
    return list(db.session.scalars(query.order_by(ProactiveEntry.logged_at)))
