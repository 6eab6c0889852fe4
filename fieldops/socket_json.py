"""The JSON of Socket.IO packets. Read: a payload nested too deep is never handed to the
parser (it would recurse until it failed, and the sender would get no answer); its handler is
called with TOO_DEEP instead, and answers with an error ack (sockets.handler). Written: by
orjson, in packets that are never walked for binary attachments (TextPacket): a join's
snapshot and a 2,000-officer positions push are encoded in a fifth of the time (issue 13)."""

from __future__ import annotations

import json
import re

import orjson
from socketio.packet import Packet

from fieldops.api import MAX_JSON_DEPTH, json_depth

TOO_DEEP = {"__fieldops_too_deep__": True}
_EVENT_NAME = re.compile(rb'\s*\[\s*"([A-Za-z0-9_.:-]{1,64})"')


class TextPacket(Packet):
    """A Socket.IO packet of JSON only. fieldops sends nothing binary over its socket, and
    python-socketio otherwise walks every list and dict of a payload for bytes before sending
    it: for a join's snapshot that cost more than encoding it."""

    uses_binary_events = False


def dumps(obj, **_compact) -> str:
    """Compact JSON, as every caller (python-socketio, python-engineio) asks for. Integer keys
    become strings, as json.dumps makes them; NaN becomes null, which a browser can parse."""
    return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS).decode()


def loads(text, *args, **kwargs):
    raw = text.encode() if isinstance(text, str) else bytes(text)
    if json_depth(raw, MAX_JSON_DEPTH):
        event = _EVENT_NAME.match(raw)
        return [event.group(1).decode(), TOO_DEEP] if event else ["__too_deep__", TOO_DEEP]
    return json.loads(text, *args, **kwargs)
