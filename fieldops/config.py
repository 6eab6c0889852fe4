"""Configuration from FIELDOPS_* environment variables, with safe defaults for one machine."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from fieldops import collector

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"FIELDOPS_{name}", default)


def _env_float(name: str, default: float) -> float:
    return float(_env(name, str(default)))


def async_mode_from_env() -> str:
    """Read before anything else is imported: the entry points monkey-patch by it."""
    return (_env("ASYNC_MODE", "eventlet") or "eventlet").lower()


def _secret_key(instance: Path) -> str:
    """FIELDOPS_SECRET_KEY, else a random key kept in instance/ so sessions survive restarts."""
    configured = _env("SECRET_KEY")
    if configured:
        return configured
    key_file = instance / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def normalize_database_url(url: str) -> str:
    """postgresql:// means psycopg2 here: psycopg 3 does not support eventlet."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix) :]
    return url


def load_config(overrides: dict | None = None) -> dict:
    """The app's configuration: environment first, then overrides (tests, CLI)."""
    overrides = dict(overrides or {})
    instance = Path(
        overrides.pop("INSTANCE_PATH", None) or _env("INSTANCE_PATH") or DEFAULT_INSTANCE
    )
    config = {
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": _env("DATABASE_URL")
        or f"sqlite:///{instance / 'fieldops.sqlite3'}",
        "ASYNC_MODE": async_mode_from_env(),
        "MESSAGE_QUEUE": _env("MESSAGE_QUEUE") or None,
        # Where failed sign-ins and codes are counted (fieldops.throttle): a limits storage URI;
        # empty: the message queue's Redis if there is one, else this process's memory.
        "THROTTLE_STORAGE": _env("THROTTLE_STORAGE") or "",
        # How many reverse proxies (a load balancer, a TLS terminator) stand in front: their
        # X-Forwarded-For and -Proto are then believed, so throttles count each client, not
        # the proxy. 0: nothing in front; a client could forge the headers.
        "TRUSTED_PROXIES": int(_env_float("TRUSTED_PROXIES", 0)),
        # Fixes are refused (503 busy) while the server's event loop runs this late (s); 0: never.
        "SHED_LAG": _env_float("SHED_LAG", 0.5),
        # The cyclic garbage collector's thresholds in a serving process (fieldops.collector).
        "GC_THRESHOLDS": collector.parse_thresholds(
            _env("GC_THRESHOLDS") or collector.DEFAULT_THRESHOLDS
        ),
        # 1: a greenlet per socket event (python-socketio's default); 0: in the socket's own.
        "SOCKET_ASYNC_HANDLERS": _env("SOCKET_ASYNC_HANDLERS", "0") == "1",
        # Tile URL template for the base map; empty string = no remote tiles (plain background).
        "TILE_URL": _env("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
        "TILE_ATTRIBUTION": _env(
            "TILE_ATTRIBUTION",
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
            " contributors",
        ),
        # A local MBTiles file served at /tiles/<z>/<x>/<y>.png; takes precedence over TILE_URL.
        "MBTILES_PATH": _env("MBTILES_PATH") or None,
        "STALE_AFTER": _env_float("STALE_AFTER", 120.0),
        "OFF_POST_AFTER": _env_float("OFF_POST_AFTER", 60.0),
        "PUSH_TICK": _env_float("PUSH_TICK", 0.5),
        # Fixes are stored (and their senders answered) this often; pushed every PUSH_TICK.
        "STORE_TICK": _env_float("STORE_TICK", 0.25),
        # Each stream's log of recent envelopes for rejoining clients (fieldops.realtime).
        "STREAM_LOG_WEIGHT": int(_env("STREAM_LOG_WEIGHT", "20000")),
        # Check every envelope against its contract (fieldops.envelopes): the test suite.
        "CHECK_ENVELOPES": _env("CHECK_ENVELOPES", "0") == "1",
        # A dispatch not acknowledged by the officer within this many seconds alarms command.
        "DISPATCH_ACK_TIMEOUT": _env_float("DISPATCH_ACK_TIMEOUT", 60.0),
        # Lost persons: the search ring widens at a walking pace from the last-seen point, up to
        # a cap; not found within LOST_PERSON_AGENCY_AFTER seconds, the desk is told to call
        # the local agency.
        "LOST_PERSON_WALK_SPEED": _env_float("LOST_PERSON_WALK_SPEED", 1.0),
        "LOST_PERSON_MAX_RADIUS": _env_float("LOST_PERSON_MAX_RADIUS", 3000.0),
        "LOST_PERSON_AGENCY_AFTER": _env_float("LOST_PERSON_AGENCY_AFTER", 600.0),
        # `fieldops demo`: seconds until the command user reports the demo's lost child (<0: never)
        "DEMO_LOST_CHILD_AFTER": _env_float("DEMO_LOST_CHILD_AFTER", 60.0),
        "CLOCK_SKEW": _env_float("CLOCK_SKEW", 120.0),
        "MAX_FIX_AGE": _env_float("MAX_FIX_AGE", 7 * 24 * 3600.0),
        "MAX_ACCURACY": _env_float("MAX_ACCURACY", 10_000.0),
        "ALLOWED_ORIGINS": [o for o in (_env("ALLOWED_ORIGINS", "") or "").split(",") if o],
        "MAX_CONNECTIONS": int(_env("MAX_CONNECTIONS", "10000")),
        # A connection that sends nothing this long is closed (a half-sent request, a dead
        # phone); Socket.IO pings every 10 s, so a live socket is never idle this long.
        "IDLE_TIMEOUT": float(_env("IDLE_TIMEOUT", "60")),
        # A sign-in lasts this long, however often the cookie is refreshed (auth.sessions).
        "SESSION_HOURS": _env_float("SESSION_HOURS", 16.0),
        # HTTPS (fieldops serve --tls, the demo's phone address): a PEM certificate (chain) and
        # its key; unset, a self-signed certificate for this machine is kept in instance/tls/.
        "TLS_CERT": _env("TLS_CERT") or None,
        "TLS_KEY": _env("TLS_KEY") or None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": (_env("SECURE_COOKIES", "0") == "1"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_CHECK_DEFAULT": False,  # checked by fieldops.auth.csrf for cookie sessions only
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "START_BACKGROUND": False,
        "TESTING": False,
    }
    config.update(overrides)
    # Flask's own default (31 days) must never win: the cookie lasts as long as the session.
    config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(hours=config["SESSION_HOURS"]))
    config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(config["SQLALCHEMY_DATABASE_URI"])
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = _secret_key(instance)
    return config
