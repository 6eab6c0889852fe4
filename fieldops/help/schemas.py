"""The body of an officer's help call."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from fieldops.errors import validate
from fieldops.incidents.schemas import ClientId


class HelpIn(BaseModel):
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False, frozen=True)

    client_id: ClientId
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


def parse_help(body) -> HelpIn:
    return validate(HelpIn, body)
