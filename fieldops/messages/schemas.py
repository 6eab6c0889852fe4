"""What command sends, and one serializer for a message: the REST answers and the `message`
envelope (the command post's copy with every recipient, an officer's copy with their own
acknowledgement)."""

from __future__ import annotations

from typing import Literal

from fieldops.formats import iso
from fieldops.messages.models import Message, MessageRecipient
from fieldops.payloads import Flag, Integer, Payload, Text


class AudienceIn(Payload):
    """Everyone at the event, one post's officers (`id`: the post) or one officer."""

    kind: Literal["event", "post", "officer"]
    id: Integer | None = None


class MessageIn(Payload):
    text: Text(1000, strip=True)
    to: AudienceIn
    priority: Flag = False


def _base(message: Message) -> dict:
    return {
        "id": message.id,
        "event_id": message.event_id,
        "text": message.text,
        "priority": message.priority,
        "to": {"kind": message.to_kind, "id": message.to_id, "label": message.to_label},
        "sender": {"id": message.sender.id, "name": message.sender.display_name},
        "sent_at": iso(message.sent_at),
    }


def message_to_dict(message: Message) -> dict:
    """The command post's copy: who has and who has not acknowledged."""
    return _base(message) | {
        "recipients": [
            {
                "officer_id": r.officer_id,
                "name": r.officer.display_name,
                "badge": r.officer.badge,
                "acknowledged_at": iso(r.acknowledged_at),
            }
            for r in message.recipients
        ]
    }


def officer_copy(message: Message, recipient: MessageRecipient) -> dict:
    return _base(message) | {"acknowledged_at": iso(recipient.acknowledged_at)}
