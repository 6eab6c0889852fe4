"""Tracking's part of a stream's snapshot: the event, its map, and the officers' live state."""

from __future__ import annotations

from sqlalchemy import exists

from fieldops.events.models import Assignment
from fieldops.snapshots import COMMAND, EVENT, OFFICER, VIEWER, part
from fieldops.tracking import services


@part(COMMAND, OFFICER)
def live_picture(event, viewer) -> dict:
    return services.snapshot(event, viewer)


@part(OFFICER, rows=exists().where(Assignment.event_id == EVENT, Assignment.officer_id == VIEWER))
def own_post(event, viewer, *, any_rows: bool) -> dict:
    """The officer's post with its orders, and their assignment (what /me answers)."""
    return services.own_post(event, viewer, any_assignment=any_rows)
