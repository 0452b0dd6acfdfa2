"""The database: one engine per app, one ORM session per application context (closed when it ends).

Every read and write of a request goes through `db.session`, so everything a request does (the access log row
written with a read included) is in one transaction, which common/transactions.py commits or rolls back.

Written here rather than taken from Flask-SQLAlchemy-Lite: that extension also registers an async teardown,
which Flask runs through asgiref on every request (a thread and an event loop each time: it doubled the bare
route's cost), and this app has no async engine. What is left is a few lines of public SQLAlchemy and Flask.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

F = TypeVar("F", bound=Callable[..., object])
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SESSION_KEY = "portal_db_session"


class Database:
    """`db.engine`, `db.sessionmaker` and `db.session` of the current app."""

    def init_app(self, app: Flask) -> None:
        url = app.config["DATABASE_URL"]
        private_sqlite_file(url)
        options = {**_server_options(url), **app.config.get("DATABASE_ENGINE_OPTIONS", {})}
        engine = create_engine(url, **options)
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine)
        app.extensions["portal.database"] = _State(engine, sessionmaker(bind=engine))
        app.teardown_appcontext(_close_session)

    @property
    def engine(self) -> Engine:
        return _state().engine

    @property
    def sessionmaker(self) -> sessionmaker[Session]:
        return _state().sessionmaker

    @property
    def session(self) -> Session:
        """The application context's session, made when first asked for."""
        found: Session | None = g.get(_SESSION_KEY)
        if found is None:
            found = self.sessionmaker()
            setattr(g, _SESSION_KEY, found)
        return found

    def session_if_made(self) -> Session | None:
        """The context's session if something asked for it, without making one."""
        return g.get(_SESSION_KEY)  # type: ignore[no-any-return]


class _State:
    def __init__(self, engine: Engine, maker: sessionmaker[Session]) -> None:
        self.engine, self.sessionmaker = engine, maker


def _state() -> _State:
    return current_app.extensions["portal.database"]  # type: ignore[no-any-return]


def _close_session(error: BaseException | None) -> None:
    session: Session | None = g.pop(_SESSION_KEY, None)
    if session is not None:
        session.close()


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


def _server_options(url: str) -> dict[str, Any]:
    """A database server may drop connections (a restart, a failover, an idle time-out): each pooled connection
    is checked as it is taken out (pool_pre_ping), and a dead one replaced, so no request gets one.

    The check is one round trip per request. Measured on the plan page (bench figures in the README): 25,000
    instructions of 15.5 million in-process (0.16 %), plus the round trip's wait on one host. The other way,
    letting the first statement fail and running the request again, costs nothing until it is needed, but every
    request would then have to be safe to run twice; plain wins. SQLite's file never goes away."""
    return {} if make_url(url).get_backend_name() == "sqlite" else {"pool_pre_ping": True}


def private_sqlite_file(url: str) -> None:
    """Create a SQLite database file readable by its owner only (0600; SQLite gives its -wal and -shm files
    the same), before SQLite creates it with the process's umask (usually readable by everyone)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    try:
        os.close(os.open(parsed.database, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass


def _configure_sqlite(engine: Engine) -> None:
    """Real transactions, foreign keys, WAL and a busy timeout for SQLite."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: object) -> None:
        # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # A request that may write takes the write lock at once: a deferred transaction that read first and
        # writes later fails at once ("database is locked") when another request wrote in between.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _request_may_write() else "BEGIN")
