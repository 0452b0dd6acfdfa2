"""Signed-in sessions: a fresh session at sign-in, the idle time-out, and who may reach a view unsigned.

Which user a session belongs to is the auth room's business (its user loader checks the session version)."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, Response, current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from ..extensions import login_manager

SEEN_KEY = "seen"
# When the person authenticated: no session outlives SESSION_MAX_HOURS from then, however active.
SINCE_KEY = "since"
# Polled by the time-out warning: it must not count as activity.
PASSIVE_ENDPOINTS = frozenset({"auth.session_status"})
# "Stay signed in" always restarts the idle timer.
EXTENDING_ENDPOINTS = frozenset({"auth.extend_session"})
# The activity stamp is rewritten at most this often: rewriting it re-signs and re-sends the session cookie,
# and that on every request would cost more than the page. The idle time-out may so come up to a minute early.
SEEN_REFRESH_SECONDS = 60


def start_session(user: Any, authenticated_at: int | None = None) -> None:
    """A fresh session at sign-in: nothing from before survives (no session fixation). Its absolute lifetime
    counts from `authenticated_at` (now, unless the person authenticated earlier, e.g. at an identity
    provider)."""
    session.clear()
    login_user(user)
    # Flask-Login's hash of the address and browser (for its session protection, which session versions
    # replace here): it is not needed, and the cookie is readable.
    session.pop("_id", None)
    now = int(time.time())
    session[SEEN_KEY] = now
    session[SINCE_KEY] = authenticated_at or now
    session.permanent = False


def end_session() -> None:
    logout_user()
    session.clear()


def seconds_left() -> int:
    """Until the session ends: after the idle time-out, or at its absolute end, whichever comes first."""
    now = int(time.time())
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60 - (now - int(session.get(SEEN_KEY, 0)))
    return max(0, min(idle, _absolute_seconds_left(now)))


def _absolute_seconds_left(now: int) -> int:
    return current_app.config["SESSION_MAX_HOURS"] * 3600 - (now - int(session.get(SINCE_KEY, 0)))


def init_app(app: Flask) -> None:
    # A Secure cookie gets the __Host- prefix: browsers then refuse it unless it came over HTTPS from this very
    # host, with Path=/ and no Domain, so a neighbouring subdomain or a plain-http page cannot plant one.
    name = app.config["SESSION_COOKIE_NAME"]
    if app.config["SESSION_COOKIE_SECURE"] and not name.startswith("__Host-"):
        app.config.update(SESSION_COOKIE_NAME=f"__Host-{name}", SESSION_COOKIE_PATH="/", SESSION_COOKIE_DOMAIN=None)
    # Templates get the proxy itself, not the loaded user: the user is loaded only when a template asks, and an
    # error page can pass nobody instead (errors.py) without the database being asked first.
    app.context_processor(lambda: {"current_user": current_user})
    # what the time-out warning counts down from: the stamp may be up to SEEN_REFRESH_SECONDS old
    app.jinja_env.globals["session_seconds_left"] = seconds_left
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # session versions do this job, across servers

    @app.before_request
    def guard() -> Response | None:
        view = app.view_functions.get(request.endpoint or "")
        if view is None or request.endpoint == "static":
            return None
        if current_user.is_authenticated:
            if seconds_left() <= 0:
                too_long = _absolute_seconds_left(int(time.time())) <= 0
                end_session()
                if too_long:
                    flash(_l("You were signed out because you had been signed in for a long time. Sign in "
                             "again."), "info")
                else:
                    flash(_l("You were signed out because you were inactive for a while. Sign in again."),
                          "info")
                return _to_sign_in()
            if request.endpoint not in PASSIVE_ENDPOINTS:
                now = int(time.time())
                stale = now - int(session.get(SEEN_KEY, 0)) >= SEEN_REFRESH_SECONDS
                if stale or request.endpoint in EXTENDING_ENDPOINTS:
                    session[SEEN_KEY] = now
            return None
        if getattr(view, "is_public", False):
            return None
        return _to_sign_in()


def _to_sign_in() -> Response:
    wanted = request.full_path.rstrip("?") if request.method == "GET" else None
    target = url_for("auth.sign_in", next=wanted if wanted not in (None, "/") else None)
    if request.headers.get("HX-Request"):
        response = Response(status=401)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)
