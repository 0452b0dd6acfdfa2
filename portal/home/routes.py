from __future__ import annotations

from flask import Blueprint, Response
from flask_login import current_user

from ..appointments import client_reads as appointment_reads
from ..common.i18n import today_in_helsinki
from ..common.rendering import render_page
from ..models import utcnow
from ..plan import queries as plan_queries
from ..plan.view import PlanView
from ..sharing import queries as sharing_queries

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> Response:
    user = current_user._get_current_object()
    if user.is_staff:
        return render_page("home/staff.html", user=user)
    view = PlanView.build(plan_queries.plan_summary(user.id), today_in_helsinki())
    upcoming = appointment_reads.next_appointment(user.id, utcnow())
    changed = len(plan_queries.changes_by_others(view.plan.id, user.id, user.plan_seen_at)) if view.plan else 0
    return render_page("home/client.html", user=user, view=view, next_appointment=upcoming, changed=changed,
                       consent_requests=sharing_queries.requests(user.id))
