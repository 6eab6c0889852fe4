"""Lost-person writes: the report, places searched, found, reunited, the agency called,
cancelled; a found person logged the other way round and matched to a later report.

Every change publishes the record whole after the commit: the command copy to command, the
organizer copy to organizers, and an officer copy to every officer at the event (Code Adam:
everyone searches, every exit is watched)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from fieldops import realtime
from fieldops.alerts import services as alerts
from fieldops.alerts.models import AlertKind
from fieldops.auth.models import Role, User
from fieldops.db import before_commit_once, get_or_404, insert_by_client_id, insert_once, utcnow
from fieldops.errors import ApiError, Forbidden, NotFound
from fieldops.events.access import visible_event
from fieldops.events.models import Event, Post
from fieldops.events.services import member_ids
from fieldops.extensions import db
from fieldops.incidents import photos
from fieldops.lostpersons import lifecycle
from fieldops.lostpersons.models import (
    LostPerson,
    LostPersonPhoto,
    LostPersonStatus,
    SearchedArea,
)
from fieldops.lostpersons.schemas import (
    FoundIn,
    FoundPersonIn,
    LostPersonIn,
    ReunitedIn,
    SearchedIn,
    is_open,
    lost_person_to_dict,
    officer_copy,
    organizer_copy,
)
from fieldops.places.services import place_text
from fieldops.tracking import live

COMMANDERS = (Role.ADMIN, Role.COMMAND)
KIND_WORDS = {"child": "child", "vulnerable_adult": "vulnerable adult"}


# --- who may see and do what --------------------------------------------------------------


def require_commander(user: User) -> None:
    if user.role not in COMMANDERS:
        raise Forbidden("only command staff do this")


def require_searcher(user: User) -> None:
    """Officers and command staff take part in a search; organizers only read."""
    if user.role == Role.ORGANIZER:
        raise Forbidden("organizers only read lost-person records")


def visible_lost_person(
    person_id: int, user: User, token_event_id: int | None = None
) -> LostPerson:
    person = db.session.get(LostPerson, person_id)
    if person is None:
        raise NotFound(f"lost person {person_id} does not exist")
    visible_event(user, person.event_id, token_event_id)  # an officer: only their events
    return person


def copy_for(person: LostPerson, user: User) -> dict:
    """The record as this user may see it (privacy, issue 9 item 7)."""
    data = lost_person_to_dict(person)
    if user.role in COMMANDERS:
        return data
    if user.role == Role.ORGANIZER:
        return organizer_copy(data)
    return officer_copy(data, at_exit=user.id in officers_at_exits(person.event_id))


# --- publishing ---------------------------------------------------------------------------


def publish(person: LostPerson) -> None:
    """After commit, as the record stands at the commit (once per transaction)."""
    before_commit_once(("lost_person", person.id), lambda: _push(person))


def officers_at_exits(event_id: int) -> set[int]:
    """Officers whose post (their shift's, else their assignment's) is marked as an exit."""
    exits = set(db.session.scalars(select(Post.id).where(Post.event_id == event_id, Post.is_exit)))
    if not exits:
        return set()
    found = set()
    for state in live.get_event(event_id).officers.values():
        if state.post and state.post.get("id") in exits:
            found.add(state.officer_id)
    return found


def _push(person: LostPerson) -> None:
    db.session.flush()
    db.session.refresh(person, ["searched", "photos"])
    data = lost_person_to_dict(person)
    realtime.publish_to_staff_on_commit(person.event_id, "lost_person", data, organizer_copy(data))
    at_exits = officers_at_exits(person.event_id)
    for officer_id in member_ids(person.event_id):
        copy = officer_copy(data, at_exit=officer_id in at_exits)
        realtime.publish_on_commit(realtime.officer_room(officer_id), "lost_person", copy)


def _touch(person: LostPerson):
    person.updated_at = utcnow()
    return person.updated_at


def _position(event_id: int, user: User, lat: float | None, lon: float | None):
    """Where the actor was: what they sent, else an officer's latest fix."""
    if lat is not None and lon is not None:
        return lat, lon
    state = live.officer(event_id, user.id) if user.role == Role.OFFICER else None
    if state and state.fix:
        return state.fix["lat"], state.fix["lon"]
    return None, None


# --- reporting ----------------------------------------------------------------------------


def _description(body) -> dict:
    return body.model_dump(
        include={
            "kind",
            "first_name",
            "full_name",
            "age",
            "sex",
            "height",
            "build",
            "hair",
            "eyes",
            "clothing_top",
            "clothing_bottom",
            "shoes",
            "carried",
            "guardian_name",
            "guardian_contact",
            "meeting_point",
        }
    )


def _insert(event: Event, body, person: LostPerson) -> tuple[LostPerson, bool]:
    """Idempotent by (event, client_id): the constraint decides; a repeat publishes again."""
    person, created = insert_by_client_id(person, "lost-person record")
    publish(person)
    return person, created


