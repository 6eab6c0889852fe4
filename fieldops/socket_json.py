"""The JSON that Socket.IO packets are read with: a payload nested too deep is never handed
to the parser (it would recurse until it failed, and the sender would get no answer); its
handler is called with TOO_DEEP instead, and answers with an error ack (sockets.handler)."""

from __future__ import annotations

import json
import re

from fieldops.api import MAX_JSON_DEPTH, json_depth

TOO_DEEP = {"__fieldops_too_deep__": True}
_EVENT_NAME = re.compile(rb'\s*\[\s*"([A-Za-z0-9_.:-]{1,64})"')


def dumps(*args, **kwargs):
    return json.dumps(*args, **kwargs)


def loads(text, *args, **kwargs):
    raw = text.encode() if isinstance(text, str) else bytes(text)
    if json_depth(raw, MAX_JSON_DEPTH):
        event = _EVENT_NAME.match(raw)
        return [event.group(1).decode(), TOO_DEEP] if event else ["__too_deep__", TOO_DEEP]
    return json.loads(text, *args, **kwargs)
