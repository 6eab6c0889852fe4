"""Who to send: free officers by distance from their latest fresh fix."""

from __future__ import annotations

from flask import current_app

from fieldops.alerts.services import officers_needing_help
from fieldops.db import utcnow
from fieldops.events.models import OfficerStatus
from fieldops.incidents.models import Incident
from fieldops.incidents.services import busy_officer_ids
from fieldops.tracking import live
from fieldops.tracking.geometry import distance_m

LIMIT = 10


def nearest_free_officers(incident: Incident) -> dict:
    """On shift, not on break, not sent elsewhere, with a fix. Stale ones are listed apart and
    never suggested: their position may be minutes old. Nor is an officer who just called for
    help, nor the officer who reported the incident (they are at the scene already): each is
    listed apart, so the dispatcher sees why."""
    busy = busy_officer_ids(incident.event_id)
    in_trouble = officers_needing_help(incident.event_id)
    stale_after = current_app.config["STALE_AFTER"]
    now = utcnow()
    fresh, stale, needs_help, reporter = [], [], [], []
    for state in live.get_event(incident.event_id).officers.values():
        if state.shift is None or state.status == OfficerStatus.ON_BREAK:
            continue
        if state.officer_id in busy or not state.fix:
            continue
        if state.officer_id in in_trouble:
            needs_help.append({"officer": state.to_dict()})
            continue
        if state.officer_id == incident.reported_by_id:
            reporter.append({"officer": state.to_dict()})
            continue
        entry = {
            "officer": state.to_dict(),
            "distance_m": round(
                distance_m(incident.lat, incident.lon, state.fix["lat"], state.fix["lon"]), 1
            ),
            "fix_age_s": round((now - state.fix["recorded_at"]).total_seconds(), 1),
        }
        is_stale = (now - state.fix["received_at"]).total_seconds() > stale_after
        (stale if is_stale else fresh).append(entry)
    fresh.sort(key=lambda e: e["distance_m"])
    stale.sort(key=lambda e: e["distance_m"])
    return {
        "officers": fresh[:LIMIT],
        "stale": stale[:LIMIT],
        "needs_help": needs_help,
        "reporter": reporter,
    }
