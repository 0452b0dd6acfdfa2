"""My team: the organisations working with the client now, each with the named contact person, how to reach
them and what it is responsible for in the client's plan."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_login import current_user

from ..common.access import client_only, roles
from ..common.i18n import today_in_helsinki
from ..common.rendering import render_page
from ..models import Role
from . import queries

bp = Blueprint("team", __name__, url_prefix="/team")
bp.before_request(roles(Role.CLIENT))


@bp.get("")
@client_only
def index() -> Response:
    return render_page("team/index.html", members=queries.team(current_user.id), today=today_in_helsinki())
