"""Position history and the billed shift log."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.db import UTCDateTime
from fieldops.extensions import db


class PositionFix(db.Model):
    __tablename__ = "position_fixes"
    # A phone resends what it is not sure arrived: the same fix is stored once, by construction.
    __table_args__ = (
        Index(
            "ix_position_fixes_event_officer_time",
            "event_id",
            "officer_id",
            "recorded_at",
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    accuracy: Mapped[float | None] = mapped_column(Float)
    heading: Mapped[float | None] = mapped_column(Float)
    speed: Mapped[float | None] = mapped_column(Float)
    altitude: Mapped[float | None] = mapped_column(Float)
    battery: Mapped[float | None] = mapped_column(Float)
    recorded_at = mapped_column(UTCDateTime, nullable=False)  # the device's clock
    received_at = mapped_column(UTCDateTime, nullable=False)  # the server's clock
    source: Mapped[str] = mapped_column(String(16))  # web | socket | osmand | owntracks | sim


class ShiftLog(db.Model):
    """Check-in and check-out at a post: the hours the firm bills."""

    __tablename__ = "shift_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="SET NULL")
    )
    checked_in_at = mapped_column(UTCDateTime, nullable=False)
    checked_out_at = mapped_column(UTCDateTime)
    check_in_lat: Mapped[float | None] = mapped_column(Float)
    check_in_lon: Mapped[float | None] = mapped_column(Float)
    check_out_lat: Mapped[float | None] = mapped_column(Float)
    check_out_lon: Mapped[float | None] = mapped_column(Float)

    post = relationship("Post")


class OfficerMinute(db.Model):
    """One minute of one officer's fixes, kept by the ingest as it stores them: whether any
    fix of that minute was inside their post and whether any was outside. The report counts
    minutes on shift with no fix (stale) and minutes only outside the post (off post) from
    these, never from the millions of fixes."""

    __tablename__ = "officer_minutes"
    # Clustered on its key in SQLite: the report counts a shift's minutes with one range scan
    # that needs no lookup of the rows (1 s less at 1,000 officers × 10 hours).
    __table_args__ = {"sqlite_with_rowid": False}

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    officer_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    minute = mapped_column(UTCDateTime, primary_key=True)  # the fix's recorded_at, floored
    inside: Mapped[bool] = mapped_column(Boolean, default=False)
    outside: Mapped[bool] = mapped_column(Boolean, default=False)
