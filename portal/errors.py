"""Friendly error pages that reveal nothing about the inside of the service.

A server error's page is made without the database: the request's session is rolled back, and the page does
not say who is signed in (loading them would go to the database again, and fail again when the database is
the problem). It is in the person's language all the same (from the language cookie or Accept-Language).
When the database cannot be reached (OperationalError: a disconnect, a refused connection, a lock timeout) the
answer is 503 with Retry-After. Every error is logged once: Flask logs what reaches it unhandled, this module
what it handles itself.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, g, request
from flask_login import AnonymousUserMixin
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from .common.i18n import WITHOUT_THE_DATABASE
from .common.rendering import render_page
from .extensions import db

log = logging.getLogger(__name__)

KNOWN = {400, 403, 404, 405, 413, 429}
# A database restart or failover takes seconds; a person is told to try again in a minute.
RETRY_AFTER_SECONDS = 30


def _without_the_database(code: int) -> Response:
    setattr(g, WITHOUT_THE_DATABASE, True)
    session = db.session_if_made()
    if session is not None:
        try:
            session.rollback()
        except Exception:
            log.debug("Rolling back after an error failed", exc_info=True)
    try:
        response = render_page("errors/error.html", code=code, status=code, current_user=AnonymousUserMixin())
    except Exception:  # the error page must never fail in turn
        log.exception("The error page failed on %s %s", request.method, request.path)
        response = Response("Something went wrong. Please try again later.", status=code, mimetype="text/plain")
    if code == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response | HTTPException:
        code = error.code or 500
        if code < 400 or code not in KNOWN:
            if code >= 500:
                log.error("%s %s answered %d: %s", request.method, request.path, code, error.description)
                return _without_the_database(503 if code == 503 else 500)
            return error
        response = render_page("errors/error.html", code=code, status=code)
        if code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError) -> Response:
        log.error("The database could not be reached on %s %s", request.method, request.path, exc_info=error)
        return _without_the_database(503)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> Response:
        # Flask has logged the exception already (e.g. a commit that failed after the view).
        unreachable = isinstance(error.original_exception, OperationalError)
        return _without_the_database(503 if unreachable else 500)
