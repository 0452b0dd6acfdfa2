"""Security headers, Content-Security-Policy, caching rules and the guards of every POST: where it came from,
and its CSRF token."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request
from flask_wtf.csrf import CSRFError

from ..extensions import csrf

F = TypeVar("F", bound=Callable[..., object])

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
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Sec-Fetch-Site of a request the person made on our own pages, or themselves ("none": e.g. a reload).
OUR_OWN = frozenset({"same-origin", "none"})


def expired_token_brings_form_back(view: F) -> F:
    """Mark a view whose form, sent with an expired CSRF token, comes back with the person's input, a message
    and a fresh token (its form's validation fails on the token). Every other view refuses such a POST."""
    view.brings_form_back = True  # type: ignore[attr-defined]
    return view


def brings_form_back(view: Callable[..., object] | None) -> bool:
    return bool(getattr(view, "brings_form_back", False))


def from_another_site() -> bool:
    """A second layer under the CSRF token: browsers say where a request came from. Sec-Fetch-Site first; a
    browser without it sends Origin with a POST. Only the host is compared: behind a proxy that ends TLS the
    request itself may look like http. A request with neither (curl, old browsers) has its token to show."""
    fetched_from = request.headers.get("Sec-Fetch-Site")
    if fetched_from is not None:
        return fetched_from not in OUR_OWN
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin == "null" or urlsplit(origin).netloc != request.host
    return False


def init_app(app: Flask) -> None:
    @app.before_request
    def csrf_guard() -> None:
        """A POST from another site, or with a missing or forged token, is refused (400). An expired token
        is let through only to the views marked with expired_token_brings_form_back."""
        if request.method in SAFE_METHODS:
            return
        if from_another_site():
            abort(400)
        try:
            csrf.protect()
        except CSRFError as error:
            if error.description != EXPIRED or not brings_form_back(app.view_functions.get(request.endpoint or "")):
                raise

    @app.after_request
    def security_headers(response: Response) -> Response:
        # What a view set itself stays. Not Headers.setdefault: werkzeug raises and catches an exception for
        # every header it does not find, and that was most of this hook's cost on every response.
        wanted = HEADERS_OVER_HTTPS if app.config["SESSION_COOKIE_SECURE"] else HEADERS
        present = {name.lower() for name, _ in response.headers}
        response.headers.extend([(name, value) for name, value in wanted.items() if name.lower() not in present])
        if request.endpoint == "static" and response.status_code in {200, 304}:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        else:
            response.headers["Cache-Control"] = "no-store"
            response.headers.add("Vary", "HX-Request")
            response.headers.add("Vary", "Cookie")
        return response
