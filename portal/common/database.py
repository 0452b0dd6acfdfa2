"""Engine settings per database (SQLite gets real transactions, foreign keys, WAL and a busy timeout), and a
connection for plain reads."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, TypeVar

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import Connection, Dialect, Engine, Executable, event

from ..extensions import db

F = TypeVar("F", bound=Callable[..., object])
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def writes_on_get(view: F) -> F:
    """Mark a view whose GET writes too (it keeps something for the next page): on SQLite its transaction then
    takes the write lock at once, as every POST's does."""
    view.writes_on_get = True  # type: ignore[attr-defined]
    return view


def _request_may_write() -> bool:
    if not has_request_context():
        return False
    if request.method not in SAFE_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "writes_on_get", False))


@contextmanager
def read_connection() -> Iterator[Connection]:
    """A connection for plain reads with no ORM session bookkeeping (for the pages read most).

    Outside a transaction it is a pooled connection of its own, in autocommit on PostgreSQL: no BEGIN and
    ROLLBACK round trips (under READ COMMITTED each statement sees its own snapshot either way). Inside the
    session's transaction (a request that changed something, or the tests' outer transaction) it is the
    session's connection after a flush, so the reads see what the request changed."""
    session = db.session
    bind = session.get_bind()
    if isinstance(bind, Engine) and not session.in_transaction():
        with _reading_engine(bind).connect() as connection:
            yield connection
        return
    session.flush()
    yield session.connection()


def plain_rows(connection: Connection, statement: Executable, parameters: Mapping[str, object]) -> Sequence[Any]:
    """The statement's rows, as tuples.

    On PostgreSQL they come straight from psycopg's cursor: psycopg already gives the Python types of these
    columns (UUID, date, datetime with its zone), and SQLAlchemy's execution and result processing cost twice
    what the driver does for a page's read. The statement is compiled once, and before_cursor_execute
    listeners (query counters) are still told of it. On SQLite, which keeps UUIDs and times as text, the rows
    come through SQLAlchemy, whose types turn them back."""
    if connection.dialect.name != "postgresql":
        return connection.execute(statement, parameters).all()
    sql, defaults = _compiled(statement, connection.dialect)
    bound = {**defaults, **parameters}
    cursor = connection.connection.cursor()
    try:
        connection.dispatch.before_cursor_execute(connection, cursor, sql, bound, None, False)
        cursor.execute(sql, bound)
        return cursor.fetchall()
    finally:
        cursor.close()


@lru_cache(maxsize=64)
def _compiled(statement: Executable, dialect: Dialect) -> tuple[str, dict[str, Any]]:
    compiled = statement.compile(dialect=dialect)
    return compiled.string, dict(compiled.params)


def _reading_engine(engine: Engine) -> Engine:
    if engine.dialect.name != "postgresql":
        return engine
    reading = _READING_ENGINES.get(engine)
    if reading is None:
        reading = _READING_ENGINES[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return reading


_READING_ENGINES: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        # A request that may write takes the write lock at once: a deferred transaction that read first and
        # writes later fails at once ("database is locked") when another request wrote in between.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _request_may_write() else "BEGIN")


def _drop_async_teardown(app: Flask) -> None:
    """Flask-SQLAlchemy-Lite always registers an async teardown for async sessions. Flask runs it through
    asgiref on every request, which starts a thread and an event loop each time (about a millisecond). This
    app has no async engine, so there is never an async session to close."""
    if app.config.get("SQLALCHEMY_ASYNC_ENGINES"):
        return
    app.teardown_appcontext_funcs[:] = [
        func for func in app.teardown_appcontext_funcs if getattr(func, "__name__", "") != "_close_async_sessions"
    ]


def init_app(app: Flask) -> None:
    _drop_async_teardown(app)  # before the first app context: its teardown would run the async one
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine)
