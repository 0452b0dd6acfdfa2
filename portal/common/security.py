"""Security headers, Content-Security-Policy, caching rules and the CSRF guard for every request."""

from __future__ import annotations

import time
from collections import OrderedDict
from threading import Lock

from flask import Flask, Response, current_app, g, request, session
from flask_wtf.csrf import CSRFError, generate_csrf

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

# A session's CSRF token is signed with the time it was signed, and every page shows it: signing it costs more
# than a page's own data. So each process keeps the signed token of a session for a few minutes (a token then
# lives a few minutes less than WTF_CSRF_TIME_LIMIT; it is never older than the limit allows).
CSRF_RESIGN_SECONDS = 300
_CSRF_KEPT = 10_000
_signed_tokens: OrderedDict[str, tuple[str, float]] = OrderedDict()
_signed_tokens_lock = Lock()


def csrf_token() -> str:
    """Flask-WTF's generate_csrf(), signed at most once per CSRF_RESIGN_SECONDS for a session in a process."""
    field_name = current_app.config["WTF_CSRF_FIELD_NAME"]
    token = g.get(field_name)
    if token is not None:
        return token  # type: ignore[no-any-return]
    raw = session.get(field_name)
    now = time.time()
    kept = _signed_tokens.get(raw) if raw else None
    if kept is not None and now - kept[1] < CSRF_RESIGN_SECONDS:
        setattr(g, field_name, kept[0])
        return kept[0]
    token = generate_csrf()
    with _signed_tokens_lock:
        _signed_tokens[session[field_name]] = (token, now)
        while len(_signed_tokens) > _CSRF_KEPT:
            _signed_tokens.popitem(last=False)
    return token


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token

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
