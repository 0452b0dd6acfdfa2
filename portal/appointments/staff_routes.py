"""Staff publish and withdraw slots, see the day, mark attendance and book a client directly."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from ..access import reads as access
from ..common.access import roles
from ..common.i18n import format_date, format_time, locale_code, today_in_helsinki
from ..common.ids import parse_uuid
from ..common.rendering import announce, render_page, wants_fragment
from ..common.security import expired_token_brings_form_back
from ..models import Appointment, AppointmentStatus, PlanStep, Role, User, utcnow
from ..plan.forms import REASON_LABELS
from . import staff_queries
from .forms import ConfirmForm
from .queries import Needs, Refused
from .staff_forms import STEP_NOT_ON_THE_LIST, DirectBookForm, PublishForm
from .staff_queries import NewSlots, NotMarked, NotRestored
from .times import in_calendar, local_day, local_to_utc
from .view import template_helpers

# Booking a client in and linking it to a plan step is planning their services together.
BOOKING_PURPOSE = "plan_services"

bp = Blueprint("staff_appointments", __name__, url_prefix="/staff/appointments")
# a form sent after its token expired: nothing is changed
PAGE_TOO_OLD = _l("Nothing was changed because the page was open for a long time. Try again.")
bp.before_request(roles(Role.CASEWORKER, Role.MANAGER))


@bp.context_processor
def helpers() -> dict[str, object]:
    return template_helpers()


def _staff() -> User:
    user = current_user._get_current_object()
    if not user.is_staff or user.organisation_id is None:
        abort(403)
    return user  # type: ignore[no-any-return]


def _day_arg() -> date | None:
    """The day asked for; today when none (or no date) was given; None when it is outside the calendar."""
    try:
        asked = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return today_in_helsinki()
    return asked if in_calendar(asked) else None


@bp.get("")
def day() -> Response:
    staff = _staff()
    scope = "mine" if request.args.get("scope") == "mine" else "organisation"
    shown = _day_arg()
    if shown is None:
        flash(_("That day is too far in the past or the future to show, so here is today."), "info")
        return redirect(url_for("staff_appointments.day", day=today_in_helsinki().isoformat(), scope=scope))
    return _day_page(staff, shown, scope, just_withdrawn=parse_uuid(request.args.get("withdrawn")))


def _scope() -> str:
    return "mine" if request.args.get("scope") == "mine" else "organisation"


def _day_page(staff: User, shown: date, scope: str, day_error: str | None = None,
              just_withdrawn: uuid.UUID | None = None) -> Response:
    """The day view; to htmx, only its list of times (the forms in it swap the list in place)."""
    rows = access.day_view(staff, shown, only_own=scope == "mine", just_withdrawn=just_withdrawn)
    return render_page(
        "staff_appointments/day.html", block="day_list", rows=rows, day=shown, scope=scope, now=utcnow(),
        previous_day=(shown - timedelta(days=1)).isoformat(), next_day=(shown + timedelta(days=1)).isoformat(),
        action_form=ConfirmForm(), day_caption=format_date(shown), reasons=REASON_LABELS, day_error=day_error,
    )


def _back_to_day(staff: User, instant: datetime, message: str, category: str, anchor: str | None = None,
                 just_withdrawn: uuid.UUID | None = None) -> Response:
    """After a change on the day view: the list again with the message read out (htmx), or a redirect. The row
    acted on stays where it was (a withdrawn time too, with its undo), and focus with it."""
    if wants_fragment():
        if category == "error":  # shown on screen in the swapped list (and read out: it is an alert)
            return _day_page(staff, local_day(instant), _scope(), day_error=message, just_withdrawn=just_withdrawn)
        return announce(_day_page(staff, local_day(instant), _scope(), just_withdrawn=just_withdrawn), message)
    flash(message, category)
    return redirect(url_for("staff_appointments.day", day=_local_day(instant), scope=_scope(),
                            withdrawn=just_withdrawn, _anchor=anchor))


def _spec(form: PublishForm) -> NewSlots:
    service = form.service.data if form.service.data != "none" else None
    return NewSlots(
        first=form.first_day.data, last=form.last_day.data or form.first_day.data,
        weekdays=[int(d) for d in form.weekdays.data or []], start=form.start_time.time,  # type: ignore[attr-defined]
        end=form.end_time.time, length=int(form.length.data or 45), mode=form.mode.data or "in_person",  # type: ignore[attr-defined]
        location=form.texts("location"), topic=form.texts("topic"),
        service_id=uuid.UUID(service) if service else None, capacity=form.capacity.data or 1,
        internal=form.who.data == "internal",
    )


@bp.route("/slots/new", methods=["GET", "POST"])
@expired_token_brings_form_back
def publish() -> Response:
    staff = _staff()
    form = PublishForm()
    lc = locale_code()
    form.service.choices = [("none", _("No particular service"))] + [
        (str(s.id), s.name(lc)) for s in staff_queries.services_of(staff.organisation_id)
    ]
    if form.validate_on_submit():
        spec = _spec(form)
        if spec.weekdays and staff_queries.count_planned(spec) > staff_queries.MAX_SLOTS_PER_PUBLISH:
            form.weekdays.errors = [_("That would be more than %(max)d times. Publish a shorter period.",
                                      max=staff_queries.MAX_SLOTS_PER_PUBLISH)]
        else:
            done = staff_queries.publish(staff, spec)
            if done.created == 0 and done.existed == 0:
                form.start_time.errors = [_("No times fit between these times on these days. Check the times "
                                            "and the weekdays.")]
            else:
                flash(_published_message(done), "success")
                return redirect(url_for("staff_appointments.day", day=spec.first.isoformat()))
    return render_page("staff_appointments/publish.html", form=form, status=400 if form.errors else 200)


def _published_message(done: staff_queries.Published) -> str:
    """How many were made and how many were there already: each part a whole sentence."""
    if done.created:
        message = ngettext("%(num)d time published.", "%(num)d times published.", done.created)
    else:
        message = _("No new times were published.")
    if done.existed:
        message += " " + ngettext(
            "You already had %(num)d of these times, so it was not published again.",
            "You already had %(num)d of these times, so they were not published again.", done.existed)
    if done.skipped:
        message += " " + ngettext(
            "%(num)d time was left out because the clocks go forward then.",
            "%(num)d times were left out because the clocks go forward then.", done.skipped)
    return message


@bp.post("/slots/<uuid:slot_id>/withdraw")
@expired_token_brings_form_back
def withdraw(slot_id: uuid.UUID) -> Response:
    staff = _staff()
    slot = staff_queries.own_slot(slot_id, staff.organisation_id)
    if slot is None:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        message, category = str(PAGE_TOO_OLD), "error"
    elif staff_queries.withdraw(slot):
        message = _("The time %(time)s was withdrawn. Clients can no longer book it. You can publish it again.",
                    time=format_time(slot.starts_at))
        return _back_to_day(staff, slot.starts_at, message, "success", anchor=f"slot-{slot.id}",
                            just_withdrawn=slot.id)
    else:
        message, category = (_("This time has a booking, so it was not withdrawn. Cancel the booking with the "
                               "client first."), "error")
    return _back_to_day(staff, slot.starts_at, message, category, anchor=f"slot-{slot.id}")


@bp.post("/slots/<uuid:slot_id>/publish-again")
def restore(slot_id: uuid.UUID) -> Response:
    """Undo a withdrawal: the time is offered again, if it has not started and nothing took its place."""
    staff = _staff()
    slot = staff_queries.own_slot(slot_id, staff.organisation_id)
    if slot is None:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        message, category = str(PAGE_TOO_OLD), "error"
    elif (refusal := staff_queries.restore(slot, utcnow())) is None:
        message, category = _("The time %(time)s is published again. Clients can book it.",
                              time=format_time(slot.starts_at)), "success"
    else:
        message, category = {
            NotRestored.PUBLISHED: _("This time is already published."),
            NotRestored.STARTED: _("This time has already started, so it cannot be published again."),
            NotRestored.CLASH: _("You have already published another time that starts then, so this one was not "
                                 "published again."),
        }[refusal], "error"
    return _back_to_day(staff, slot.starts_at, message, category, anchor=f"slot-{slot.id}", just_withdrawn=slot.id)


def _local_day(instant: datetime) -> str:
    return local_day(instant).isoformat()


def _mark(appointment_id: uuid.UUID, to: AppointmentStatus, message: str) -> Response:
    staff = _staff()
    appointment = staff_queries.own_appointment(appointment_id, staff.organisation_id)
    if appointment is None:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        message, category = str(PAGE_TOO_OLD), "error"
    elif (refusal := staff_queries.mark(appointment, staff, to, utcnow())) is None:
        category = "success"
    else:
        message, category = {
            NotMarked.NOT_STARTED: _("Attendance can be marked once the appointment has started."),
            NotMarked.ALREADY: _("The appointment was already marked like this."),
            NotMarked.CHANGED: _("That appointment was already cancelled or moved, so nothing was changed."),
        }[refusal], "error"
    return _back_to_day(staff, appointment.slot.starts_at, message, category, anchor=f"slot-{appointment.slot_id}")


@bp.post("/<uuid:appointment_id>/attended")
@expired_token_brings_form_back
def mark_attended(appointment_id: uuid.UUID) -> Response:
    return _mark(appointment_id, AppointmentStatus.ATTENDED, _("Marked as attended."))


@bp.post("/<uuid:appointment_id>/no-show")
@expired_token_brings_form_back
def mark_no_show(appointment_id: uuid.UUID) -> Response:
    return _mark(appointment_id, AppointmentStatus.NO_SHOW, _("Marked as did not attend."))


def _step_label(step: PlanStep) -> str:
    if step.status == "cant_do":
        return _("%(title)s (the client can't do it)", title=step.title)
    return _("%(title)s (to do)", title=step.title)


def _booked(appointment: Appointment) -> Response:
    # the message travels in the session cookie, which can be read: it names nobody
    flash(_("The appointment was booked. The client will get a confirmation and reminders."), "success")
    return redirect(url_for("staff_appointments.day", day=_local_day(appointment.slot.starts_at)))


@bp.route("/book", methods=["GET", "POST"])
@expired_token_brings_form_back
def book_for_client() -> Response:
    """No personal data in the address: a link may name the client by their id (?client=<uuid>), never by
    e-mail. Once the client is known, their open plan steps are offered to link the appointment to."""
    staff = _staff()
    form = DirectBookForm()
    if not form.is_submitted():
        form.idempotency_key.data = str(uuid.uuid4())
        named = access.open_client(staff, parse_uuid(request.args.get("client")), BOOKING_PURPOSE)
        if named is not None:
            form.client_email.data = named.client.email
    elif (done := staff_queries.booked_with_key(form.key(), staff.id)) is not None:
        return _booked(done)  # sent twice: the same result, nothing booked twice
    # Only a client of this organisation's team is found; anyone else is "no client", and their log shows it.
    found = (access.find_client_by_email(staff, form.client_email.data, BOOKING_PURPOSE)
             if form.client_email.data else None)
    client = found.client if found is not None else None
    steps = (access.open_plan_steps(found) or []) if found is not None else []
    form.plan_step.choices = [("none", _("No plan step"))] + [(str(s.id), _step_label(s)) for s in steps]
    if form.is_submitted() and "show_steps" in request.form:  # "Show the client's plan steps": books nothing
        # the address is checked like on sending (control characters are said next to the field)
        if form.client_email.validate(form) and client is None:
            form.client_email.errors = [_("No client has this email address. Check the address.")]
        form.plan_step.data = form.plan_step.data or "none"
        return _book_page(form, client, steps)
    if form.validate_on_submit():
        starts = local_to_utc(form.day.data, form.start_time.time)  # type: ignore[attr-defined]
        step = None
        if found is not None and form.step_id() is not None:
            step = access.open_plan_step(found, form.step_id())  # type: ignore[arg-type]
        if client is None:
            form.client_email.errors = [_("No client has this email address. Check the address.")]
        elif form.step_id() is not None and step is None:
            form.plan_step.errors = [STEP_NOT_ON_THE_LIST]
        elif starts is None:
            form.start_time.errors = [_("This time does not exist that night because the clocks go forward. "
                                        "Choose another time.")]
        elif starts <= utcnow():
            form.start_time.errors = [_("The time must be in the future")]
        else:
            needs = Needs(form.interpreter_language.data or None, form.other_needs.data or None)
            try:
                appointment = staff_queries.book_for_client(
                    staff, client, starts, int(form.length.data or 45), form.mode.data or "in_person",
                    form.texts("location"), form.texts("topic"), needs, form.key() or uuid.uuid4(), step,
                )
            except Refused:
                # which appointment is in the way is not said: it may be with another organisation
                form.start_time.errors = [_("The client already has another appointment at that time. Choose "
                                            "another time.")]
                return _book_page(form, client, steps)
            if appointment is not None:
                return _booked(appointment)
            form.idempotency_key.data = str(uuid.uuid4())
            form.client_email.errors = [_("The appointment could not be booked. Check the details and book "
                                          "again.")]
    return _book_page(form, client, steps)


def _book_page(form: DirectBookForm, client: User | None, steps: list[PlanStep]) -> Response:
    return render_page("staff_appointments/book.html", form=form, client=client, steps=steps,
                       status=400 if form.errors else 200)
