"""Who should get a message, when it was sent, and when it first reached each of them."""

from __future__ import annotations

import collections
import time


class Deliveries:
    """Messages by key (a client_id, an officer id, an incident id), timed on this process's
    monotonic clock, so a send and its arrivals are compared on one clock."""

    def __init__(self):
        self.sent: dict = {}  # key -> send time
        self.expected: dict = {}  # key -> the receivers that must get it
        self.arrived = collections.defaultdict(dict)  # key -> {receiver: first arrival}

    def send(self, key, receivers) -> None:
        self.expected[key] = set(receivers)
        self.sent[key] = time.monotonic()

    def arrive(self, key, receiver) -> None:
        self.arrived[key].setdefault(receiver, time.monotonic())

    def received_by(self, key) -> set:
        return set(self.arrived.get(key, {}))

    def complete(self) -> bool:
        return all(self.expected[k] <= self.arrived[k].keys() for k in self.sent)

    def latencies(self) -> list[float]:
        """Over every (message, expected receiver) pair that arrived."""
        return [
            self.arrived[k][r] - at
            for k, at in self.sent.items()
            for r in self.expected[k]
            if r in self.arrived.get(k, {})
        ]

    def expected_pairs(self) -> int:
        return sum(len(self.expected[k]) for k in self.sent)

    def missing(self, gone=lambda _receiver: False) -> tuple[int, int]:
        """Expected pairs with no arrival: (at receivers still connected, at `gone` ones)."""
        unmet = [r for k in self.sent for r in self.expected[k] - self.arrived.get(k, {}).keys()]
        left = sum(1 for r in unmet if gone(r))
        return len(unmet) - left, left
