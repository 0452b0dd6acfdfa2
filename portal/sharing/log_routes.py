"""Who viewed my data: every staff read of the client's data and every refused attempt, newest first, by
organisation if the client asks, a page at a time."""

from __future__ import annotations

from flask import Blueprint, Response, request
from flask_login import current_user

from ..common.access import client_only, roles
from ..common.ids import parse_uuid
from ..common.rendering import render_page
from ..models import Role
from . import words
from .log_queries import log_page, pick

bp = Blueprint("viewed", __name__, url_prefix="/sharing/log")
bp.before_request(roles(Role.CLIENT))
bp.context_processor(lambda: {"pick": pick})


def _page_number() -> int:
    try:
        return max(1, min(int(request.args.get("page", "1")), 1_000_000))
    except ValueError:
        return 1


@bp.get("")
@client_only
def log() -> Response:
    found = log_page(current_user.id, parse_uuid(request.args.get("organisation")), _page_number())
    return render_page("sharing/log.html", log=found, words=words.log_words())
