"""Found items, their append-only chain of custody and photos; lost reports; matches."""

from __future__ import annotations

import enum

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from fieldops.db import UTCDateTime, utcnow
from fieldops.extensions import db
from fieldops.formats import str_enum
from fieldops.incidents.models import StoredPhoto


class Category(enum.StrEnum):
    BAG = "bag"
    PHONE = "phone"
    WALLET_PURSE = "wallet_purse"
    KEYS = "keys"
    ID_DOCUMENTS = "id_documents"
    CARDS_MONEY = "cards_money"
    CLOTHING = "clothing"
    MEDICAL = "medical"  # a medical device or medication
    CHILDS_ITEM = "childs_item"  # a child's item or toy
    EYEWEAR = "eyewear"
    JEWELLERY_WATCH = "jewellery_watch"
    ELECTRONICS = "electronics"
    OTHER = "other"


# Items of these categories carry someone's personal data: flagged by themselves, and handed
# to the local agency rather than disposed of after the retention period.
PERSONAL_DATA = frozenset({Category.ID_DOCUMENTS, Category.CARDS_MONEY, Category.PHONE})


class ItemStatus(enum.StrEnum):
    IN_CUSTODY = "in_custody"
    MATCHED = "matched"  # a command user confirmed it is a lost report's
    AWAITING_PICKUP = "awaiting_pickup"  # ... and the owner was told
    RETURNED = "returned"
    HANDED_TO_AGENCY = "handed_to_agency"
    DISPOSED = "disposed"


class CustodianKind(enum.StrEnum):
    FINDER = "finder"
    OFFICER = "officer"
    POST = "post"
    DESK = "desk"
    OWNER = "owner"
    AGENCY = "agency"
    DISPOSAL = "disposal"


class IdentityMethod(enum.StrEnum):
    DOCUMENT = "document"  # which one: in `identity_document`
    CONTENTS = "contents"  # the owner described what only they know


class LostStatus(enum.StrEnum):
    OPEN = "open"
    MATCHED = "matched"
    RETURNED = "returned"
    CLOSED = "closed"


class MatchStatus(enum.StrEnum):
    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class FoundItem(db.Model):
    __tablename__ = "found_items"
    __table_args__ = (UniqueConstraint("event_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    body_hash: Mapped[str] = mapped_column(String(64))
    category: Mapped[Category] = mapped_column(str_enum(Category))
    description: Mapped[str] = mapped_column(Text, default="")
    colours: Mapped[list] = mapped_column(JSON, default=list)
    brand: Mapped[str] = mapped_column(String(80), default="")
    marks: Mapped[str] = mapped_column(Text, default="")  # distinguishing marks
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    place: Mapped[str] = mapped_column(String(200), default="")  # in words
    found_at = mapped_column(UTCDateTime, nullable=False)
    # Found by an officer (found_by_id), or handed in by a member of the public (their name).
    found_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    finder_name: Mapped[str] = mapped_column(String(120), default="")
    finder_contact: Mapped[str] = mapped_column(String(200), default="")
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    stored_at: Mapped[str] = mapped_column(String(200), default="")  # where it is now, in words
    personal_data: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ItemStatus] = mapped_column(str_enum(ItemStatus))
    retain_until = mapped_column(UTCDateTime, nullable=False)  # event end + retention_days
    received_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    found_by = relationship("User", foreign_keys=[found_by_id], lazy="joined")
    logged_by = relationship("User", foreign_keys=[logged_by_id], lazy="joined")
    custody = relationship("CustodyRecord", order_by="CustodyRecord.id", lazy="selectin")
    photos = relationship("FoundItemPhoto", order_by="FoundItemPhoto.id", lazy="selectin")


class CustodyRecord(db.Model):
    """Append-only: one hand-off of one item. The `to` of the last record holds it now."""

    __tablename__ = "custody_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("found_items.id", ondelete="CASCADE"), index=True
    )
    from_kind: Mapped[CustodianKind] = mapped_column(str_enum(CustodianKind))
    from_name: Mapped[str] = mapped_column(String(120), default="")
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    to_kind: Mapped[CustodianKind] = mapped_column(str_enum(CustodianKind))
    to_name: Mapped[str] = mapped_column(String(120), default="")
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    where: Mapped[str] = mapped_column(String(200), default="")
    received_by: Mapped[str] = mapped_column(String(120), default="")  # the receiving person
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    # A release to the owner: how identity was checked, and by whom.
    identity_method: Mapped[IdentityMethod | None] = mapped_column(str_enum(IdentityMethod))
    identity_detail: Mapped[str] = mapped_column(Text, default="")  # which document / contents
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    recorded_by = relationship("User", foreign_keys=[recorded_by_id], lazy="joined")
    verified_by = relationship("User", foreign_keys=[verified_by_id], lazy="joined")


@event.listens_for(Session, "before_flush")
def _custody_is_append_only(session, _context, _instances) -> None:
    """Nothing in the chain is edited or deleted: a correction is a new record."""
    for row in (*session.dirty, *session.deleted):
        if isinstance(row, CustodyRecord) and (row in session.deleted or session.is_modified(row)):
            raise RuntimeError(f"custody record {row.id} is append-only")


class FoundItemPhoto(StoredPhoto, db.Model):
    __tablename__ = "found_item_photos"
    __table_args__ = (UniqueConstraint("item_id", "sha256"),)

    item_id: Mapped[int] = mapped_column(
        ForeignKey("found_items.id", ondelete="CASCADE"), index=True
    )


class LostReport(db.Model):
    __tablename__ = "lost_reports"
    __table_args__ = (UniqueConstraint("event_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    body_hash: Mapped[str] = mapped_column(String(64))
    category: Mapped[Category] = mapped_column(str_enum(Category))
    description: Mapped[str] = mapped_column(Text, default="")
    colours: Mapped[list] = mapped_column(JSON, default=list)
    brand: Mapped[str] = mapped_column(String(80), default="")
    lat: Mapped[float | None] = mapped_column(Float)  # where last seen
    lon: Mapped[float | None] = mapped_column(Float)
    place: Mapped[str] = mapped_column(String(200), default="")  # in words: given, or from lat/lon
    last_seen_at = mapped_column(UTCDateTime, nullable=False)
    owner_name: Mapped[str] = mapped_column(String(120))
    owner_contact: Mapped[str] = mapped_column(String(200), default="")
    taken_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[LostStatus] = mapped_column(str_enum(LostStatus))
    received_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    taken_by = relationship("User", lazy="joined")


class Match(db.Model):
    """A found item and a lost report that may be the same thing: suggested, then confirmed
    or rejected by a command user."""

    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("found_item_id", "lost_report_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    found_item_id: Mapped[int] = mapped_column(
        ForeignKey("found_items.id", ondelete="CASCADE"), index=True
    )
    lost_report_id: Mapped[int] = mapped_column(
        ForeignKey("lost_reports.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[MatchStatus] = mapped_column(str_enum(MatchStatus))
    suggested_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at = mapped_column(UTCDateTime)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    confirmed_by = relationship("User", lazy="joined")
