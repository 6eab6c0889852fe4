"""Who may see and do what in lost and found, and the reads that answer with what a user may
see."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.sql.elements import ColumnElement

from fieldops.auth.models import Role, User
from fieldops.db import utcnow
from fieldops.errors import Forbidden, NotFound
from fieldops.events.models import Event
from fieldops.extensions import db
from fieldops.lostfound.custody import Actor, Holder
from fieldops.lostfound.models import (
    CustodianKind,
    CustodyRecord,
    FoundItem,
    ItemStatus,
    LostReport,
    LostStatus,
    Match,
    MatchStatus,
)
from fieldops.tracking import live

DESK = (Role.ADMIN, Role.COMMAND)
STAFF = (Role.ADMIN, Role.COMMAND, Role.ORGANIZER)
CLOSED_ITEM = frozenset({ItemStatus.RETURNED, ItemStatus.HANDED_TO_AGENCY, ItemStatus.DISPOSED})
CLOSED_REPORT = frozenset({LostStatus.RETURNED, LostStatus.CLOSED})


# --- who may see and do what --------------------------------------------------------------


def is_desk(user: User) -> bool:
    return user.role in DESK


def require_desk(user: User) -> None:
    if not is_desk(user):
        raise Forbidden("only the lost-and-found desk (command, admin) does this")


def private_for(user: User) -> bool:
    """Whether the user sees contact details, names of members of the public and identity
    checks: command and admin. An officer, even one who took the details down, gets the
    redacted copy their phone's stream carries."""
    return is_desk(user)


def current_holder(item: FoundItem) -> Holder:
    last = item.custody[-1]
    return Holder(last.to_kind, last.to_user_id, last.to_post_id, last.to_name)


def officers_of(item: FoundItem) -> set[int]:
    """The officers whose phones follow the item: who logged it, and every officer it passed
    through."""
    ids = {
        user_id
        for record in item.custody
        for kind, user_id in (
            (record.from_kind, record.from_user_id),
            (record.to_kind, record.to_user_id),
        )
        if kind == CustodianKind.OFFICER and user_id is not None
    }
    if item.logged_by is not None and item.logged_by.role == Role.OFFICER:
        ids.add(item.logged_by_id)
    return ids


def can_see_item(item: FoundItem, user: User) -> bool:
    return user.role in STAFF or user.id in officers_of(item)


def visible_item(item_id: int, user: User, token_event_id: int | None = None) -> FoundItem:
    item = db.session.get(FoundItem, item_id)
    if item is None or not can_see_item(item, user):
        raise NotFound(f"found item {item_id} does not exist")
    if token_event_id is not None and item.event_id != token_event_id:
        raise NotFound(f"found item {item_id} does not exist")
    return item


def can_see_report(report: LostReport, user: User) -> bool:
    return user.role in STAFF or report.taken_by_id == user.id


def visible_report(report_id: int, user: User, token_event_id: int | None = None) -> LostReport:
    report = db.session.get(LostReport, report_id)
    if report is None or not can_see_report(report, user):
        raise NotFound(f"lost report {report_id} does not exist")
    if token_event_id is not None and report.event_id != token_event_id:
        raise NotFound(f"lost report {report_id} does not exist")
    return report


def actor_for(event_id: int, user: User) -> Actor:
    if is_desk(user):
        return Actor(user.id, desk=True)
    state = live.officer(event_id, user.id) if user.role == Role.OFFICER else None
    post_id = state.shift["post_id"] if state and state.shift else None
    return Actor(user.id, post_id=post_id)


def found_items_for(
    event: Event, user: User, *, statuses: list[ItemStatus] | None = None
) -> list[FoundItem]:
    query = select(FoundItem).where(FoundItem.event_id == event.id).order_by(FoundItem.id)
    if statuses:
        query = query.where(FoundItem.status.in_(statuses))
    if user.role not in STAFF:
        query = query.where(handled_by(user.id))
    return list(db.session.scalars(query))


def handled_by(officer_id) -> ColumnElement[bool]:
    """In SQL what officers_of() says (officer_id: a value or a bound parameter), so 1,000
    phones joining read only their own items."""
    to_them = (CustodyRecord.to_kind == CustodianKind.OFFICER) & (
        CustodyRecord.to_user_id == officer_id
    )
    from_them = (CustodyRecord.from_kind == CustodianKind.OFFICER) & (
        CustodyRecord.from_user_id == officer_id
    )
    passed_through = select(CustodyRecord.item_id).where(to_them | from_them)
    return (FoundItem.logged_by_id == officer_id) | FoundItem.id.in_(passed_through)


def retention_list(event: Event) -> list[FoundItem]:
    """Unclaimed after the event and its retention period: to the agency (IDs, cards, phones)
    or to disposal."""
    return list(
        db.session.scalars(
            select(FoundItem)
            .where(
                FoundItem.event_id == event.id,
                FoundItem.status.not_in(CLOSED_ITEM),
                FoundItem.retain_until <= utcnow(),
            )
            .order_by(FoundItem.retain_until, FoundItem.id)
        )
    )


def lost_reports_for(
    event: Event, user: User, *, statuses: list[LostStatus] | None = None
) -> list[LostReport]:
    query = select(LostReport).where(LostReport.event_id == event.id).order_by(LostReport.id)
    if statuses:
        query = query.where(LostReport.status.in_(statuses))
    return [r for r in db.session.scalars(query) if can_see_report(r, user)]


def matches_for(event: Event, statuses=(MatchStatus.SUGGESTED, MatchStatus.CONFIRMED)):
    return list(
        db.session.scalars(
            select(Match)
            .where(Match.event_id == event.id, Match.status.in_(statuses))
            .order_by(Match.id)
        )
    )


def matches_of(*, item: FoundItem | None = None, report: LostReport | None = None) -> list[Match]:
    query = select(Match).order_by(Match.score.desc(), Match.id)
    if item is not None:
        query = query.where(Match.found_item_id == item.id)
    if report is not None:
        query = query.where(Match.lost_report_id == report.id)
    return list(db.session.scalars(query))
