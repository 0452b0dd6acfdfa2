"""The reference page: the plan page as a straightforward Flask app would write it, served beside the portal's
own in the same process, so that the benchmark compares the two in one run.

ORM objects for the plan and its steps (with their organisations), `url_for` and `_()` for every step, and an
`{% include %}` per step. The portal's plan page (plan/routes.py, templates/plan/index.html) reads one row
(the steps as a JSON aggregate), translates its words once per page and builds each kind of link once.

    gunicorn 'bench.reference:create_app()'     # the portal, plus GET /bench/reference/plan
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, render_template
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

import portal
from portal.common.i18n import today_in_helsinki
from portal.extensions import db
from portal.models import Plan, PlanStatus, PlanStep, StepStatus

bp = Blueprint("reference", __name__, url_prefix="/bench/reference",
               template_folder=str(Path(__file__).resolve().parent / "templates"))


@bp.get("/plan")
@login_required
def plan() -> Response | str:
    user = current_user
    found = db.session.scalars(
        select(Plan)
        .where(Plan.client_id == user.id, Plan.status != PlanStatus.REPLACED)
        .options(joinedload(Plan.steps).joinedload(PlanStep.responsible_organisation))
    ).unique().one_or_none()
    today = today_in_helsinki()
    groups: dict[str, list[PlanStep]] = {"overdue": [], "todo": [], "cant_do": [], "done": []}
    for step in found.steps if found else []:
        if step.status == StepStatus.DONE:
            groups["done"].append(step)
        elif step.status == StepStatus.CANT_DO:
            groups["cant_do"].append(step)
        elif step.is_overdue(today):
            groups["overdue"].append(step)
        else:
            groups["todo"].append(step)
    return render_template("reference/plan.html", plan=found, groups=groups, today=today)


def create_app() -> Flask:
    app = portal.create_app()
    app.register_blueprint(bp)
    return app
