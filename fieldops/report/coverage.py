"""Who was where when they were due: scheduled vs checked-in hours per officer and post,
late check-ins, early and missing check-outs, uncovered gaps per post, and the billing table
the staffing firm invoices from."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select

from fieldops.auth.models import User
from fieldops.db import utcnow
from fieldops.events.models import Assignment, Event, Post
from fieldops.extensions import db
from fieldops.tracking.models import OfficerMinute, ShiftLog

GRACE = timedelta(minutes=5)
BILLING_STEP_MIN = 15
RULES = (
    f"A check-in more than {GRACE.seconds // 60} min after the scheduled start is late; a "
    f"check-out more than {GRACE.seconds // 60} min before the scheduled end is early. A shift "
    "never checked out is closed at its scheduled end (or the event's end) and flagged, not "
    "counted silently. Billed hours are the hours checked in, per assignment, rounded up to "
    f"the next {BILLING_STEP_MIN} minutes, at the assignment's hourly rate; checked-in time "
    "with no assignment is listed without a rate. Stale minutes: minutes checked in with no "
    "fix received; off-post minutes: minutes checked in whose fixes were all outside the post."
)


@dataclass
class Shift:
    """A check-in to check-out (closed by the rule above when the check-out is missing)."""

    post_id: int
    start: datetime
    end: datetime
    missing_out: bool
    fix_minutes: int = 0  # minutes of it with a fix received
    off_post_minutes: int = 0  # minutes whose fixes were all outside the post

    @property
    def stale_minutes(self) -> int:
        return max(0, int((self.end - self.start).total_seconds() // 60) - self.fix_minutes)


@dataclass
class Duty:
    """One officer's assignment at a post (or checked-in time with none), with its shifts."""

    officer_id: int
    officer: str
    badge: str | None
    post_id: int | None
    post: str
    scheduled_start: datetime | None
    scheduled_end: datetime | None
    rate: float | None
    shifts: list[Shift] = field(default_factory=list)

    @property
    def scheduled_s(self) -> float:
        if self.scheduled_start is None:
            return 0.0
        return (self.scheduled_end - self.scheduled_start).total_seconds()

    @property
    def worked_s(self) -> float:
        return sum((s.end - s.start).total_seconds() for s in self.shifts)

    @property
    def late_min(self) -> float:
        if not self.shifts or self.scheduled_start is None:
            return 0.0
        late = self.shifts[0].start - self.scheduled_start
        return late.total_seconds() / 60 if late > GRACE else 0.0

    @property
    def early_min(self) -> float:
        if not self.shifts or self.scheduled_end is None or self.shifts[-1].missing_out:
            return 0.0
        early = self.scheduled_end - self.shifts[-1].end
        return early.total_seconds() / 60 if early > GRACE else 0.0

    @property
    def missing_out(self) -> bool:
        return any(s.missing_out for s in self.shifts)

    @property
    def stale_min(self) -> int:
        return sum(s.stale_minutes for s in self.shifts)

    @property
    def off_post_min(self) -> int:
        return sum(s.off_post_minutes for s in self.shifts)

    @property
    def no_show(self) -> bool:
        return self.scheduled_start is not None and not self.shifts

    @property
    def billed_h(self) -> float:
        steps = math.ceil(round(self.worked_s / 60, 6) / BILLING_STEP_MIN)
        return steps * BILLING_STEP_MIN / 60

    @property
    def amount(self) -> float | None:
        return round(self.billed_h * self.rate, 2) if self.rate is not None else None


def duties(event: Event, now: datetime | None = None) -> list[Duty]:
    """Every assignment with the shifts checked in under it, then checked-in time under no
    assignment; by officer name, then start."""
    now = now or utcnow()
    names = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(
                User.id.in_(
                    select(Assignment.officer_id)
                    .where(Assignment.event_id == event.id)
                    .union(select(ShiftLog.officer_id).where(ShiftLog.event_id == event.id))
                )
            )
        )
    }
    posts = {p.id: p for p in db.session.scalars(select(Post).where(Post.event_id == event.id))}
    assignments = db.session.scalars(
        select(Assignment).where(Assignment.event_id == event.id).order_by(Assignment.starts_at)
    ).all()
    logs = db.session.scalars(
        select(ShiftLog).where(ShiftLog.event_id == event.id).order_by(ShiftLog.checked_in_at)
    ).all()
    by_assignment = {
        a.id: Duty(
            officer_id=a.officer_id,
            officer=names[a.officer_id].display_name,
            badge=names[a.officer_id].badge,
            post_id=a.post_id,
            post=posts[a.post_id].name if a.post_id in posts else "",
            scheduled_start=a.starts_at,
            scheduled_end=a.ends_at,
            rate=a.hourly_rate,
        )
        for a in assignments
    }
    unscheduled: dict[tuple[int, int], Duty] = {}
    seen = _minutes_per_shift(event, now)
    for log in logs:
        duty = by_assignment.get(log.assignment_id) or _covering(assignments, by_assignment, log)
        if duty is None:
            key = (log.officer_id, log.post_id)
            duty = unscheduled.setdefault(
                key,
                Duty(
                    officer_id=log.officer_id,
                    officer=names[log.officer_id].display_name,
                    badge=names[log.officer_id].badge,
                    post_id=log.post_id,
                    post=posts[log.post_id].name if log.post_id in posts else "",
                    scheduled_start=None,
                    scheduled_end=None,
                    rate=None,
                ),
            )
        closed_at = log.checked_out_at
        if closed_at is None:
            closed_at = min(now, duty.scheduled_end or event.ends_at)
        fix_minutes, off_post_minutes = seen.get(log.id, (0, 0))
        duty.shifts.append(
            Shift(
                log.post_id,
                log.checked_in_at,
                max(closed_at, log.checked_in_at),
                log.checked_out_at is None,
                fix_minutes,
                off_post_minutes,
            )
        )
    everyone = [*by_assignment.values(), *unscheduled.values()]
    return sorted(
        everyone, key=lambda d: (d.officer, d.scheduled_start or d.shifts[0].start, d.post)
    )


