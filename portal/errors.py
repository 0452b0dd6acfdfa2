"""Friendly error pages that reveal nothing about the inside of the service."""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException, InternalServerError

from .common.rendering import render_page

log = logging.getLogger(__name__)

KNOWN = {400, 403, 404, 405, 413, 429}


def init_app(app: Flask) -> None:
    @app.errorhandler(RateLimitExceeded)
    def throttled(error: RateLimitExceeded) -> Response:
        if request.endpoint == "auth.sign_in":
            from .auth.routes import sign_in_throttled

            return sign_in_throttled()
        return render_page("errors/error.html", code=429, status=429)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response | HTTPException:
        code = error.code or 500
        if code < 400 or code not in KNOWN:
            if code >= 500:
                return server_error(error)
            return error
        response = render_page("errors/error.html", code=code, status=code)
        if code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(InternalServerError)
    def server_error(error: Exception) -> Response:
        log.exception("Unhandled error on %s %s", request.method, request.path)
        try:
            return render_page("errors/error.html", code=500, status=500)
        except Exception:  # the error page must never fail in turn
            return Response("Something went wrong. Please try again later.", status=500, mimetype="text/plain")
