"""Matches between found items and lost reports: suggested by fieldops.lostfound.matching's
ranking, confirmed or rejected by the desk."""

from __future__ import annotations

from sqlalchemy import select

from fieldops.auth.models import User
from fieldops.db import insert_once, utcnow
from fieldops.errors import ApiError
from fieldops.extensions import db
from fieldops.lostfound import matching
from fieldops.lostfound.access import require_desk
from fieldops.lostfound.models import (
    FoundItem,
    ItemStatus,
    LostReport,
    LostStatus,
    Match,
    MatchStatus,
)
from fieldops.lostfound.publishing import publish_item, publish_match, publish_report


def described(record: FoundItem | LostReport) -> matching.Described:
    found = isinstance(record, FoundItem)
    return matching.Described(
        id=record.id,
        side="found" if found else "lost",
        category=record.category.value,
        description=" ".join(filter(None, [record.description, getattr(record, "marks", "")])),
        colours=tuple(record.colours or ()),
        brand=record.brand,
        at=record.found_at if found else record.last_seen_at,
        lat=record.lat,
        lon=record.lon,
    )


def suggest_matches(record: FoundItem | LostReport, limit: int = 3) -> list[Match]:
    """Rank the open records of the other side against this new one; keep the best as
    suggested matches (a pair is suggested once)."""
    if isinstance(record, FoundItem):
        others = db.session.scalars(
            select(LostReport).where(
                LostReport.event_id == record.event_id, LostReport.status == LostStatus.OPEN
            )
        )
    else:
        others = db.session.scalars(
            select(FoundItem).where(
                FoundItem.event_id == record.event_id,
                FoundItem.status == ItemStatus.IN_CUSTODY,
            )
        )
    ranked = matching.rank(described(record), [described(o) for o in others], limit=limit)
    made = []
    now = utcnow()
    for suggestion in ranked:
        match, created = insert_once(
            Match(
                event_id=record.event_id,
                found_item_id=suggestion.found_id,
                lost_report_id=suggestion.lost_id,
                score=suggestion.score,
                reasons=list(suggestion.reasons),
                status=MatchStatus.SUGGESTED,
                suggested_at=now,
                updated_at=now,
            ),
            select(Match).where(
                Match.found_item_id == suggestion.found_id,
                Match.lost_report_id == suggestion.lost_id,
            ),
        )
        if created:
            publish_match(match)
            made.append(match)
    return made


def withdraw_other_suggestions(item_id: int, report_id: int | None, keep: int | None) -> None:
    """Once an item or a report is spoken for, its other suggestions are rejected."""
    query = select(Match).where(Match.status == MatchStatus.SUGGESTED)
    if report_id is None:
        query = query.where(Match.found_item_id == item_id)
    else:
        query = query.where((Match.found_item_id == item_id) | (Match.lost_report_id == report_id))
    now = utcnow()
    for other in db.session.scalars(query):
        if other.id == keep:
            continue
        other.status = MatchStatus.REJECTED
        other.updated_at = now
        publish_match(other)


def confirm_match(match: Match, user: User, *, owner_contacted: bool = False) -> Match:
    """A command user says the found item is the lost report's: the item is matched (awaiting
    pickup once the owner was told), the report matched; other suggestions for either go."""
    require_desk(user)
    if match.status != MatchStatus.SUGGESTED:
        raise ApiError(
            f"this match is already {match.status.value}",
            code="illegal_transition",
            field="status",
            status=409,
        )
    item = db.session.get(FoundItem, match.found_item_id)
    report = db.session.get(LostReport, match.lost_report_id)
    if item.status != ItemStatus.IN_CUSTODY or report.status != LostStatus.OPEN:
        raise ApiError(
            "the item or the report is already spoken for",
            code="conflict",
            field="status",
            status=409,
        )
    now = utcnow()
    match.status = MatchStatus.CONFIRMED
    match.confirmed_by_id = user.id
    match.confirmed_at = now
    match.updated_at = now
    item.status = ItemStatus.AWAITING_PICKUP if owner_contacted else ItemStatus.MATCHED
    item.updated_at = now
    report.status = LostStatus.MATCHED
    report.updated_at = now
    db.session.flush()
    db.session.refresh(match, ["confirmed_by"])
    publish_match(match)
    withdraw_other_suggestions(item.id, report.id, keep=match.id)
    publish_item(item)
    publish_report(report)
    return match


def reject_match(match: Match, user: User) -> Match:
    require_desk(user)
    if match.status != MatchStatus.SUGGESTED:
        raise ApiError(
            f"this match is already {match.status.value}",
            code="illegal_transition",
            field="status",
            status=409,
        )
    match.status = MatchStatus.REJECTED
    match.confirmed_by_id = user.id
    match.confirmed_at = match.updated_at = utcnow()
    db.session.flush()
    db.session.refresh(match, ["confirmed_by"])
    publish_match(match)
    return match
