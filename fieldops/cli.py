"""The `fieldops` command: set up the database, users, events, posts; serve; run the demo."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from flask.cli import FlaskGroup, with_appcontext

from fieldops.app import create_app
from fieldops.db import write_transaction
from fieldops.errors import ApiError
from fieldops.events.course_import import CourseImportError


def _app_factory():
    return create_app()


@click.group(cls=FlaskGroup, create_app=_app_factory, add_version_option=False, load_dotenv=False)
def cli():
    """fieldops: event-day field operations."""


def upgrade_database() -> None:
    from flask_migrate import upgrade

    upgrade()


@cli.command("init")
@with_appcontext
def init_command():
    """Create the database or upgrade it to the latest schema."""
    upgrade_database()
    click.echo("database is up to date")


@cli.group("user")
def user_group():
    """Manage staff logins."""


@user_group.command("create")
@click.option(
    "--role", required=True, type=click.Choice(["admin", "command", "officer", "organizer"])
)
@click.option("--username", required=True)
@click.option("--password", help="Visible in the shell's history: prefer --password-stdin.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--name", default="", help="Display name (defaults to the username).")
@with_appcontext
def user_create(role, username, password, password_stdin, name):
    """Create a user who signs in with a username and password (asked for if not given)."""
    from fieldops.auth.commands import read_password
    from fieldops.auth.services import create_user

    password = read_password(password, password_stdin)

    try:
        with write_transaction():
            user = create_user(username=username, password=password, role=role, display_name=name)
            user_id = user.id
    except ApiError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"created {role} {username} (id {user_id})")


def _attach_commands() -> None:
    from fieldops.audit.commands import audit_command
    from fieldops.auth.commands import attach, officer_group
    from fieldops.events.commands import officer_enroll

    attach(cli, user_group)
    officer_group.add_command(officer_enroll)
    cli.add_command(audit_command)


# user set-password/import/disable/enable/list, officer enroll/revoke-devices/join-pin, audit
_attach_commands()


def _parse_time(value: str | None, default: datetime) -> datetime:
    if not value:
        return default
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@cli.group("event")
def event_group():
    """Manage events."""


@event_group.command("create")
@click.option("--name", required=True)
@click.option("--kind", type=click.Choice(["marathon", "school", "other"]), default="other")
@click.option("--venue", default="")
@click.option("--starts", help="ISO time, e.g. 2026-11-01T08:00:00-05:00 (default: now).")
@click.option("--ends", help="ISO time (default: 10 hours after the start).")
@click.option("--timezone", default="UTC")
@click.option("--unit", type=click.Choice(["km", "mi"]), default="km")
@click.option(
    "--course",
    "course_file",
    type=click.Path(exists=True, dir_okay=False),
    help="GPX or GeoJSON file with the course.",
)
@click.option(
    "--course-start",
    type=click.FloatRange(0, 1000),
    default=0.0,
    help="How far into the race (in --unit) the course file begins, if it starts late.",
)
@with_appcontext
def event_create(name, kind, venue, starts, ends, timezone, unit, course_file, course_start):
    """Create an event; prints its id and enrollment code."""
    from fieldops.events import services
    from fieldops.events.schemas import UNIT_METRES

    starts_at = _parse_time(starts, datetime.now(UTC))
    ends_at = _parse_time(ends, starts_at + timedelta(hours=10))
    try:
        with write_transaction():
            event = services.create_event(
                name=name,
                kind=kind,
                venue=venue,
                starts_at=starts_at,
                ends_at=ends_at,
                timezone=timezone,
                distance_unit=unit,
            )
            if course_file:
                with click.progressbar(length=1, label="importing course") as bar:
                    course = services.set_course(
                        event,
                        Path(course_file).read_bytes(),
                        Path(course_file).name,
                        course_start * UNIT_METRES[unit],
                    )
                    bar.update(1)
                click.echo(f"course: {course.length_m / 1000:.2f} km")
            event_id, code = event.id, event.enrollment_code
    except CourseImportError as exc:
        raise click.ClickException(f"course not imported: {exc}") from None
    except ApiError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"event id: {event_id}")
    click.echo(f"enrollment code: {code}")


@cli.group("post")
def post_group():
    """Manage posts."""


@post_group.command("add")
@click.option("--event", "event_id", type=int, required=True)
@click.option("--name", required=True)
@click.option("--kind", default="traffic_point")
@click.option("--lat", type=float, required=True)
@click.option("--lon", type=float, required=True)
@click.option("--radius", type=float, default=50.0, help="Metres.")
@click.option("--orders", default="", help="Post orders shown to the officer.")
@with_appcontext
def post_add(event_id, name, kind, lat, lon, radius, orders):
    """Add a post (a point with a radius) to an event."""
    from fieldops.events import services
    from fieldops.events.models import Event
    from fieldops.extensions import db

    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"event {event_id} does not exist")
    try:
        with write_transaction():
            post = services.add_post(
                event, name=name, kind=kind, lat=lat, lon=lon, radius_m=radius, orders=orders
            )
            post_id = post.id
    except ApiError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"post id: {post_id}")


TLS_HELP = "FIELDOPS_TLS_CERT and FIELDOPS_TLS_KEY, or a self-signed certificate for this machine"


def _listeners(config: dict, host: str, port: int, tls: bool, tls_port: int | None) -> list:
    """HOST:PORT (HTTPS with `tls`), and HTTPS on every interface on `tls_port` for phones."""
    from fieldops.server import Listener
    from fieldops.tls import TlsError, certificate_for

    if tls_port is not None and not 0 < tls_port < 65536:
        raise click.BadParameter(f"{tls_port} is not a port number", param_hint="--tls-port")
    if tls_port == port:
        raise click.BadParameter("must differ from --port", param_hint="--tls-port")
    certificate = None
    if tls or tls_port:
        try:
            certificate = certificate_for(config)
        except TlsError as exc:
            raise click.ClickException(str(exc)) from None
    listeners = [Listener(host, port, certificate if tls else None)]
    if tls_port:
        listeners.append(Listener("0.0.0.0", tls_port, certificate))  # noqa: S104 - for phones
    return listeners


@cli.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--tls", is_flag=True, help=f"Serve HTTPS on HOST:PORT ({TLS_HELP}).")
@click.option(
    "--tls-port", type=int, help="Also serve HTTPS on every interface on this port, for phones."
)
@with_appcontext
def serve_command(host, port, tls, tls_port):
    """Serve the app (run through the `fieldops` script so the async mode is patched in)."""
    from flask import current_app

    from fieldops.demo import keep_logging_audible

    app = current_app._get_current_object()
    listeners = _listeners(app.config, host, port, tls, tls_port)
    upgrade_database()
    keep_logging_audible()  # Alembic's logging set-up silenced "serving on ..."
    _serve(app, listeners)


def _serve(app, listeners) -> None:
    from fieldops.server import ServeError, serve

    try:
        serve(app, listeners)
    except ServeError as exc:
        raise click.ClickException(str(exc)) from None


def main() -> None:  # pragma: no cover - convenience for `python -m fieldops.cli`
    sys.exit(cli())


@cli.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=int, show_default=True)
@click.option(
    "--tls-port",
    default=5443,
    type=int,
    show_default=True,
    help=f"HTTPS on every interface for the officers' phones ({TLS_HELP}); 0: none.",
)
@click.option(
    "--simulate/--no-simulate",
    default=True,
    show_default=True,
    help="Run the simulated officers in the server process.",
)
@with_appcontext
def demo_command(host, port, tls_port, simulate):
    """Seed the demo (a marathon on the NYC course, a school event) and serve it live.

    HTTP on HOST:PORT for this computer (the browser here, the simulator); HTTPS on every
    interface on --tls-port for phones, which share their location only with a secure page.
    Seeding is idempotent: a second run reuses the demo data. Simulated officers send their
    fixes through the HTTP API a phone uses, from a background task of this server.
    """
    from flask import current_app

    from fieldops.demo import keep_logging_audible
    from fieldops.demo.banner import Phones, banner
    from fieldops.demo.seed import seed_demo
    from fieldops.demo.simulator import Simulator, events_from_tokens, local_url
    from fieldops.extensions import socketio
    from fieldops.tls import phone_origins

    app = current_app._get_current_object()
    listeners = _listeners(app.config, host, port, False, tls_port or None)
    phones = None
    if tls_port:
        certificate = listeners[-1].tls
        phones = Phones(tls_port, certificate, phone_origins(certificate, tls_port))
    upgrade_database()
    keep_logging_audible()
    try:
        info = seed_demo(progress=True)
    except (CourseImportError, OSError) as exc:
        raise click.ClickException(f"demo not seeded: {exc}") from None
    except ApiError as exc:
        raise click.ClickException(f"demo not seeded: {exc.message}") from None
    url = local_url(host, port)
    for line in banner(info, url, bind_host=host, phones=phones):
        click.echo(line)
    if simulate:
        simulator = Simulator(
            url,
            events_from_tokens(info.tokens),
            sleep=socketio.sleep,
            spawn=socketio.start_background_task,
            off_post_after=app.config["OFF_POST_AFTER"],
            stale_after=app.config["STALE_AFTER"],
            command_login=_command_login(info.tokens),
            lost_child_after=app.config["DEMO_LOST_CHILD_AFTER"],
        )
        click.echo(f"simulator: {sum(e.simulated for e in info.events)} officers; Ctrl-C stops")
        # Waits for the server to listen, then talks to it over HTTP like the phones do.
        socketio.start_background_task(simulator.run)
    click.echo("")
    _serve(app, listeners)


def _command_login(tokens: dict) -> dict | None:
    """The demo's command user: simulated officers learn of their dispatches through it."""
    login = tokens.get("logins", {}).get("command") or {}
    if not login.get("password"):
        return None
    return {"username": login["username"], "password": login["password"]}


