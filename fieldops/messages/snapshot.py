"""Messages in a stream's snapshot, newest first, with their acknowledgements."""

from __future__ import annotations

from sqlalchemy import exists

from fieldops.messages.models import Message
from fieldops.messages.services import messages_for, sent_to
from fieldops.snapshots import COMMAND, EVENT, OFFICER, VIEWER, part

RECENT = 200  # the desk's message log and a phone's inbox never show more


@part(COMMAND)
def message_log(event, viewer) -> dict:
    return {"messages": messages_for(event, viewer)[:RECENT], "kept_messages": RECENT}


@part(OFFICER, rows=exists().where(Message.event_id == EVENT, sent_to(VIEWER)))
def inbox(event, viewer, *, any_rows: bool) -> dict:
    found = messages_for(event, viewer)[:RECENT] if any_rows else []
    return {"messages": found, "kept_messages": RECENT}
