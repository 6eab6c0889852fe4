"""Fixes arrive one by one; they are written in one batch per store tick, pushed per push tick.

Every store tick (STORE_TICK): one short write transaction stores all buffered fixes and moves
the latest fix of each officer; after the commit, each caller waiting on its batch is answered
(nothing is acknowledged before it is stored). Every push tick (PUSH_TICK, a whole number of
store ticks): each event's command room gets at most one `positions` envelope with what moved
since the last, and officers whose stale or off-post flag changed get an `officer` envelope.
"""

from __future__ import annotations

import functools
import itertools
import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlalchemy.dialects import postgresql, sqlite

from fieldops import realtime
from fieldops.db import execute_many, utcnow, write_transaction
from fieldops.events.models import EventOfficer
from fieldops.extensions import db, socketio
from fieldops.tracking import live, minutes, peers
from fieldops.tracking.models import PositionFix
from fieldops.tracking.schemas import FixIn

log = logging.getLogger(__name__)


@dataclass(slots=True)
class PendingFix:
    event_id: int
    officer_id: int
    fix: FixIn
    source: str
    received_at: datetime

    def row(self) -> dict:
        f = self.fix
        return {
            "event_id": self.event_id,
            "officer_id": self.officer_id,
            "lat": f.lat,
            "lon": f.lon,
            "accuracy": f.accuracy,
            "heading": f.heading,
            "speed": f.speed,
            "altitude": f.altitude,
            "battery": f.battery,
            "recorded_at": f.recorded_at,
            "received_at": self.received_at,
            "source": self.source,
        }

    def live_fix(self) -> dict:
        """The fields the live map keeps for an officer's latest fix."""
        row = self.row()
        return {key: row[key] for key in (*live.FIX_FIELDS, "recorded_at", "received_at")}


LATEST_FIX_COLUMNS = (
    "fix_lat",
    "fix_lon",
    "fix_accuracy",
    "fix_heading",
    "fix_speed",
    "fix_battery",
    "fix_recorded_at",
    "fix_received_at",
)
ACK_WAIT_TICKS = 4  # a caller waits this many ticks (at least MIN_ACK_WAIT) for the commit
MIN_ACK_WAIT = 2.0


class Batch:
    """One caller's fixes, how many of them the tick that took them failed to store, and
    (a socket's) what to call with whether they were stored."""

    __slots__ = ("fixes", "failed", "answer")

    def __init__(self, fixes: list[PendingFix], answer=None):
        self.fixes = fixes
        self.failed = 0
        self.answer = answer


class Tick:
    """What the callers of one store tick handed in, answered once: when the tick has
    committed them, or by its watchdog once they have waited too long (then `answered` stays
    False and each caller says "not stored"). An HTTP caller waits on `done`; a socket's
    batch carries its answer and its caller does not wait. One event and one watchdog per
    tick: an event per caller, and a timeout per wait, were a fifth of the server's CPU per
    fix (the green Condition each event makes, the timer each timed wait schedules)."""

    def __init__(self, max_wait: float):
        self.batches: list[Batch] = []
        self.answered = False
        self.over = False  # answered: it takes no more callers
        # The event of the configured async mode (eventlet, gevent or threading alike).
        self.done = socketio.server.eio.create_event()
        socketio.start_background_task(self._watch, max_wait)

    def _watch(self, max_wait: float) -> None:
        socketio.sleep(max_wait)
        self._finish(answered=False)  # a no-op once the tick has answered

    def settle(self) -> None:
        self._finish(answered=True)

    def _finish(self, *, answered: bool) -> None:
        with _taking:
            if self.over:
                return
            self.over, self.answered = True, answered
        self.done.set()
        for batch in self.batches:
            if batch.answer is not None:
                try:
                    batch.answer(answered and not batch.failed)
                except Exception:
                    log.exception("answering a caller of the store tick failed")


_next_tick: Tick | None = None  # made by the first caller after a tick took the last one
_taking = threading.Lock()  # threading mode: callers and the tick on real threads
_stats = {"stored": 0, "ticks": 0, "failed": 0}
_ticking = False  # this process runs run_forever (a server); else fixes are stored inline
_inline_stored = 0  # stored since the last flush(), which pushes them
_unpushed: dict[int, dict[int, dict]] = defaultdict(dict)  # event -> officer -> latest fix


def submit(fixes: list[PendingFix], *, tick: float) -> bool:
    """Store fixes before the caller answers: True once they are committed (a resend of a
    stored fix counts), False if one could not be stored or the commit took longer than a
    few ticks (the caller then says "not stored, send again").

    A serving process hands them to its next tick and waits (many callers, one transaction);
    a process that runs no tick (the tests' in-process apps, the CLI) stores them at once, and
    its pushes wait for the next flush()."""
    batch = Batch(fixes)
    taken = _hand_in(batch, tick)
    if isinstance(taken, Tick):
        taken.done.wait()
        return taken.answered and not batch.failed
    return taken


