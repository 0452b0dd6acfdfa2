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
