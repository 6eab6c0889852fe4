"""Starting a drill (or a real response) for the whole campus or some areas, the areas'
reports, and "All clear". One drill at a time per event; every change reaches the command
post, organizers and every phone at the event as a `drill` envelope after the commit."""

from __future__ import annotations

from sqlalchemy import select

from fieldops import realtime
from fieldops.auth.models import Role, User
from fieldops.campus.models import CampusFeature, FeatureKind
from fieldops.db import get_or_404, insert_once, utcnow
from fieldops.drills.models import Drill, DrillAction, DrillAreaReport
from fieldops.drills.schemas import AreaReportIn, DrillStart, drill_to_dict, organizer_copy
from fieldops.errors import ApiError, Forbidden, invalid
from fieldops.events.models import Event
from fieldops.events.services import member_ids
from fieldops.extensions import db
from fieldops.leads.services import lead_of

STAFF = (Role.ADMIN, Role.COMMAND)


def open_drill(event_id: int) -> Drill | None:
    query = select(Drill).where(Drill.event_id == event_id, Drill.concluded_at.is_(None))
    return db.session.scalar(query.order_by(Drill.id.desc()))


def drills_of(event_id: int) -> list[Drill]:
    query = select(Drill).where(Drill.event_id == event_id).order_by(Drill.started_at.desc())
    return list(db.session.scalars(query))


def get_drill(drill_id: int) -> Drill:
    return get_or_404(Drill, drill_id, "drill")


def place_names(event_id: int) -> dict[int, str]:
    query = select(CampusFeature.id, CampusFeature.name).where(CampusFeature.event_id == event_id)
    return dict(db.session.execute(query).all())


def to_dict(drill: Drill) -> dict:
    return drill_to_dict(drill, place_names(drill.event_id))


def to_dicts(drills: list[Drill], event_id: int) -> list[dict]:
    """Several drills of one event: its campus names read once (not at all for none)."""
    if not drills:
        return []
    names = place_names(event_id)
    return [drill_to_dict(d, names) for d in drills]


def _scope(event: Event, body: DrillStart) -> list[dict]:
    areas = [f for f in event.campus if f.kind.is_area]
    if not areas:
        raise invalid("the campus has no buildings or areas yet: an admin draws them", "area_ids")
    if not body.area_ids:
        return [{"id": f.id, "name": f.name} for f in areas]
    by_id = {f.id: f for f in areas}
    unknown = [i for i in body.area_ids if i not in by_id]
    if unknown:
        raise invalid(f"no building or area {unknown[0]} on this campus", "area_ids")
    return [{"id": i, "name": by_id[i].name} for i in dict.fromkeys(body.area_ids)]


def _assembly_point(event: Event, point_id: int | None, field: str) -> CampusFeature | None:
    if point_id is None:
        return None
    point = next((f for f in event.campus if f.id == point_id), None)
    if point is None or point.kind != FeatureKind.ASSEMBLY:
        raise invalid(f"no assembly point {point_id} on this campus", field)
    return point


def start(event: Event, user: User, body: DrillStart) -> tuple[Drill, bool]:
    """(the drill, True) when started now; a repeat of the same client_id is the same drill."""
    if user.role not in STAFF:
        raise Forbidden("only command staff start a drill")
    if body.action == DrillAction.EVACUATE and body.assembly_point_id is None:
        raise invalid("an evacuation names its assembly point", "assembly_point_id")
    if body.action == DrillAction.SHELTER and body.hazard is None:
        raise invalid("a shelter names its hazard", "hazard")
    areas = _scope(event, body)
    point = _assembly_point(event, body.assembly_point_id, "assembly_point_id")
    same = select(Drill).where(Drill.event_id == event.id, Drill.client_id == body.client_id)
    repeat = db.session.scalar(same)
    if repeat is not None:
        return repeat, False
    current = open_drill(event.id)
    if current is not None:
        raise ApiError(
            f"{current.action.value} {current.mode.value} is still on: end it with All clear first",
            code="drill_in_progress",
            status=409,
        )
    now = utcnow()
    drill = Drill(
        event_id=event.id,
        client_id=body.client_id,
        action=body.action,
        mode=body.mode,
        hazard=body.hazard if body.action == DrillAction.SHELTER else None,
        areas=areas,
        whole_campus=not body.area_ids,
        assembly_point_id=point.id if point else None,
        started_by_id=user.id,
        started_at=now,
        notes="",
        updated_at=now,
    )
    drill, created = insert_once(drill, same)
    if created:
        _push(drill)
    return drill, created


def report_area(drill: Drill, user: User, body: AreaReportIn) -> tuple[Drill, bool]:
    """An area's state and its counts, from its lead, an officer sweeping it, or command
    relaying a radio call. (drill, False) for a repeat of the same client_id."""
    if drill.concluded_at is not None:
        raise ApiError("this drill has ended (All clear)", code="drill_concluded", status=409)
    area = next((a for a in drill.areas if a["id"] == body.area_id), None)
    if area is None:
        raise invalid(f"area {body.area_id} is not in this drill", "area_id")
    if user.role == Role.AREA_LEAD:
        lead = lead_of(user, drill.event_id)
        if lead is None or area["id"] not in lead.area_ids:
            raise Forbidden("an area lead reports their own areas")
    event = db.session.get(Event, drill.event_id)
    _assembly_point(event, body.assembly_point_id, "assembly_point_id")
    report = DrillAreaReport(
        drill_id=drill.id,
        client_id=body.client_id,
        area_id=area["id"],
        area_name=area["name"],
        state=body.state,
        accounted=body.accounted,
        missing=body.missing,
        extra=body.extra,
        injured=body.injured,
        problems=[p.value for p in dict.fromkeys(body.problems)],
        note=body.note,
        assembly_point_id=body.assembly_point_id,
        reported_by_id=user.id,
        reported_at=utcnow(),
    )
    _report, created = insert_once(
        report,
        select(DrillAreaReport).where(
            DrillAreaReport.drill_id == drill.id, DrillAreaReport.client_id == body.client_id
        ),
    )
    if created:
        drill.updated_at = utcnow()
        _push(drill)
    return drill, created


def all_clear(drill: Drill, user: User, notes: str | None) -> Drill:
    """Ends it (once: a repeat changes nothing but the notes it brings)."""
    if user.role not in STAFF:
        raise Forbidden("only command staff give the all clear")
    if drill.concluded_at is None:
        drill.concluded_at = utcnow()
        drill.concluded_by_id = user.id
    if notes is not None:
        drill.notes = notes
    drill.updated_at = utcnow()
    _push(drill)
    return drill


def set_notes(drill: Drill, user: User, notes: str) -> Drill:
    if user.role not in STAFF:
        raise Forbidden("only command staff keep the drill record")
    drill.notes = notes
    drill.updated_at = utcnow()
    _push(drill)
    return drill


def _push(drill: Drill) -> None:
    db.session.flush()
    db.session.refresh(drill, ["reports", "started_by", "concluded_by", "assembly_point"])
    data = to_dict(drill)
    realtime.publish_to_staff_on_commit(drill.event_id, "drill", data, organizer_copy(data))
    for officer_id in member_ids(drill.event_id):
        realtime.publish_on_commit(realtime.officer_room(officer_id), "drill", data)
    realtime.publish_on_commit(realtime.lead_room(drill.event_id), "drill", data)
