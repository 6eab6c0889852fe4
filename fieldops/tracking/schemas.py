"""What a position fix must look like, wherever it comes from; the one serializer of a shift."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import Field, TypeAdapter, ValidationError, field_validator

from fieldops.db import utcnow
from fieldops.errors import ApiError, from_validation_error
from fieldops.formats import iso
from fieldops.payloads import Integer, Latitude, Longitude, Number, Payload, Position, Text
from fieldops.tracking.models import ShiftLog

MAX_FIXES_PER_REQUEST = 500


class FixIn(Payload):
    """One fix: numbers are JSON numbers (not `true`, not "40.5"), the time an ISO string."""

    lat: Latitude
    lon: Longitude
    accuracy: Number | None = Field(default=None, ge=0)
    heading: Number | None = Field(default=None, ge=0, le=360)
    speed: Number | None = Field(default=None, ge=0, le=200)
    altitude: Number | None = Field(default=None, ge=-500, le=10_000)
    battery: Number | None = Field(default=None, ge=0, le=100)
    recorded_at: datetime

    @field_validator("recorded_at", mode="before")
    @classmethod
    def _a_time_not_a_number(cls, value):
        if not isinstance(value, str | datetime):
            raise ValueError("must be an ISO 8601 time (e.g. 2026-11-01T14:03:07Z)")
        return value

    @field_validator("recorded_at")
    @classmethod
    def _must_have_timezone(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("must include a time zone (e.g. 2026-11-01T14:03:07Z)")
        return value


_fix_list = TypeAdapter(list[FixIn])


def parse_fixes(body) -> list[FixIn]:
    """One fix object or a list of them; ApiError (422) naming the field otherwise."""
    if isinstance(body, dict):
        body, single = [body], True
    elif isinstance(body, list):
        single = False
    else:
        raise ApiError("body must be a fix object or a list of fixes", code="invalid", status=422)
    if not body:
        raise ApiError("no fixes given", code="invalid", status=422)
    if len(body) > MAX_FIXES_PER_REQUEST:
        raise ApiError(
            f"at most {MAX_FIXES_PER_REQUEST} fixes per request", code="too_many", status=413
        )
    try:
        fixes = _fix_list.validate_python(body)
    except ValidationError as exc:
        err = from_validation_error(exc)
        if single and err.field and err.field.startswith("0."):
            err.field = err.field[2:]
            err.message = err.message[2:]
        raise err from None
    return fixes


def check_plausible(
    fixes: list[FixIn], *, clock_skew: float, max_age: float, max_accuracy: float
) -> None:
    """Server-side limits a schema can't know: the clock, and the accuracy we accept."""
    now = utcnow()
    for index, fix in enumerate(fixes):
        where = f"{index}." if len(fixes) > 1 else ""
        if fix.recorded_at > now + timedelta(seconds=clock_skew):
            raise ApiError(
                f"{where}recorded_at is in the future; check the phone's clock",
                code="invalid",
                field=f"{where}recorded_at",
                status=422,
            )
        if fix.recorded_at < now - timedelta(seconds=max_age):
            raise ApiError(
                f"{where}recorded_at is too old",
                code="invalid",
                field=f"{where}recorded_at",
                status=422,
            )
        if fix.accuracy is not None and fix.accuracy > max_accuracy:
            raise ApiError(
                f"{where}accuracy over {max_accuracy:.0f} m is not a usable fix",
                code="invalid",
                field=f"{where}accuracy",
                status=422,
            )


class CheckInIn(Position):
    """`post_id`: a post other than the roster's (or for an officer with none)."""

    post_id: Integer | None = None


class StatusIn(Position):
    status: Text(24)


def shift_to_dict(shift: ShiftLog) -> dict:
    return {
        "id": shift.id,
        "event_id": shift.event_id,
        "officer_id": shift.officer_id,
        "post_id": shift.post_id,
        "checked_in_at": iso(shift.checked_in_at),
        "checked_out_at": iso(shift.checked_out_at),
    }
