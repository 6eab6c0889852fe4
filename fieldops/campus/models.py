"""A campus feature: a named building or area (a polygon), or a named exit or assembly point
(a point). Drills are ordered for areas and reported per area; places are said by them."""

from __future__ import annotations

import enum

from sqlalchemy import JSON, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.db import UTCDateTime, utcnow
from fieldops.extensions import db
from fieldops.formats import str_enum


class FeatureKind(enum.StrEnum):
    BUILDING = "building"  # a classroom wing, the gym, the cafeteria
    AREA = "area"  # a field, a car park, a courtyard
    EXIT = "exit"
    ASSEMBLY = "assembly"  # an assembly point

    @property
    def is_area(self) -> bool:
        return self in (FeatureKind.BUILDING, FeatureKind.AREA)


class CampusFeature(db.Model):
    __tablename__ = "campus_features"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[FeatureKind] = mapped_column(str_enum(FeatureKind))
    name: Mapped[str] = mapped_column(String(80))
    # [[lat, lon], ...] for a building or an area (at least 3 corners), else null
    polygon: Mapped[list | None] = mapped_column(JSON)
    # the point of an exit or assembly point; for a polygon, where its label goes (its centre)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    event = relationship("Event", back_populates="campus")
