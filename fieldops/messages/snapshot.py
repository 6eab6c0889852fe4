"""Messages in a stream's snapshot, newest first, with their acknowledgements."""

from __future__ import annotations

from fieldops.messages.services import messages_for
from fieldops.snapshots import COMMAND, OFFICER, part

RECENT = 200  # the desk's message log and a phone's inbox never show more


@part(COMMAND, OFFICER)
def recent_messages(event, viewer) -> dict:
    return {"messages": messages_for(event, viewer)[:RECENT], "kept_messages": RECENT}
