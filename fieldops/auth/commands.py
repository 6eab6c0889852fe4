"""`fieldops user set-password|import|disable|enable|set-role|list` and `fieldops officer
revoke-devices|join-pin`.

A command ends credentials in the database; the serving processes' sweep (auth.ending) drops
the live sockets that used them within a few seconds.
"""

from __future__ import annotations

import csv
import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from fieldops.db import write_transaction
from fieldops.errors import ApiError


def _staff_by_username(username: str):
    from fieldops.auth.models import STAFF_ROLES, User
    from fieldops.extensions import db

    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or user.role not in STAFF_ROLES:
        raise click.ClickException(f"no staff user {username!r}")
    return user


def read_password(given: str | None, from_stdin: bool) -> str:
    """The password given, else one line of standard input (`from_stdin`), else asked for."""
    if given is not None and from_stdin:
        raise click.UsageError("give --password or --password-stdin, not both")
    if given is not None:
        return given
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("password", hide_input=True, confirmation_prompt=True)


@click.command("set-password")
@click.option("--username", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def user_set_password(username, password_stdin):
    """Give a staff login a new password; its sessions end (it signs in again with the new one)."""
    from fieldops.auth.services import set_password

    password = read_password(None, password_stdin)
    try:
        with write_transaction():
            set_password(_staff_by_username(username), password)
    except ApiError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"new password set for {username}: signed out everywhere")


@click.command("import")
@click.argument("source", type=click.File("r"), default="-")
@with_appcontext
def user_import(source):
    """Create the staff logins listed in SOURCE (a CSV file, or standard input), one a line:
    username,role,password[,display name]. All are created, or none (the first error says
    which line)."""
    from fieldops.auth.services import create_user

    created = []
    try:
        with write_transaction():
            for number, row in enumerate(csv.reader(source), start=1):
                if not row or row[0].startswith("#"):
                    continue
                if len(row) not in (3, 4):
                    raise click.ClickException(
                        f"line {number}: expected username,role,password[,display name]"
                    )
                username, role, password, name = (*row, "")[:4]
                if role not in ("admin", "command", "organizer"):
                    raise click.ClickException(
                        f"line {number}: role must be admin, command or organizer"
                    )
                user = create_user(
                    username=username, password=password, role=role, display_name=name
                )
                created.append((user.role.value, user.username, user.id))
    except ApiError as exc:
        raise click.ClickException(f"line {number}: {exc.message}") from None
    for role, username, user_id in created:
        click.echo(f"created {role} {username} (id {user_id})")


@click.command("disable")
@click.option("--username", required=True)
@with_appcontext
def user_disable(username):
    """Disable a staff login: it cannot sign in, and its sessions end now."""
    from fieldops.auth.services import disable_user

    try:
        with write_transaction():
            disable_user(_staff_by_username(username), by=None)
    except ApiError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"disabled {username}: signed out everywhere, cannot sign in")


@click.command("enable")
@click.option("--username", required=True)
@with_appcontext
def user_enable(username):
    """Enable a disabled staff login again."""
    from fieldops.auth.services import enable_user

    with write_transaction():
        enable_user(_staff_by_username(username))
    click.echo(f"enabled {username}: may sign in again")


@click.command("set-role")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "command", "organizer"]))
@with_appcontext
def user_set_role(username, role):
    """Give a staff login another role; its sessions end (it signs in again as the new role)."""
    from fieldops.auth.services import update_user

    try:
        with write_transaction():
            user = update_user(_staff_by_username(username), by=None, role=role)
            now = user.role.value
    except ApiError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"{username} is now {now}: signed out everywhere")


@click.command("list")
@with_appcontext
def user_list():
    """List the staff logins."""
    from fieldops.auth.models import STAFF_ROLES, User
    from fieldops.extensions import db

    for user in db.session.scalars(
        select(User).where(User.role.in_(STAFF_ROLES)).order_by(User.id)
    ):
        state = "DISABLED" if user.disabled_at else "active"
        click.echo(f"{user.id:>5}  {user.username:<20} {user.role.value:<10} {state}")


@click.group("officer")
def officer_group():
    """An officer's phones and join PIN at one event."""


def _officer_at(event_id: int, badge: str):
    from fieldops.events.models import Event
    from fieldops.events.roster import member_by_badge
    from fieldops.extensions import db

    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"event {event_id} does not exist")
    member = member_by_badge(event, badge)
    if member is None:
        raise click.ClickException(f"no officer with badge {badge!r} at event {event_id}")
    return event, member.officer


@officer_group.command("revoke-devices")
@click.option("--event", "event_id", type=int, required=True)
@click.option("--badge", required=True)
@with_appcontext
def officer_revoke_devices(event_id, badge):
    """End every device token of this officer at this event (lost or stolen phone)."""
    from fieldops.joining.services import revoke_officer_devices

    event, officer = _officer_at(event_id, badge)
    with write_transaction():
        revoked = revoke_officer_devices(event, officer.id)
    click.echo(f"revoked {revoked} device token(s) of {officer.display_name} #{officer.badge}")


@officer_group.command("join-pin")
@click.option("--event", "event_id", type=int, required=True)
@click.option("--badge", required=True)
@with_appcontext
def officer_join_pin(event_id, badge):
    """Issue a new join PIN for this officer (the old one stops working); prints it once."""
    from fieldops.joining.services import issue_join_pin

    event, officer = _officer_at(event_id, badge)
    with write_transaction():
        pin = issue_join_pin(event, officer.id)
    click.echo(f"join PIN for {officer.display_name} #{officer.badge}: {pin}")


def attach(cli: click.Group, user_group: click.Group) -> None:
    for command in (
        user_set_password,
        user_import,
        user_disable,
        user_enable,
        user_set_role,
        user_list,
    ):
        user_group.add_command(command)
    cli.add_command(officer_group)
