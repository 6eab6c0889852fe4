"""Unmasking websocket frames at C speed under eventlet.

Every frame a phone sends is masked (RFC 6455 §5.3: each byte XORed with a 4-byte key), and
eventlet unmasks it in Python, one `bytes` object per byte, joined: a tenth of the server's
CPU per fix (bench/live.py --profile, issue 13). The same XOR done on two big integers gives
the same bytes in C."""

from __future__ import annotations


def apply_mask(data, mask, length=None, offset=0) -> bytes:
    """eventlet's RFC6455WebSocket._apply_mask, same arguments and result."""
    if length is None:
        length = len(data)
    if not length:
        return b""
    key = bytes(mask[(offset + i) % 4] for i in range(4))
    repeated = key * (length // 4 + 1)
    masked = int.from_bytes(bytes(data[:length]), "big") ^ int.from_bytes(repeated[:length], "big")
    return masked.to_bytes(length, "big")


def install() -> None:
    from eventlet.websocket import RFC6455WebSocket

    RFC6455WebSocket._apply_mask = staticmethod(apply_mask)
