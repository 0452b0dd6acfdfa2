"""The client books, moves and cancels appointments: question pages that work without JavaScript."""

from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..common.access import client_only, roles
from ..common.i18n import format_date, locale_code
from ..common.rendering import render_page
from ..common.security import expired_token_brings_form_back
from ..models import Appointment, AppointmentStatus, Role, Slot, User, utcnow
from ..notices import client_reads as notice_reads
from . import client_limits, client_reads, ics, queries
from .client_limits import Conflict
from .forms import ChooseForm, ConfirmForm, DayForm, NeedsForm, TimeForm
from .journey import Journey
from .queries import AlreadyChanged, Needs, Refusal, Refused
from .view import (
    STATUS_WORDS,
    day_label,
    day_of,
    split,
    template_helpers,
    time_choices,
    times_by_day,
)

bp = Blueprint("appointments", __name__, url_prefix="/appointments")
bp.before_request(roles(Role.CLIENT))


@bp.context_processor
def helpers() -> dict[str, object]:
    return template_helpers()


def _client() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _own(appointment_id: uuid.UUID) -> Appointment:
    found = client_reads.client_appointment(appointment_id, _client().id)
    if found is None:
        abort(404)
    return found


def _status(form: object) -> int:
    return 400 if getattr(form, "errors", None) else 200


@bp.get("")
@client_only
def index() -> Response:
    now = utcnow()
    upcoming, past = split(client_reads.client_appointments(_client().id), now)
    return render_page("appointments/index.html", upcoming=upcoming, past=past, now=now)


@bp.get("/<uuid:appointment_id>")
@client_only
def detail(appointment_id: uuid.UUID) -> Response:
    appointment = _own(appointment_id)
    return render_page("appointments/detail.html", appointment=appointment, now=utcnow(),
                       history=client_reads.history(appointment.id), status_words=STATUS_WORDS,
                       told=notice_reads.for_appointment(appointment.id, _client().id))


def _already_changed(appointment_id: uuid.UUID) -> Response:
    """Another tab or window cancelled or moved this appointment first: say so, change nothing."""
    flash(_("That appointment was already cancelled or moved, so nothing was changed."), "info")
    Journey.clear()
    return redirect(url_for("appointments.detail", appointment_id=appointment_id))


@bp.get("/<uuid:appointment_id>/confirmation")
@client_only
def confirmation(appointment_id: uuid.UUID) -> Response:
    return render_page("appointments/confirmation.html", appointment=_own(appointment_id))


