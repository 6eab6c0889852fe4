"""One serializer for an audit entry (the API and the CLI), and the list's query string."""

from __future__ import annotations

from pydantic import TypeAdapter, ValidationError

from fieldops.audit.models import AuditAction, AuditEntry
from fieldops.errors import invalid
from fieldops.formats import iso
from fieldops.payloads import Planned

MAX_LIMIT = 500
DEFAULT_LIMIT = 100
_TIME = TypeAdapter(Planned)  # this millennium, in UTC


def audit_entry_to_dict(entry: AuditEntry) -> dict:
    return {
        "id": entry.id,
        "at": iso(entry.at),
        "action": entry.action.value,
        "actor_user_id": entry.actor_user_id,
        "subject": entry.subject,
        "address": entry.address,
        "detail": entry.detail or {},
    }


def _integer(args, name: str, low: int, high: int, default: int | None) -> int | None:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 19) or not low <= int(raw) <= high:
        raise invalid(f"{name} must be a whole number from {low} to {high}", name)
    return int(raw)


def parse_query(args) -> dict:
    """`?action=` (one name or several, comma-separated), `?subject=`, `?since=` (ISO 8601
    with its offset), `?before_id=`, `?limit=` (1 to 500, default 100): the keyword arguments
    of services.entries, or the 422 naming the parameter."""
    actions = []
    for name in filter(None, (args.get("action") or "").split(",")):
        try:
            actions.append(AuditAction(name.strip()))
        except ValueError:
            raise invalid(f"no audit action {name.strip()!r}", "action") from None
    since = None
    if args.get("since"):
        try:
            since = _TIME.validate_python(args["since"])
        except ValidationError:
            raise invalid(
                "since must be an ISO 8601 time with its offset, e.g. 2026-11-01T14:05:00Z",
                "since",
            ) from None
    subject = args.get("subject") or None
    if subject is not None and (len(subject) > 120 or not subject.isprintable()):
        raise invalid("subject is at most 120 printable characters, e.g. user:12", "subject")
    return {
        "actions": actions,
        "subject": subject,
        "since": since,
        "before_id": _integer(args, "before_id", 1, 2**63 - 1, None),
        "limit": _integer(args, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT),
    }