def report_lost_person(event: Event, reporter: User, body: LostPersonIn):
    """A new report (True), or the one already sent with this client_id (False). Command is
    alarmed; every officer at the event gets the description within the second."""
    require_searcher(reporter)
    now = utcnow()
    place = body.last_seen_place or place_text(event, body.last_seen_lat, body.last_seen_lon)
    person = LostPerson(
        event_id=event.id,
        client_id=body.client_id,
        body_hash=body.fingerprint(event.id),
        status=LostPersonStatus.SEARCHING,
        found_first=False,
        last_seen_lat=body.last_seen_lat,
        last_seen_lon=body.last_seen_lon,
        last_seen_place=place,
        last_seen_at=body.last_seen_at or body.reported_at,
        reported_by_id=reporter.id,
        reported_at=body.reported_at,
        received_at=now,
        updated_at=now,
        **_description(body),
    )
    person, created = _insert(event, body, person)
    if created:
        age = f", {person.age}" if person.age is not None else ""
        alerts.raise_alert(
            event.id,
            AlertKind.LOST_PERSON,
            f"Lost {KIND_WORDS[person.kind.value]}: {person.first_name}{age}, last seen "
            f"{person.last_seen_place or 'unknown'} (reported by {reporter.display_name})",
            lat=person.last_seen_lat,
            lon=person.last_seen_lon,
            place=person.last_seen_place,
        )
    return person, created


def _at(place: str) -> str:
    """'at the first-aid tent' however the place was written ('first-aid tent', 'at the …',
    'by the …')."""
    if not place:
        return "at an unknown place"
    first = place.split(maxsplit=1)[0].lower()
    return place if first in {"at", "by", "near", "in", "on", "under", "behind"} else f"at {place}"


def log_found_person(event: Event, finder: User, body: FoundPersonIn):
    """A found child with no report yet: the record starts found, to be matched to the
    report when the guardian comes forward."""
    require_searcher(finder)
    now = utcnow()
    place = body.found_place or place_text(event, body.found_lat, body.found_lon)
    person = LostPerson(
        event_id=event.id,
        client_id=body.client_id,
        body_hash=body.fingerprint(event.id),
        status=LostPersonStatus.FOUND,
        found_first=True,
        reported_by_id=finder.id,
        reported_at=body.reported_at,
        received_at=now,
        updated_at=now,
        found_at=body.reported_at,
        found_lat=body.found_lat,
        found_lon=body.found_lon,
        found_place=place,
        found_by_id=finder.id,
        **_description(body),
    )
    person, created = _insert(event, body, person)
    if created:
        alerts.raise_alert(
            event.id,
            AlertKind.LOST_PERSON,
            f"Found {KIND_WORDS[person.kind.value]} with no report yet: {person.first_name}, "
            f"{_at(place)} (logged by {finder.display_name})",
            lat=body.found_lat,
            lon=body.found_lon,
            place=place,
        )
    return person, created


# --- the search ---------------------------------------------------------------------------


def mark_searched(person: LostPerson, actor: User, body: SearchedIn) -> SearchedArea:
    """A place searched: everyone sees it on the map. A retry with its client_id is the area
    already recorded."""
    require_searcher(actor)
    if person.status != LostPersonStatus.SEARCHING:
        raise ApiError(
            f"the search is over: {person.first_name} is {person.status.value}",
            code="not_searching",
            field="status",
            status=409,
        )
    event = db.session.get(Event, person.event_id)
    area = SearchedArea(
        lost_person_id=person.id,
        client_id=body.client_id,
        lat=body.lat,
        lon=body.lon,
        radius_m=body.radius_m,
        place=place_text(event, body.lat, body.lon),
        by_id=actor.id,
        at=utcnow(),
    )
    if body.client_id is None:
        db.session.add(area)
        created = True
    else:
        area, created = insert_once(
            area,
            select(SearchedArea).where(
                SearchedArea.lost_person_id == person.id,
                SearchedArea.client_id == body.client_id,
            ),
        )
    if created:
        _touch(person)
    db.session.flush()
    db.session.refresh(person, ["searched"])  # the answer lists it too
    publish(person)
    return area


def found(person: LostPerson, actor: User, body: FoundIn) -> LostPerson:
    """Found (where, by whom): the search stops; the reunion is still to be recorded."""
    require_searcher(actor)
    lifecycle.check_transition(person.status, LostPersonStatus.FOUND)
    _set_found(person, actor, body.lat, body.lon, body.place)
    person.status = LostPersonStatus.FOUND
    publish(person)
    return person


def _set_found(person: LostPerson, actor: User, lat, lon, place: str) -> None:
    lat, lon = _position(person.event_id, actor, lat, lon)
    if not place and lat is not None:
        place = place_text(db.session.get(Event, person.event_id), lat, lon)
    person.found_at = _touch(person)
    person.found_lat, person.found_lon, person.found_place = lat, lon, place
    person.found_by = actor


