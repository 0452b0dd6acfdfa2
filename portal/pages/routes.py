"""Pages for everyone: the accessibility statement, the health check and the icon browsers ask for."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, current_app, redirect

from ..common.access import public
from ..common.rendering import asset_url, render_page

bp = Blueprint("pages", __name__)


# When the accessibility statement was written and last reviewed (the Act on the Provision of Digital Services
# asks for both): change REVIEWED whenever the statement is checked against the service again.
WRITTEN = date(2026, 11, 30)
REVIEWED = date(2026, 11, 30)


@bp.get("/accessibility")
@public
def accessibility() -> Response:
    return render_page("pages/accessibility.html", written=WRITTEN, reviewed=REVIEWED,
                       address=current_app.config["PORTAL_BASE_URL"])


@bp.get("/healthz")
@public
def healthz() -> Response:
    """A constant answer: load balancers use it, and the benchmark uses it as its bare route."""
    return Response("ok", mimetype="text/plain")


@bp.get("/favicon.ico")
@public
def favicon() -> Response:
    """Browsers that do not read the page's <link rel="icon"> ask for /favicon.ico: they get the icon, not a 404."""
    return redirect(asset_url("favicon.svg"))
