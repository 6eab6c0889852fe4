"""The audit trail over HTTP: admins read it; nobody writes it but the actions themselves."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from fieldops import openapi
from fieldops.audit import services
from fieldops.audit.schemas import audit_entry_to_dict, parse_query
from fieldops.auth.models import Role
from fieldops.auth.principal import require

bp = Blueprint("audit", __name__)


@bp.get("/api/v1/audit")
@require(Role.ADMIN)
@openapi.query(
    action="only these actions, comma-separated (`login.failed,throttle.triggered`)",
    subject="only entries about this (`user:12`, `event:3`, `address:10.0.0.7`)",
    since="only entries at or after this ISO 8601 time (with its offset)",
    before_id=(
        "only entries older than this id (the previous page's `next_before_id`)",
        {"type": "integer", "minimum": 1},
    ),
    limit=("at most this many (default 100)", {"type": "integer", "minimum": 1, "maximum": 500}),
)
def list_audit():
    """Admin: the audit trail, newest first, filtered and paged by the query string.

    `next_before_id` is the next page's `before_id`; null on the last page."""
    query = parse_query(request.args)
    found = services.entries(**query)
    more = len(found) == query["limit"]
    return jsonify(
        entries=[audit_entry_to_dict(e) for e in found],
        next_before_id=found[-1].id if found and more else None,
    )
