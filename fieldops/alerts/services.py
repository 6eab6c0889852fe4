"""Raising and acknowledging alarms; every change goes to every command screen."""

from __future__ import annotations

from datetime import timedelta

from blinker import Namespace
from sqlalchemy import select
from sqlalchemy.sql.elements import ColumnElement

from fieldops import realtime
from fieldops.alerts.models import PRIORITY, Alert, AlertKind, AlertRecipient
from fieldops.alerts.schemas import alert_to_dict
from fieldops.auth.models import Role, User
from fieldops.db import RefusedAfterPushing, before_commit_once, get_or_404, utcnow
from fieldops.errors import ApiError, Forbidden
from fieldops.extensions import db
from fieldops.formats import iso

HELP_KEEPS_OFFICER_FOR = timedelta(minutes=15)  # not suggested for dispatch meanwhile

# Sent inside the write transaction once a command user acknowledged an alarm
# (sender = the Alert, user = who acknowledged): the help package acknowledges its incident.
alert_acknowledged = Namespace().signal("alert-acknowledged")


def publish(alert: Alert) -> None:
    """After commit, as it stands at the commit (once, however many changes this transaction
    made): every command screen; for a help alarm also the officer who called and the
    officers told of it nearby, so their phones follow it too."""
    before_commit_once(("alert", alert.id), lambda: _publish_on_commit(alert))


def _publish_on_commit(alert: Alert) -> None:
    db.session.flush()
    db.session.refresh(alert, ["recipients", "incident", "acknowledged_by", "cancelled_by"])
    data = alert_to_dict(alert)
    realtime.publish_to_staff_on_commit(alert.event_id, "alert", data)
    if alert.kind != AlertKind.HELP:
        return
    officers = {alert.officer_id} | {r.officer_id for r in alert.recipients}
    for officer_id in sorted(i for i in officers if i is not None):
        realtime.publish_on_commit(realtime.officer_room(officer_id), "alert", data)


def new_alert(event_id: int, kind: AlertKind, message: str, **fields) -> Alert:
    return Alert(
        event_id=event_id,
        kind=kind,
        priority=PRIORITY[kind],
        message=message[:300],
        raised_at=utcnow(),
        **fields,
    )


def raise_alert(
    event_id: int,
    kind: AlertKind,
    message: str,
    *,
    officer_id: int | None = None,
    incident_id: int | None = None,
    lat: float | None = None,
    lon: float | None = None,
    place: str = "",
) -> Alert:
    alert = new_alert(
        event_id,
        kind,
        message,
        officer_id=officer_id,
        incident_id=incident_id,
        lat=lat,
        lon=lon,
        place=place,
    )
    db.session.add(alert)
    db.session.flush()
    publish(alert)
    return alert


def get_alert(alert_id: int) -> Alert:
    return get_or_404(Alert, alert_id, "alert")


def acknowledge(alert: Alert, user: User) -> Alert:
    if user.role not in (Role.ADMIN, Role.COMMAND):
        raise Forbidden("only command staff acknowledge alarms")
    if alert.acknowledged_at is not None:
        who = alert.acknowledged_by.display_name if alert.acknowledged_by else "someone"
        publish(alert)  # a desk still showing it open may have missed the first push
        raise RefusedAfterPushing(
            ApiError(
                f"already acknowledged by {who} at {iso(alert.acknowledged_at)}",
                code="already_acknowledged",
                status=409,
            )
        )
    mark_acknowledged(alert, user)
    alert_acknowledged.send(alert, user=user)
    return alert


def mark_acknowledged(alert: Alert, user: User) -> None:
    """Set who acknowledged (no checks: the callers made them) and tell everyone."""
    alert.acknowledged_at = utcnow()
    alert.acknowledged_by = user
    publish(alert)


def alerts_of_incident(incident_id: int) -> list[Alert]:
    """Every alarm raised for one incident (its critical or lost-person alarm, help presses)."""
    return list(
        db.session.scalars(select(Alert).where(Alert.incident_id == incident_id).order_by(Alert.id))
    )


def alerts_for(event_id: int, *, open_only: bool, viewer: User | None = None) -> list[Alert]:
    """Staff: every alarm of the event. An officer: their own help alarms and the colleagues'
    help alarms they were told of."""
    query = select(Alert).where(Alert.event_id == event_id)
    if viewer is not None and viewer.role == Role.OFFICER:
        query = query.where(help_calls_of(viewer.id))
    if open_only:
        query = query.where(Alert.acknowledged_at.is_(None), Alert.cancelled_at.is_(None))
    return list(db.session.scalars(query.order_by(Alert.raised_at.desc(), Alert.id.desc())))


def help_calls_of(officer_id) -> ColumnElement[bool]:
    """An officer's own help alarms and those they were told of (officer_id: a value or a
    bound parameter)."""
    told = select(AlertRecipient.alert_id).where(AlertRecipient.officer_id == officer_id)
    return (Alert.kind == AlertKind.HELP) & ((Alert.officer_id == officer_id) | Alert.id.in_(told))


def officers_needing_help(event_id: int) -> set[int]:
    """Officers whose help alarm is open or was raised within HELP_KEEPS_OFFICER_FOR (a false
    alarm they cancelled does not count)."""
    since = utcnow() - HELP_KEEPS_OFFICER_FOR
    return set(
        db.session.scalars(
            select(Alert.officer_id).where(
                Alert.event_id == event_id,
                Alert.kind == AlertKind.HELP,
                Alert.cancelled_at.is_(None),
                (Alert.acknowledged_at.is_(None)) | (Alert.raised_at >= since),
            )
        )
    )
