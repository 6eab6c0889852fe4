"""Incident writes: reporting, the lifecycle, dispatch and responses, notes.

Every change appends a timeline entry (actor, time, the actor's position) and publishes the
incident, after the commit, to the command post and to the officers sent to it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.sql.elements import ColumnElement

from fieldops import realtime
from fieldops.alerts import services as alerts
from fieldops.alerts.models import AlertKind
from fieldops.auth.models import Role, User
from fieldops.db import get_or_404, insert_by_client_id, utcnow
from fieldops.errors import ApiError, Forbidden, NotFound, choice
from fieldops.events.models import Event, OfficerStatus
from fieldops.extensions import db
from fieldops.incidents import lifecycle, photos
from fieldops.incidents.models import (
    AssignmentStatus,
    Disposition,
    Incident,
    IncidentAssignment,
    IncidentStatus,
    IncidentType,
    Photo,
    Severity,
    TimelineEntry,
)
from fieldops.incidents.schemas import SEVERITY_RANK, IncidentIn, incident_to_dict
from fieldops.incidents.signals import incident_changed
from fieldops.places.services import place_text
from fieldops.tracking import live
from fieldops.tracking import services as tracking

DISPATCHERS = (Role.ADMIN, Role.COMMAND)
STAFF = (Role.ADMIN, Role.COMMAND, Role.ORGANIZER)


# --- who may see and do what --------------------------------------------------------------


def active_assignment(incident: Incident, officer_id: int) -> IncidentAssignment | None:
    for assignment in incident.assignments:
        if assignment.officer_id == officer_id and assignment.status in lifecycle.ACTIVE_ASSIGNMENT:
            return assignment
    return None


def can_see(incident: Incident, user: User) -> bool:
    """Staff see every incident; anyone else those they reported or were ever sent to (in SQL:
    seen_by)."""
    if user.role in STAFF:
        return True
    return incident.reported_by_id == user.id or any(
        a.officer_id == user.id for a in incident.assignments
    )


def seen_by(officer_id) -> ColumnElement[bool]:
    """can_see for one who is not staff, in SQL (officer_id: a value or a bound parameter), so
    1,000 phones joining read only their own incidents."""
    sent_to = select(IncidentAssignment.incident_id).where(
        IncidentAssignment.officer_id == officer_id
    )
    return (Incident.reported_by_id == officer_id) | Incident.id.in_(sent_to)


def visible_incident(incident_id: int, user: User, token_event_id: int | None = None) -> Incident:
    incident = db.session.get(Incident, incident_id)
    if incident is None or not can_see(incident, user):
        raise NotFound(f"incident {incident_id} does not exist")
    if token_event_id is not None and incident.event_id != token_event_id:
        raise NotFound(f"incident {incident_id} does not exist")
    return incident


def require_dispatcher(user: User) -> None:
    if user.role not in DISPATCHERS:
        raise Forbidden("only command staff do this")


# --- the record ---------------------------------------------------------------------------


def _position(event_id: int, user: User, lat: float | None, lon: float | None):
    """Where the actor was: what they sent, else an officer's latest fix."""
    if lat is not None and lon is not None:
        return lat, lon
    state = live.officer(event_id, user.id) if user.role == Role.OFFICER else None
    if state and state.fix:
        return state.fix["lat"], state.fix["lon"]
    return None, None


def append_entry(incident: Incident, kind: str, actor: User | None, position=(None, None), **data):
    lat, lon = position
    entry = TimelineEntry(
        incident_id=incident.id,
        kind=kind,
        actor_id=actor.id if actor else None,
        at=utcnow(),
        lat=lat,
        lon=lon,
        data=data,
    )
    db.session.add(entry)
    incident.updated_at = entry.at
    return entry


def publish(
    incident: Incident, *, dispatched: tuple[int, ...] = (), actor: User | None = None
) -> None:
    """After commit: the command post, the officer who reported it, and every officer ever
    sent (the newly sent with `dispatch: true`, which their phone shows full screen).

    Other packages hear of the change through `incident_changed` (inside the transaction)."""
    _push(incident, dispatched)
    incident_changed.send(incident, actor=actor)


def publish_again(incident: Incident) -> None:
    """A repeated idempotent write (a retry: its answer or its push may have been lost): the
    incident as it stands and every alarm tied to it, to the same streams as the first time,
    so the retry repairs a lost push. Nothing changed, so no `incident_changed`."""
    _push(incident, ())
    for alert in alerts.alerts_of_incident(incident.id):
        alerts.publish(alert)


