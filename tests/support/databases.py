"""Real databases for the tests: a migrated SQLite template, and PostgreSQL where it runs."""

from __future__ import annotations

import os
import tempfile
import uuid
from functools import cache
from pathlib import Path

import pytest

PG_ADMIN_URL = os.environ.get(
    "FIELDOPS_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("FIELDOPS_TEST_REDIS", "redis://127.0.0.1:6379/0")

# The test now running, if it lacks @pytest.mark.redis (conftest sets it around each test).
test_without_redis_mark: str | None = None


def redis_url_or_skip() -> str:
    """The suite's Redis (the message queue several processes share); skips, saying why, if
    unreachable. Its channels, streams and lead key are shared by every test that uses it, so
    such tests must be marked redis: the workers then run them one after another."""
    if test_without_redis_mark is not None:
        raise RuntimeError(
            f"{test_without_redis_mark} uses the suite's Redis: mark it @pytest.mark.redis "
            "(the tests that share it must not run at the same time in two workers)"
        )
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return REDIS_URL


@cache
def sqlite_template() -> Path:
    """Run the migrations once; each test copies the result."""
    from fieldops.app import create_app

    folder = Path(tempfile.mkdtemp(prefix="fieldops-template-"))
    path = folder / "template.sqlite3"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "ASYNC_MODE": "threading",
            "SECRET_KEY": "x",
            "INSTANCE_PATH": str(folder),
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        from fieldops.extensions import db

        upgrade()
        db.session.remove()
        db.engine.dispose()
    return path


_created: list[str] = []


def _create_postgres_database() -> str:
    """A new, empty database; "SKIP:<reason>" if PostgreSQL is not reachable."""
    try:
        import psycopg2

        conn = psycopg2.connect(PG_ADMIN_URL, connect_timeout=3)
    except Exception as exc:  # any failure means: not reachable here
        return f"SKIP:{exc}"
    name = f"fieldops_test_{uuid.uuid4().hex[:8]}"
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    _created.append(name)
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


_shared: list[str] = []


def postgres_url_or_skip(fresh: bool = False) -> str:
    """The suite's PostgreSQL database (or a fresh one); skips, saying why, if unreachable."""
    if fresh or not _shared:
        url = _create_postgres_database()
        if url.startswith("SKIP:"):
            pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {url[5:]}")
        if fresh:
            return url
        _shared.append(url)
    return _shared[0]


def drop_test_databases() -> None:
    if not _created:
        return
    import psycopg2

    conn = psycopg2.connect(PG_ADMIN_URL, connect_timeout=3)
    conn.autocommit = True
    with conn.cursor() as cur:
        for name in _created:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()
    _created.clear()