@cli.command("simulate")
@click.option(
    "--url", default="http://127.0.0.1:5000", show_default=True, help="The server to send fixes to."
)
@click.option(
    "--event",
    "event_ids",
    type=int,
    multiple=True,
    help="Only this event (repeatable; default: every demo event).",
)
@click.option(
    "--tokens",
    "tokens_file",
    type=click.Path(dir_okay=False),
    help="The token file `fieldops demo` writes (default: instance/demo-tokens.json).",
)
@with_appcontext
def simulate_command(url, event_ids, tokens_file):
    """Run the simulated officers alone against a server, with the demo's device tokens."""
    from flask import current_app

    from fieldops.demo.seed import tokens_path
    from fieldops.demo.simulator import Simulator, events_from_tokens, load_tokens

    path = Path(tokens_file) if tokens_file else tokens_path()
    if not path.exists():
        raise click.ClickException(f"no demo tokens at {path}: run `fieldops demo` first")
    try:
        events = events_from_tokens(load_tokens(path), list(event_ids))
    except (OSError, ValueError, KeyError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc}") from None
    if not events:
        raise click.ClickException(f"no such demo event in {path}")
    try:
        simulator = Simulator(
            url,
            events,
            off_post_after=current_app.config["OFF_POST_AFTER"],
            command_login=_command_login(load_tokens(path)),
            lost_child_after=current_app.config["DEMO_LOST_CHILD_AFTER"],
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    count = sum(len(e.get("officers", [])) for e in events)
    names = ", ".join(f"#{e['id']} {e.get('name', '')}" for e in events)
    click.echo(f"simulating {count} officers at {names} against {url}; Ctrl-C stops")
    try:
        simulator.run()
    except KeyboardInterrupt:
        simulator.stop()
        click.echo("stopped")


@cli.command("envelopes")
def envelopes_command():
    """Print every /live envelope's contract and the join ack's as one JSON Schema."""
    from fieldops.envelopes import json_schema

    click.echo(json.dumps(json_schema(), indent=2, sort_keys=True))


@cli.command("report")
@click.argument("event_id", type=int)
@click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False), help="write the PDF here")
@click.option("--zip", "zip_file", type=click.Path(dir_okay=False), help="the CSV tables")
@click.option("--geojson", "geojson_file", type=click.Path(dir_okay=False), help="map data")
@click.option(
    "--organizer", is_flag=True, help="the organizer's copy (nothing private) instead of command's"
)
@with_appcontext
def report_command(event_id, pdf_file, zip_file, geojson_file, organizer):
    """Write the post-event report of EVENT_ID (PDF, CSV zip, GeoJSON)."""
    from flask import current_app

    from fieldops.events.models import Event
    from fieldops.extensions import db
    from fieldops.report import documents, exports, figures

    if not (pdf_file or zip_file or geojson_file):
        raise click.UsageError("say what to write: --pdf FILE, --zip FILE or --geojson FILE")
    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"event {event_id} does not exist")
    outputs = [
        (path, kind)
        for path, kind in ((pdf_file, "pdf"), (zip_file, "zip"), (geojson_file, "geojson"))
        if path
    ]
    with click.progressbar(length=1 + len(outputs), label="report", show_pos=True) as bar:
        report = figures.build(event, private=not organizer)
        bar.update(1)
        for path, kind in outputs:
            bar.label = f"writing {kind}"
            if kind == "pdf":
                with current_app.test_request_context():
                    body = documents.pdf(report)
            else:
                body = exports.csv_zip(report) if kind == "zip" else exports.geojson(report)
            Path(path).write_bytes(body)
            bar.update(1)
    for path, kind in outputs:
        click.echo(f"{kind}: {path} ({Path(path).stat().st_size:,} bytes)")
