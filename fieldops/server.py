"""Running the server: one process, async mode from the configuration, one or more listeners.

`fieldops serve` listens once (HTTP, or HTTPS with --tls); it and `fieldops demo` can add an
HTTPS listener on every interface for phones (--tls-port), served by the same process, hub and
app: eventlet (`eventlet.wrap_ssl` on the listening socket), gevent (pywsgi with the
certificate) or threading (werkzeug with an SSL context).
"""

from __future__ import annotations

import logging
import resource
import socket
import ssl
from contextlib import contextmanager
from dataclasses import dataclass
from errno import EADDRINUSE

from flask import Flask

from fieldops import collector
from fieldops.app import start_background
from fieldops.extensions import socketio
from fieldops.tls import Certificate

log = logging.getLogger(__name__)


class ServeError(RuntimeError):
    """A listener could not be opened; the message names it and says what to try."""


@dataclass(frozen=True)
class Listener:
    host: str
    port: int
    tls: Certificate | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"


def raise_open_file_limit() -> int:
    """Each phone holds a socket: take the hard limit for open files."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def serve(app: Flask, listeners: list[Listener]) -> None:
    """Serve `app` on every listener until the process is stopped."""
    files = raise_open_file_limit()
    mode = app.config["ASYNC_MODE"]
    max_connections = app.config["MAX_CONNECTIONS"]
    secure = [item for item in listeners if item.tls]
    # The officer page names the HTTPS address when it is opened over plain HTTP.
    app.config["HTTPS_PORT"] = secure[0].port if secure else None
    start_background(app)
    collector.tune(app.config["GC_THRESHOLDS"])
    log.info(
        "serving on %s (%s, up to %d connections, %d open files)",
        " and ".join(item.url for item in listeners),
        mode,
        max_connections,
        files,
    )
    for certificate in {item.tls for item in secure}:
        log.info("HTTPS with the %s", certificate.describe())
    if mode == "eventlet":
        _serve_eventlet(app, listeners, max_connections, app.config["IDLE_TIMEOUT"])
    elif mode == "gevent":
        _serve_gevent(app, listeners)
    else:
        _serve_threading(app, listeners)


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


@contextmanager
def _opening(item: Listener):
    try:
        yield
    except OSError as exc:
        hint = " (another server there? choose another port)" if exc.errno == EADDRINUSE else ""
        raise ServeError(f"cannot listen on {item.url}: {exc.strerror or exc}{hint}") from None


def _refused(address, exc: ssl.SSLError) -> None:
    """A TLS handshake that failed is a line in the log, not a traceback: every phone that has
    not accepted the self-signed certificate yet closes its first connections this way."""
    client = address[0] if isinstance(address, tuple) else address
    log.info("HTTPS: no secure connection with %s (%s)", client, exc.reason or exc)


def _serve_eventlet(
    app: Flask, listeners: list[Listener], max_connections: int, idle_timeout: float
) -> None:
    import eventlet
    import eventlet.wsgi

    from fieldops import websocket_mask

    websocket_mask.install()
    sockets = []
    for item in listeners:  # bind every one before serving any: a taken port fails at once
        # socketio.run() would use eventlet's defaults: 1,024 connections and a backlog of 50.
        with _opening(item):
            sock = eventlet.listen((item.host, item.port), family=_family(item.host), backlog=2048)
        if item.tls:
            # The handshake happens in each connection's own greenthread, not in accept().
            sock = eventlet.wrap_ssl(
                sock, certfile=str(item.tls.cert), keyfile=str(item.tls.key), server_side=True
            )
        sockets.append(sock)

    class Protocol(eventlet.wsgi.HttpProtocol):
        def handle(self) -> None:
            try:
                super().handle()
            except ssl.SSLError as exc:  # the handshake runs on the first read
                _refused(self.client_address, exc)

    def run(sock) -> None:
        eventlet.wsgi.server(
            sock,
            app,
            max_size=max_connections,
            log_output=False,
            keepalive=True,
            socket_timeout=idle_timeout,
            protocol=Protocol,
        )

    for sock in sockets[1:]:
        socketio.start_background_task(run, sock)
    run(sockets[0])


def _serve_gevent(app: Flask, listeners: list[Listener]) -> None:
    from gevent import pywsgi

    try:  # what socketio.run() uses when it is installed
        from geventwebsocket.handler import WebSocketHandler
    except ImportError:
        WebSocketHandler = None  # noqa: N806

    class Server(pywsgi.WSGIServer):
        def wrap_socket_and_handle(self, client_socket, address):
            try:
                return super().wrap_socket_and_handle(client_socket, address)
            except ssl.SSLError as exc:  # gevent shakes hands before the handler starts
                _refused(address, exc)

    servers = []
    for item in listeners:
        tls = {"certfile": str(item.tls.cert), "keyfile": str(item.tls.key)} if item.tls else {}
        server = Server(
            (item.host, item.port),
            app,
            log=None,
            **({"handler_class": WebSocketHandler} if WebSocketHandler else {}),
            **tls,
        )
        with _opening(item):
            server.init_socket()
        servers.append(server)
    for server in servers[1:]:
        server.start()
    servers[0].serve_forever()


def _serve_threading(app: Flask, listeners: list[Listener]) -> None:
    from werkzeug.serving import make_server

    servers = []
    for item in listeners:
        with _opening(item):
            servers.append(
                make_server(
                    item.host,
                    item.port,
                    app,
                    threaded=True,
                    ssl_context=(str(item.tls.cert), str(item.tls.key)) if item.tls else None,
                )
            )
    for server in servers[1:]:
        socketio.start_background_task(server.serve_forever)
    servers[0].serve_forever()