def _push(incident: Incident, dispatched: tuple[int, ...]) -> None:
    db.session.flush()
    db.session.refresh(incident, ["assignments", "photos"])
    data = incident_to_dict(incident)
    realtime.publish_to_staff_on_commit(incident.event_id, "incident", data)
    officers = {a.officer_id for a in incident.assignments}
    if incident.reported_by.role == Role.OFFICER:
        officers.add(incident.reported_by_id)
    for officer_id in sorted(officers):
        officer_data = dict(data, dispatch=officer_id in dispatched)
        realtime.publish_on_commit(realtime.officer_room(officer_id), "incident", officer_data)


# --- reporting ----------------------------------------------------------------------------


def report(event: Event, reporter: User, body: IncidentIn) -> tuple[Incident, bool]:
    """A new incident (201), or the one this reporter already sent with this client_id."""
    if reporter.role in (Role.ORGANIZER, Role.AREA_LEAD):
        raise Forbidden("organizers and area leads cannot report incidents")
    if body.type == IncidentType.OFFICER_HELP:
        raise ApiError(
            "an officer calls for help with the help button, not a report",
            code="invalid",
            field="type",
            status=422,
        )
    fingerprint = body.fingerprint(event.id)
    incident = Incident(
        event_id=event.id,
        client_id=body.client_id,
        body_hash=fingerprint,
        type=body.type,
        severity=body.effective_severity,
        status=IncidentStatus.REPORTED,
        lat=body.lat,
        lon=body.lon,
        place=place_text(event, body.lat, body.lon),
        note=body.note.strip(),
        involves_students=body.involves_students,
        reported_by_id=reporter.id,
        reported_at=body.reported_at,
        received_at=utcnow(),
    )
    incident, created = insert_by_client_id(incident, "report", scope="reported_by_id")
    if not created:
        publish_again(incident)
        return incident, False
    append_entry(
        incident,
        "reported",
        reporter,
        _position(event.id, reporter, None, None),
        type=incident.type.value,
        severity=incident.severity.value,
        note=incident.note,
    )
    publish(incident)
    _raise_incident_alarm(incident, reporter)
    return incident, True


def _raise_incident_alarm(incident: Incident, reporter: User) -> None:
    where = f"reported by {reporter.display_name}"
    if incident.type == IncidentType.LOST_PERSON:
        kind, what = AlertKind.LOST_PERSON, "Lost person"
    elif incident.severity == Severity.CRITICAL:
        kind, what = (
            AlertKind.CRITICAL_INCIDENT,
            f"Critical {incident.type.value.replace('_', ' ')}",
        )
    else:
        return
    alerts.raise_alert(
        incident.event_id,
        kind,
        f"{what} ({where})",
        incident_id=incident.id,
        lat=incident.lat,
        lon=incident.lon,
        place=incident.place,
    )


def report_help(
    event: Event, officer: User, client_id: str, lat: float, lon: float
) -> tuple[Incident, bool]:
    """The incident behind an officer's help alarm (critical), so command dispatches to it
    like any other; the officer's open one if they press again. (incident, created)."""
    open_one = db.session.scalar(
        select(Incident)
        .where(
            Incident.event_id == event.id,
            Incident.reported_by_id == officer.id,
            Incident.type == IncidentType.OFFICER_HELP,
            Incident.status.not_in(lifecycle.FINAL),
        )
        .order_by(Incident.id.desc())
        .limit(1)
    )
    if open_one is not None:
        append_entry(open_one, "help_again", officer, (lat, lon))
        publish(open_one)
        return open_one, False
    now = utcnow()
    incident = Incident(
        event_id=event.id,
        client_id=client_id,
        body_hash="help",
        type=IncidentType.OFFICER_HELP,
        severity=Severity.CRITICAL,
        status=IncidentStatus.REPORTED,
        lat=lat,
        lon=lon,
        place=place_text(event, lat, lon),
        note="",
        reported_by_id=officer.id,
        reported_at=now,
        received_at=now,
    )
    db.session.add(incident)
    db.session.flush()
    append_entry(
        incident, "reported", officer, (lat, lon), type=incident.type.value, severity="critical"
    )
    publish(incident)
    return incident, True


def cancel_false_alarm(incident: Incident, officer: User) -> Incident:
    """The officer who called for help calls it off: cancelled, on the record, officers
    sent are released."""
    if incident.status in lifecycle.FINAL:
        return incident
    return _move(incident, officer, IncidentStatus.CANCELLED, note="false alarm")


# --- the lifecycle ------------------------------------------------------------------------


