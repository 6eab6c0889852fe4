"""The envelope contracts (fieldops/envelopes.py) are the documented ones, and they bite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from fieldops import envelopes

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "docs" / "envelopes.schema.json"


def test_the_published_json_schema_is_the_one_the_code_checks():
    """docs/envelopes.schema.json is `fieldops envelopes`; regenerate it when a contract moves."""
    assert json.loads(SCHEMA_FILE.read_text()) == json.loads(json.dumps(envelopes.json_schema()))


def test_every_envelope_type_a_stream_carries_has_a_contract():
    for types in envelopes.STREAM_TYPES.values():
        assert set(types) <= set(envelopes.DATA)


@pytest.mark.parametrize(
    "envelope",
    [
        {"type": "officer", "seq": 1, "data": {"id": 1}},  # fields missing
        {"type": "positions", "seq": 0, "data": {"event_id": 1, "fixes": []}},  # seq from 1
        {"type": "positions", "seq": 2, "data": {"event_id": 1, "fixes": [], "extra": 1}},
        {"type": "gossip", "seq": 3, "data": {}},  # no such type
    ],
)
def test_an_envelope_that_breaks_its_contract_is_refused(envelope):
    with pytest.raises((ValidationError, ValueError)):
        envelopes.check_envelope(envelope, "command")


def test_positions_are_not_sent_on_an_officers_stream():
    envelope = {"type": "positions", "seq": 1, "data": {"event_id": 1, "fixes": []}}
    envelopes.check_envelope(envelope, "command")
    with pytest.raises(ValueError, match="not sent on the officer stream"):
        envelopes.check_envelope(envelope, "officer")


FIX = {
    "event_id": 1,
    "fixes": [
        {
            "officer_id": 1,
            "lat": 40.7,
            "lon": -74.0,
            "accuracy": 5,
            "heading": None,
            "speed": None,
            "battery": None,
            "recorded_at": "2026-12-01T10:00:00Z",
            "received_at": "2026-12-01T10:00:01.5Z",
        }
    ],
}


def test_a_positions_envelope_as_the_server_sends_it_keeps_its_contract():
    envelopes.check_envelope({"type": "positions", "seq": 1, "data": FIX}, "command")


@pytest.mark.parametrize(
    "change",
    [
        {"event_id": "1"},  # a string is not a number
        {"fixes": [FIX["fixes"][0] | {"recorded_at": "yesterday"}]},  # not a UTC time
        {"fixes": [FIX["fixes"][0] | {"recorded_at": "2026-12-01T10:00:00+01:00"}]},  # not UTC
    ],
)
def test_loose_values_break_the_contract(change):
    with pytest.raises(ValueError):
        envelopes.check_envelope({"type": "positions", "seq": 1, "data": FIX | change}, "command")


def test_an_officers_copy_of_a_message_never_lists_the_other_recipients():
    base = {
        "id": 1,
        "event_id": 1,
        "text": "hi",
        "priority": False,
        "sent_at": "2026-12-01T10:00:00Z",
        "to": {"kind": "event", "id": None, "label": "everyone"},
        "sender": {"id": 9, "name": "Desk"},
    }
    own = base | {"acknowledged_at": None}
    envelopes.check_envelope({"type": "message", "seq": 1, "data": own}, "officer")
    leaky = own | {
        "recipients": [{"officer_id": 2, "name": "Kim", "badge": "2", "acknowledged_at": None}]
    }
    with pytest.raises(ValueError):
        envelopes.check_envelope({"type": "message", "seq": 1, "data": leaky}, "officer")


def test_a_join_ack_carries_a_snapshot_or_a_replay_exactly_one():
    ack = {"ok": True, "seq": 3, "stream": "event:1:command", "epoch": "e"}
    for wrong in (ack, ack | {"snapshot": {}, "replay": []}):
        with pytest.raises(ValueError):
            envelopes.JoinAck.model_validate(wrong)


def test_the_phone_listens_for_every_type_its_stream_carries():
    """A type the phone does not listen for would look like a gap in its stream's seq."""
    import re

    page = Path(__file__).resolve().parents[1] / "fieldops/static/js/officer/index.js"
    listed = re.search(r"const STREAM_TYPES = \[(.*?)\];", page.read_text()).group(1)
    assert set(re.findall(r'"(\w+)"', listed)) == set(envelopes.OFFICER_DATA)