@bp.get("/<uuid:appointment_id>/calendar.ics")
@client_only
def calendar(appointment_id: uuid.UUID) -> Response:
    appointment = _own(appointment_id)
    response = Response(ics.for_appointment(appointment, locale_code()), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="appointment-{appointment.id}.ics"'
    return response


# --- Booking: what → day → time → needs → check answers → confirmation ---------------------------------

def _moving(journey: Journey) -> bool:
    """The page was reached from a move (its links carry ?move=<the appointment being moved>)."""
    return bool(journey.replaces) and request.args.get("move") == journey.replaces


def _book_url(journey: Journey) -> str:
    """The first question page; during a move it goes on moving the same appointment."""
    return url_for("appointments.book", move=journey.replaces or None)


@bp.route("/book", methods=["GET", "POST"])
@expired_token_brings_form_back
@client_only
def book() -> Response:
    journey = Journey.load()
    if journey.replaces and not _moving(journey):
        journey = Journey()  # "Book an appointment" starts a new booking, even after a move was left half-way
    form = ChooseForm(data={"what": journey.choice or None})
    lc = locale_code()
    options = queries.choices(utcnow(), lc)
    form.what.choices = [
        (c.key, _("%(service)s, %(organisation)s", service=c.service.name(lc), organisation=c.organisation.name(lc))
         if c.service else c.organisation.name(lc)) for c in options
    ]
    if form.validate_on_submit():
        if form.what.data != journey.choice:
            if journey.replaces:  # a move stays a move, with the support asked for: only the time is asked again
                journey = Journey(key=journey.key, replaces=journey.replaces, interpreter=journey.interpreter,
                                  language=journey.language, other_needs=journey.other_needs,
                                  needs_answered=journey.needs_answered)
            else:
                journey = Journey(key=journey.key)
            journey.choice = form.what.data or ""
        journey.save()
        return redirect(url_for("appointments.choose_day"))
    return render_page("appointments/choose.html", form=form, journey=journey, status=_status(form))


def _choice_or_restart(journey: Journey) -> tuple[uuid.UUID, uuid.UUID | None] | None:
    return queries.parse_choice(journey.choice)


@bp.route("/book/day", methods=["GET", "POST"])
@expired_token_brings_form_back
@client_only
def choose_day() -> Response:
    journey = Journey.load()
    choice = _choice_or_restart(journey)
    names = queries.chosen(choice) if choice is not None else None
    if choice is None or names is None:
        return redirect(_book_url(journey))
    form = DayForm(data={"day": journey.day or None})
    days = queries.free_days(*choice, utcnow())
    form.day.choices = [(day.isoformat(), day_label(day, free)) for day, free in days]
    if form.validate_on_submit():
        journey.day = form.day.data or ""
        journey.save()
        return redirect(url_for("appointments.choose_time"))
    organisation, service = names
    return render_page("appointments/day.html", form=form, journey=journey, organisation=organisation,
                       service=service, status=_status(form))


def _slot_choices(journey: Journey, choice: tuple[uuid.UUID, uuid.UUID | None]) -> list[Slot]:
    try:
        day = date.fromisoformat(journey.day)
    except ValueError:
        return []
    return queries.free_slots(*choice, utcnow(), day=day)


@bp.route("/book/time", methods=["GET", "POST"])
@expired_token_brings_form_back
@client_only
def choose_time() -> Response:
    journey = Journey.load()
    choice = _choice_or_restart(journey)
    names = queries.chosen(choice) if choice is not None else None
    if choice is None or names is None:
        return redirect(_book_url(journey))
    form = TimeForm(data={"slot": journey.slot or None})
    days = times_by_day(_slot_choices(journey, choice))
    form.slot.choices = time_choices(days)
    if form.is_submitted() and form.slot.data not in {value for value, _label in form.slot.choices}:
        # chosen on the "just taken" or cancelled page, perhaps on another day: any free time of the same
        # choice will do
        free = {str(s.id): s for s in queries.free_slots(*choice, utcnow())}
        if form.slot.data in free:
            form.slot.choices.append((form.slot.data, ""))
            journey.day = day_of(free[form.slot.data]).isoformat()
    if form.validate_on_submit():
        journey.slot = form.slot.data or ""
        journey.save()
        ahead = "appointments.check" if journey.needs_answered else "appointments.needs"
        return redirect(url_for(ahead))
    if not journey.day:
        return redirect(url_for("appointments.choose_day"))
    day = format_date(date.fromisoformat(journey.day)) if _is_day(journey.day) else ""
    organisation, service = names
    return render_page("appointments/time.html", form=form, journey=journey, days=days, day=day,
                       organisation=organisation, service=service, status=_status(form))


def _is_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@bp.route("/book/needs", methods=["GET", "POST"])
@expired_token_brings_form_back
@client_only
def needs() -> Response:
    journey = Journey.load()
    if journey.slot_id() is None:
        return redirect(url_for("appointments.choose_time"))
    form = NeedsForm(data={"interpreter": journey.interpreter or None, "language": journey.language,
                           "other_needs": journey.other_needs})
    if form.validate_on_submit():
        journey.interpreter = form.interpreter.data or "no"
        journey.language = form.language.data if journey.interpreter == "yes" else ""
        journey.other_needs = form.other_needs.data or ""
        journey.needs_answered = True
        journey.save()
        return redirect(url_for("appointments.check"))
    return render_page("appointments/needs.html", form=form, journey=journey, status=_status(form))


def _unavailable(slot: Slot | None, refusal: Refusal, journey: Journey) -> Response:
    alternatives = times_by_day(queries.nearest_free(slot, utcnow()) if slot is not None and not slot.internal
                                else [])
    form = TimeForm()
    form.slot.choices = time_choices(alternatives)
    status = 409 if refusal == Refusal.TAKEN else 400
    return render_page("appointments/unavailable.html", refusal=refusal.value, slot=slot, form=form,
                       alternatives=alternatives, journey=journey, status=status)


def _in_the_way(slot: Slot, found: Conflict, journey: Journey) -> Response:
    """One of the client's own appointments is in the way: which one, and what to do instead (409)."""
    alternatives = times_by_day(queries.nearest_free(slot, utcnow()) if found.kind == "clash" else [])
    form = TimeForm()
    form.slot.choices = time_choices(alternatives)
    return render_page("appointments/unavailable.html", refusal=found.kind, slot=slot, form=form,
                       alternatives=alternatives, journey=journey, clash=found.appointment, count=found.count,
                       status=409)


@bp.route("/book/check", methods=["GET", "POST"])
@expired_token_brings_form_back
@client_only
def check() -> Response:
    client = _client()
    form = ConfirmForm()
    if form.is_submitted():
        key = form.key()
        done = queries.appointment_by_key(key, client.id) if key else None
        if done is not None:  # sent twice: the same confirmation, nothing booked twice
            return redirect(url_for("appointments.confirmation", appointment_id=done.id))
    journey = Journey.load()
    slot_id = journey.slot_id()
    if slot_id is None or not journey.needs_answered:
        return redirect(_book_url(journey))
    replaces = client_reads.client_appointment(journey.replaces_id(), client.id) if journey.replaces else None
    slot, refusal = queries.slot_for_client(slot_id, utcnow())
    in_the_way = (client_limits.conflict(slot, client, utcnow(), replaces)
                  if slot is not None and refusal is None else None)  # said sooner; queries.book makes sure
    if form.validate_on_submit():
        if form.key() is None or form.slot_id.data != str(slot_id):
            flash(_("Your answers changed in another window. Check them again before you book."), "info")
            return redirect(url_for("appointments.check"))
        if refusal is not None:
            return _unavailable(slot, refusal, journey)
        assert slot is not None
        if in_the_way is not None:
            return _in_the_way(slot, in_the_way, journey)
        if journey.replaces and replaces is None:
            abort(404)  # not this client's appointment: the move is not turned into a new booking
        if replaces is not None and replaces.status != AppointmentStatus.BOOKED:
            return _already_changed(replaces.id)  # the kinder message sooner; the guard is in queries.book
        if replaces is not None and replaces.slot.ends_at <= utcnow():
            # over while the client was choosing: it stays as it was, for staff to mark attended or not
            flash(_("This appointment can no longer be changed."), "info")
            Journey.clear()
            return redirect(url_for("appointments.detail", appointment_id=replaces.id))
        needs_ = Needs(journey.language if journey.interpreter == "yes" else None, journey.other_needs)
        try:
            booked = queries.book(slot, client, client, form.key(), needs_, replaces=replaces)
        except AlreadyChanged:
            assert replaces is not None
            return _already_changed(replaces.id)
        except Refused as refused:  # booked in another window a moment before
            return _in_the_way(slot, refused.conflict, journey)
        if booked is None:
            return _unavailable(slot, Refusal.TAKEN, journey)
        Journey.clear()
        return redirect(url_for("appointments.confirmation", appointment_id=booked.id))
    if refusal is not None and not form.errors:
        return _unavailable(slot, refusal, journey)
    if in_the_way is not None and slot is not None and not form.errors:
        return _in_the_way(slot, in_the_way, journey)
    form.idempotency_key.data, form.slot_id.data = journey.key, str(slot_id)
    return render_page("appointments/check.html", form=form, slot=slot, journey=journey, replaces=replaces,
                       status=_status(form))


# The routes that move and cancel a booked appointment are on the same blueprint, in client_changes.py.
from . import client_changes  # noqa: E402,F401