def transition(
    incident: Incident,
    actor: User,
    to: str,
    *,
    disposition: str | None = None,
    note: str = "",
    lat: float | None = None,
    lon: float | None = None,
) -> Incident:
    target = choice(IncidentStatus, to, "to")
    if actor.role == Role.OFFICER:
        if target in (IncidentStatus.EN_ROUTE, IncidentStatus.ON_SCENE):
            return respond(incident, actor, target.value, lat=lat, lon=lon)
        if target != IncidentStatus.RESOLVED or active_assignment(incident, actor.id) is None:
            raise Forbidden("officers can only resolve incidents they were sent to")
    else:
        require_dispatcher(actor)
    if target == IncidentStatus.DISPATCHED:
        raise ApiError(
            "dispatch by assigning officers (POST .../assignments)",
            code="illegal_transition",
            field="to",
            status=409,
        )
    lifecycle.check_transition(incident.status, target)
    details = {}
    if target == IncidentStatus.RESOLVED:
        if disposition is None:
            raise ApiError(
                "a resolved incident needs a disposition",
                code="invalid",
                field="disposition",
                status=422,
            )
        incident.disposition = choice(Disposition, disposition, "disposition")
        details["disposition"] = incident.disposition.value
    if note:
        details["note"] = note
    return _move(incident, actor, target, lat=lat, lon=lon, **details)


def _move(
    incident: Incident,
    actor: User,
    target: IncidentStatus,
    *,
    lat: float | None = None,
    lon: float | None = None,
    **details,
) -> Incident:
    """Into `target` (the caller checked the move and who may make it): the timeline entry
    with where the actor was, the officers released when it ends, the push."""
    details = {"from": incident.status.value, "to": target.value, **details}
    incident.status = target
    here = _position(incident.event_id, actor, lat, lon)
    append_entry(incident, "status", actor, here, **details)
    if target in lifecycle.FINAL:
        _release_officers(incident)
    publish(incident, actor=actor)
    return incident


def _release_officers(incident: Incident) -> None:
    now = utcnow()
    for assignment in incident.assignments:
        if assignment.status in lifecycle.ACTIVE_ASSIGNMENT:
            assignment.status = AssignmentStatus.RELEASED
            assignment.released_at = now
            if not _has_other_active(assignment.officer_id, incident.id):
                tracking.set_officer_status(
                    incident.event_id,
                    assignment.officer_id,
                    OfficerStatus.ON_POST,
                    only_from=OfficerStatus.RESPONDING,
                )


def _has_other_active(officer_id: int, incident_id: int) -> bool:
    return (
        db.session.scalar(
            select(IncidentAssignment.id).where(
                IncidentAssignment.officer_id == officer_id,
                IncidentAssignment.incident_id != incident_id,
                IncidentAssignment.status.in_(lifecycle.ACTIVE_ASSIGNMENT),
            )
        )
        is not None
    )


def dispatch(incident: Incident, actor: User, officer_ids: list[int]) -> Incident:
    require_dispatcher(actor)
    if incident.status in lifecycle.FINAL:
        lifecycle.check_transition(incident.status, IncidentStatus.DISPATCHED)
    assigned = {a.officer_id for a in incident.assignments}
    for index, officer_id in enumerate(officer_ids):
        if live.officer(incident.event_id, officer_id) is None:
            raise ApiError(
                f"officer {officer_id} is not at this event",
                code="invalid",
                field=f"officer_ids.{index}",
                status=422,
            )
        if officer_id in assigned:
            raise ApiError(
                f"officer {officer_id} was already sent to this incident",
                code="conflict",
                field=f"officer_ids.{index}",
                status=409,
            )
    here = _position(incident.event_id, actor, None, None)
    if incident.status == IncidentStatus.REPORTED:
        append_entry(incident, "status", actor, here, to="acknowledged", **{"from": "reported"})
        incident.status = IncidentStatus.ACKNOWLEDGED
    now = utcnow()
    for officer_id in officer_ids:
        db.session.add(
            IncidentAssignment(
                incident_id=incident.id,
                officer_id=officer_id,
                status=AssignmentStatus.DISPATCHED,
                dispatched_by_id=actor.id,
                dispatched_at=now,
            )
        )
        state = live.officer(incident.event_id, officer_id)
        append_entry(incident, "assigned", actor, here, officer_id=officer_id, name=state.name)
        tracking.set_officer_status(incident.event_id, officer_id, OfficerStatus.RESPONDING)
    if incident.status == IncidentStatus.ACKNOWLEDGED:
        append_entry(incident, "status", actor, here, to="dispatched", **{"from": "acknowledged"})
        incident.status = IncidentStatus.DISPATCHED
    publish(incident, dispatched=tuple(officer_ids), actor=actor)
    return incident


