"""What command sends to start a drill and end it, what an area's reporter sends, and the one
serializer of a drill (REST, the snapshot and the `drill` envelope; organizers' copy without
the free text)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from fieldops.drills.models import AreaState, Drill, DrillAction, DrillMode, Hazard, Problem
from fieldops.drills.protocol import ACTIONS, DONE_STATE, directive
from fieldops.formats import iso
from fieldops.payloads import Id, Payload, Text

Count = Annotated[int, Field(ge=0, le=5000, strict=True)]


class DrillStart(Payload):
    """`area_ids` empty or absent: the whole campus. Evacuate names its `assembly_point_id`;
    Shelter its `hazard`."""

    client_id: Text(64)
    action: DrillAction
    mode: DrillMode
    area_ids: Annotated[list[Id], Field(max_length=500)] = []
    assembly_point_id: Id | None = None
    hazard: Hazard | None = None


class AreaReportIn(Payload):
    client_id: Text(64)
    area_id: Id
    state: AreaState
    accounted: Count = 0
    missing: Count = 0
    extra: Count = 0
    injured: Count = 0
    problems: Annotated[list[Problem], Field(max_length=len(Problem))] = []
    note: Text(1000, blank=True) = ""
    assembly_point_id: Id | None = None


class DrillNotes(Payload):
    notes: Text(4000, blank=True) = ""


def _person(user) -> dict | None:
    return {"id": user.id, "name": user.display_name, "role": user.role.value} if user else None


def _report_to_dict(report) -> dict:
    return {
        "id": report.id,
        "area_id": report.area_id,
        "area_name": report.area_name,
        "state": report.state.value,
        "accounted": report.accounted,
        "missing": report.missing,
        "extra": report.extra,
        "injured": report.injured,
        "problems": list(report.problems or []),
        "note": report.note,
        "assembly_point_id": report.assembly_point_id,
        "reported_by": _person(report.reported_by),
        "reported_at": iso(report.reported_at),
    }


def _area_state(latest) -> str:
    if latest is None:
        return "not_reported"
    if latest.state == AreaState.PROBLEM or latest.problems or latest.missing:
        return "problem"
    return latest.state.value


def drill_to_dict(drill: Drill, place_names: dict[int, str]) -> dict:
    """`place_names`: the campus's feature names by id (for the assembly points' totals)."""
    done_state = DONE_STATE.get(drill.action, "secured")
    latest: dict[int, object] = {}
    done_at: dict[int, object] = {}
    for report in drill.reports:
        latest[report.area_id] = report
        if report.state.value == done_state and report.area_id not in done_at:
            done_at[report.area_id] = report.reported_at
    areas = []
    for area in drill.areas:
        last = latest.get(area["id"])
        areas.append(
            {
                "id": area["id"],
                "name": area["name"],
                "state": _area_state(last),
                "reported_at": iso(last.reported_at) if last else None,
                "done_at": iso(done_at.get(area["id"])),
                "accounted": last.accounted if last else None,
                "missing": last.missing if last else None,
                "extra": last.extra if last else None,
                "injured": last.injured if last else None,
                "problems": list(last.problems or []) if last else [],
            }
        )
    in_scope = [latest[a["id"]] for a in drill.areas if a["id"] in latest]
    completed_at = None
    if drill.areas and all(a["id"] in done_at for a in drill.areas):
        completed_at = max(done_at[a["id"]] for a in drill.areas)
    gathered: dict[int, int] = {}
    for report in in_scope:
        point = report.assembly_point_id or drill.assembly_point_id
        if report.state == AreaState.EVACUATED and point:
            gathered[point] = gathered.get(point, 0) + report.accounted
    point_name = drill.assembly_point.name if drill.assembly_point else None
    return {
        "id": drill.id,
        "event_id": drill.event_id,
        "action": drill.action.value,
        "action_label": ACTIONS[drill.action][0],
        "mode": drill.mode.value,
        "hazard": drill.hazard.value if drill.hazard else None,
        "words": directive(drill.action, drill.hazard, point_name),
        "whole_campus": drill.whole_campus,
        "assembly_point": (
            {"id": drill.assembly_point_id, "name": point_name} if point_name else None
        ),
        "areas": areas,
        "reports": [_report_to_dict(r) for r in drill.reports],
        "totals": {
            key: sum(getattr(r, key) for r in in_scope)
            for key in ("accounted", "missing", "extra", "injured")
        },
        "assembly_totals": [
            {"id": point, "name": place_names.get(point, f"Assembly point {point}"), "accounted": n}
            for point, n in sorted(gathered.items())
        ],
        "started_by": _person(drill.started_by),
        "started_at": iso(drill.started_at),
        "completed_at": iso(completed_at),
        "time_to_complete_s": (
            (completed_at - drill.started_at).total_seconds() if completed_at else None
        ),
        "concluded_by": _person(drill.concluded_by),
        "concluded_at": iso(drill.concluded_at),
        "notes": drill.notes,
        "open": drill.concluded_at is None,
        "updated_at": iso(drill.updated_at),
    }


def organizer_copy(data: dict) -> dict:
    """Without what people typed (the notes may name a student)."""
    return data | {
        "notes": None,
        "reports": [r | {"note": None} for r in data["reports"]],
    }
