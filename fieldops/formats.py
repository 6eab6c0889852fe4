"""How values are written down, the same in every package: timestamps in JSON answers and
envelopes, enums in database columns."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import Enum


def iso(value) -> str | None:
    """An aware UTC datetime as ISO 8601 with a `Z` ("2026-11-01T14:03:07.5Z"), or None."""
    if value is None:
        return None
    if value.tzinfo is not None:  # a time just parsed may still carry the sender's offset
        value = value.astimezone(UTC)
    return value.isoformat().replace("+00:00", "Z")


def str_enum(cls):
    """A column holding a StrEnum's values as plain strings (no native database enum, so a
    new member needs no migration of the type)."""
    return Enum(cls, native_enum=False, length=24, values_callable=lambda e: [m.value for m in e])