def respond(
    incident: Incident, officer: User, status: str, *, lat: float | None, lon: float | None
) -> Incident:
    """The officer sent to it: acknowledged, en route, on scene."""
    to = choice(AssignmentStatus, status, "status")
    assignment = active_assignment(incident, officer.id)
    if assignment is None:
        raise Forbidden("you were not sent to this incident")
    lifecycle.check_response(assignment.status, to)
    now = utcnow()
    assignment.status = to
    for step in lifecycle.RESPONSE_ORDER[1 : lifecycle.RESPONSE_ORDER.index(to) + 1]:
        field = f"{step.value}_at"
        if getattr(assignment, field) is None:
            setattr(assignment, field, now)
    here = _position(incident.event_id, officer, lat, lon)
    append_entry(incident, "response", officer, here, officer_id=officer.id, status=to.value)
    after = lifecycle.followed_status(incident.status, [a.status for a in incident.assignments])
    if after != incident.status:
        append_entry(
            incident, "status", officer, here, to=after.value, **{"from": incident.status.value}
        )
        incident.status = after
    publish(incident)
    return incident


def add_note(
    incident: Incident, actor: User, text: str, *, lat: float | None, lon: float | None
) -> TimelineEntry:
    allowed = (
        actor.role in DISPATCHERS
        or incident.reported_by_id == actor.id
        or active_assignment(incident, actor.id) is not None
    )
    if not allowed:
        raise Forbidden("only command staff, the reporter and the officers sent add notes")
    entry = append_entry(
        incident, "note", actor, _position(incident.event_id, actor, lat, lon), text=text
    )
    publish(incident)
    return entry


# --- reading ------------------------------------------------------------------------------


def incidents_for(
    event: Event, user: User, *, statuses: list[str] | None = None, types: list[str] | None = None
) -> list[Incident]:
    query = select(Incident).where(Incident.event_id == event.id)
    if statuses:
        query = query.where(
            Incident.status.in_([choice(IncidentStatus, s, "status") for s in statuses])
        )
    if types:
        query = query.where(Incident.type.in_([choice(IncidentType, t, "type") for t in types]))
    if user.role not in STAFF:
        query = query.where(seen_by(user.id))
    found = list(db.session.scalars(query))
    return sorted(found, key=lambda i: (SEVERITY_RANK[i.severity], i.received_at, i.id))


def timeline(incident: Incident) -> list[TimelineEntry]:
    return list(
        db.session.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.incident_id == incident.id)
            .order_by(TimelineEntry.at, TimelineEntry.id)
        )
    )


def busy_officer_ids(event_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(IncidentAssignment.officer_id)
            .join(Incident, Incident.id == IncidentAssignment.incident_id)
            .where(
                Incident.event_id == event_id,
                IncidentAssignment.status.in_(lifecycle.ACTIVE_ASSIGNMENT),
            )
        )
    )


# --- photos -------------------------------------------------------------------------------


def add_photo(incident: Incident, actor: User, processed, instance_path: str) -> tuple[Photo, bool]:
    """Store the re-encoded JPEG under instance/photos/, then record it (True: a new photo).

    The same image sent again to the same incident (a retry whose answer was lost) is the photo
    already stored: the UNIQUE (incident, sha256) constraint decides, not a lookup.
    """
    allowed = (
        actor.role in DISPATCHERS
        or incident.reported_by_id == actor.id
        or active_assignment(incident, actor.id) is not None
    )
    if not allowed:
        raise Forbidden("only command staff, the reporter and the officers sent add photos")
    photo, created = photos.store_once(
        Photo,
        "incident_id",
        incident.id,
        processed,
        by=actor.id,
        instance_path=instance_path,
        folder=f"photos/{incident.event_id}/{incident.id}",
    )
    if not created:
        publish_again(incident)
        return photo, False
    append_entry(
        incident, "photo", actor, _position(incident.event_id, actor, None, None), photo_id=photo.id
    )
    publish(incident)
    return photo, True


def visible_photo(photo_id: int, user: User, token_event_id: int | None) -> Photo:
    photo = get_or_404(Photo, photo_id, "photo")
    visible_incident(photo.incident_id, user, token_event_id)
    return photo


def photo_path(photo: Photo, instance_path: str) -> Path:
    return photos.stored_path(photo, instance_path)
