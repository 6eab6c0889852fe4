"""An alarm on every command screen until a named command user acknowledges it."""

from __future__ import annotations

import enum

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.db import UTCDateTime, utcnow
from fieldops.extensions import db
from fieldops.formats import str_enum


class AlertKind(enum.StrEnum):
    HELP = "help"
    CRITICAL_INCIDENT = "critical_incident"
    LOST_PERSON = "lost_person"
    DISPATCH_UNACKNOWLEDGED = "dispatch_unacknowledged"
    STALE_ASSIGNED = "stale_assigned"
    FLOOD = "flood"  # one phone sent too many alarms or reports (alerts.flood)


PRIORITY = {kind: rank for rank, kind in enumerate(AlertKind, start=1)}


class Alert(db.Model):
    __tablename__ = "alerts"
    # A phone retrying its help call hits this constraint instead of raising a second alarm.
    __table_args__ = (UniqueConstraint("officer_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AlertKind] = mapped_column(str_enum(AlertKind))
    priority: Mapped[int] = mapped_column(Integer)
    client_id: Mapped[str | None] = mapped_column(String(64))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    place: Mapped[str] = mapped_column(String(200), default="", server_default="")  # in words
    message: Mapped[str] = mapped_column(String(300))
    raised_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    acknowledged_at = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A help alarm the officer called off (a false alarm): it stays on the record.
    cancelled_at = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    officer = relationship("User", foreign_keys=[officer_id], lazy="joined")
    acknowledged_by = relationship("User", foreign_keys=[acknowledged_by_id], lazy="joined")
    cancelled_by = relationship("User", foreign_keys=[cancelled_by_id], lazy="joined")
    incident = relationship("Incident", lazy="joined")
    recipients = relationship(
        "AlertRecipient", lazy="selectin", order_by="AlertRecipient.officer_id"
    )

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None and self.cancelled_at is None


class AlertRecipient(db.Model):
    """An officer told of a colleague's help alarm nearby: they hear how it goes on too."""

    __tablename__ = "alert_recipients"

    alert_id: Mapped[int] = mapped_column(
        ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True
    )
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
