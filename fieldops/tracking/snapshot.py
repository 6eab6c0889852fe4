"""Tracking's part of a stream's snapshot: the event, its map, and the officers' live state."""

from __future__ import annotations

from fieldops.snapshots import COMMAND, OFFICER, part
from fieldops.tracking import services


@part(COMMAND, OFFICER)
def live_picture(event, viewer) -> dict:
    return services.snapshot(event, viewer)


@part(OFFICER)
def own_post(event, viewer) -> dict:
    """The officer's post with its orders, and their assignment (what /me answers)."""
    return services.own_post(event, viewer)
