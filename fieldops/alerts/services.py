"""Raising and acknowledging alarms; every change goes to every command screen."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from fieldops import realtime
from fieldops.alerts.models import PRIORITY, Alert, AlertKind
from fieldops.auth.models import Role, User
from fieldops.db import get_or_404, insert_once, utcnow
from fieldops.errors import ApiError, Forbidden
from fieldops.events.schemas import iso
from fieldops.extensions import db
from fieldops.tracking import live
from fieldops.tracking.geometry import distance_m

HELP_RADIUS_M = 1000.0  # officers this close to a help alarm are told too
HELP_KEEPS_OFFICER_FOR = timedelta(minutes=15)  # not suggested for dispatch meanwhile


def alert_to_dict(alert: Alert) -> dict:
    officer = alert.officer
    return {
        "id": alert.id,
        "event_id": alert.event_id,
        "kind": alert.kind.value,
        "priority": alert.priority,
        "incident_id": alert.incident_id,
        "officer": {"id": officer.id, "name": officer.display_name, "badge": officer.badge}
        if officer
        else None,
        "lat": alert.lat,
        "lon": alert.lon,
        "message": alert.message,
        "raised_at": iso(alert.raised_at),
        "acknowledged_at": iso(alert.acknowledged_at),
        "acknowledged_by": {
            "id": alert.acknowledged_by.id,
            "name": alert.acknowledged_by.display_name,
        }
        if alert.acknowledged_by
        else None,
    }


def _publish(alert: Alert) -> None:
    realtime.publish_on_commit(realtime.command_room(alert.event_id), "alert", alert_to_dict(alert))


def _alert(event_id: int, kind: AlertKind, message: str, **fields) -> Alert:
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
) -> Alert:
    alert = _alert(
        event_id, kind, message, officer_id=officer_id, incident_id=incident_id, lat=lat, lon=lon
    )
    db.session.add(alert)
    db.session.flush()
    _publish(alert)
    return alert


def raise_help(
    event_id: int, officer: User, client_id: str, lat: float | None, lon: float | None
) -> tuple[Alert, bool]:
    """The officer's help button: one alarm per press (a retry returns the same alarm)."""
    state = live.officer(event_id, officer.id)
    if state is None:
        raise Forbidden("you have not joined this event")
    if (lat is None or lon is None) and state.fix:
        lat, lon = state.fix["lat"], state.fix["lon"]
    label = f"{officer.display_name} #{officer.badge}" if officer.badge else officer.display_name
    alert, created = insert_once(
        _alert(
            event_id,
            AlertKind.HELP,
            f"{label} needs help",
            officer_id=officer.id,
            client_id=client_id,
            lat=lat,
            lon=lon,
        ),
        select(Alert).where(Alert.officer_id == officer.id, Alert.client_id == client_id),
    )
    if not created:
        return alert, False
    _publish(alert)
    _tell_nearby_officers(alert)
    return alert, True


def _tell_nearby_officers(alert: Alert) -> None:
    if alert.lat is None or alert.lon is None:
        return
    data = alert_to_dict(alert)
    for state in live.get_event(alert.event_id).officers.values():
        if state.officer_id == alert.officer_id or not state.fix or state.stale:
            continue
        if distance_m(alert.lat, alert.lon, state.fix["lat"], state.fix["lon"]) <= HELP_RADIUS_M:
            realtime.publish_on_commit(realtime.officer_room(state.officer_id), "alert", data)


def get_alert(alert_id: int) -> Alert:
    return get_or_404(Alert, alert_id, "alert")


def acknowledge(alert: Alert, user: User) -> Alert:
    if user.role not in (Role.ADMIN, Role.COMMAND):
        raise Forbidden("only command staff acknowledge alarms")
    if alert.acknowledged_at is not None:
        who = alert.acknowledged_by.display_name if alert.acknowledged_by else "someone"
        raise ApiError(
            f"already acknowledged by {who} at {iso(alert.acknowledged_at)}",
            code="already_acknowledged",
            status=409,
        )
    alert.acknowledged_at = utcnow()
    alert.acknowledged_by_id = user.id
    db.session.flush()
    db.session.refresh(alert, ["acknowledged_by"])
    _publish(alert)
    return alert


def alerts_for(event_id: int, *, open_only: bool) -> list[Alert]:
    query = select(Alert).where(Alert.event_id == event_id)
    if open_only:
        query = query.where(Alert.acknowledged_at.is_(None))
    return list(db.session.scalars(query.order_by(Alert.raised_at.desc(), Alert.id.desc())))


def officers_needing_help(event_id: int) -> set[int]:
    """Officers whose help alarm is open or was raised within HELP_KEEPS_OFFICER_FOR."""
    since = utcnow() - HELP_KEEPS_OFFICER_FOR
    return set(
        db.session.scalars(
            select(Alert.officer_id).where(
                Alert.event_id == event_id,
                Alert.kind == AlertKind.HELP,
                (Alert.acknowledged_at.is_(None)) | (Alert.raised_at >= since),
            )
        )
    )