def _minutes_per_shift(event: Event, now: datetime) -> dict[int, tuple[int, int]]:
    """{shift log id: (minutes with a fix, minutes only outside the post)}, counted in SQL
    from the ingest's officer minutes (a shift never checked out runs to the event's end)."""
    closed = func.coalesce(ShiftLog.checked_out_at, min(now, event.ends_at))
    rows = db.session.execute(
        select(
            ShiftLog.id,
            func.count(OfficerMinute.minute),
            func.sum(case((OfficerMinute.outside & ~OfficerMinute.inside, 1), else_=0)),
        )
        .join(
            OfficerMinute,
            and_(
                OfficerMinute.event_id == ShiftLog.event_id,
                OfficerMinute.officer_id == ShiftLog.officer_id,
                OfficerMinute.minute >= ShiftLog.checked_in_at,
                OfficerMinute.minute < closed,
            ),
        )
        .where(ShiftLog.event_id == event.id)
        .group_by(ShiftLog.id)
    )
    return {shift_id: (n, int(off or 0)) for shift_id, n, off in rows}


def _covering(assignments, by_assignment, log) -> Duty | None:
    """The officer's assignment at that post whose window the check-in falls in (a check-in
    made before the assignment was recorded carries no assignment id)."""
    for a in assignments:
        if (
            a.officer_id == log.officer_id
            and a.post_id == log.post_id
            and a.starts_at - timedelta(hours=1) <= log.checked_in_at < a.ends_at
        ):
            return by_assignment[a.id]
    return None


def _union(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        elif end > start:
            merged.append((start, end))
    return merged


def _minus(
    have: list[tuple[datetime, datetime]], take: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    left = []
    for start, end in have:
        cursor = start
        for t_start, t_end in take:
            if t_end <= cursor or t_start >= end:
                continue
            if t_start > cursor:
                left.append((cursor, t_start))
            cursor = max(cursor, t_end)
        if cursor < end:
            left.append((cursor, end))
    return left


@dataclass
class PostCoverage:
    post_id: int
    post: str
    scheduled_s: float
    covered_s: float
    gaps: list[tuple[datetime, datetime]]


def posts_covered(event: Event, all_duties: list[Duty]) -> list[PostCoverage]:
    """Per post: the scheduled window (any officer due there), how much of it someone was
    checked in, and the gaps of a minute or more when no one was."""
    out = []
    for post in db.session.scalars(
        select(Post).where(Post.event_id == event.id).order_by(Post.name)
    ):
        due = _union(
            [
                (d.scheduled_start, d.scheduled_end)
                for d in all_duties
                if d.post_id == post.id and d.scheduled_start is not None
            ]
        )
        there = _union(
            [(s.start, s.end) for d in all_duties for s in d.shifts if s.post_id == post.id]
        )
        gaps = [g for g in _minus(due, there) if g[1] - g[0] >= timedelta(minutes=1)]
        scheduled = sum((e - s).total_seconds() for s, e in due)
        uncovered = sum((e - s).total_seconds() for s, e in gaps)
        out.append(PostCoverage(post.id, post.name, scheduled, scheduled - uncovered, gaps))
    return out


def on_shift_over_time(all_duties: list[Duty], start: datetime, end: datetime, step_min=15):
    """[(time, officers checked in)] every `step_min` minutes across the event."""
    points = []
    at = start
    while at <= end:
        count = sum(1 for d in all_duties for s in d.shifts if s.start <= at < s.end)
        points.append((at, count))
        at += timedelta(minutes=step_min)
    return points
