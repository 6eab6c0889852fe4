"""Tracking writes: accepting fixes, checking in and out of a shift, officer status."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from sqlalchemy import select

from fieldops import realtime
from fieldops.auth.models import User
from fieldops.db import after_commit, utcnow
from fieldops.errors import ApiError, choice
from fieldops.events import setup_view
from fieldops.events.models import Event, EventOfficer, OfficerStatus, Post
from fieldops.events.schemas import assignment_to_dict
from fieldops.events.signals import roster_changed
from fieldops.extensions import db
from fieldops.formats import iso
from fieldops.tracking import brake, ingest, live, peers
from fieldops.tracking.models import ShiftLog
from fieldops.tracking.schemas import FixIn, check_plausible, parse_fixes

SOURCES = ("web", "socket", "osmand", "owntracks", "sim")


def not_stored() -> ApiError:
    """A new one each time: one error raised again and again keeps every raising frame alive
    in its growing traceback."""
    return ApiError("the position was not stored; send it again", code="not_stored", status=503)


def record_fixes(event_id: int, officer_id: int, fixes: list[FixIn], source: str) -> int:
    """Check the fixes and return once they are stored (the next tick's commit; it pushes
    them too): nothing is acknowledged before it is stored. 503 `not_stored` otherwise. The
    caller has asked `brake.check()` first, before parsing, so that a fix refused as `busy`
    while the process is behind costs the least it can (fieldops.tracking.brake)."""
    batch = _checked(event_id, officer_id, fixes, source)
    if not ingest.submit(batch, tick=current_app.config["PUSH_TICK"]):
        raise not_stored()
    return len(fixes)


def take_fixes(event_id: int, officer_id: int, read_body: Callable[[], object], source: str) -> int:
    """A request's fixes: refused as `busy` before `read_body()` parses them while the process
    is behind (fieldops.tracking.brake), then checked and stored as record_fixes does."""
    brake.check()
    return record_fixes(event_id, officer_id, parse_fixes(read_body()), source)


def record_fixes_later(
    event_id: int, officer_id: int, fixes: list[FixIn], source: str, then: Callable[[bool], None]
) -> None:
    """The same for a socket, whose next event must not wait for the store: checked now (the
    errors are raised), and `then(stored)` is called once the tick has stored them or not."""
    batch = _checked(event_id, officer_id, fixes, source)
    ingest.submit_later(batch, tick=current_app.config["PUSH_TICK"], answer=then)


def _checked(
    event_id: int, officer_id: int, fixes: list[FixIn], source: str
) -> list[ingest.PendingFix]:
    cfg = current_app.config
    check_plausible(
        fixes,
        clock_skew=cfg["CLOCK_SKEW"],
        max_age=cfg["MAX_FIX_AGE"],
        max_accuracy=cfg["MAX_ACCURACY"],
    )
    if live.officer(event_id, officer_id) is None:
        raise ApiError("you have not joined this event", code="forbidden", status=403)
    received_at = utcnow()
    return [ingest.PendingFix(event_id, officer_id, fix, source, received_at) for fix in fixes]


def _member(event_id: int, officer_id: int) -> EventOfficer:
    member = db.session.scalar(
        select(EventOfficer).where(
            EventOfficer.event_id == event_id, EventOfficer.officer_id == officer_id
        )
    )
    if member is None:
        raise ApiError("you have not joined this event", code="forbidden", status=403)
    return member


def _open_shift(event_id: int, officer_id: int) -> ShiftLog | None:
    return db.session.scalar(
        select(ShiftLog).where(
            ShiftLog.event_id == event_id,
            ShiftLog.officer_id == officer_id,
            ShiftLog.checked_out_at.is_(None),
        )
    )


def announce_officer(event_id: int, officer_id: int) -> None:
    """After commit: refresh the live picture and tell the command post."""

    def announce() -> None:
        ingest.publish_officer(live.reload_officer(event_id, officer_id))
        peers.reloaded(event_id, officer_id)

    after_commit(announce)


@roster_changed.connect
def _on_roster_changed(event: Event, officer_id: int, **_) -> None:
    """An officer joined the event or their roster entry changed (events.services)."""
    announce_officer(event.id, officer_id)


def check_in(
    event: Event,
    officer: User,
    *,
    post_id: int | None = None,
    lat: float | None = None,
    lon: float | None = None,
) -> ShiftLog:
    _member(event.id, officer.id)
    if _open_shift(event.id, officer.id) is not None:
        raise ApiError("already checked in; check out first", code="conflict", status=409)
    assignment = live.current_assignment(event.id, officer.id)
    if post_id is None:
        if assignment is None:
            raise ApiError(
                "you have no post on the roster; choose one",
                code="invalid",
                field="post_id",
                status=422,
            )
        post_id = assignment.post_id
    post = db.session.get(Post, post_id)
    if post is None or post.event_id != event.id:
        raise ApiError("no such post at this event", code="invalid", field="post_id", status=422)
    shift = ShiftLog(
        event_id=event.id,
        officer_id=officer.id,
        post_id=post.id,
        assignment_id=assignment.id if assignment and assignment.post_id == post.id else None,
        checked_in_at=utcnow(),
        check_in_lat=lat,
        check_in_lon=lon,
    )
    db.session.add(shift)
    db.session.flush()
    announce_officer(event.id, officer.id)
    return shift


def check_out(
    event: Event, officer: User, *, lat: float | None = None, lon: float | None = None
) -> ShiftLog:
    shift = _open_shift(event.id, officer.id)
    if shift is None:
        raise ApiError("not checked in", code="conflict", status=409)
    shift.checked_out_at = utcnow()
    shift.check_out_lat, shift.check_out_lon = lat, lon
    # Off shift there is no status to show: the next check-in starts on post.
    _member(event.id, officer.id).status = OfficerStatus.ON_POST
    db.session.flush()
    announce_officer(event.id, officer.id)
    return shift


def set_status(event: Event, officer: User, status: str) -> EventOfficer:
    """The officer's own status: only on shift (off shift, the phone and the map say so)."""
    wanted = choice(OfficerStatus, status, "status")
    if _open_shift(event.id, officer.id) is None:
        raise ApiError(
            "check in first: a status is only kept while on shift",
            code="not_on_shift",
            field="status",
            status=409,
        )
    return set_officer_status(event.id, officer.id, wanted)


