"""One place commits or rolls back: a request's work is committed only if its response succeeded."""

from __future__ import annotations

from flask import Flask, Response, request
from sqlalchemy import Executable, event
from sqlalchemy.orm import ORMExecuteState, Session

from ..extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _mark_written(session: Session, flush_context: object) -> None:
    session.info["wrote"] = True


def _mark_statement_writes(state: ORMExecuteState) -> None:
    """An INSERT, UPDATE or DELETE statement run on the session (not through the unit of work) writes too: a
    GET that logs a read must commit its log row."""
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["wrote"] = True


def record_even_if_rolled_back(statement: Executable, rows: list[dict[str, object]]) -> None:
    """Execute now, in the request's transaction, and again after it if the request fails and its work is
    rolled back: for evidence that must outlive the request (a refused attempt to read a client's data is
    answered with 404, and the client must still see it)."""
    session = db.session
    session.execute(statement, rows)
    session.info.setdefault(_AGAIN, []).append((statement, rows))


_AGAIN = "again_after_rollback"


def init_app(app: Flask) -> None:
    event.listen(Session, "after_flush", _mark_written)
    event.listen(Session, "do_orm_execute", _mark_statement_writes)

    @app.after_request
    def commit_on_success(response: Response) -> Response:
        session = db.session_if_made()
        if session is None:
            return response
        wrote = session.info.pop("wrote", False) or session.new or session.dirty or session.deleted
        again = session.info.pop(_AGAIN, [])
        if response.status_code < 400 and (wrote or request.method not in SAFE_METHODS):
            session.commit()
        else:
            session.rollback()
            if again:
                for statement, rows in again:
                    session.execute(statement, rows)
                session.commit()
        return response


def end_read() -> None:
    """End the request's transaction before slow work that needs no database (a password hash takes half a
    second on purpose). On SQLite a request that may write holds the whole database's write lock from its first
    read, and on PostgreSQL an open transaction holds a pooled connection. Only for a transaction that has
    read and not written (ending it loses nothing); the next statement begins a new one."""
    session = db.session_if_made()
    if session is None or not session.in_transaction():
        return
    if session.info.get("wrote") or session.new or session.dirty or session.deleted:
        raise RuntimeError("end_read() would lose what this request wrote")
    session.rollback()
