from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response
from flask_login import current_user

from ..access import reads as access
from ..appointments import client_reads as appointment_reads
from ..common.i18n import today_in_helsinki
from ..common.rendering import render_page
from ..models import utcnow
from ..notices import client_reads as notice_reads
from ..plan import queries as plan_queries
from ..plan.view import PlanView
from ..sharing import queries as sharing_queries

bp = Blueprint("home", __name__)
# An answer from the client's team stays on Home this long (and on its step or appointment page for good).
ANSWERS_SHOWN_FOR = timedelta(days=14)


@bp.get("/")
def index() -> Response:
    user = current_user._get_current_object()
    if user.is_staff:
        return render_page("home/staff.html", user=user, notices_to_handle=access.notice_counts(user)[0])
    now = utcnow()
    view = PlanView.build(plan_queries.plan_summary(user.id), today_in_helsinki())
    upcoming = appointment_reads.next_appointment(user.id, now)
    changed = len(plan_queries.changes_by_others(view.plan.id, user.id, user.plan_seen_at)) if view.plan else 0
    answers = notice_reads.answers_since(user.id, now - ANSWERS_SHOWN_FOR)
    return render_page("home/client.html", user=user, view=view, next_appointment=upcoming, changed=changed,
                       consent_requests=sharing_queries.requests(user.id), answers=answers)
