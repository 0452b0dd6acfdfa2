"""One place commits or rolls back: a request's work is committed only if its response succeeded."""

from __future__ import annotations

from flask import Flask, Response, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _mark_written(session: Session, flush_context: object) -> None:
    session.info["wrote"] = True


def init_app(app: Flask) -> None:
    event.listen(Session, "after_flush", _mark_written)

    @app.after_request
    def commit_on_success(response: Response) -> Response:
        session = db.session_if_made()
        if session is None:
            return response
        wrote = session.info.pop("wrote", False) or session.new or session.dirty or session.deleted
        if response.status_code < 400 and (wrote or request.method not in SAFE_METHODS):
            session.commit()
        else:
            session.rollback()
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
