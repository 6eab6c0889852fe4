"""Alarms nobody raises by hand: a dispatch not acknowledged in time, an officer gone stale
while sent to an incident. Checked once a second in the serving process."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from fieldops.alerts import services as alerts
from fieldops.alerts.models import AlertKind
from fieldops.db import utcnow, write_transaction
from fieldops.extensions import db, socketio
from fieldops.incidents import lifecycle, services
from fieldops.incidents.models import AssignmentStatus, Incident, IncidentAssignment
from fieldops.tracking import live, peers

log = logging.getLogger(__name__)
PERIOD_S = 1.0


def _active_assignments() -> list[tuple[IncidentAssignment, Incident]]:
    query = (
        select(IncidentAssignment, Incident)
        .join(Incident, Incident.id == IncidentAssignment.incident_id)
        .where(IncidentAssignment.status.in_(lifecycle.ACTIVE_ASSIGNMENT))
    )
    return [(row[0], row[1]) for row in db.session.execute(query)]


def _overdue(assignment: IncidentAssignment, deadline) -> bool:
    return (
        assignment.status == AssignmentStatus.DISPATCHED
        and assignment.escalated_at is None
        and assignment.dispatched_at < deadline
    )


def _gone_stale(assignment: IncidentAssignment, incident: Incident) -> bool:
    if assignment.stale_alerted_at is not None:
        return False
    state = live.officer(incident.event_id, assignment.officer_id)
    return state is not None and state.stale


def _alarm(assignment: IncidentAssignment, incident: Incident, kind: AlertKind, text: str):
    """An alarm about one officer sent to one incident, placed at the incident."""
    alerts.raise_alert(
        incident.event_id,
        kind,
        text,
        officer_id=assignment.officer_id,
        incident_id=incident.id,
        lat=incident.lat,
        lon=incident.lon,
        place=incident.place,
    )


def check(ack_timeout: float) -> int:
    """Raise what is due; returns how many alarms were raised."""
    now = utcnow()
    deadline = now - timedelta(seconds=ack_timeout)
    due = [(a, i) for a, i in _active_assignments() if _overdue(a, deadline) or _gone_stale(a, i)]
    db.session.rollback()  # end the read before taking the write lock
    if not due:
        return 0
    raised = 0
    with write_transaction():
        for assignment, incident in due:
            assignment = db.session.merge(assignment)
            incident = db.session.merge(incident)
            name = assignment.officer.display_name
            if _overdue(assignment, deadline):
                assignment.escalated_at = now
                services.append_entry(incident, "escalated", None, officer_id=assignment.officer_id)
                _alarm(
                    assignment,
                    incident,
                    AlertKind.DISPATCH_UNACKNOWLEDGED,
                    f"{name} has not acknowledged the dispatch to incident {incident.id} "
                    f"({incident.type.value.replace('_', ' ')}) after {ack_timeout:.0f} s",
                )
                raised += 1
            if _gone_stale(assignment, incident):
                assignment.stale_alerted_at = now
                _alarm(
                    assignment,
                    incident,
                    AlertKind.STALE_ASSIGNED,
                    f"{name} has gone stale while sent to incident {incident.id}",
                )
                raised += 1
            services.publish(incident)
    return raised


def run_forever(app) -> None:
    timeout = app.config["DISPATCH_ACK_TIMEOUT"]
    while True:
        socketio.sleep(PERIOD_S)
        if not peers.leads():  # another process watches (fieldops.tracking.peers)
            continue
        with app.app_context():
            try:
                check(timeout)
            except Exception:
                log.exception("incident watch failed")
            finally:
                db.session.remove()
