"""Staff and a client of their organisation's team: finding them, what the client shares with the organisation,
asking for consent, and (a manager of the client's employment services) who is in the team.

Everything about the client is read through portal.access: a client outside the team is "not found", whoever
asks, and every read or refusal is in the client's "who viewed my data"."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..access import reads as access
from ..appointments.view import STATUS_WORDS as APPOINTMENT_STATUS_WORDS
from ..common.access import roles
from ..common.i18n import locale_code
from ..common.ids import parse_uuid
from ..common.rendering import render_page
from ..models import Role, User
from . import queries
from .forms import STATES, AddMemberForm, ConsentRequestForm, EndMemberForm, FindClientForm

bp = Blueprint("clients", __name__, url_prefix="/staff/clients")
bp.before_request(roles(Role.CASEWORKER, Role.MANAGER))

# Staff open a client's page to plan their services together with them.
PURPOSE = "plan_services"


def _staff() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _client(client_id: uuid.UUID) -> access.ClientAccess:
    found = access.open_client(_staff(), client_id, PURPOSE)
    if found is None:
        abort(404)
    return found


def _manages_team(found: access.ClientAccess) -> bool:
    """A manager of the client's employment services (the plan's controller) adds organisations to the team
    and ends them."""
    return found.staff.role == Role.MANAGER and found.decisions["plan"].basis == "controller"


@bp.get("")
def index() -> Response:
    """My clients: those needing the organisation's attention first; search by name, filter by state, pages."""
    form = FindClientForm(request.args)
    form.validate()
    name = "" if form.errors else (form.name.data or "")
    state = form.state.data if form.state.data in STATES else None
    caseload = access.caseload(_staff(), name, state, request.args.get("page", 1, type=int) or 1)

    def page_link(number: int) -> str:
        return url_for("clients.index", name=name or None, state=state, page=number)

    return render_page("clients/index.html", form=form, caseload=caseload, name=name, state=state,
                       page_link=page_link)


@bp.get("/<uuid:client_id>")
def client(client_id: uuid.UUID) -> Response:
    found = _client(client_id)
    return render_page("clients/client.html", client=found.client, sections=access.overview(found),
                       team=queries.team(found.client.id), manages_team=_manages_team(found), lc=locale_code(),
                       appointment_status_words=APPOINTMENT_STATUS_WORDS)


@bp.route("/<uuid:client_id>/consent-request", methods=["GET", "POST"])
def ask_for_consent(client_id: uuid.UUID) -> Response:
    found = _client(client_id)
    lc = locale_code()
    unshared = [c for c in access.categories() if not found.may_read(c.code)]
    form = ConsentRequestForm()
    form.category.choices = [SelectChoice(str(c.id), c.name(lc)) for c in unshared]
    form.purpose.choices = [SelectChoice(str(p.id), p.name(lc)) for p in queries.purposes()]
    if form.validate_on_submit():
        category = next((c for c in unshared if str(c.id) == form.category.data), None)
        purpose = queries.purpose(parse_uuid(form.purpose.data))
        if category is None:
            form.category.errors.append(_("Choose one of the kinds of information on the list"))
        elif purpose is None:
            form.purpose.errors.append(_("Choose one of the reasons on the list"))
        else:
            queries.ask_for_consent(found.client.id, found.staff, category, purpose, form.message.data or "")
            flash(_("Your request was sent. The client sees it when they next sign in."), "success")
            return redirect(url_for("clients.client", client_id=client_id))
    return render_page("clients/consent_request.html", form=form, client=found.client, nothing_to_ask=not unshared,
                       status=400 if form.errors else 200)


@bp.route("/<uuid:client_id>/team/new", methods=["GET", "POST"])
def add_member(client_id: uuid.UUID) -> Response:
    found = _client(client_id)
    if not _manages_team(found):
        abort(403)
    lc = locale_code()
    outside = queries.organisations_outside(client_id)
    form = AddMemberForm()
    form.organisation.choices = [SelectChoice(str(o.id), o.name(lc)) for o in outside]
    chosen = next((o for o in outside if str(o.id) == form.organisation.data), None)
    if form.validate_on_submit():
        if chosen is None:
            form.organisation.errors.append(_("Choose the organisation"))
        else:
            # the organisation names its own contact person; the client meanwhile sees how to reach it
            role = form.role.data or ""
            queries.add_member(client_id, chosen.id, None, (role, role, role), form.reason.data or "",
                               found.staff)
            flash(_("%(organisation)s now works with the client.", organisation=chosen.name(lc)), "success")
            return redirect(url_for("clients.client", client_id=client_id))
    return render_page("clients/add_member.html", form=form, client=found.client, status=400 if form.errors else 200)


@bp.route("/<uuid:client_id>/team/<uuid:membership_id>/end", methods=["GET", "POST"])
def end_member(client_id: uuid.UUID, membership_id: uuid.UUID) -> Response:
    found = _client(client_id)
    if not _manages_team(found):
        abort(403)
    member = queries.membership(membership_id, client_id)
    if member is None:
        abort(404)
    form = EndMemberForm()
    if form.validate_on_submit():
        queries.end_member(member, form.reason.data or "", found.staff)
        flash(_("%(organisation)s no longer works with the client. It cannot see the client's information any "
                "more.", organisation=member.organisation.name(locale_code())), "success")
        return redirect(url_for("clients.client", client_id=client_id))
    return render_page("clients/end_member.html", form=form, client=found.client, member=member,
                       status=400 if form.errors else 200)
