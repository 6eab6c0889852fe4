"""The live picture of each event, in memory: every officer's status, latest fix and flags.

Loaded from the database on first use and kept current by the ingest tick and the services,
so a snapshot is built without touching the database (and so without yielding).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fieldops.auth.models import Role, User
from fieldops.db import utcnow
from fieldops.events.models import Assignment, EventOfficer, Post
from fieldops.extensions import db
from fieldops.formats import iso
from fieldops.tracking.geometry import within_post
from fieldops.tracking.models import ShiftLog

FIX_FIELDS = ("lat", "lon", "accuracy", "heading", "speed", "battery")


@dataclass
class OfficerLive:
    member_id: int
    officer_id: int
    event_id: int
    name: str
    badge: str | None
    status: str
    shift: dict | None = None  # {"id", "post_id", "checked_in_at"} while checked in
    post: dict | None = None  # the post they should be at (shift's post, else assignment's)
    fix: dict | None = None  # FIX_FIELDS + recorded_at, received_at (datetimes)
    outside_since: datetime | None = None
    stale: bool = False
    off_post: bool = False

    def to_dict(self) -> dict:
        """The one serializer for an officer's live state (snapshot, `officer` envelope)."""
        fix = None
        if self.fix:
            fix = {k: self.fix[k] for k in FIX_FIELDS}
            fix["recorded_at"] = iso(self.fix["recorded_at"])
            fix["received_at"] = iso(self.fix["received_at"])
        return {
            "id": self.officer_id,
            "event_id": self.event_id,
            "name": self.name,
            "badge": self.badge,
            "status": self.status,
            "on_shift": self.shift is not None,
            "shift": dict(self.shift, checked_in_at=iso(self.shift["checked_in_at"]))
            if self.shift
            else None,
            "post": {"id": self.post["id"], "name": self.post["name"]} if self.post else None,
            "stale": self.stale,
            "off_post": self.off_post,
            "fix": fix,
        }


def fix_to_dict(officer_id: int, fix: dict) -> dict:
    """The `positions` envelope's entry for one officer."""
    out = {"officer_id": officer_id, **{k: fix[k] for k in FIX_FIELDS}}
    out["recorded_at"] = iso(fix["recorded_at"])
    out["received_at"] = iso(fix["received_at"])
    return out


@dataclass
class EventLive:
    event_id: int
    officers: dict[int, OfficerLive] = field(default_factory=dict)


_events: dict[int, EventLive] = {}
_loading: dict[int, threading.Lock] = {}  # event -> held by the one loading it
_lock = threading.RLock()


def reset() -> None:
    """Forget everything (tests; a process serving a fresh database)."""
    with _lock:
        _events.clear()


def loaded_events() -> list[EventLive]:
    with _lock:
        return list(_events.values())


def get_event(event_id: int) -> EventLive:
    with _lock:
        if event_id in _events:
            return _events[event_id]
        loading = _loading.setdefault(event_id, threading.Lock())
    # One caller loads, the others wait for it: on PostgreSQL the reads yield, and ten screens
    # joining a 2,000-officer event at once each read it whole (and timed out).
    with loading:
        with _lock:
            if event_id in _events:
                return _events[event_id]
        loaded = EventLive(event_id)
        for state in _load_event_officers(event_id):
            loaded.officers[state.officer_id] = state
        with _lock:
            _loading.pop(event_id, None)
            return _events.setdefault(event_id, loaded)


def is_loaded(event_id: int) -> bool:
    with _lock:
        return event_id in _events


def is_member(caller, event_id: int) -> bool:
    """Whether an officer (a fieldops.auth.device_callers.Caller) is at this event and may
    send to it, from the live picture alone: True only when it knows (the event is loaded,
    the officer on it, the caller's device token made for it). False means "ask the
    database", which says why not (fieldops.events.access.visible_event)."""
    return (
        caller.role == Role.OFFICER
        and caller.event_id in (None, event_id)
        and is_loaded(event_id)
        and officer(event_id, caller.user_id) is not None
    )


def officer(event_id: int, officer_id: int) -> OfficerLive | None:
    return get_event(event_id).officers.get(officer_id)


def reload_officer(event_id: int, officer_id: int) -> OfficerLive:
    """Re-read one officer after a committed change (join, check-in, status), keeping the fix."""
    member = db.session.scalar(
        select(EventOfficer).where(
            EventOfficer.event_id == event_id, EventOfficer.officer_id == officer_id
        )
    )
    fresh = _read_officer(member)
    live = get_event(event_id)
    with _lock:
        old = live.officers.get(officer_id)
        if old is not None and old.fix is not None:
            fresh.fix, fresh.outside_since = old.fix, old.outside_since
            fresh.stale, fresh.off_post = old.stale, old.off_post
        live.officers[officer_id] = fresh
    return fresh


