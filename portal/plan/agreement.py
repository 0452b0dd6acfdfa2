"""The client agrees to their plan: they read the draft and what it changes, then agree or ask for changes in
their own words; they read any earlier version and what changed; they write their goals in their own words;
they see what others changed since they last looked."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..common.access import client_only
from ..common.database import writes_on_get
from ..common.forms import renew_revision
from ..common.i18n import locale_code
from ..common.rendering import render_page
from ..models import Plan, User
from . import editing, queries, versions
from .forms import AgreeForm, AskForChangesForm, ClientGoalsForm
from .routes import bp


def _client() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _plan() -> Plan:
    plan = queries.current_plan(_client().id)
    if plan is None:
        abort(404)
    return plan


def _pending(plan: Plan) -> tuple[versions.Changes, bool]:
    """What the draft changes from the last agreed version, and whether there is an agreed version at all."""
    last = queries.last_agreed(plan.id)
    content = versions.snapshot(plan.steps)
    return versions.changes(last.goals if last else "", last.steps if last else [], plan.goals, content), \
        last is not None


@bp.route("/agreement", methods=["GET", "POST"])
@client_only
def agreement() -> Response:
    plan = _plan()
    if plan.status != "draft":
        return redirect(url_for("plan.index"))
    changes, earlier = _pending(plan)
    fingerprint = versions.fingerprint(plan.goals, versions.snapshot(plan.steps))
    form, ask = AgreeForm(data={"fingerprint": fingerprint}), AskForChangesForm(formdata=None)
    problem = None
    if form.validate_on_submit():
        try:
            agreed = editing.agree(plan, plan.steps, _client(), form.fingerprint.data or "")
        except (editing.ChangedMeanwhile, editing.Conflict):
            problem = _("Your plan changed while you were reading it. Read the changes again before you agree.")
            form.fingerprint.data, form.fingerprint.raw_data = fingerprint, [fingerprint]
        else:
            queries.mark_plan_seen(_client())
            flash(_("You agreed to version %(version)d of your plan.", version=agreed.version), "success")
            return redirect(url_for("plan.index"))
    return render_page("plan/agreement.html", plan=plan, changes=changes, earlier=earlier, form=form, ask=ask,
                       problem=problem, lc=locale_code(), status=409 if problem else 400 if form.errors else 200)


@bp.post("/agreement/changes")
@client_only
def ask_for_changes() -> Response:
    plan = _plan()
    ask = AskForChangesForm()
    if ask.validate_on_submit():
        editing.ask_for_changes(plan, _client(), ask.message.data or "", queries.owner_organisation_id(_client().id))
        flash(_("Your message was sent to your contact person at employment services. Your plan stays a draft "
                "until you agree to it."), "success")
        return redirect(url_for("plan.index"))
    changes, earlier = _pending(plan)
    form = AgreeForm(data={"fingerprint": versions.fingerprint(plan.goals, versions.snapshot(plan.steps))})
    return render_page("plan/agreement.html", plan=plan, changes=changes, earlier=earlier, form=form, ask=ask,
                       problem=None, lc=locale_code(), status=400)


@bp.route("/goals", methods=["GET", "POST"])
@client_only
def goals() -> Response:
    plan = _plan()
    form = ClientGoalsForm(data={"goals": plan.goals, "revision": plan.revision})
    conflict = None
    if form.validate_on_submit():
        try:
            changed = editing.set_goals(plan, _client(), form.goals.data or "", form.revision.data or 0)
        except editing.Conflict:
            conflict = _("Your goals were changed by someone else while you were writing. Nothing of yours was "
                         "saved yet: read them as they are now and save again.")
            renew_revision(form.revision, plan.revision)
        else:
            if changed:
                flash(_("Your goals were saved. They are part of the next version of your plan."), "success")
            return redirect(url_for("plan.index"))
    return render_page("plan/goals.html", form=form, plan=plan, conflict=conflict,
                       status=409 if conflict else 400 if form.errors else 200)


@bp.get("/versions")
@client_only
def versions_list() -> Response:
    plan = _plan()
    return render_page("plan/versions.html", history=queries.versions(plan.id))


@bp.get("/versions/<int:number>")
@client_only
def version(number: int) -> Response:
    plan = _plan()
    history = queries.versions(plan.id)
    found = next((v for v in history if v.version == number), None)
    if found is None:
        abort(404)
    asked = request.args.get("from", type=int)
    earlier = next((v for v in history if asked and v.version == asked and asked < number), None) or next(
        (v for v in history if v.version < number), None)
    changes = versions.changes(earlier.goals if earlier else "", earlier.steps if earlier else [], found.goals,
                               found.steps)
    return render_page("plan/version.html", version=found, earlier=earlier, history=history, changes=changes,
                       lc=locale_code(), link=lambda n: url_for("plan.version", number=n))


@bp.get("/changes")
@writes_on_get
@client_only
def changes() -> Response:
    """What others changed since the client last looked; looking here counts as having looked."""
    client = _client()
    plan = _plan()
    since = client.plan_seen_at
    found = queries.changes_by_others(plan.id, client.id, since)
    queries.mark_plan_seen(client)
    return render_page("plan/changes.html", events=found, since=since, plan=plan)
