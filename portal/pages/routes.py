"""Pages for everyone: the accessibility statement and the health check."""

from __future__ import annotations

from flask import Blueprint, Response

from ..common.access import public
from ..common.rendering import render_page

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
