"""What a screen is told when it joins a stream: one snapshot holding everything it shows.

Each capability registers its part (`@part("command")`, `@part("officer")`, or both) in its own
`snapshot.py`; `build()` puts them together for the joining viewer. The envelopes that follow
in the same stream carry the same serializers, so a screen that applies them to the snapshot
holds what a fresh snapshot would (tests/test_stream_truth.py proves it for every action).

Most phones have nothing of most parts: no help calls, no messages, no incidents of their own.
A part may say when it has rows with `rows=`, an EXISTS over EVENT and VIEWER that is true
whenever it has anything to show (it may be true more often, never less); a join asks every
such question in one statement and tells each part what it found (`any_rows`), so 2,000 phones
rejoining a restarted server do not each run a query per empty part (issue 13). The same
statement reads the event's set-up revision: a join reads the event before the stream's seq,
and reads it again only when its set-up changed since (fieldops.events.setup_view).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Integer, bindparam, select
from sqlalchemy.sql.elements import ColumnElement

from fieldops.auth.models import Role, User
from fieldops.events.models import Event
from fieldops.extensions import db

COMMAND, OFFICER, LEAD = "command", "officer", "lead"
Part = Callable[..., dict]
_parts: dict[str, list[Part]] = {COMMAND: [], OFFICER: [], LEAD: []}
_rows_of: dict[Part, ColumnElement[bool]] = {}
_questions: dict[str, object] = {}  # kind -> the one statement asking each part's `rows`

# What a part's `rows` question is asked about: the event joined and who joins it.
EVENT = bindparam("snapshot_event_id", type_=Integer)
VIEWER = bindparam("snapshot_viewer_id", type_=Integer)
_SETUP_REVISION = select(Event.setup_revision).where(Event.id == EVENT).scalar_subquery()


def part(*kinds: str, rows: ColumnElement[bool] | None = None):
    """Register fn(event, viewer) -> {key: value, ...} in the snapshots of these streams. With
    `rows` (an EXISTS over EVENT and VIEWER), fn(event, viewer, *, any_rows) is told whether
    there are any: with none it reads nothing."""

    def register(fn: Part) -> Part:
        for kind in kinds:
            _parts[kind].append(fn)
            _questions.pop(kind, None)
        if rows is not None:
            _rows_of[fn] = rows
        return fn

    return register


def kind_for(viewer: User) -> str:
    if viewer.role == Role.AREA_LEAD:
        return LEAD
    return OFFICER if viewer.role == Role.OFFICER else COMMAND


def build(event: Event, viewer: User) -> dict:
    """Every part of the viewer's stream, read now (call after the seq is read: see join; the
    event may have been read before it)."""
    kind = kind_for(viewer)
    found = which_have_rows(kind, event, viewer)
    snapshot: dict = {}
    for fn in _parts[kind]:
        if fn in found:
            snapshot.update(fn(event, viewer, any_rows=found[fn]))
        else:
            snapshot.update(fn(event, viewer))
    return snapshot


def questions_of(kind: str) -> list[Part]:
    """The parts of this stream that ask whether they have rows."""
    return [fn for fn in _parts[kind] if fn in _rows_of]


def which_have_rows(kind: str, event: Event, viewer: User) -> dict[Part, bool]:
    """Each part of this stream that asks: whether it has rows, all asked in one statement
    with the event's set-up revision (the event is read again if it changed)."""
    asking = questions_of(kind)
    question = _questions.get(kind)
    if question is None:  # built once: the statement's compiled form is cached by SQLAlchemy
        question = _questions[kind] = select(_SETUP_REVISION, *(_rows_of[fn] for fn in asking))
    params = {EVENT.key: event.id, VIEWER.key: viewer.id}
    db.session.flush()  # then the connection is asked directly: a quarter of a session query
    revision, *answers = db.session.connection().execute(question, params).one()
    if revision != event.setup_revision:
        db.session.expire(event)  # read before the seq, and its set-up changed since
    return dict(zip(asking, map(bool, answers), strict=True))


def load_parts() -> None:
    """Import every capability's part (once, from the app factory)."""
    from fieldops.alerts import snapshot as _alerts  # noqa: F401
    from fieldops.drills import snapshot as _drills  # noqa: F401
    from fieldops.incidents import snapshot as _incidents  # noqa: F401
    from fieldops.joining import snapshot as _joining  # noqa: F401
    from fieldops.leads import snapshot as _leads  # noqa: F401
    from fieldops.lostfound import snapshot as _lostfound  # noqa: F401
    from fieldops.lostpersons import snapshot as _lostpersons  # noqa: F401
    from fieldops.messages import snapshot as _messages  # noqa: F401
    from fieldops.tracking import snapshot as _tracking  # noqa: F401
