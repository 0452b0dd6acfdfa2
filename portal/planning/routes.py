"""Staff write a client's plan with them: the employment-services contact person starts it and writes its goals;
each organisation adds and changes its own steps; changes go into a draft until the client agrees (online, or
here, in person). The plan is read through portal.access (each read logged); writes go through plan.editing,
which refuses a save written against an older plan (no lost update)."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..access import reads as access
from ..common.access import roles
from ..common.forms import renew_revision
from ..common.i18n import locale_code
from ..common.ids import parse_uuid
from ..common.rendering import render_page
from ..models import Plan, PlanStep, Role, User
from ..plan import editing, versions
from .forms import AgreeInPersonForm, GoalsForm, RevisionForm, StartPlanForm, StepForm

bp = Blueprint("planning", __name__, url_prefix="/staff/clients/<uuid:client_id>/plan")
bp.before_request(roles(Role.CASEWORKER, Role.MANAGER))

PURPOSE = "plan_services"
CONFLICT = ("Someone else saved a change to this while you were writing yours. Nothing of yours was saved yet: "
            "check it as it is now, below, and save again.")


def _staff() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


class Page:
    """What every plan page of a staff member needs: the client (of their team), the plan (if they may see it)
    and what they may change."""

    def __init__(self, client_id: uuid.UUID) -> None:
        found = access.open_client(_staff(), client_id, PURPOSE)
        if found is None:
            abort(404)
        self.access = found
        self.client = found.client
        self.staff = found.staff
        self.may_read, plan = access.plan_for_editing(found)
        self.plan: Plan | None = plan  # type: ignore[assignment]
        self.owner = access.is_plan_owner(found)

    def require_plan(self) -> Plan:
        if not self.may_read or self.plan is None:
            abort(404)
        return self.plan

    def steps(self) -> list[PlanStep]:
        return sorted((s for s in self.plan.steps if s.removed_at is None), key=lambda s: s.position) \
            if self.plan else []

    def may_change(self, step: PlanStep) -> bool:
        return self.owner or step.responsible_organisation_id == self.staff.organisation_id

    def step(self, step_id: uuid.UUID) -> PlanStep:
        found = next((s for s in self.steps() if s.id == step_id), None)
        if found is None:
            abort(404)
        if not self.may_change(found):
            abort(403)
        return found

    def pending(self) -> versions.Changes | None:
        """What the draft changes from the last agreed version (None: the plan is as agreed)."""
        plan = self.require_plan()
        if plan.status != "draft":
            return None
        return versions.changes(*self.agreed(), plan.goals, versions.snapshot(plan.steps))

    def agreed(self) -> tuple[str, list]:  # type: ignore[type-arg]
        plan = self.require_plan()
        history = access.plan_versions(self.access, plan.id) or []
        return (history[0].goals, history[0].steps) if history else ("", [])

    def render(self, template: str, status: int = 200, **context: object) -> Response:
        return render_page(template, status=status, page=self, client=self.client, plan=self.plan,
                           lc=locale_code(), **context)


@bp.get("")
def index(client_id: uuid.UUID) -> Response:
    page = Page(client_id)
    if not page.may_read:
        return page.render("planning/not_shared.html")
    history = access.plan_versions(page.access, page.plan.id) if page.plan else []
    return page.render("planning/index.html", history=history or [],
                       changes=page.pending() if page.plan else None)


@bp.route("/start", methods=["GET", "POST"])
def start(client_id: uuid.UUID) -> Response:
    page = Page(client_id)
    if not page.owner:
        abort(403)
    if page.plan is not None:
        return redirect(url_for("planning.index", client_id=client_id))
    form = StartPlanForm()
    if form.validate_on_submit():
        editing.start(client_id, page.staff, form.goals.data or "")
        flash(_("The plan was started. Add its steps, then agree it with the client."), "success")
        return redirect(url_for("planning.index", client_id=client_id))
    return page.render("planning/start.html", form=form, status=400 if form.errors else 200)


@bp.route("/goals", methods=["GET", "POST"])
def goals(client_id: uuid.UUID) -> Response:
    page = Page(client_id)
    plan = page.require_plan()
    if not page.owner:
        abort(403)
    form = GoalsForm(data={"goals": plan.goals, "revision": plan.revision})
    conflict = None
    if form.validate_on_submit():
        try:
            editing.set_goals(plan, page.staff, form.goals.data or "", form.revision.data or 0)
        except editing.Conflict:
            conflict = _(CONFLICT)
            renew_revision(form.revision, plan.revision)
        else:
            flash(_("The goals were changed. The client sees the change and agrees to it with the rest."),
                  "success")
            return redirect(url_for("planning.index", client_id=client_id))
    return page.render("planning/goals.html", form=form, conflict=conflict,
                       status=409 if conflict else 400 if form.errors else 200)


def _step_form(page: Page, step: PlanStep | None) -> StepForm:
    lc = locale_code()
    own = page.staff.organisation_id
    if step is None:
        form = StepForm(data={"revision": 0, "responsible": str(own), "service": "none"})
    else:
        form = StepForm(data={"title": step.title, "description": step.description, "due_date": step.due_date,
                              "revision": step.revision, "responsible": str(step.responsible_organisation_id),
                              "service": str(step.service_id or "none")})
    organisations = access.team_organisations(page.access)
    allowed = organisations if page.owner else [o for o in organisations if o.id == own]
    form.responsible.choices = [SelectChoice(str(o.id), o.name(lc)) for o in allowed]
    services = [service for o in allowed for service in o.services if service.active]
    form.service.choices = [SelectChoice("none", _("No service"))] + [
        SelectChoice(str(s.id), _("%(service)s (%(organisation)s)", service=s.name(lc),
                                  organisation=s.organisation.name(lc)))
        for s in services]
    form.allowed_organisations = {o.id for o in allowed}  # type: ignore[attr-defined]
    form.services = {s.id: s for s in services}  # type: ignore[attr-defined]
    return form


def _step_values(form: StepForm) -> dict[str, object] | None:
    """The form's values for the step, or None after telling what is wrong with them."""
    responsible = parse_uuid(form.responsible.data)
    if responsible not in form.allowed_organisations:  # type: ignore[attr-defined]
        form.responsible.errors.append(_("Choose one of the organisations on the list"))
        return None
    service_id = None if form.service.data in (None, "", "none") else parse_uuid(form.service.data)
    service = form.services.get(service_id) if service_id else None  # type: ignore[attr-defined]
    if service_id is not None and (service is None or service.organisation_id != responsible):
        form.service.errors.append(_("Choose a service of the organisation responsible, or no service"))
        return None
    return {"title": form.title.data or "", "description": form.description.data or "",
            "due_date": form.due_date.data, "service_id": service_id, "responsible_organisation_id": responsible}