def submit_later(fixes: list[PendingFix], *, tick: float, answer) -> None:
    """The same, without waiting: `answer(stored)` is called once, by the tick that stores
    them (or at once, where there is no tick or it is overdue)."""
    batch = Batch(fixes, answer)
    taken = _hand_in(batch, tick)
    if not isinstance(taken, Tick):
        answer(taken)


def _hand_in(batch: Batch, tick: float) -> Tick | bool:
    """The tick that will store the batch and answer it; else whether it is stored: True or
    False here and now where no tick runs, False while the next tick is overdue (its watchdog
    has answered its callers "not stored", and this one is told the same)."""
    global _next_tick
    if not _ticking:
        _store_batches([batch])
        return not batch.failed
    # Hold no pooled connection while waiting (nothing is pending). The socket's hot path
    # has no session at all: making one per fix was a seventh of the server's CPU.
    if db.session.registry.has() and db.session().in_transaction():
        db.session.commit()
    with _taking:
        if _next_tick is None:
            _next_tick = Tick(max(ACK_WAIT_TICKS * tick, MIN_ACK_WAIT))
        if _next_tick.over:
            return False
        _next_tick.batches.append(batch)
        return _next_tick


def reset() -> None:
    """Forget everything buffered or waiting to be pushed (tests, between apps)."""
    global _inline_stored, _next_tick
    _next_tick = None
    _unpushed.clear()
    _inline_stored = 0


def _waiting() -> list[Batch]:
    return list(_next_tick.batches) if _next_tick is not None else []


def pending() -> int:
    return sum(len(batch.fixes) for batch in _waiting())


def stats() -> dict:
    """Counters since start, the buffered fixes, and how long the oldest has waited (s)."""
    waiting = _waiting()
    oldest = waiting[0].fixes[0].received_at if waiting else None
    waited = (utcnow() - oldest).total_seconds() if oldest else 0.0
    return dict(_stats, pending=pending(), oldest_pending_s=round(waited, 3))


def flush(*, stale_after: float, off_post_after: float) -> int:
    """Store and push everything buffered; returns how many fixes were stored since the last
    flush (by this one, by store_waiting() or inline)."""
    global _inline_stored
    store_waiting()
    _publish_positions(_take_unpushed())
    _publish_flag_changes(stale_after, off_post_after)
    _stats["ticks"] += 1
    count, _inline_stored = _inline_stored, 0
    return count


def store_waiting() -> None:
    """Store what the waiting callers handed in, in one transaction, and answer them; their
    markers move now and are pushed by the next flush()."""
    global _next_tick
    with _taking:
        taken, _next_tick = _next_tick, None
    if taken is not None:
        try:
            _store_batches(taken.batches)
        finally:
            taken.settle()


def _store_batches(batches: list[Batch]) -> None:
    global _inline_stored
    items = [item for batch in batches for item in batch.fixes]
    stored: list[PendingFix] = []
    try:
        stored = _store(items) if items else []
        moved = _move_markers(stored)  # before the answers go out
        for event_id, fixes in moved.items():
            _unpushed[event_id].update(fixes)
        peers.stored(moved)
    finally:
        _settle(batches, stored)  # each caller learns what was not stored, whatever happened
    _inline_stored += len(stored)


def _take_unpushed() -> dict[int, dict[int, dict]]:
    moved = defaultdict(dict)
    while _unpushed:
        event_id, fixes = _unpushed.popitem()
        moved[event_id].update(fixes)
    return moved


def _settle(batches: list[Batch], stored: list[PendingFix]) -> None:
    if len(stored) == sum(len(batch.fixes) for batch in batches):
        return  # all of them: nothing failed
    kept = {id(item) for item in stored}
    for batch in batches:
        batch.failed = sum(id(item) not in kept for item in batch.fixes)


def _publish_positions(moved: dict[int, dict[int, dict]]) -> None:
    """One `positions` envelope per event; the fixes are stored, so a failed push is logged
    and the next fix of each officer moves the marker."""
    for event_id, fixes in moved.items():
        try:
            data = {"event_id": event_id, "fixes": list(fixes.values())}
            realtime.publish_to_staff_now(event_id, "positions", data)
        except Exception:
            log.exception("positions push for event %s failed", event_id)


