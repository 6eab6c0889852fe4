"""An area lead's join, and the one serializer of a lead (their join answer and snapshot)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from fieldops.leads.models import AreaLead
from fieldops.payloads import Id, Payload, Text


class LeadJoinIn(Payload):
    code: Text(16, strip=True)
    name: Text(120, strip=True)
    area_ids: Annotated[list[Id], Field(max_length=50)]


def lead_to_dict(lead: AreaLead, area_names: dict[int, str]) -> dict:
    return {
        "id": lead.user_id,
        "name": lead.user.display_name,
        "event_id": lead.event_id,
        "areas": [{"id": i, "name": area_names.get(i, f"Area {i}")} for i in lead.area_ids],
    }
