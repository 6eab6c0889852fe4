"""The help loop: an officer presses I NEED HELP; command sees it and sends help; the officer's
phone (and the colleagues told of it nearby) hear that command has seen it and who is coming.

A help alarm is an `Alert` (the alarm bar, the sound) tied to an `Incident` of type
officer_help (the queue, dispatch, the timeline). Acknowledging either acknowledges both;
every change to the incident re-sends the alarm, with its responders, to the phones.
"""

from __future__ import annotations

from sqlalchemy import select

from fieldops.alerts import services as alerts
from fieldops.alerts.models import Alert, AlertKind, AlertRecipient
from fieldops.auth.models import Role, User
from fieldops.db import insert_once, utcnow
from fieldops.errors import ApiError, Forbidden
from fieldops.events.models import Event
from fieldops.extensions import db
from fieldops.incidents import services as incidents
from fieldops.incidents.models import Incident, IncidentStatus, IncidentType
from fieldops.incidents.signals import incident_changed
from fieldops.places.services import place_text
from fieldops.tracking import live
from fieldops.tracking.geometry import distance_m

HELP_RADIUS_M = 1000.0  # officers this close to a help alarm are told too


def _where(event: Event, officer: User, lat: float | None, lon: float | None):
    """Where the officer is: the press's position, else their latest fix, else their post."""
    state = live.officer(event.id, officer.id)
    if state is None:
        raise Forbidden("you have not joined this event")
    if lat is not None and lon is not None:
        return lat, lon
    if state.fix:
        return state.fix["lat"], state.fix["lon"]
    if state.post:
        return state.post["lat"], state.post["lon"]
    return None, None


def raise_help(
    event: Event, officer: User, client_id: str, lat: float | None, lon: float | None
) -> tuple[Alert, bool]:
    """One alarm per press (a retry with the same client_id returns the same alarm), tied to
    the officer's open help incident, made on the first press."""
    lat, lon = _where(event, officer, lat, lon)
    label = f"{officer.display_name} #{officer.badge}" if officer.badge else officer.display_name
    alert, created = insert_once(
        alerts.new_alert(
            event.id,
            AlertKind.HELP,
            f"{label} needs help",
            officer_id=officer.id,
            client_id=client_id,
            lat=lat,
            lon=lon,
            place=place_text(event, lat, lon),
        ),
        select(Alert).where(Alert.officer_id == officer.id, Alert.client_id == client_id),
    )
    if not created:
        _publish_call_again(alert)
        return alert, False
    if lat is not None:
        incident, _new = incidents.report_help(event, officer, client_id, lat, lon)
        alert.incident_id = incident.id
    _remember_who_is_told(alert)
    alerts.publish(alert)
    return alert, True


def _publish_call_again(alert: Alert) -> None:
    """A repeat (the phone's retry): the alarm and its incident again, as they stand, so a
    push lost the first time is repaired."""
    if alert.incident is not None:
        incidents.publish_again(alert.incident)  # with every alarm of the call
    else:
        alerts.publish(alert)


def _remember_who_is_told(alert: Alert) -> None:
    """Officers within HELP_RADIUS_M now (from the live positions, no query)."""
    if alert.lat is None or alert.lon is None:
        return
    for state in live.get_event(alert.event_id).officers.values():
        if state.officer_id == alert.officer_id or not state.fix or state.stale:
            continue
        away = distance_m(alert.lat, alert.lon, state.fix["lat"], state.fix["lon"])
        if away <= HELP_RADIUS_M:
            db.session.add(AlertRecipient(alert_id=alert.id, officer_id=state.officer_id))
    db.session.flush()


def cancel_help(alert: Alert, officer: User) -> Alert:
    """The officer who called calls it off (a false alarm): every open alarm of that call is
    marked cancelled by them, and its incident is cancelled; all of it stays on the record."""
    if alert.kind != AlertKind.HELP or alert.officer_id != officer.id:
        raise Forbidden("only the officer who called for help can call it off")
    if alert.cancelled_at is not None:
        _publish_call_again(alert)
        return alert
    incident = alert.incident
    if incident is not None and incident.status in (IncidentStatus.RESOLVED,):
        raise ApiError("this call for help is already resolved", code="conflict", status=409)
    now = utcnow()
    for one in _alarms_of(alert):
        if one.cancelled_at is None:
            one.cancelled_at = now
            one.cancelled_by = officer
    db.session.flush()
    if incident is not None:
        incidents.cancel_false_alarm(incident, officer)  # re-sends the alarms (below)
    else:
        alerts.publish(alert)
    return alert


def _alarms_of(alert: Alert) -> list[Alert]:
    return help_alarms(alert.incident) if alert.incident is not None else [alert]


def help_alarms(incident: Incident) -> list[Alert]:
    return list(
        db.session.scalars(
            select(Alert)
            .where(Alert.incident_id == incident.id, Alert.kind == AlertKind.HELP)
            .order_by(Alert.id)
        )
    )


@incident_changed.connect
def _on_incident_changed(incident: Incident, actor: User | None = None, **_):
    """Command acknowledged, dispatched or closed the help incident: the alarm is acknowledged
    by that person, and every phone following the call hears who is coming."""
    if incident.type != IncidentType.OFFICER_HELP:
        return
    seen = incident.status != IncidentStatus.REPORTED
    for alert in help_alarms(incident):
        if seen and alert.is_open and actor is not None and actor.role in incidents.DISPATCHERS:
            alerts.mark_acknowledged(alert, actor)
        else:
            alerts.publish(alert)


@alerts.alert_acknowledged.connect
def _on_alert_acknowledged(alert: Alert, user: User, **_):
    """The alarm bar's Acknowledge also acknowledges the help incident in the queue."""
    incident = alert.incident
    if alert.kind != AlertKind.HELP or incident is None:
        return
    if incident.status == IncidentStatus.REPORTED and user.role != Role.OFFICER:
        incidents.transition(incident, user, IncidentStatus.ACKNOWLEDGED.value)