def _store(items: list[PendingFix]) -> list[PendingFix]:
    """One transaction for the batch; if it fails, each fix alone, so one bad fix loses only
    itself."""
    try:
        _write(items)
        return items
    except Exception:
        log.exception("batch of %d fixes failed; storing one by one", len(items))
    stored = []
    for item in items:
        try:
            _write([item])
            stored.append(item)
        except Exception:
            _stats["failed"] += 1
            log.exception("dropped a fix for officer %s", item.officer_id)
    return stored


def _write(items: list[PendingFix]) -> None:
    latest = _latest_per_officer(items)
    with write_transaction() as session:
        dialect = session.get_bind().dialect.name
        execute_many(session, _insert_new_fixes(dialect), [item.row() for item in items])
        execute_many(session, minutes.upsert(dialect), minutes.rows(items))
        updates = []
        for item in latest:
            state = live.officer(item.event_id, item.officer_id)
            if state is not None and live.is_newer(state, item.fix.recorded_at):
                f = item.fix
                updates.append(
                    {
                        "member_id": state.member_id,
                        "fix_lat": f.lat,
                        "fix_lon": f.lon,
                        "fix_accuracy": f.accuracy,
                        "fix_heading": f.heading,
                        "fix_speed": f.speed,
                        "fix_battery": f.battery,
                        "fix_recorded_at": f.recorded_at,
                        "fix_received_at": item.received_at,
                    }
                )
        execute_many(session, _move_latest_fix(), updates)
    _stats["stored"] += len(items)


@functools.cache
def _insert_new_fixes(dialect: str):
    """INSERT that skips a fix already stored (same officer, same recorded_at): a resend."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # The table, not the class: a plain executemany, without the ORM's per-row bookkeeping.
    return insert(PositionFix.__table__).on_conflict_do_nothing()


@functools.cache
def _move_latest_fix():
    """Each officer's latest fix on their roster row (what a restarted process loads)."""
    table = EventOfficer.__table__
    return (
        update(table)
        .where(table.c.id == bindparam("member_id"))
        .values({column: bindparam(column) for column in LATEST_FIX_COLUMNS})
    )


def _latest_per_officer(items: list[PendingFix]) -> list[PendingFix]:
    latest: dict[tuple[int, int], PendingFix] = {}
    for item in items:
        key = (item.event_id, item.officer_id)
        if key not in latest or item.fix.recorded_at > latest[key].fix.recorded_at:
            latest[key] = item
    return list(latest.values())


def _move_markers(stored: list[PendingFix]) -> dict[int, dict[int, dict]]:
    """Apply the newest stored fix of each officer; an older fix never moves a marker back.
    Returns event -> officer -> the fix to push."""
    moved: dict[int, dict[int, dict]] = defaultdict(dict)
    for item in _latest_per_officer(stored):
        state = live.officer(item.event_id, item.officer_id)
        if state is None or not live.is_newer(state, item.fix.recorded_at):
            continue
        fix = item.live_fix()
        live.apply_fix(state, fix)
        moved[item.event_id][item.officer_id] = live.fix_to_dict(item.officer_id, fix)
    return moved


def _publish_flag_changes(stale_after: float, off_post_after: float) -> None:
    """Every process judges its picture; only the leader tells (fieldops.tracking.peers)."""
    now = utcnow()
    tells = peers.leads()
    for event in live.loaded_events():
        for state in list(event.officers.values()):
            changed = live.evaluate_flags(
                state, now, stale_after=stale_after, off_post_after=off_post_after
            )
            if changed and tells:
                publish_officer(state)


def publish_officer(state: live.OfficerLive) -> None:
    data = state.to_dict()
    realtime.publish_to_staff_now(state.event_id, "officer", data)
    realtime.publish_now(realtime.officer_room(state.officer_id), "officer", data)


def run_forever(app) -> None:
    """The background tick; started once per server process. Every STORE_TICK it stores and
    answers what callers handed in; every PUSH_TICK it also pushes. It keeps a fixed period
    (the work does not stretch it); a round that ran late is followed at once, not skipped."""
    global _ticking
    _ticking = True  # from now on callers wait for this task's commits
    store_tick = min(app.config["STORE_TICK"], app.config["PUSH_TICK"])
    rounds_per_push = max(1, round(app.config["PUSH_TICK"] / store_tick))
    deadline = time.monotonic()
    for round_ in itertools.count(1):
        deadline += store_tick
        now = time.monotonic()
        if deadline < now:  # late: run now and keep the period from here
            deadline = now
        socketio.sleep(deadline - now)
        with app.app_context():
            try:
                if round_ % rounds_per_push:
                    store_waiting()
                else:
                    peers.renew_lead()
                    flush(
                        stale_after=app.config["STALE_AFTER"],
                        off_post_after=app.config["OFF_POST_AFTER"],
                    )
            except Exception:
                log.exception("ingest tick failed")
            finally:
                db.session.remove()
