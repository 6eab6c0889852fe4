"""A lost person (a child or a vulnerable adult), the places searched for them, their photos.

Nothing is edited away: each step of the search (found, reunited, the agency called, cancelled)
fills its own columns once, with who and when."""

from __future__ import annotations

import enum

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.db import UTCDateTime, utcnow
from fieldops.extensions import db
from fieldops.formats import str_enum
from fieldops.incidents.models import StoredPhoto


class LostPersonKind(enum.StrEnum):
    CHILD = "child"
    VULNERABLE_ADULT = "vulnerable_adult"


class LostPersonStatus(enum.StrEnum):
    SEARCHING = "searching"
    FOUND = "found"
    REUNITED = "reunited"
    CANCELLED = "cancelled"


class LostPerson(db.Model):
    __tablename__ = "lost_persons"
    # A phone's or the desk's retry of the same report hits this constraint.
    __table_args__ = (UniqueConstraint("event_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    body_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[LostPersonKind] = mapped_column(str_enum(LostPersonKind))
    status: Mapped[LostPersonStatus] = mapped_column(str_enum(LostPersonStatus))
    # Logged the other way round: a found child nobody had reported yet.
    found_first: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # A found-first record matched to the later report: the report carries on from here.
    matched_to_id: Mapped[int | None] = mapped_column(ForeignKey("lost_persons.id"))

    # The description (Code Adam: at once, top to bottom). The full name is command's only.
    first_name: Mapped[str] = mapped_column(String(80))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    age: Mapped[int | None] = mapped_column(Integer)
    sex: Mapped[str] = mapped_column(String(24), default="")
    height: Mapped[str] = mapped_column(String(40), default="")
    build: Mapped[str] = mapped_column(String(40), default="")
    hair: Mapped[str] = mapped_column(String(80), default="")
    eyes: Mapped[str] = mapped_column(String(40), default="")
    clothing_top: Mapped[str] = mapped_column(String(200), default="")
    clothing_bottom: Mapped[str] = mapped_column(String(200), default="")
    shoes: Mapped[str] = mapped_column(String(120), default="")
    carried: Mapped[str] = mapped_column(String(300), default="")

    last_seen_lat: Mapped[float | None] = mapped_column(Float)
    last_seen_lon: Mapped[float | None] = mapped_column(Float)
    last_seen_place: Mapped[str] = mapped_column(String(200), default="")  # in words
    last_seen_at = mapped_column(UTCDateTime)

    # Who waits for news, and where: contact details are command's only.
    guardian_name: Mapped[str] = mapped_column(String(120), default="")
    guardian_contact: Mapped[str] = mapped_column(String(120), default="")
    meeting_point: Mapped[str] = mapped_column(String(200), default="")

    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reported_at = mapped_column(UTCDateTime, nullable=False)  # the device's clock
    received_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    found_at = mapped_column(UTCDateTime)
    found_lat: Mapped[float | None] = mapped_column(Float)
    found_lon: Mapped[float | None] = mapped_column(Float)
    found_place: Mapped[str] = mapped_column(String(200), default="")
    found_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    reunited_at = mapped_column(UTCDateTime)
    reunited_with: Mapped[str] = mapped_column(String(120), default="")
    identity_verified_how: Mapped[str] = mapped_column(String(300), default="")
    reunited_place: Mapped[str] = mapped_column(String(200), default="")
    reunited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    # Not found in time: the desk was prompted to call the local agency, then said it did.
    agency_prompted_at = mapped_column(UTCDateTime)
    agency_called_at = mapped_column(UTCDateTime)
    agency_called_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agency_note: Mapped[str] = mapped_column(String(300), default="")

    cancelled_at = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancel_reason: Mapped[str] = mapped_column(String(300), default="")

    reported_by = relationship("User", foreign_keys=[reported_by_id], lazy="joined")
    found_by = relationship("User", foreign_keys=[found_by_id], lazy="joined")
    reunited_by = relationship("User", foreign_keys=[reunited_by_id], lazy="joined")
    agency_called_by = relationship("User", foreign_keys=[agency_called_by_id], lazy="joined")
    cancelled_by = relationship("User", foreign_keys=[cancelled_by_id], lazy="joined")
    searched = relationship("SearchedArea", order_by="SearchedArea.id", lazy="selectin")
    photos = relationship("LostPersonPhoto", order_by="LostPersonPhoto.id", lazy="selectin")


class SearchedArea(db.Model):
    """A tap on the map: 'searched here', for everyone to see. Appended, never changed."""

    __tablename__ = "lost_person_searched_areas"
    # A retry of the same tap (its client_id) is the area already recorded.
    __table_args__ = (UniqueConstraint("lost_person_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lost_person_id: Mapped[int] = mapped_column(
        ForeignKey("lost_persons.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str | None] = mapped_column(String(64))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    radius_m: Mapped[float] = mapped_column(Float)
    place: Mapped[str] = mapped_column(String(200), default="")
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    by = relationship("User", lazy="joined")


class LostPersonPhoto(StoredPhoto, db.Model):
    """A photo from the guardian's phone, re-encoded as incident photos are."""

    __tablename__ = "lost_person_photos"
    __table_args__ = (UniqueConstraint("lost_person_id", "sha256"),)

    lost_person_id: Mapped[int] = mapped_column(
        ForeignKey("lost_persons.id", ondelete="CASCADE"), index=True
    )
