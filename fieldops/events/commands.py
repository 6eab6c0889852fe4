"""`fieldops officer enroll`: put officers on an event's roster ahead of the day, and give
pre-provisioned phones or tracking apps their device tokens."""

from __future__ import annotations

import csv
import json
import os
import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from fieldops.db import write_transaction
from fieldops.errors import ApiError


@click.command("enroll")
@click.option("--event", "event_id", type=int, required=True)
@click.argument("source", type=click.File("r"), default="-")
@click.option(
    "--tokens",
    "tokens_out",
    type=click.Path(dir_okay=False, writable=True),
    help="Issue each officer a device token and write them to this JSON file (mode 600).",
)
@with_appcontext
def officer_enroll(event_id, source, tokens_out):
    """Enroll the officers listed in SOURCE (a CSV file, or standard input), one a line:
    name,badge. A badge already at the event is the same officer. All are enrolled, or none."""
    from fieldops.auth.services import issue_device_token
    from fieldops.events import roster
    from fieldops.events.models import Event
    from fieldops.extensions import db

    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"event {event_id} does not exist")
    started = time.monotonic()
    issued = []
    number = 0
    try:
        with write_transaction():
            for number, row in enumerate(csv.reader(source), start=1):
                if not row or row[0].startswith("#"):
                    continue
                if len(row) != 2:
                    raise click.ClickException(f"line {number}: expected name,badge")
                member = roster.enroll_officer(event, name=row[0], badge=row[1])
                entry = {"officer_id": member.officer_id, "name": row[0], "badge": row[1]}
                if tokens_out:
                    entry["token"] = issue_device_token(member.officer, event.id).token
                issued.append(entry)
    except ApiError as exc:
        raise click.ClickException(f"line {number}: {exc.message}") from None
    if tokens_out:
        _write_private(Path(tokens_out), {"event_id": event_id, "officers": issued})
    seconds = time.monotonic() - started
    click.echo(f"enrolled {len(issued)} officer(s) at event {event_id} in {seconds:.2f}s")


def _write_private(path: Path, data: dict) -> None:
    """Readable by the owner only: device tokens are credentials."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle)