def _load_event_officers(event_id: int) -> list[OfficerLive]:
    """Every officer of the event in four queries, not three per officer: a 2,000-officer
    event loaded 8,000 rows one by one for the first screen that joined it."""
    members = db.session.scalars(
        select(EventOfficer)
        .where(EventOfficer.event_id == event_id)
        .options(joinedload(EventOfficer.officer))
    ).all()
    posts = {p.id: p for p in db.session.scalars(select(Post).where(Post.event_id == event_id))}
    open_shifts: dict[int, ShiftLog] = {}
    for shift in db.session.scalars(
        select(ShiftLog)
        .where(ShiftLog.event_id == event_id, ShiftLog.checked_out_at.is_(None))
        .order_by(ShiftLog.id)
    ):
        open_shifts[shift.officer_id] = shift  # the latest open one wins, as _read_officer's
    rosters: dict[int, list[Assignment]] = defaultdict(list)
    for row in db.session.scalars(
        select(Assignment).where(Assignment.event_id == event_id).order_by(Assignment.starts_at)
    ):
        rosters[row.officer_id].append(row)
    states = []
    for member in members:
        shift = open_shifts.get(member.officer_id)
        at = shift or _running_or_next(rosters.get(member.officer_id, []))
        states.append(_load_officer(member, shift, posts.get(at.post_id) if at else None))
    return states


def _read_officer(member: EventOfficer) -> OfficerLive:
    """One officer, read from the database: their open shift, else their assignment's post."""
    shift = db.session.scalar(
        select(ShiftLog)
        .where(
            ShiftLog.event_id == member.event_id,
            ShiftLog.officer_id == member.officer_id,
            ShiftLog.checked_out_at.is_(None),
        )
        .order_by(ShiftLog.id.desc())
        .limit(1)
    )
    if shift is not None:
        return _load_officer(member, shift, shift.post)
    assignment = current_assignment(member.event_id, member.officer_id)
    return _load_officer(member, None, assignment.post if assignment else None)


def _load_officer(member: EventOfficer, shift: ShiftLog | None, post: Post | None) -> OfficerLive:
    """An officer's live state from their roster row, open shift (if any) and the post they
    should be at (the shift's, else their assignment's)."""
    user: User = member.officer
    state = OfficerLive(
        member_id=member.id,
        officer_id=user.id,
        event_id=member.event_id,
        name=user.display_name,
        badge=user.badge,
        status=member.status.value,
    )
    if member.fix_recorded_at is not None:
        state.fix = {
            "lat": member.fix_lat,
            "lon": member.fix_lon,
            "accuracy": member.fix_accuracy,
            "heading": member.fix_heading,
            "speed": member.fix_speed,
            "battery": member.fix_battery,
            "recorded_at": member.fix_recorded_at,
            "received_at": member.fix_received_at,
        }
    if shift is not None:
        state.shift = {
            "id": shift.id,
            "post_id": shift.post_id,
            "checked_in_at": shift.checked_in_at,
        }
    if post is not None:
        state.post = post_area(post)
    return state


def current_assignment(event_id: int, officer_id: int) -> Assignment | None:
    """The shift running now, else the next one, else the last one."""
    rows = list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.event_id == event_id, Assignment.officer_id == officer_id)
            .order_by(Assignment.starts_at)
        )
    )
    return _running_or_next(rows)


def _running_or_next(rows: list[Assignment]) -> Assignment | None:
    """Of one officer's assignments by start: the one running now, else the next, else the
    last."""
    now = utcnow()
    for row in rows:
        if row.starts_at <= now < row.ends_at:
            return row
    upcoming = [r for r in rows if r.starts_at > now]
    return upcoming[0] if upcoming else (rows[-1] if rows else None)


def post_area(post: Post) -> dict:
    """What the off-post check needs to know about a post."""
    return {
        "id": post.id,
        "name": post.name,
        "lat": post.lat,
        "lon": post.lon,
        "radius_m": post.radius_m,
        "polygon": post.polygon,
    }


def is_newer(state: OfficerLive, recorded_at: datetime) -> bool:
    return state.fix is None or recorded_at > state.fix["recorded_at"]


def apply_fix(state: OfficerLive, fix: dict) -> None:
    """Move the officer's marker to this fix (the caller checked it is newer)."""
    with _lock:
        state.fix = fix
        if state.post is None or state.shift is None:
            state.outside_since = None
        elif within_post(fix["lat"], fix["lon"], fix["accuracy"], state.post):
            state.outside_since = None
        elif state.outside_since is None:
            state.outside_since = fix["received_at"]


def evaluate_flags(
    state: OfficerLive, now: datetime, *, stale_after: float, off_post_after: float
) -> bool:
    """Recompute stale and off-post; True if either changed."""
    if state.fix is None:
        stale = state.shift is not None
    else:
        stale = (now - state.fix["received_at"]).total_seconds() > stale_after
    off_post = (
        not stale
        and state.shift is not None
        and state.status == "on_post"
        and state.outside_since is not None
        and (now - state.outside_since).total_seconds() >= off_post_after
    )
    changed = (stale, off_post) != (state.stale, state.off_post)
    state.stale, state.off_post = stale, off_post
    return changed
