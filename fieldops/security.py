"""What every response says to the browser about what it may do with it (issue 12): a Content
Security Policy (scripts only from this site, never framed), no referrer across sites, no
sniffing; cookies marked Secure when the request came over TLS; and ids in paths bounded to
the database's integer range (a bigger one is a 404, not an overflow)."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1  # PostgreSQL's BIGINT, and SQLite's INTEGER


class BoundedInt(IntegerConverter):
    """`<int:…>` in every route: at most MAX_ID."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class SecureOverTls(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over TLS (the same server
    answers phones over HTTPS and this computer over HTTP)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)

    def get_signing_serializer(self, app: Flask):
        """Flask makes its signer anew for every request, with a cookie or without: made once
        per key here (a twentieth of the server's CPU for a fix sent over HTTP)."""
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        made = getattr(self, "_signer", None)
        if made is None or made[0] != key:
            made = self._signer = (key, super().get_signing_serializer(app))
        return made[1]


def _origin(url: str) -> str:
    parts = urlsplit(url.replace("{s}", "a").replace("{z}", "0").replace("{x}", "0"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


@functools.lru_cache(maxsize=64)
def content_security_policy(tile_url: str, host: str) -> str:
    tiles = _origin(tile_url) if tile_url and not tile_url.startswith("/") else ""
    images = " ".join(x for x in ("'self'", "data:", "blob:", tiles) if x)
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",  # the templates have no inline script: keep it that way
            "style-src 'self' 'unsafe-inline'",  # Leaflet and the charts style elements inline
            f"img-src {images}",
            f"connect-src 'self' ws://{host} wss://{host}",
            "worker-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedInt
    app.session_interface = SecureOverTls()
    proxies = app.config.get("TRUSTED_PROXIES") or 0
    if proxies:  # the client's address and scheme, as the proxies in front saw them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    @app.after_request
    def _headers(response):
        headers = response.headers
        for name, value in response_headers(app.config.get("TILE_URL") or "", request.host):
            headers.setdefault(name, value)
        return response


@functools.lru_cache(maxsize=64)  # keyed by the Host header: bounded
def response_headers(tile_url: str, host: str) -> tuple[tuple[str, str], ...]:
    """The headers every response carries (a route may set its own instead)."""
    return (
        ("Content-Security-Policy", content_security_policy(tile_url, host)),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("X-Content-Type-Options", "nosniff"),
    )
