"""create_app(): wires configuration, extensions, blueprints and socket handlers."""

from __future__ import annotations

import logging
import os

from flask import Flask

from fieldops import realtime, security, snapshots, socket_json, throttle
from fieldops.config import load_config
from fieldops.db import configure_sqlite
from fieldops.direct import DirectRoutes
from fieldops.errors import register_error_handlers
from fieldops.events import setup_view  # noqa: F401 - its listener numbers set-up versions
from fieldops.extensions import csrf, db, login_manager, migrate, socketio
from fieldops.tracking import direct, peers

MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")


def create_app(overrides: dict | None = None) -> Flask:
    config = load_config(overrides)
    app = Flask(__name__, instance_path=config["INSTANCE_PATH"])
    app.config.update(config)  # PERMANENT_SESSION_LIFETIME from SESSION_HOURS (config.py)
    os.makedirs(app.instance_path, exist_ok=True)
    security.init_app(app)  # before the routes: its bounded <int:…> converter
    throttle.init_app(app)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    _import_socket_handlers()
    snapshots.load_parts()
    _init_socketio(app)
    realtime.init_app(app)
    peers.init_app(app)
    register_error_handlers(app)
    _register_blueprints(app)
    app.wsgi_app = DirectRoutes(app, app.wsgi_app, direct.ROUTES)  # phones' fixes, without Flask

    @app.teardown_appcontext
    def _end_session(_exc):
        db.session.remove()

    return app


def _init_socketio(app: Flask) -> None:
    origins = app.config["ALLOWED_ORIGINS"] or None  # None: same origin only
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=app.config["MESSAGE_QUEUE"],
        cors_allowed_origins=origins,
        ping_interval=10,
        ping_timeout=20,
        max_http_buffer_size=1_000_000,
        json=socket_json,  # a payload nested too deep gets an error ack, not a dead parser
        serializer=socket_json.TextPacket,
        # Each socket's events are handled in its own reading greenlet, in order, without a
        # greenlet spawned per event (a tenth of the CPU per fix); a fix's ack is sent by its
        # store tick, so the phone's next event (a help alarm) does not wait for the store.
        async_handlers=app.config["SOCKET_ASYNC_HANDLERS"],
    )
    from fieldops import sockets

    sockets.install_hot_handlers(app)


def _import_socket_handlers() -> None:
    """Before init_app: handlers declared then are applied to every app's server."""
    from fieldops import sockets  # noqa: F401
    from fieldops.help import sockets as help_sockets  # noqa: F401
    from fieldops.incidents import sockets as incident_sockets  # noqa: F401
    from fieldops.tracking import sockets as tracking_sockets  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from fieldops.alerts.routes import bp as alerts_bp
    from fieldops.audit.routes import bp as audit_bp
    from fieldops.auth import sessions
    from fieldops.auth.routes import bp as auth_bp
    from fieldops.campus.routes import bp as campus_bp
    from fieldops.drills.routes import bp as drills_bp
    from fieldops.events.routes import bp as events_bp
    from fieldops.help.routes import bp as help_bp
    from fieldops.incidents.routes import bp as incidents_bp
    from fieldops.joining.routes import bp as joining_bp
    from fieldops.leads.routes import bp as leads_bp
    from fieldops.lostfound.routes import bp as lostfound_bp
    from fieldops.lostpersons.routes import bp as lostpersons_bp
    from fieldops.messages.routes import bp as messages_bp
    from fieldops.openapi.routes import bp as openapi_bp
    from fieldops.places.routes import bp as places_bp
    from fieldops.proactive.routes import bp as proactive_bp
    from fieldops.report.routes import bp as report_bp
    from fieldops.students.routes import bp as students_bp
    from fieldops.tracking.protocol_routes import bp as protocol_bp
    from fieldops.tracking.routes import bp as tracking_bp
    from fieldops.web.routes import bp as web_bp

    # Every request with a cookie: its user only while its server-side session is live.
    login_manager.user_loader(sessions.user_for_cookie)

    api_blueprints = (
        auth_bp,
        joining_bp,
        events_bp,
        campus_bp,
        drills_bp,
        tracking_bp,
        incidents_bp,
        alerts_bp,
        help_bp,
        messages_bp,
        places_bp,
        lostfound_bp,
        lostpersons_bp,
        students_bp,
        leads_bp,
        proactive_bp,
        openapi_bp,
        audit_bp,
    )
    for bp in (*api_blueprints, protocol_bp, web_bp, report_bp):
        app.register_blueprint(bp)
    # JSON API writes are protected by fieldops.auth.principal (token or CSRF header).
    for bp in api_blueprints:
        csrf.exempt(bp)
    csrf.exempt(protocol_bp)


def start_background(app: Flask) -> None:
    """The ingest tick, the incident and lost-person watches and the credential sweep
    (sockets of ended sessions, tokens and users): once per serving process, never in tests'
    in-process apps."""
    from fieldops.auth import ending
    from fieldops.incidents import watch
    from fieldops.lostpersons import watch as lost_person_watch
    from fieldops.tracking import brake, ingest

    socketio.start_background_task(ingest.run_forever, app)
    socketio.start_background_task(brake.run_forever, app)
    socketio.start_background_task(watch.run_forever, app)
    socketio.start_background_task(ending.run_forever, app)
    socketio.start_background_task(lost_person_watch.run_forever, app)
    if peers.shared():
        socketio.start_background_task(peers.run_forever, app)
