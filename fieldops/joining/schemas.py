"""What a joining phone and command's decision send, and one serializer for a device
request: the REST answers and the `device_request` envelope.

It names the officer the phone claimed to be and what the phone typed; nothing about the
phone's owner beyond that (no contact details, no address)."""

from __future__ import annotations

from fieldops.formats import iso
from fieldops.joining.models import DeviceRequest
from fieldops.payloads import Flag, Payload, Text


class CodeIn(Payload):
    code: Text(32)


class JoinIn(CodeIn):
    """A phone joins with the event's code, a name and a badge (and the officer's PIN)."""

    name: Text(120)
    badge: Text(40)
    pin: Text(16, blank=True) = ""


class SecretIn(Payload):
    """A waiting phone's credential: the secret its device request was answered with."""

    secret: Text(64)


class ApproveIn(Payload):
    replace_old: Flag = False


def device_request_to_dict(request: DeviceRequest, live_devices: int) -> dict:
    officer = request.officer
    decided_by = request.decided_by
    return {
        "id": request.id,
        "event_id": request.event_id,
        "officer": {"id": officer.id, "name": officer.display_name, "badge": officer.badge},
        "given_name": request.given_name,
        "reason": request.reason.value,
        "status": request.status.value,
        "requested_at": iso(request.requested_at),
        "decided_at": iso(request.decided_at),
        "decided_by": {"id": decided_by.id, "name": decided_by.display_name}
        if decided_by
        else None,
        "replace_old": request.replace_old,
        "collected_at": iso(request.claimed_at),
        # Phones that hold a live device token of this officer here now: "replace the old
        # phone" means something only when this is above zero.
        "live_devices": live_devices,
    }


def phone_view(request: DeviceRequest) -> dict:
    """What the waiting phone is told about its own request (not who decided)."""
    return {
        "id": request.id,
        "event_id": request.event_id,
        "status": request.status.value,
        "reason": request.reason.value,
        "requested_at": iso(request.requested_at),
        "decided_at": iso(request.decided_at),
    }
