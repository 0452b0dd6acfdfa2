"""Pages for everyone: the accessibility statement, the health check and the icon browsers ask for."""

from __future__ import annotations

from flask import Blueprint, Response, redirect

from ..common.access import public
from ..common.rendering import asset_url, render_page

bp = Blueprint("pages", __name__)


@bp.get("/accessibility")
@public
def accessibility() -> Response:
    return render_page("pages/accessibility.html")


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