@bp.route("/steps/new", methods=["GET", "POST"])
def add_step(client_id: uuid.UUID) -> Response:
    page = Page(client_id)
    plan = page.require_plan()
    form = _step_form(page, None)
    if form.validate_on_submit() and (values := _step_values(form)) is not None:
        editing.add_step(plan, page.staff, values["responsible_organisation_id"], values["title"],  # type: ignore[arg-type]
                         values["description"], values["due_date"], values["service_id"])  # type: ignore[arg-type]
        flash(_("The step was added to the draft. The client agrees to it with the rest."), "success")
        return redirect(url_for("planning.index", client_id=client_id))
    return page.render("planning/step.html", form=form, step=None, conflict=None,
                       status=400 if form.errors else 200)


@bp.route("/steps/<uuid:step_id>", methods=["GET", "POST"])
def change_step(client_id: uuid.UUID, step_id: uuid.UUID) -> Response:
    page = Page(client_id)
    plan = page.require_plan()
    step = page.step(step_id)
    form = _step_form(page, step)
    conflict = None
    if form.validate_on_submit() and (values := _step_values(form)) is not None:
        try:
            changed = editing.change_step(plan, step, page.staff, form.revision.data or 0, values)
        except editing.Conflict:
            conflict = _(CONFLICT)
            renew_revision(form.revision, step.revision)
        else:
            if changed:
                flash(_("The step was changed in the draft. The client agrees to it with the rest."), "success")
            return redirect(url_for("planning.index", client_id=client_id))
    return page.render("planning/step.html", form=form, step=step, conflict=conflict,
                       status=409 if conflict else 400 if form.errors else 200)


@bp.route("/steps/<uuid:step_id>/remove", methods=["GET", "POST"])
def remove_step(client_id: uuid.UUID, step_id: uuid.UUID) -> Response:
    page = Page(client_id)
    plan = page.require_plan()
    step = page.step(step_id)
    form = RevisionForm(data={"revision": step.revision})
    conflict = None
    if form.validate_on_submit():
        try:
            editing.remove_step(plan, step, page.staff, form.revision.data or 0)
        except editing.Conflict:
            conflict = _(CONFLICT)
            renew_revision(form.revision, step.revision)
        else:
            flash(_("The step was removed from the draft. It stays in the plan's history."), "success")
            return redirect(url_for("planning.index", client_id=client_id))
    return page.render("planning/remove.html", form=form, step=step, conflict=conflict,
                       status=409 if conflict else 200)


@bp.route("/agree-in-person", methods=["GET", "POST"])
def agree_in_person(client_id: uuid.UUID) -> Response:
    page = Page(client_id)
    plan = page.require_plan()
    if not page.owner or plan.status != "draft":
        abort(403 if not page.owner else 404)
    fingerprint = versions.fingerprint(plan.goals, versions.snapshot(plan.steps))
    form = AgreeInPersonForm(data={"fingerprint": fingerprint})
    changed_meanwhile = False
    if form.validate_on_submit():
        try:
            agreed = editing.agree(plan, plan.steps, page.client, form.fingerprint.data or "", caseworker=page.staff)
        except (editing.ChangedMeanwhile, editing.Conflict):
            changed_meanwhile = True
            form.fingerprint.data, form.fingerprint.raw_data = fingerprint, [fingerprint]
        else:
            flash(_("Version %(version)d of the plan is agreed, in person with you.", version=agreed.version),
                  "success")
            return redirect(url_for("planning.index", client_id=client_id))
    return page.render("planning/agree.html", form=form, changes=page.pending(), changed_meanwhile=changed_meanwhile,
                       status=409 if changed_meanwhile else 400 if form.errors else 200)


@bp.get("/versions/<int:number>")
def version(client_id: uuid.UUID, number: int) -> Response:
    page = Page(client_id)
    plan = page.require_plan()
    history = access.plan_versions(page.access, plan.id) or []
    return _version_page(page, history, number)


def _version_page(page: Page, history: list, number: int) -> Response:  # type: ignore[type-arg]
    """A version as it was agreed, and what changed in it from an earlier one (?from=N; the one before by
    default)."""
    found = next((v for v in history if v.version == number), None)
    if found is None:
        abort(404)
    asked = request.args.get("from", type=int)
    earlier = next((v for v in history if v.version == asked and asked < number), None) if asked else None
    earlier = earlier or next((v for v in history if v.version < number), None)
    changes = versions.changes(earlier.goals if earlier else "", earlier.steps if earlier else [],
                               found.goals, found.steps)
    return page.render("planning/version.html", version=found, earlier=earlier, history=history, changes=changes,
                       link=lambda n: url_for("planning.version", client_id=page.client.id, number=n))
