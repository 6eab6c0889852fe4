"""The lost-and-found envelopes, after the commit: to the command post's streams (the
organizers' copy without contact details, names of members of the public or identity checks)
and, for a found item, to the phone of every officer who logged, held or handed it (the same
redacted copy: officers see what the search and the hand-offs need)."""

from __future__ import annotations

from fieldops import realtime
from fieldops.extensions import db
from fieldops.lostfound.access import matches_of, officers_of
from fieldops.lostfound.models import FoundItem, LostReport, Match
from fieldops.lostfound.schemas import found_item_to_dict, lost_report_to_dict, match_to_dict


def publish_item(item: FoundItem) -> None:
    db.session.flush()
    db.session.refresh(item, ["custody", "photos"])
    redacted = found_item_to_dict(item, private=False)
    realtime.publish_to_staff_on_commit(
        item.event_id, "found_item", found_item_to_dict(item), redacted
    )
    for officer_id in sorted(officers_of(item)):
        realtime.publish_on_commit(realtime.officer_room(officer_id), "found_item", redacted)


def publish_report(report: LostReport) -> None:
    db.session.flush()
    realtime.publish_to_staff_on_commit(
        report.event_id,
        "lost_report",
        lost_report_to_dict(report),
        lost_report_to_dict(report, private=False),
    )


def publish_match(match: Match) -> None:
    db.session.flush()
    data = match_to_dict(match)
    realtime.publish_to_staff_on_commit(match.event_id, "match", data, data)


def publish_again_item(item: FoundItem) -> None:
    """A retry: the item and its matches as they stand, to the same streams again."""
    publish_item(item)
    for match in matches_of(item=item):
        publish_match(match)


def publish_again_report(report: LostReport) -> None:
    publish_report(report)
    for match in matches_of(report=report):
        publish_match(match)