def set_officer_status(
    event_id: int, officer_id: int, status: OfficerStatus, *, only_from: OfficerStatus | None = None
) -> EventOfficer:
    """Set (or, with only_from, move on from that status only) and tell the command post."""
    member = _member(event_id, officer_id)
    if only_from is None or member.status == only_from:
        member.status = status
        db.session.flush()
        announce_officer(event_id, officer_id)
    return member


def officer_view(event: Event, officer: User) -> dict:
    """What an officer's phone shows: themselves, their post and orders, their shift, and the
    course and posts for its small maps (useful without a base map)."""
    state = live.officer(event.id, officer.id)
    return {
        **setup_view.for_snapshot(event),
        "officer": state.to_dict() if state else None,
        **own_post(event, officer),
        "stale_after": current_app.config["STALE_AFTER"],
        "server_time": iso(utcnow()),
    }


def own_post(event: Event, officer: User, *, any_assignment: bool = True) -> dict:
    """The officer's post with its orders (as the event's set-up holds it), and their
    assignment (with any_assignment False, known to be none)."""
    state = live.officer(event.id, officer.id)
    assignment = live.current_assignment(event.id, officer.id) if any_assignment else None
    post = None
    if state and state.post:
        posts = setup_view.for_snapshot(event)["posts"]
        post = next((p for p in posts if p["id"] == state.post["id"]), None)
    return {"post": post, "assignment": assignment_to_dict(assignment) if assignment else None}


def snapshot(event: Event, viewer: User | None = None) -> dict:
    """The whole live picture for the command post (an officer sees only themselves)."""
    static = dict(setup_view.for_snapshot(event), stale_after=current_app.config["STALE_AFTER"])
    officers = live.get_event(event.id).officers
    if viewer is not None and viewer.role == "officer":
        states = [officers[viewer.id]] if viewer.id in officers else []
    else:
        states = list(officers.values())
    # From here to the return nothing touches the database, so nothing yields.
    return dict(static, officers=[s.to_dict() for s in states], server_time=iso(utcnow()))


def stream_for(event: Event, viewer: User) -> str:
    if viewer.role == "officer":
        return realtime.officer_room(viewer.id)
    if viewer.role == "area_lead":
        return realtime.lead_room(event.id)
    if viewer.role == "organizer":
        return realtime.organizer_room(event.id)
    return realtime.command_room(event.id)
