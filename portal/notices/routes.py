"""Staff read what clients of their organisation's team told it ("I can't do this", "I can't come"), answer
them in words and mark them handled. Every notice is read through portal.access: another organisation's
notice, or one from a client outside the team, is "not found", and every read is in the client's log."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import reads as access
from ..appointments.view import STATUS_WORDS as APPOINTMENT_STATUS_WORDS
from ..common.access import roles
from ..common.database import writes_on_get
from ..common.rendering import render_page
from ..models import Role, User
from ..plan.forms import REASON_LABELS
from . import queries
from .forms import AnswerForm, HandledForm
from .view import template_helpers

bp = Blueprint("notices", __name__, url_prefix="/staff/notices")
bp.before_request(roles(Role.CASEWORKER, Role.MANAGER))


@bp.context_processor
def helpers() -> dict[str, object]:
    return template_helpers()


def _staff() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _page_arg() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and len(page) < 6 else 1


@bp.get("")
def index() -> Response:
    handled = request.args.get("show") == "handled"
    found = access.team_notices(_staff(), handled, _page_arg())
    return render_page("notices/index.html", found=found, handled=handled)


def _open(notice_id: uuid.UUID) -> access.OpenNotice:
    found = access.open_notice(_staff(), notice_id)
    if found is None:
        abort(404)
    return found


def _notice_page(found: access.OpenNotice, form: AnswerForm, problem: str | None = None,
                 status: int = 200) -> Response:
    return render_page("notices/notice.html", notice=found.notice, said=found.said, form=form,
                       handled_form=HandledForm(), reasons=REASON_LABELS, action_error=problem,
                       appointment_status_words=APPOINTMENT_STATUS_WORDS, status=status)


@bp.get("/<uuid:notice_id>")
@writes_on_get  # opening it marks it read
def notice(notice_id: uuid.UUID) -> Response:
    found = _open(notice_id)
    queries.mark_read(found.notice, _staff())
    return _notice_page(found, AnswerForm())


@bp.post("/<uuid:notice_id>/answer")
def answer(notice_id: uuid.UUID) -> Response:
    found = _open(notice_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _notice_page(found, form, status=400)
    if queries.answer(found.notice, _staff(), form.answer.data or ""):
        flash(_("Your answer is saved. The client sees it when they sign in."), "success")  # names nobody: it travels in the cookie
        return redirect(url_for("notices.notice", notice_id=notice_id))
    # Someone else answered first: their answer shows, and this one's words are kept below it.
    return _notice_page(_open(notice_id), form, status=409, problem=_(
        "Someone else answered this notice a moment ago, so your answer was not sent. Their answer and yours "
        "are below."))


@bp.post("/<uuid:notice_id>/handled")
def handled(notice_id: uuid.UUID) -> Response:
    found = _open(notice_id)
    if not HandledForm().validate_on_submit():
        flash(_("Nothing was changed because the page was open for a long time. Try again."), "info")
    elif queries.mark_handled(found.notice, _staff()):
        flash(_("The notice is marked as handled."), "success")
    else:
        flash(_("Someone had already marked this notice as handled, so nothing was changed."), "info")
    return redirect(url_for("notices.notice", notice_id=notice_id))
