"""Sending messages to everyone, one post or one officer, and their acknowledgements."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.sql.elements import ColumnElement

from fieldops import realtime
from fieldops.auth.models import Role, User
from fieldops.db import get_or_404, utcnow
from fieldops.errors import ApiError, Forbidden, NotFound
from fieldops.events.models import Event, Post
from fieldops.extensions import db
from fieldops.messages.models import Message, MessageRecipient
from fieldops.messages.schemas import AudienceIn, message_to_dict, officer_copy
from fieldops.tracking import live


def _recipients(event: Event, kind: str, target: int | None) -> tuple[list[int], str]:
    officers = live.get_event(event.id).officers
    if kind == "event":
        return list(officers), "everyone"
    if kind == "post":
        post = db.session.get(Post, target) if target is not None else None
        if post is None or post.event_id != event.id:
            raise ApiError("no such post at this event", code="invalid", field="to.id", status=422)
        ids = [s.officer_id for s in officers.values() if s.post and s.post["id"] == post.id]
        return ids, post.name
    state = officers.get(target) if target is not None else None
    if state is None:
        raise ApiError("no such officer at this event", code="invalid", field="to.id", status=422)
    return [state.officer_id], state.name


def send(event: Event, sender: User, text: str, to: AudienceIn, priority: bool) -> Message:
    if sender.role not in (Role.ADMIN, Role.COMMAND):
        raise Forbidden("only command staff send messages")
    kind = to.kind
    officer_ids, label = _recipients(event, kind, to.id)
    if not officer_ids:
        raise ApiError(f"nobody to send to at {label}", code="invalid", field="to", status=422)
    message = Message(
        event_id=event.id,
        sender_id=sender.id,
        text=text,
        priority=priority,
        to_kind=kind,
        to_id=to.id if kind != "event" else None,
        to_label=label,
        sent_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    db.session.add_all(MessageRecipient(message_id=message.id, officer_id=i) for i in officer_ids)
    db.session.flush()
    db.session.refresh(message, ["recipients"])
    _publish(message, message.recipients)
    return message


def _publish(message: Message, to_officers: list[MessageRecipient]) -> None:
    realtime.publish_to_staff_on_commit(message.event_id, "message", message_to_dict(message))
    for recipient in to_officers:
        realtime.publish_on_commit(
            realtime.officer_room(recipient.officer_id),
            "message",
            officer_copy(message, recipient),
        )


def get_message(message_id: int) -> Message:
    return get_or_404(Message, message_id, "message")


def _recipient(message: Message, officer: User) -> MessageRecipient:
    for recipient in message.recipients:
        if recipient.officer_id == officer.id:
            return recipient
    raise NotFound(f"message {message.id} does not exist")


def acknowledge(message: Message, officer: User) -> dict:
    recipient = _recipient(message, officer)
    if recipient.acknowledged_at is None:
        recipient.acknowledged_at = utcnow()
        db.session.flush()
    _publish(message, [recipient])  # a repeat too: the retry repairs a push that was lost
    return officer_copy(message, recipient)


def messages_for(event: Event, user: User) -> list[dict]:
    query = select(Message).where(Message.event_id == event.id)
    if user.role != Role.OFFICER:
        found = db.session.scalars(query.order_by(Message.sent_at.desc(), Message.id.desc()))
        return [message_to_dict(m) for m in found]
    query = query.where(sent_to(user.id))
    found = db.session.scalars(query.order_by(Message.sent_at.desc(), Message.id.desc()))
    return [officer_copy(m, _recipient(m, user)) for m in found]


def sent_to(officer_id) -> ColumnElement[bool]:
    """The messages one officer was sent (officer_id: a value or a bound parameter)."""
    received = select(MessageRecipient.message_id).where(MessageRecipient.officer_id == officer_id)
    return Message.id.in_(received)
