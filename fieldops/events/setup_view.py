"""An event's set-up as every screen draws it (details, course, posts, campus), built once per
version and kept in this process.

Every join's snapshot carries it, so 2,000 phones rejoining a restarted server read and
serialized it 2,000 times (issue 13). `events.setup_revision` numbers its versions: a change to
an event, its course, a post or a campus feature bumps it in the same flush (the session
listener below, so no write path can forget), and `for_snapshot` serves what it kept only for
the revision the event's row holds now. So no process serves a set-up that another process, or
the CLI, has changed since.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from itertools import chain

from flask import current_app
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Session, object_session

from fieldops.campus.models import CampusFeature
from fieldops.events.models import Course, Event, Post
from fieldops.events.schemas import campus_to_list, course_to_dict, event_to_dict, post_to_dict

KEPT_EVENTS = 64  # the events of one day, and more

_lock = threading.Lock()
_CHANGING = "fieldops_setup_changing"  # session.info: events whose set-up this transaction changed


def for_snapshot(event: Event) -> dict:
    """{"event", "course", "posts", "campus"} as of the event's revision. The dict is shared:
    copy it before changing it."""
    revision = event.setup_revision  # read first: set-up read after it is at least this new
    session = object_session(event)
    if session is not None and event.id in session.info.get(_CHANGING, ()):
        return _build(event)  # this transaction changed it, and may yet roll back: keep nothing
    views = _views()
    with _lock:
        kept = views.get(event.id)
        if kept is not None and kept[0] == revision:
            views.move_to_end(event.id)
            return kept[1]
    view = _build(event)
    with _lock:
        views[event.id] = (revision, view)
        views.move_to_end(event.id)
        while len(views) > KEPT_EVENTS:
            views.popitem(last=False)
    return view


def _views() -> OrderedDict[int, tuple[int, dict]]:
    """event id -> (revision, view), kept by the app (each app has its own database)."""
    return current_app.extensions.setdefault("fieldops_setup_views", OrderedDict())


def _build(event: Event) -> dict:
    return {
        "event": event_to_dict(event),
        "course": course_to_dict(event.course, event.distance_unit),
        "posts": [post_to_dict(p) for p in event.posts],
        "campus": campus_to_list(event),
    }


@orm_event.listens_for(Session, "before_flush")
def _bump_changed_setups(session: Session, _context, _instances) -> None:
    events: set[Event] = set()
    for row in chain(session.new, session.dirty, session.deleted):
        if isinstance(row, Event):
            if row not in session.new and session.is_modified(row):
                events.add(row)
        elif isinstance(row, Post | CampusFeature | Course):
            if row in session.dirty and not session.is_modified(row):
                continue
            owner = row.event if row.event is not None else _event_of(session, row.event_id)
            if owner is not None and owner not in session.new:
                events.add(owner)
    for changed in events:
        # In SQL, so that two processes changing one set-up at once both count.
        changed.setup_revision = Event.setup_revision + 1
        session.info.setdefault(_CHANGING, set()).add(changed.id)


@orm_event.listens_for(Session, "after_commit")
@orm_event.listens_for(Session, "after_rollback")
def _changes_ended(session: Session, *_args) -> None:
    session.info.pop(_CHANGING, None)


def _event_of(session: Session, event_id: int | None) -> Event | None:
    return session.get(Event, event_id) if event_id is not None else None
