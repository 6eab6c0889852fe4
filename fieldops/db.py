"""Database plumbing: SQLite pragmas, short write transactions, UTC timestamps."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import DateTime, Select, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import TypeDecorator

from fieldops.errors import ApiError, NotFound
from fieldops.extensions import db

log = logging.getLogger(__name__)

WRITE_OPTION = "fieldops_write"
_AFTER_COMMIT = "fieldops_after_commit"
_BEFORE_COMMIT = "fieldops_before_commit"


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC (portable across SQLite and PostgreSQL), returns aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def configure_sqlite(engine: Engine) -> None:
    """WAL, synchronous=FULL, a busy timeout, and BEGIN IMMEDIATE for write transactions."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def after_commit(callback: Callable[[], None]) -> None:
    """Run callback once the current write_transaction() has committed; never on rollback.

    This is how a push describes only what the database really holds.
    """
    db.session().info.setdefault(_AFTER_COMMIT, []).append(callback)


def before_commit_once(key, callback: Callable[[], None]) -> None:
    """Run callback just before the current write_transaction() commits, once per key however
    often it is asked for: a push that describes a row's final state in this transaction,
    not each step on the way."""
    db.session().info.setdefault(_BEFORE_COMMIT, {})[key] = callback


def _run_before_commit(session) -> None:
    while pending := session.info.pop(_BEFORE_COMMIT, None):  # callbacks may ask for more
        for callback in pending.values():
            callback()


_plans: dict[tuple[int, str, str], tuple[object, str, list]] = {}


def execute_many(session, statement, rows: list[dict]) -> None:
    """`session.execute(statement, rows)` for a statement built once (an INSERT or UPDATE
    without RETURNING), handed to the driver in one call. SQLAlchemy's own executemany pays,
    per row, for an execution context and each value's processor: on SQLite more than SQLite
    spends storing the row; on psycopg2 an UPDATE is one round trip per row, and under the
    event loop each round trip waits its turn (the store tick of 1,000 fixes then took longer
    than the callers wait). The values go through the same processors, so what is stored is
    the same: SQLite gets one executemany, psycopg2 a few multi-statement pages
    (`execute_batch`)."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    key = (id(statement), dialect.name, ",".join(rows[0]))
    plan = _plans.get(key)
    if plan is None:
        compiled = statement.compile(dialect=dialect, column_keys=list(rows[0]))
        names = compiled.positiontup if compiled.positional else list(compiled.binds)
        binds = [
            (name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
            for name in names
        ]
        plan = _plans[key] = (statement, compiled.string, binds)  # the statement pins its id
    _statement, sql, binds = plan
    if dialect.paramstyle == "qmark":  # SQLite
        values = [tuple(row[n] if p is None else p(row[n]) for n, p in binds) for row in rows]
        connection.exec_driver_sql(sql, values)
        return
    from psycopg2.extras import execute_batch

    values = [{n: row[n] if p is None else p(row[n]) for n, p in binds} for row in rows]
    with connection.connection.cursor() as cursor:
        execute_batch(cursor, sql, values, page_size=500)


@contextmanager
def write_transaction():
    """One short write transaction: commit at exit, roll back on error.

    SQLite: takes the write lock up front (BEGIN IMMEDIATE) so a read transaction is never
    upgraded mid-way. Keep the body free of network I/O: under eventlet SQLite blocks the hub.
    """
    session = db.session()  # the scoped session's current Session
    if session.in_transaction():
        session.commit()  # end any read transaction; nothing pending is expected here
    session.connection(execution_options={WRITE_OPTION: True})
    refusal = None
    try:
        try:
            yield session
        except RefusedAfterPushing as refused:
            refusal = refused.error
        _run_before_commit(session)
        session.commit()
    except BaseException:
        session.info.pop(_BEFORE_COMMIT, None)
        session.info.pop(_AFTER_COMMIT, None)
        session.rollback()
        raise
    _run_after_commit(session.info.pop(_AFTER_COMMIT, []))
    if refusal is not None:
        raise refusal


class RefusedAfterPushing(Exception):  # noqa: N818 - it carries the refusal, it is not one
    """Raise inside write_transaction() to refuse with `error` once the pushes asked for have
    gone out: a repeat of something already done changes nothing, but re-pushing the row as it
    stands repairs a screen whose first push was lost (a 409 that still heals)."""

    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


def _run_after_commit(callbacks: list[Callable[[], None]]) -> None:
    """Each on its own: the write is committed, so a failing push (Redis briefly down) is
    logged and neither stops the others nor turns the caller's answer into an error. The
    client's retry of an idempotent write publishes again and repairs it."""
    for callback in callbacks:
        try:
            callback()
        except Exception:
            log.exception("after-commit callback %r failed; the write stands", callback)


def get_or_404(model, row_id: int, what: str):
    """The row by primary key, or NotFound naming it ("alert 7 does not exist")."""
    row = db.session.get(model, row_id)
    if row is None:
        raise NotFound(f"{what} {row_id} does not exist")
    return row


def insert_once(row, already_there: Select):
    """Insert `row` in a savepoint; when a UNIQUE constraint refuses it, the row already there.

    (row, True) if inserted, (the first row, False) if not. The constraint decides, not a lookup
    beforehand, so concurrent repeats can never both insert.
    """
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return db.session.scalar(already_there), False
    return row, True


def insert_by_client_id(row, what: str, scope: str = "event_id"):
    """insert_once() for a record a client made with its own id, unique within `scope` (a
    column: the event, or the reporter): (row, True) if new, (the row already there, False)
    for a repeat of the same body (same `body_hash`), and a 422 `client_id_conflict` for the
    same client_id with another body."""
    model = type(row)
    already_there = select(model).where(
        getattr(model, scope) == getattr(row, scope), model.client_id == row.client_id
    )
    found, created = insert_once(row, already_there)
    if not created and (found is None or found.body_hash != row.body_hash):
        raise ApiError(
            f"this client_id was already used for a different {what}",
            code="client_id_conflict",
            field="client_id",
            status=422,
        )
    return found, created
