"""Running the server: one process, async mode from the configuration."""

from __future__ import annotations

import logging
import os
import resource

from flask import Flask

from fieldops.app import start_background
from fieldops.extensions import socketio

log = logging.getLogger(__name__)


def raise_open_file_limit() -> int:
    """Each phone holds a socket: take the hard limit for open files."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def serve(app: Flask, host: str, port: int) -> None:
    files = raise_open_file_limit()
    mode = app.config["ASYNC_MODE"]
    max_connections = app.config["MAX_CONNECTIONS"]
    start_background(app)
    log.info(
        "serving on http://%s:%d (%s, up to %d connections, %d open files)",
        host,
        port,
        mode,
        max_connections,
        files,
    )
    if mode == "eventlet":
        import eventlet
        import eventlet.wsgi

        # socketio.run() would use eventlet's defaults: 1,024 connections and a backlog of 50.
        listener = eventlet.listen((host, port), backlog=2048)
        eventlet.wsgi.server(
            listener,
            app,
            max_size=max_connections,
            log_output=False,
            keepalive=True,
            socket_timeout=None,
        )
    else:
        # Flask's CLI marks itself so that app.run() refuses to block; serving is our purpose.
        os.environ.pop("FLASK_RUN_FROM_CLI", None)
        socketio.run(
            app, host=host, port=port, log_output=False, allow_unsafe_werkzeug=(mode == "threading")
        )
