"""The body of an officer's help call."""

from __future__ import annotations

from fieldops.incidents.schemas import ClientId
from fieldops.payloads import Position, parse


class HelpIn(Position):
    client_id: ClientId


def parse_help(body) -> HelpIn:
    return parse(HelpIn, body)