def reunited(person: LostPerson, actor: User, body: ReunitedIn) -> LostPerson:
    """Back with their guardian: who, how their identity was verified, where, when. From
    `searching` it is found and reunited at once (the guardian found them)."""
    require_searcher(actor)
    lifecycle.check_transition(person.status, LostPersonStatus.REUNITED)
    place = body.place or person.meeting_point
    if person.found_at is None:
        _set_found(person, actor, None, None, place)
    person.status = LostPersonStatus.REUNITED
    person.reunited_at = _touch(person)
    person.reunited_with = body.with_whom
    person.identity_verified_how = body.identity_verified_how
    person.reunited_place = place
    person.reunited_by = actor
    publish(person)
    return person


def cancel(person: LostPerson, actor: User, reason: str) -> LostPerson:
    """Reported in error, or back with nobody's help: ends the search on the record."""
    require_commander(actor)
    lifecycle.check_transition(person.status, LostPersonStatus.CANCELLED)
    person.status = LostPersonStatus.CANCELLED
    person.cancelled_at = _touch(person)
    person.cancelled_by = actor
    person.cancel_reason = reason
    publish(person)
    return person


def agency_called(person: LostPerson, actor: User, note: str) -> LostPerson:
    """The desk says it called the local agency: logged once (a repeat changes nothing)."""
    require_commander(actor)
    if person.agency_called_at is None:
        person.agency_called_at = _touch(person)
        person.agency_called_by = actor
        person.agency_note = note
    publish(person)
    return person


def match(report: LostPerson, found_record: LostPerson, actor: User) -> LostPerson:
    """A found-first record is the person of a later report: the report is found there (by
    the one who found them) and carries on; the found-first record points to it."""
    require_commander(actor)
    if found_record.event_id != report.event_id or not found_record.found_first:
        raise ApiError(
            "not a found person of this event logged before any report",
            code="invalid",
            field="found_id",
            status=422,
        )
    if not is_open(found_record):
        raise ApiError(
            "that found person is already matched or closed",
            code="conflict",
            field="found_id",
            status=409,
        )
    if report.found_first:
        raise ApiError("match a report, not a found person", code="invalid", status=422)
    lifecycle.check_transition(report.status, LostPersonStatus.FOUND)
    report.status = LostPersonStatus.FOUND
    report.found_at = found_record.found_at
    report.found_lat, report.found_lon = found_record.found_lat, found_record.found_lon
    report.found_place = found_record.found_place
    report.found_by = found_record.found_by
    _touch(report)
    found_record.matched_to_id = report.id
    _touch(found_record)
    publish(report)
    publish(found_record)
    return report


# --- the agency prompt (the watch) --------------------------------------------------------


def due_for_agency(after_s: float) -> list[LostPerson]:
    """Still searched for `after_s` after the report reached the server, never prompted."""
    deadline = utcnow() - timedelta(seconds=after_s)
    return list(
        db.session.scalars(
            select(LostPerson).where(
                LostPerson.status == LostPersonStatus.SEARCHING,
                LostPerson.agency_prompted_at.is_(None),
                LostPerson.agency_called_at.is_(None),
                LostPerson.received_at < deadline,
            )
        )
    )


def prompt_agency(person: LostPerson, after_s: float) -> None:
    """The alarm that tells the desk to call the local agency, once per person."""
    person.agency_prompted_at = _touch(person)
    minutes = after_s / 60
    alerts.raise_alert(
        person.event_id,
        AlertKind.LOST_PERSON,
        f"{person.first_name} not found after {minutes:.0f} min: call the local agency "
        f"(lost person {person.id}, last seen {person.last_seen_place or 'unknown'})",
        lat=person.last_seen_lat,
        lon=person.last_seen_lon,
        place=person.last_seen_place,
    )
    publish(person)


# --- reading ------------------------------------------------------------------------------


def lost_persons_of(event_id: int) -> list[LostPerson]:
    query = select(LostPerson).where(LostPerson.event_id == event_id).order_by(LostPerson.id)
    return list(db.session.scalars(query))


# --- photos -------------------------------------------------------------------------------


def add_photo(person: LostPerson, actor: User, processed, instance_path: str):
    """Store the re-encoded JPEG under instance/, then record it (True: a new photo). The
    same image again is the photo already stored (UNIQUE (lost person, sha256))."""
    require_searcher(actor)
    photo, created = photos.store_once(
        LostPersonPhoto,
        "lost_person_id",
        person.id,
        processed,
        by=actor.id,
        instance_path=instance_path,
        folder=f"lost-persons/{person.event_id}/{person.id}",
    )
    if created:
        _touch(person)
    db.session.flush()
    db.session.refresh(person, ["photos"])
    publish(person)
    return photo, created


def visible_photo(photo_id: int, user: User, token_event_id: int | None) -> LostPersonPhoto:
    photo = get_or_404(LostPersonPhoto, photo_id, "photo")
    visible_lost_person(photo.lost_person_id, user, token_event_id)
    return photo


def photo_path(photo: LostPersonPhoto, instance_path: str) -> Path:
    return photos.stored_path(photo, instance_path)
