"""Engine settings per database (SQLite gets real transactions, foreign keys, WAL and a busy timeout), and
plain reads for the pages read most."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Dialect, Engine, Executable, create_engine, event
from sqlalchemy.orm import Session

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


def plain_rows(statement: Executable, parameters: Mapping[str, object]) -> Sequence[Any]:
    """The statement's rows as tuples, for the pages read most: no ORM objects, no session bookkeeping.

    Inside the session's transaction (a request that changed something, or the tests' outer transaction) the
    rows are read on the session's connection after a flush, so they show what the request changed. Outside
    one, on PostgreSQL, they come straight from psycopg on a connection of a reading engine in autocommit (no
    BEGIN or ROLLBACK, nothing to reset when it goes back to the pool): psycopg already gives these columns'
    Python types (UUID, date, datetime with its zone), and SQLAlchemy's execution and result processing cost
    twice what the driver does. SQLite keeps UUIDs and times as text, so there SQLAlchemy's types turn them
    back; and where something listens for statements (query counters), the statement goes where they see it."""
    made = _session_if_made()
    bind = made.get_bind() if made is not None else db.sessionmaker.kw.get("bind")
    if not isinstance(bind, Engine) or (made is not None and _has_work(made)):
        session = db.session  # bound to a connection (the tests' transaction), or with this request's changes
        session.flush()
        return session.connection().execute(statement, parameters).all()
    if bind.dialect.name != "postgresql" or bind.dispatch.before_cursor_execute:
        with _autocommit(bind).connect() as connection:
            return connection.execute(statement, parameters).all()
    return driver_rows(_reading_engine(bind), statement, parameters)


def _session_if_made() -> Session | None:
    """The request's ORM session if something made one: making one just to learn it has no transaction, and
    closing it at the end of the request, costs as much as the read."""
    sessions = g.get("_sqlalchemy_sessions")  # where Flask-SQLAlchemy-Lite keeps a context's sessions
    return sessions.get("default") if sessions else None


def _has_work(session: Session) -> bool:
    return bool(session.in_transaction() or session.new or session.dirty or session.deleted)


def driver_rows(engine: Engine, statement: Executable, parameters: Mapping[str, object]) -> Sequence[Any]:
    """The rows as the driver gives them, from the statement compiled once for the engine's dialect."""
    sql, defaults = _compiled(statement, engine.dialect)
    connection = engine.raw_connection()
    cursor = None
    try:
        # One cursor per pooled connection, kept with it: a new cursor sets up its own type adapters (a fifth
        # of the read's cost).
        cursor = connection.info.get(_CURSOR)
        if cursor is None or cursor.connection is not connection.dbapi_connection:
            cursor = connection.info[_CURSOR] = connection.cursor()
        cursor.execute(sql, {**defaults, **parameters})
        return cursor.fetchall()  # type: ignore[no-any-return]
    except engine.dialect.loaded_dbapi.Error as error:
        if engine.dialect.is_disconnect(error, connection.dbapi_connection, cursor):
            connection.invalidate(error)  # a lost connection must not go back to the pool
        raise
    finally:
        connection.close()


_CURSOR = "portal.plain_rows.cursor"


@lru_cache(maxsize=64)
def _compiled(statement: Executable, dialect: Dialect) -> tuple[str, dict[str, Any]]:
    compiled = statement.compile(dialect=dialect)
    return compiled.string, dict(compiled.params)


def _autocommit(engine: Engine) -> Engine:
    if engine.dialect.name != "postgresql":
        return engine
    found = _AUTOCOMMIT.get(engine)
    if found is None:
        found = _AUTOCOMMIT[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return found


READING_ENGINE_OPTIONS: dict[str, Any] = {"isolation_level": "AUTOCOMMIT", "pool_reset_on_return": None}


def _reading_engine(engine: Engine) -> Engine:
    """An engine of its own for plain reads, in autocommit from the connection's start (an execution option on
    the main engine would switch each connection to autocommit and back at every checkout). Made from the main
    engine's URL, which is all the app configures (config.py)."""
    found = _READING.get(engine)
    if found is None:
        found = _READING[engine] = create_engine(engine.url, **READING_ENGINE_OPTIONS)
    return found


_AUTOCOMMIT: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
_READING: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


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
