"""`fieldops audit`: the newest entries of the audit trail, on the command line."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from fieldops.audit.models import AuditAction


@click.command("audit")
@click.option(
    "--action",
    "actions",
    multiple=True,
    type=click.Choice([a.value for a in AuditAction]),
    help="Only this action (repeat for several).",
)
@click.option("--subject", help='Only entries about this, e.g. "user:12".')
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True)
@with_appcontext
def audit_command(actions, subject, limit):
    """List the newest entries of the audit trail (sign-ins, revocations, user changes,
    throttling), newest first."""
    from fieldops.audit import services
    from fieldops.audit.schemas import audit_entry_to_dict

    found = services.entries(
        actions=[AuditAction(a) for a in actions], subject=subject, limit=limit
    )
    for entry in map(audit_entry_to_dict, found):
        actor = entry["actor_user_id"] if entry["actor_user_id"] is not None else "-"
        click.echo(
            f"{entry['id']:>6}  {entry['at']}  {entry['action']:<24} actor {actor!s:<5} "
            f"{entry['subject'] or '-':<24} {entry['address'] or '-':<15} "
            f"{json.dumps(entry['detail'], sort_keys=True)}"
        )
