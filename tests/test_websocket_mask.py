"""fieldops.websocket_mask unmasks exactly as eventlet does (it replaces eventlet's loop)."""

from __future__ import annotations

import warnings

from hypothesis import given
from hypothesis import strategies as st

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # EventletDeprecationWarning: it is a UserWarning
    from eventlet.websocket import RFC6455WebSocket

from fieldops.websocket_mask import apply_mask

EVENTLETS = RFC6455WebSocket.__dict__["_apply_mask"].__func__


@given(
    data=st.binary(max_size=300),
    mask=st.lists(st.integers(0, 255), min_size=4, max_size=4) | st.binary(min_size=4, max_size=4),
    offset=st.integers(0, 10_000),
    cut=st.integers(0, 300),
)
def test_unmasking_gives_eventlets_bytes(data, mask, offset, cut):
    length = min(cut, len(data))
    assert apply_mask(data, mask, length=length, offset=offset) == EVENTLETS(
        data, mask, length=length, offset=offset
    )
    assert apply_mask(data, mask) == EVENTLETS(data, mask)


def test_a_masked_frame_unmasks_to_its_text():
    mask = b"\x12\x34\x56\x78"
    text = b'42["position",{"lat":40.6}]'
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(text))
    assert apply_mask(masked, mask) == text
