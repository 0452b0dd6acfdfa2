"""Pages for everyone: language switch, accessibility statement, health check."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, request, url_for
from flask_login import current_user

from ..auth.queries import remember_locale
from ..auth.routes import safe_next
from ..common.access import public
from ..common.database import writes_on_get
from ..common.i18n import LANGUAGE_COOKIE
from ..common.rendering import render_page

bp = Blueprint("pages", __name__)


# A link on another site may switch the language this browser shows (a cookie), but only the user's own click
# on our pages changes the language saved on their account, which their reminders use. Browsers say where a
# request came from in Sec-Fetch-Site; one that does not say is taken at its word, as before.
FROM_ANOTHER_SITE = frozenset({"cross-site", "same-site"})


@bp.get("/language/<code>")
@writes_on_get
@public
def switch_language(code: str) -> Response:
    target = safe_next(request.args.get("next"), url_for("home.index"))
    if code not in current_app.config["LANGUAGES"]:
        return redirect(target)
    response = redirect(target)
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
    )
    if current_user.is_authenticated and request.headers.get("Sec-Fetch-Site") not in FROM_ANOTHER_SITE:
        remember_locale(current_user._get_current_object(), code)
    return response


@bp.get("/accessibility")
@public
def accessibility() -> Response:
    return render_page("pages/accessibility.html")


@bp.get("/healthz")
@public
def healthz() -> Response:
    """A constant answer: load balancers use it, and the benchmark uses it as its bare route."""
    return Response("ok", mimetype="text/plain")
