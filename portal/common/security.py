"""Security headers, Content-Security-Policy, caching rules and the CSRF guard for every request."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_wtf.csrf import CSRFError

from ..extensions import csrf

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), interest-cohort=()",
}

HEADERS_OVER_HTTPS = {**HEADERS, "Strict-Transport-Security": "max-age=31536000; includeSubDomains"}

EXPIRED = "The CSRF token has expired."

def init_app(app: Flask) -> None:
    @app.before_request
    def csrf_guard() -> None:
        """A missing or forged token is refused (400). An expired one is let through to the view, whose
        form then fails validation and comes back with the user's input and a fresh token."""
        if request.method in {"GET", "HEAD", "OPTIONS"}:
            return
        try:
            csrf.protect()
        except CSRFError as error:
            if error.description != EXPIRED:
                raise

    @app.after_request
    def security_headers(response: Response) -> Response:
        # What a view set itself stays. Not Headers.setdefault: werkzeug raises and catches an exception for
        # every header it does not find, and that was most of this hook's cost on every response.
        wanted = HEADERS_OVER_HTTPS if app.config["SESSION_COOKIE_SECURE"] else HEADERS
        present = {name.lower() for name, _ in response.headers}
        response.headers.extend([(name, value) for name, value in wanted.items() if name.lower() not in present])
        if request.endpoint == "static":
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        else:
            response.headers["Cache-Control"] = "no-store"
            response.headers.add("Vary", "HX-Request")
            response.headers.add("Vary", "Cookie")
        return response
