"""Sharing my data: what each organisation of the client's team can see and why; give, withdraw and decline.

Every change is a real form POST that ends on its receipt. With htmx, withdrawing swaps only the organisation's
section, says what happened beside the row and in the live region, and keeps focus in the row.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..common.access import client_only, roles
from ..common.i18n import locale_code, today_in_helsinki
from ..common.rendering import announce, render_page, wants_fragment
from ..common.security import expired_token_brings_form_back
from ..models import ConsentEvent, Role, User, utcnow
from . import changes, queries, view
from .changes import Shown
from .forms import ConsentActionForm, GiveConsentForm
from .notice import NOTICE_VERSION, Notice, expires_at, notice

bp = Blueprint("sharing", __name__, url_prefix="/sharing")
bp.before_request(roles(Role.CLIENT))

# a form sent after its token expired: nothing is changed
PAGE_TOO_OLD = _l("Nothing was changed because the page was open for a long time. Try again.")


@bp.context_processor
def helpers() -> dict[str, object]:
    return {"status_of": view.status_of}


def _client() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _page(error: str | None = None, status: int = 200) -> Response:
    now = utcnow()
    return render_page("sharing/index.html", status=status, now=now, action_error=error,
                       sections=view.build(queries.sharing_facts(_client().id), now),
                       requests=queries.requests(_client().id), form=ConsentActionForm())


@bp.get("")
@client_only
def index() -> Response:
    return _page()


def _section(organisation_id: uuid.UUID, changed: ConsentEvent | None = None, error: str | None = None
             ) -> Response | None:
    """For htmx: the organisation's section as it is now (None if it is no longer in the client's team)."""
    now = utcnow()
    section = next((s for s in view.build(queries.sharing_facts(_client().id), now)
                    if s.organisation.id == organisation_id), None)
    if section is None:
        return None
    return render_page("sharing/index.html", block="organisation_section", section=section, now=now,
                       changed=changed, section_error=error)


@bp.route("/give/<uuid:organisation_id>/<uuid:category_id>/<uuid:purpose_id>", methods=["GET", "POST"])
@expired_token_brings_form_back
@client_only
def give(organisation_id: uuid.UUID, category_id: uuid.UUID, purpose_id: uuid.UUID) -> Response:
    """The notice, then the one binding press: giving consent, or approving a staff member's request."""
    client, now, today, lc = _client(), utcnow(), today_in_helsinki(), locale_code()
    target = queries.give_target(client.id, organisation_id, category_id, purpose_id)
    if target is None:
        abort(404)
    shown_notice = notice(target.organisation, target.category, target.purpose,
                          [org.name(lc) for org in target.controllers], lc)
    form = GiveConsentForm(today)
    if target.consent is not None and target.consent.in_force(now):
        flash(_("%(organisation)s can already see this information: %(category)s.",
                organisation=target.organisation.name(lc), category=target.category.name(lc)), "info")
        return redirect(url_for("sharing.index", _anchor=f"share-{organisation_id}-{category_id}"))
    if form.validate_on_submit():
        text = shown_notice.text(dict(form.duration.choices)[form.duration.data])  # type: ignore[arg-type]
        shown = Shown(NOTICE_VERSION, text, Notice.digest(text), lc)
        event = changes.give(client, organisation_id, target.category, target.purpose, shown,
                             expires_at(form.duration.data or "", today), now)
        if event is None:
            return redirect(url_for("sharing.index", _anchor=f"share-{organisation_id}-{category_id}"))
        return redirect(url_for("receipts.receipt", event_id=event.id))
    return render_page("sharing/give.html", status=400 if form.errors else 200, target=target, form=form,
                       notice=shown_notice)


def _answer(consent_id: uuid.UUID, change: str) -> Response:
    client, now = _client(), utcnow()
    consent = queries.own_consent(consent_id, client.id, for_update=True)
    if consent is None:
        abort(404)
    organisation_id, row_anchor = consent.organisation_id, f"share-{consent.organisation_id}-{consent.category_id}"
    form = ConsentActionForm()
    if not form.validate_on_submit():
        error = str(PAGE_TOO_OLD)
        fragment = _section(organisation_id, error=error) if wants_fragment() else None
        return fragment if fragment is not None else _page(error=error, status=400)
    if change == "withdraw":
        event = changes.withdraw(consent, client, locale_code(), now)
    else:
        event = changes.decline(consent, client, locale_code(), now)
    if wants_fragment() and change == "withdraw":
        fragment = _section(organisation_id, changed=event)
        if fragment is not None:
            lc = locale_code()
            return announce(fragment, _(
                "You withdrew your consent. %(organisation)s can no longer see this information: %(category)s.",
                organisation=consent.organisation.name(lc), category=consent.category.name(lc))
                if event else _("This consent was already withdrawn."))
    if event is None:
        flash(_("Nothing was changed: this was done already."), "info")
        target = url_for("sharing.index", _anchor=row_anchor)
    else:
        target = url_for("receipts.receipt", event_id=event.id)
    if wants_fragment():  # the organisation left the client's team meanwhile: a whole page, not a swap
        return Response(status=204, headers={"HX-Redirect": target})
    return redirect(target)


@bp.post("/consents/<uuid:consent_id>/withdraw")
@expired_token_brings_form_back
@client_only
def withdraw(consent_id: uuid.UUID) -> Response:
    return _answer(consent_id, "withdraw")


@bp.post("/consents/<uuid:consent_id>/decline")
@expired_token_brings_form_back
@client_only
def decline(consent_id: uuid.UUID) -> Response:
    return _answer(consent_id, "decline")
