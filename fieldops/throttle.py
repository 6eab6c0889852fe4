"""Guessing slowed to uselessness (issue 12): failed sign-ins counted per username and per
client address, wrong codes per client address, with the `limits` library (the engine of
Flask-Limiter) in Redis when the processes share one, else in this process's memory.

A throttled request answers 429 with `Retry-After` and the usual JSON error; a success never
counts, so a command post behind one address signs in as often as it likes."""

from __future__ import annotations

import ipaddress
import math
import time
from contextlib import contextmanager

from flask import Flask, current_app, request
from limits import parse, storage, strategies

from fieldops.errors import ApiError

# (name, limit): how many failures in the window before the door closes for the rest of it.
RULES = {
    "login-user": "5 per 10 minutes",  # a password guessed at one account
    "login-address": "30 per 10 minutes",  # a password sprayed over many accounts
    "code-address": "20 per 10 minutes",  # enrollment and staff codes guessed
    # New alarms and reports from one officer's phone: more than a real emergency needs.
    "help-officer": "5 per 10 minutes",
    "incident-officer": "30 per 10 minutes",
    "flood-told": "1 per 10 minutes",  # command hears of a flood once, not once per refusal
    "audit-told": "1 per 10 minutes",  # the audit trail records a lockout once per key, too
}


class Throttle:
    def __init__(self, uri: str):
        self.limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(uri))
        self.limits = {name: parse(rule) for name, rule in RULES.items()}

    def spent(self, rule: str, key: str) -> bool:
        return not self.limiter.test(self.limits[rule], rule, key)

    def refuse_if_spent(self, rule: str, key: str) -> None:
        if not self.spent(rule, key):
            return
        self.tell_audit_once(rule, key)
        raise self.refusal(rule, key)

    def tell_audit_once(self, rule: str, key: str) -> None:
        """The first refusal of this key in a window goes into the audit trail (in its own
        transaction: call it outside one); the many after it do not."""
        if self.limiter.hit(self.limits["audit-told"], "audit-told", f"{rule}:{key}"):
            from fieldops.audit import services as audit  # (it imports this module)

            audit.throttled(rule, key, RULES[rule])

    def refusal(self, rule: str, key: str) -> ApiError:
        reset, _remaining = self.limiter.get_window_stats(self.limits[rule], rule, key)
        wait = max(1, math.ceil(reset - time.time()))
        return ApiError(
            f"too many attempts: try again in {math.ceil(wait / 60)} min",
            code="throttled",
            status=429,
            headers={"Retry-After": str(wait)},
        )

    def failed(self, rule: str, key: str) -> None:
        self.limiter.hit(self.limits[rule], rule, key)


@contextmanager
def code_guess():
    """Around a join: refused while this address has guessed wrong too often, and a wrong
    code or PIN counted against it."""
    gate, address = throttle(), address_key()
    gate.refuse_if_spent("code-address", address)
    try:
        yield
    except ApiError as exc:
        if exc.field in ("code", "pin"):
            gate.failed("code-address", address)
        raise


def init_app(app: Flask) -> None:
    uri = app.config.get("THROTTLE_STORAGE") or ""
    queue = app.config.get("MESSAGE_QUEUE") or ""
    if not uri:
        uri = queue if queue.startswith(("redis://", "rediss://")) else "memory://"
    app.extensions["fieldops.throttle"] = Throttle(uri)


def throttle() -> Throttle:
    return current_app.extensions["fieldops.throttle"]


def client_address() -> str:
    return request.remote_addr or "unknown"


def address_key() -> str:
    """The client, as the throttles count it: an IPv4 address, or an IPv6 address's /64 (one
    home or phone gets a whole /64, and could otherwise take a fresh address per guess)."""
    address = client_address()
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return address
    if parsed.ipv4_mapped is not None:  # ::ffff:203.0.113.7 is that IPv4 client
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
