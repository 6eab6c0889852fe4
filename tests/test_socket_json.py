"""The Socket.IO packets' JSON (fieldops.socket_json) says what json.dumps would say: every
screen parses it with JSON.parse, and the stream-truth tests compare what they parsed."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from fieldops.socket_json import TextPacket, dumps

scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text()
scalars |= st.floats(allow_nan=False, allow_infinity=False)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(), inner, max_size=4)
        | st.dictionaries(st.integers(-1000, 1000), inner, max_size=4)
    ),  # json.dumps writes "7"
    max_leaves=20,
)


@given(values)
def test_a_payload_reads_back_as_json_dumps_writes_it(value):
    assert json.loads(dumps(value, separators=(",", ":"))) == json.loads(json.dumps(value))


def test_a_number_no_browser_can_parse_is_sent_as_null():
    assert json.loads(dumps({"lat": float("nan")})) == {"lat": None}


def test_a_packet_is_one_text_frame_and_its_payload_is_not_searched_for_bytes(monkeypatch):
    def walked(_cls, _data):
        raise AssertionError("the payload was walked for binary attachments")

    monkeypatch.setattr(TextPacket, "data_is_binary", classmethod(walked))
    payload = [{"ok": True, "snapshot": {"officers": []}}]
    encoded = TextPacket(3, data=payload, namespace="/live", id=7).encode()
    assert encoded == '3/live,7[{"ok":true,"snapshot":{"officers":[]}}]'


def test_the_server_writes_its_packets_so(app):
    from fieldops import socket_json
    from fieldops.extensions import socketio

    assert socketio.server.packet_class is TextPacket
    assert TextPacket.json is socket_json
