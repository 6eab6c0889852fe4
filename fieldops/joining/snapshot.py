"""Phones waiting for command's approval to join, in the command stream's snapshot."""

from __future__ import annotations

from fieldops.joining import services
from fieldops.joining.schemas import device_request_to_dict
from fieldops.snapshots import COMMAND, part


@part(COMMAND)
def waiting_phones(event, viewer) -> dict:
    found = services.list_requests(event.id, only_open=True)
    return {
        "device_requests": [
            device_request_to_dict(r, services.live_devices(r.event_id, r.officer_id))
            for r in found
        ]
    }
