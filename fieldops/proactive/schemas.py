"""What an officer logs of their proactive work, the words for it, and its one serializer
(organizers' copy without the note, which may name a student)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from fieldops.formats import iso
from fieldops.payloads import Latitude, Longitude, Payload, Text
from fieldops.proactive.models import Finding, ProactiveEntry, Topic, WorkKind

KIND_LABELS = {
    WorkKind.SAFETY_WALK: "Safety walk",
    WorkKind.CONVERSATION: "Conversation",
    WorkKind.PROGRAMME: "Class or programme",
}
FINDING_LABELS = {
    Finding.DOOR_PROPPED_OPEN: "Door propped open",
    Finding.CAMERA_OUT: "Camera out",
    Finding.LIGHTING_OUT: "Lighting out",
    Finding.FENCE_OR_GATE_DAMAGED: "Fence or gate damaged",
    Finding.OTHER: "Other finding",
}
TOPIC_LABELS = {
    Topic.STUDENT: "with a student",
    Topic.PARENT: "with a parent or guardian",
    Topic.STAFF: "with staff",
    Topic.DRUG_AWARENESS: "Drug awareness",
    Topic.INTERNET_SAFETY: "Internet safety",
    Topic.BULLYING_PREVENTION: "Bullying prevention",
    Topic.OTHER: "Other",
}
CONVERSATION_TOPICS = (Topic.STUDENT, Topic.PARENT, Topic.STAFF)


class ProactiveIn(Payload):
    client_id: Text(64)
    kind: WorkKind
    topic: Topic | None = None
    findings: Annotated[list[Finding], Field(max_length=len(Finding))] = []
    attendees: Annotated[int, Field(ge=0, le=5000, strict=True)] = 0
    note: Text(2000, blank=True) = ""
    lat: Latitude | None = None
    lon: Longitude | None = None


def entry_to_dict(entry: ProactiveEntry) -> dict:
    return {
        "id": entry.id,
        "event_id": entry.event_id,
        "client_id": entry.client_id,
        "kind": entry.kind.value,
        "topic": entry.topic.value if entry.topic else None,
        "findings": list(entry.findings or []),
        "attendees": entry.attendees,
        "note": entry.note,
        "place": entry.place,
        "officer": {"id": entry.officer.id, "name": entry.officer.display_name},
        "logged_at": iso(entry.logged_at),
    }


def organizer_copy(data: dict) -> dict:
    return data | {"note": None}


def describe(entry: dict) -> str:
    """ "Safety walk: Door propped open, Camera out", "Class or programme: Internet safety (24)"."""
    kind = KIND_LABELS[WorkKind(entry["kind"])]
    if entry["kind"] == WorkKind.SAFETY_WALK:
        found = ", ".join(FINDING_LABELS[Finding(f)] for f in entry["findings"]) or "nothing found"
        return f"{kind}: {found}"
    topic = TOPIC_LABELS[Topic(entry["topic"])] if entry["topic"] else ""
    if entry["kind"] == WorkKind.PROGRAMME:
        return f"{kind}: {topic or 'unnamed'} ({entry['attendees']} attended)"
    return f"{kind} {topic}".strip()


def vocabulary() -> dict:
    return {
        "proactive_kinds": [{"value": k.value, "label": v} for k, v in KIND_LABELS.items()],
        "proactive_findings": [{"value": k.value, "label": v} for k, v in FINDING_LABELS.items()],
        "proactive_topics": [
            {"value": k.value, "label": v, "conversation": k in CONVERSATION_TOPICS}
            for k, v in TOPIC_LABELS.items()
        ],
    }
