"""Alarms in a stream's snapshot: the open ones for the command post; for an officer, their
own help alarms and the colleagues' they were told of (the phone shows how each ended)."""

from __future__ import annotations

from fieldops.alerts.schemas import alert_to_dict
from fieldops.alerts.services import alerts_for
from fieldops.snapshots import COMMAND, OFFICER, part


@part(COMMAND)
def open_alarms(event, viewer) -> dict:
    return {"alerts": [alert_to_dict(a) for a in alerts_for(event.id, open_only=True)]}


@part(OFFICER)
def help_calls(event, viewer) -> dict:
    found = alerts_for(event.id, open_only=False, viewer=viewer)
    return {"alerts": [alert_to_dict(a) for a in found]}
