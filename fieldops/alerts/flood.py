"""A flood of alarms or reports from one phone (issue 12): new help alarms and incidents per
officer are counted; past what a real emergency needs, more are refused (429) and command is
told once, with one alarm, rather than sounding a siren per press. A retry of the same
`client_id` is never counted or refused."""

from __future__ import annotations

from sqlalchemy import select

from fieldops.alerts import services as alerts
from fieldops.alerts.models import Alert, AlertKind
from fieldops.audit import services as audit
from fieldops.audit.models import AuditAction
from fieldops.auth.models import Role, User
from fieldops.db import write_transaction
from fieldops.events.models import Event
from fieldops.extensions import db
from fieldops.incidents.models import Incident
from fieldops.throttle import RULES, throttle

WHAT = {"help": "help alarms", "incident": "incident reports"}


def _repeat(what: str, officer: User, client_id: str) -> bool:
    if what == "help":
        query = select(Alert.id).where(Alert.officer_id == officer.id, Alert.client_id == client_id)
    else:
        query = select(Incident.id).where(
            Incident.reported_by_id == officer.id, Incident.client_id == client_id
        )
    return db.session.scalar(query) is not None


def guard(event: Event, officer: User, what: str, client_id: str) -> None:
    """Before a new help alarm (`what` "help") or incident ("incident"), outside the write."""
    if officer.role != Role.OFFICER or _repeat(what, officer, client_id):
        return
    gate, rule, key = throttle(), f"{what}-officer", str(officer.id)
    if not gate.spent(rule, key):
        gate.failed(rule, key)  # counted: one more new one
        return
    told = f"{what}:{officer.id}"
    if not gate.spent("flood-told", told):
        gate.failed("flood-told", told)
        label = (
            f"{officer.display_name} #{officer.badge}" if officer.badge else officer.display_name
        )
        with write_transaction():
            alerts.raise_alert(
                event.id,
                AlertKind.FLOOD,
                f"{label}'s phone sent too many {WHAT[what]}: more are refused for a while",
                officer_id=officer.id,
            )
            audit.record(  # with the alarm, once per officer and window like it
                AuditAction.THROTTLE_TRIGGERED,
                subject=audit.user_subject(officer.id),
                actor=officer,
                detail={"rule": rule, "limit": RULES[rule], "event_id": event.id},
            )
    raise gate.refusal(rule, key)
