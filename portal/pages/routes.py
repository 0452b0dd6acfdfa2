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
# on our pages (or their own typing) changes the language saved on their account, which their reminders use.
# Browsers say where a request came from in Sec-Fetch-Site ("none": typed or bookmarked); an older browser that
# does not say must send our own pages' address as its Referer, which our Referrer-Policy lets it send.
FROM_THE_USER = frozenset({"same-origin", "none"})


def _from_our_pages() -> bool:
    fetched_from = request.headers.get("Sec-Fetch-Site")
    if fetched_from is not None:
        return fetched_from in FROM_THE_USER
    referrer = request.referrer or ""
    return referrer == request.host_url.rstrip("/") or referrer.startswith(request.host_url)


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
    if current_user.is_authenticated and _from_our_pages():
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
