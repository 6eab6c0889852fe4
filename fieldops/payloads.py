"""What a request body or a socket payload must look like, checked once at the edge.

Field types are strict where JSON is ambiguous: a number is a JSON number (not `true`, not
"40.5"), a flag is `true` or `false`, an id is an integer, and text is a string without NUL
characters or lone surrogates (which the database and every JSON encoder downstream would choke
on). Times and enum values stay as their JSON strings. `parse` turns the first failure into the
one error shape: 422, code `invalid`, naming the field.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from fieldops.errors import ApiError, from_validation_error


def _printable(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("lone_surrogate", "must not contain lone surrogates") from None
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "is required")
    return value


def Text(max_length: int = 200, *, blank: bool = False, strip: bool = False):  # noqa: N802
    """A string field: required and not blank unless `blank`; stripped when `strip`."""
    checks = [AfterValidator(_printable)] + ([] if blank else [AfterValidator(_not_blank)])
    return Annotated[
        str,
        Strict(),
        StringConstraints(strip_whitespace=strip, max_length=max_length),
        *checks,
    ]


def _this_century(value: datetime) -> datetime:
    if value.year < 2000:
        raise PydanticCustomError("implausible_time", "is before the year 2000")
    if value.year > 2999:  # and 9999-12-31 with an offset behind UTC has no UTC time at all
        raise PydanticCustomError("implausible_time", "is after the year 2999")
    return value.astimezone(UTC)


def _plausible(value: datetime) -> datetime:
    """A time a person or a phone could have meant: this century, and not days ahead (in UTC)."""
    value = _this_century(value)
    if value > datetime.now(UTC) + timedelta(days=1):
        raise PydanticCustomError("implausible_time", "is more than a day ahead; check the clock")
    return value


# An ISO 8601 time with its offset, within the years the product can have been used.
When = Annotated[AwareDatetime, AfterValidator(_plausible)]
# A time planned ahead (an event's window): this century.
Planned = Annotated[AwareDatetime, AfterValidator(_this_century)]
Number = Annotated[float, Strict()]
Integer = Annotated[int, Strict()]
Flag = Annotated[bool, Strict()]
Latitude = Annotated[float, Strict(), Field(ge=-90, le=90)]
Id = Annotated[int, Strict(), Field(ge=1, le=2**63 - 1)]  # a row's id: a database integer
Longitude = Annotated[float, Strict(), Field(ge=-180, le=180)]


M = TypeVar("M", bound=BaseModel)


def _no_default(schema: dict) -> None:
    schema.pop("default", None)


def unchanged():
    """The default of a field a change may leave out but never set to null: it only marks the
    field as not given (so its schema shows no default)."""
    return Field(default=None, json_schema_extra=_no_default)


class Payload(BaseModel):
    """A body or payload: unknown keys are ignored, NaN and infinities refused."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False, frozen=True)


class Position(Payload):
    """Where the sender stood, when the phone knew (optional on every lifecycle step)."""

    lat: Latitude | None = None
    lon: Longitude | None = None


def parse(model: type[M], data: Any) -> M:
    """`data` (a decoded JSON object) as `model`, or the 422 naming the first bad field."""
    if not isinstance(data, dict):
        raise ApiError("the body must be a JSON object", code="invalid", status=422)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc) from None
