"""Engine settings per database: SQLite gets real transactions, foreign keys, WAL and a busy timeout."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, has_request_context, request
from sqlalchemy import Engine, event

from ..extensions import db

F = TypeVar("F", bound=Callable[..., object])
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def read_only(view: F) -> F:
    """Mark a view that only reads. On PostgreSQL its GET runs in autocommit: no BEGIN and ROLLBACK round trips
    around its queries (under READ COMMITTED each statement sees its own snapshot either way)."""
    view.read_only = True  # type: ignore[attr-defined]
    return view


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
        writes = has_request_context() and request.method not in SAFE_METHODS
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


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
    if engine.dialect.name != "postgresql":
        return

    @app.before_request
    def autocommit_reads() -> None:
        if request.method not in SAFE_METHODS:
            return
        if not getattr(app.view_functions.get(request.endpoint or ""), "read_only", False):
            return
        session = db.session
        if isinstance(session.get_bind(), Engine) and not session.in_transaction():
            # a session bound to a connection (the tests' outer transaction) keeps its transaction
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
