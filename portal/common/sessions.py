"""Signed-in sessions: loading the user in one query, server-side session versions, idle time-out."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from flask import (
    Flask,
    Response,
    current_app,
    flash,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from ..auth import queries
from ..auth.identity import SignedInUser
from ..extensions import login_manager
from ..models import User

SEEN_KEY = "seen"
# Polled by the time-out warning: it must not count as activity.
PASSIVE_ENDPOINTS = frozenset({"auth.session_status"})
# "Stay signed in" always restarts the idle timer.
EXTENDING_ENDPOINTS = frozenset({"auth.extend_session"})
# The activity stamp is rewritten at most this often: rewriting it re-signs and re-sends the session cookie,
# and that on every request would cost more than the page. The idle time-out may so come up to a minute early.
SEEN_REFRESH_SECONDS = 60

F = TypeVar("F", bound=Callable[..., object])
UserLoader = Callable[[uuid.UUID], "User | SignedInUser | None"]


def loads_user_with(loader: UserLoader) -> Callable[[F], F]:
    """Mark a view whose own data comes in the same query as the signed-in user: one round trip, not two.

    `loader(user_id)` must find the user exactly as auth.queries.active_user does (it may keep what else it
    read in flask.g for the view). It may return a SignedInUser instead of the ORM User when the view only
    reads."""

    def mark(view: F) -> F:
        view.load_user_with = loader  # type: ignore[attr-defined]
        return view

    return mark


@login_manager.user_loader
def load_user(user_id: str) -> User | SignedInUser | None:
    raw_id, _, raw_version = user_id.partition(":")
    try:
        uid, version = uuid.UUID(raw_id), int(raw_version)
    except ValueError:
        return None
    view = current_app.view_functions.get(request.endpoint or "") if has_request_context() else None
    loader: UserLoader = getattr(view, "load_user_with", None) or queries.active_user
    user = loader(uid)
    if user is None or user.session_version != version:
        return None
    return user


def start_session(user: User) -> None:
    """A fresh session at sign-in: nothing from before survives (no session fixation)."""
    session.clear()
    login_user(user)
    session[SEEN_KEY] = int(time.time())
    session.permanent = False


def end_session() -> None:
    logout_user()
    session.clear()


def seconds_left() -> int:
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    return max(0, idle - (int(time.time()) - int(session.get(SEEN_KEY, 0))))


def init_app(app: Flask) -> None:
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
                end_session()
                flash(_l("You were signed out because you were inactive for a while. Sign in again."), "info")
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
