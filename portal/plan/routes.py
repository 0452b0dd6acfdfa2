from __future__ import annotations

import uuid

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..appointments.view import STATUS_WORDS as APPOINTMENT_STATUS_WORDS
from ..common.access import client_only, roles
from ..common.i18n import today_in_helsinki
from ..common.rendering import announce, render_page, wants_fragment
from ..common.security import expired_token_brings_form_back
from ..models import PlanStep, Role, StepStatus, User
from ..notices import client_reads as notice_reads
from . import queries
from .forms import REASON_LABELS, AddStepForm, CantDoForm, StepActionForm
from .view import PlanView, step_words

bp = Blueprint("plan", __name__, url_prefix="/plan")
bp.before_request(roles(Role.CLIENT))


def _client() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _own_step(step_id: uuid.UUID) -> PlanStep:
    step = queries.client_step(step_id, _client().id)
    if step is None:
        abort(404)
    return step


def _plan_view() -> PlanView:
    return PlanView.build(queries.plan_summary(_client().id), today_in_helsinki())


def _plan_page(error: str | None = None, status: int = 200) -> Response:
    """The plan page, or for htmx its steps."""
    return render_page("plan/index.html", block="plan_steps", status=status, view=_plan_view(),
                       words=step_words(), action_error=error)


def _step_changed(step_id: uuid.UUID) -> Response:
    """For htmx: the step's row in place, in its new state, and the progress (plan/_step_changed.html)."""
    view = _plan_view()
    return render_page("plan/_step_changed.html", view=view, step=view.step(step_id), words=step_words())


@bp.get("")
@client_only
def index() -> Response:
    return _plan_page()


def _change(step_id: uuid.UUID, to_status: StepStatus, message: str, banner: str) -> Response:
    """`message` (with the step's title) is read out after an htmx swap; `banner` is shown after a redirect:
    it travels in the session cookie, which can be read, so it names no step."""
    step = _own_step(step_id)
    form = StepActionForm()
    if not form.validate_on_submit():
        error = _("Nothing was saved because the page was open for a long time. Try again.")
        if wants_fragment():  # the problem goes above the steps, not into the row
            response = _plan_page(error=error)
            response.headers.update({"HX-Retarget": "#plan-steps", "HX-Reswap": "outerHTML"})
            return response
        return _plan_page(error=error, status=400)
    queries.change_status(step, _client(), to_status)
    if wants_fragment():
        return announce(_step_changed(step.id), message % {"title": step.title})
    flash(banner, "success")
    return redirect(url_for("plan.index", _anchor=f"step-{step.id}"))


@bp.post("/steps/<uuid:step_id>/done")
@expired_token_brings_form_back
@client_only
def mark_done(step_id: uuid.UUID) -> Response:
    return _change(step_id, StepStatus.DONE, _("“%(title)s” is marked as done."), _("The step is marked as done."))


@bp.post("/steps/<uuid:step_id>/not-done")
@expired_token_brings_form_back
@client_only
def mark_not_done(step_id: uuid.UUID) -> Response:
    return _change(step_id, StepStatus.TODO, _("“%(title)s” is marked as not done."),
                   _("The step is marked as not done."))


@bp.route("/steps/<uuid:step_id>/cant-do", methods=["GET", "POST"])
@expired_token_brings_form_back
@client_only
def cant_do(step_id: uuid.UUID) -> Response:
    step = _own_step(step_id)
    form = CantDoForm()
    if form.validate_on_submit():
        queries.change_status(step, _client(), StepStatus.CANT_DO, form.reason.data, form.detail.data)
        flash(_("We told the organisation responsible that you can't do this step. They will contact you."),
              "success")
        return redirect(url_for("plan.step", step_id=step.id))
    return render_page("plan/cant_do.html", step=step, form=form, status=400 if form.errors else 200)


@bp.get("/steps/<uuid:step_id>")
@client_only
def step(step_id: uuid.UUID) -> Response:
    found = _own_step(step_id)
    return render_page(
        "plan/step.html",
        step=found,
        linked=queries.linked_appointment(found.appointment_id, _client().id)
        if found.appointment_id else None,
        contact=queries.team_contact(_client().id, found.responsible_organisation_id)
        if found.responsible_organisation_id else None,
        appointment_status_words=APPOINTMENT_STATUS_WORDS,
        history=queries.step_history(found.id),
        status_key=PlanView(plan=None, today=today_in_helsinki()).status_of(found),
        today=today_in_helsinki(),
        reasons=REASON_LABELS,
        action_form=StepActionForm(),
        told=notice_reads.for_step(found.id, _client().id),
    )


@bp.route("/steps/new", methods=["GET", "POST"])
@expired_token_brings_form_back
@client_only
def add_step() -> Response:
    plan = queries.current_plan(_client().id)
    if plan is None:
        abort(404)
    form = AddStepForm()
    if form.validate_on_submit():
        step = queries.add_step(plan, _client(), form.title.data or "", form.description.data or "",
                                form.due_date.data)
        flash(_("Your step has been added to your plan."), "success")
        return redirect(url_for("plan.index", _anchor=f"step-{step.id}"))
    return render_page("plan/add_step.html", form=form, status=400 if form.errors else 200)


from . import agreement  # noqa: E402,F401  (its views are on this blueprint)
