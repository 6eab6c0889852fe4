"""Lost and found in the snapshots: for the command post the desk's open records and those
closed within the last hour, and the suggested and confirmed matches; for an officer, the
items they logged, held or handed on, by the same rule."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists

from fieldops.db import utcnow
from fieldops.lostfound import services
from fieldops.lostfound.access import handled_by
from fieldops.lostfound.models import FoundItem
from fieldops.lostfound.schemas import found_item_to_dict, lost_report_to_dict, match_to_dict
from fieldops.snapshots import COMMAND, EVENT, OFFICER, VIEWER, part

# A returned, handed-over or disposed item (a returned or closed report) stays on the desk this
# long after its last change; the page's model forgets it by the same rule.
CLOSED_KEPT_FOR = timedelta(hours=1)


KEPT_CLOSED_ITEMS = {
    "statuses": sorted(services.CLOSED_ITEM),
    "for_s": CLOSED_KEPT_FOR.total_seconds(),
}


def _kept_items(event, viewer) -> list:
    since = utcnow() - CLOSED_KEPT_FOR
    return [
        i
        for i in services.found_items_for(event, viewer)
        if i.status not in services.CLOSED_ITEM or i.updated_at >= since
    ]


@part(COMMAND)
def desk(event, viewer) -> dict:
    since = utcnow() - CLOSED_KEPT_FOR
    private = services.private_for(viewer)
    items = _kept_items(event, viewer)
    reports = [
        r
        for r in services.lost_reports_for(event, viewer)
        if r.status not in services.CLOSED_REPORT or r.updated_at >= since
    ]
    for_s = CLOSED_KEPT_FOR.total_seconds()
    return {
        "found_items": [found_item_to_dict(i, private=private) for i in items],
        "lost_reports": [lost_report_to_dict(r, private=private) for r in reports],
        "matches": [match_to_dict(m) for m in services.matches_for(event)],
        "kept_closed_found_items": KEPT_CLOSED_ITEMS,
        "kept_closed_lost_reports": {"statuses": sorted(services.CLOSED_REPORT), "for_s": for_s},
    }


@part(OFFICER, rows=exists().where(FoundItem.event_id == EVENT, handled_by(VIEWER)))
def in_hand(event, viewer, *, any_rows: bool) -> dict:
    items = _kept_items(event, viewer) if any_rows else []
    return {
        "found_items": [found_item_to_dict(i, private=False) for i in items],
        "kept_closed_found_items": KEPT_CLOSED_ITEMS,
    }
