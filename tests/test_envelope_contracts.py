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
