"""Alarms in a stream's snapshot: the open ones for the command post; for an officer, their
own help alarms and the colleagues' they were told of (the phone shows how each ended)."""

from __future__ import annotations

from sqlalchemy import exists

from fieldops.alerts.models import Alert
from fieldops.alerts.schemas import alert_to_dict
from fieldops.alerts.services import alerts_for, help_calls_of
from fieldops.snapshots import COMMAND, EVENT, OFFICER, VIEWER, part


@part(COMMAND)
def open_alarms(event, viewer) -> dict:
    return {"alerts": [alert_to_dict(a) for a in alerts_for(event.id, open_only=True)]}


@part(OFFICER, rows=exists().where(Alert.event_id == EVENT, help_calls_of(VIEWER)))
def help_calls(event, viewer, *, any_rows: bool) -> dict:
    found = alerts_for(event.id, open_only=False, viewer=viewer) if any_rows else []
    return {"alerts": [alert_to_dict(a) for a in found]}
