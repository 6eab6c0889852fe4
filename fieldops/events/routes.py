"""Event set-up over HTTP (admin), and the event list every signed-in user sees."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from fieldops import offload, openapi
from fieldops.api import body_as, caller_and_event
from fieldops.auth.models import Role, User
from fieldops.auth.principal import request_user, require
from fieldops.db import get_or_404, write_transaction
from fieldops.errors import ApiError
from fieldops.events import course_display, roster, services
from fieldops.events.access import events_for
from fieldops.events.course_import import CourseImportError
from fieldops.events.models import EventOfficer, Post
from fieldops.events.schemas import (
    UNIT_METRES,
    AssignmentIn,
    EventIn,
    PostChange,
    PostIn,
    assignment_to_dict,
    course_to_dict,
    event_to_dict,
    member_to_dict,
    post_to_dict,
)
from fieldops.extensions import db
from fieldops.joining import services as joining

bp = Blueprint("events", __name__)


@bp.get("/api/v1/events")
@require()
def list_events():
    """Any signed-in user: the events they may see (officers: the ones they joined)."""
    user = request_user()
    rows = []
    for event in events_for(user):
        row = event_to_dict(event)
        if user.role == Role.ADMIN:
            row["enrollment_code"] = event.enrollment_code
            row["staff_code"] = event.staff_code
        rows.append(row)
    return jsonify(events=rows)


@bp.post("/api/v1/events")
@require(Role.ADMIN)
def create_event():
    """Admin creates an event; the answer carries its enrollment code (for officers) and its
    staff code (for a school's area leads)."""
    body = body_as(EventIn)
    with write_transaction():
        event = services.create_event(**body.model_dump())
    codes = {"enrollment_code": event.enrollment_code, "staff_code": event.staff_code}
    return jsonify(event_to_dict(event) | codes), 201


@bp.get("/api/v1/events/<int:event_id>")
@require()
def get_event(event_id: int):
    """Any user who may see the event: the event, its course and posts."""
    _user, event = caller_and_event(event_id)
    return jsonify(
        event_to_dict(event)
        | {
            "course": course_to_dict(event.course, event.distance_unit),
            "posts": [post_to_dict(p) for p in event.posts],
        }
    )


def _course_start(event) -> float:
    """`?start=16.5`: the file begins at mile (or km, per the event) 16.5 of the race."""
    raw = request.args.get("start")
    if raw in (None, ""):
        return 0.0
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not 0 <= value <= 1000:
        raise ApiError(
            f"start must be a distance in {event.distance_unit} from 0 to 1000",
            code="invalid",
            field="start",
            status=422,
        )
    return value * UNIT_METRES[event.distance_unit]


COURSE_FILE = {"type": "string", "description": "the GPX or GeoJSON file, as it is"}


@bp.put("/api/v1/events/<int:event_id>/course")
@require(Role.ADMIN)
@openapi.upload("file", "application/gpx+xml")
@openapi.body(COURSE_FILE, "application/octet-stream")
@openapi.query(
    start="how far into the race the file begins", filename="the file's name, for its kind"
)
def put_course(event_id: int):
    """Admin uploads the course (GPX or GeoJSON, raw body or multipart field `file`);
    `?start=` says how far into the race the file begins.

    Parsing and simplifying for the maps are pure Python and take seconds for a big file: they
    run in a child process, before the write transaction, so neither the hub nor the database
    waits for them."""
    _user, event = caller_and_event(event_id)
    start_m = _course_start(event)
    upload = request.files.get("file")
    data = upload.read() if upload else request.get_data()
    name = (upload.filename or "") if upload else request.args.get("filename", "")
    every = UNIT_METRES[event.distance_unit]
    try:
        parsed, drawn = offload.in_process(
            course_display.import_for_map, data, name, every, start_m
        )
    except CourseImportError as exc:
        raise ApiError(
            f"course not imported: {exc}", code="invalid_course", field="file", status=422
        ) from None
    with write_transaction():
        course = services.store_course(event, parsed, name, start_m)
    course_display.keep(course, every, drawn)
    return jsonify(course_to_dict(course, event.distance_unit))


@bp.post("/api/v1/events/<int:event_id>/posts")
@require(Role.ADMIN)
def create_post(event_id: int):
    """Admin adds a post: a point with a radius, or a polygon."""
    _user, event = caller_and_event(event_id)
    body = body_as(PostIn)
    with write_transaction():
        post = services.add_post(
            event, **body.model_dump(exclude={"polygon"}), polygon=body.polygon_points()
        )
    return jsonify(post_to_dict(post)), 201


@bp.patch("/api/v1/posts/<int:post_id>")
@require(Role.ADMIN)
def patch_post(post_id: int):
    """Admin moves, resizes, renames a post or changes its orders; every screen of the event
    gets the new set-up (`setup`), officers posted there their new area (`officer`)."""
    post = get_or_404(Post, post_id, "post")
    caller_and_event(post.event_id)  # the admin may see that event
    body = body_as(PostChange)
    with write_transaction():
        services.change_post(post, **body.changes())
    return jsonify(post_to_dict(post))


@bp.post("/api/v1/events/<int:event_id>/assignments")
@require(Role.ADMIN)
def create_assignment(event_id: int):
    """Admin puts an officer (by badge; created if new) on a post for a shift window. The
    officer's first roster entry issues their join PIN: this answer is the one place it shows."""
    _user, event = caller_and_event(event_id)
    body = body_as(AssignmentIn)
    post = db.session.get(Post, body.post_id)
    if post is None or post.event_id != event.id:
        raise ApiError(
            "post_id must name a post of this event", code="invalid", field="post_id", status=422
        )
    with write_transaction():
        member = roster.enroll_officer(event, name=body.name, badge=body.badge)
        assignment = roster.assign(
            event,
            officer=db.session.get(User, member.officer_id),
            post=post,
            starts_at=body.starts_at,
            ends_at=body.ends_at,
            hourly_rate=body.hourly_rate,
        )
        join_pin = joining.first_join_pin(event, member.officer_id)
        data = assignment_to_dict(assignment) | {"join_pin": join_pin}
    return jsonify(data), 201


@bp.post("/api/v1/events/<int:event_id>/recur")
@require(Role.ADMIN)
def recur_event(event_id: int):
    """A school day that repeats: the first day's roster on `weekdays` (0 Monday … 6 Sunday)
    until `until` (a date), at the same local times; the event's window grows to match."""
    from fieldops.events.recurrence import recur
    from fieldops.events.schemas import RecurIn

    _user, event = caller_and_event(event_id)
    body = body_as(RecurIn)
    with write_transaction():
        added = recur(event, sorted(set(body.weekdays)), body.until)
        data = event_to_dict(event) | {"assignments_added": added}
    return jsonify(data)


@bp.get("/api/v1/events/<int:event_id>/officers")
@require(Role.ADMIN, Role.COMMAND, Role.ORGANIZER)
def list_members(event_id: int):
    """Staff: who has joined or is rostered."""
    _user, event = caller_and_event(event_id)
    members = db.session.scalars(db.select(EventOfficer).where(EventOfficer.event_id == event.id))
    return jsonify(officers=[member_to_dict(m) for m in members])
