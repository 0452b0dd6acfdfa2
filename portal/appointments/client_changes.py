"""The client moves or cancels a booked appointment, says they can't come, or asks for an interpreter at it
instead: routes of the appointments blueprint (client_routes.py), kept apart from the booking questions."""

from __future__ import annotations

import uuid

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _

from ..common.access import client_only
from ..common.database import writes_on_get
from ..common.rendering import render_page
from ..common.security import expired_token_brings_form_back
from ..models import Appointment, AppointmentStatus, CantDoReason, utcnow
from . import queries
from .client_routes import _already_changed, _client, _own, _status, bp
from .forms import CancelAppointmentForm, CantComeForm, InterpreterForm, TimeForm
from .journey import Journey
from .view import time_choices, times_by_day


def _booked(appointment_id: uuid.UUID) -> Appointment | Response:
    appointment = _own(appointment_id)
    gone = (AppointmentStatus.CANCELLED, AppointmentStatus.RESCHEDULED)
    if request.method == "POST" and appointment.status in gone:
        return _already_changed(appointment.id)  # from a tab opened before it was cancelled or moved
    if appointment.status != AppointmentStatus.BOOKED or appointment.slot.ends_at <= utcnow():
        flash(_("This appointment can no longer be changed."), "info")
        return redirect(url_for("appointments.detail", appointment_id=appointment.id))
    return appointment


@bp.get("/<uuid:appointment_id>/reschedule")
@writes_on_get
@client_only
def reschedule(appointment_id: uuid.UUID) -> Response:
    appointment = _booked(appointment_id)
    if isinstance(appointment, Response):
        return appointment
    slot = appointment.slot
    journey = Journey(choice=f"{slot.organisation_id}:{slot.service_id or ''}", replaces=str(appointment.id),
                      interpreter="yes" if appointment.interpreter_language else "no",
                      language=appointment.interpreter_language or "", other_needs=appointment.other_needs or "",
                      needs_answered=True)
    journey.save()
    return redirect(url_for("appointments.choose_day"))


def _cancel(appointment_id: uuid.UUID, cant_come: bool) -> Response:
    appointment = _booked(appointment_id)
    if isinstance(appointment, Response):
        return appointment
    form: CantComeForm | CancelAppointmentForm = CantComeForm() if cant_come else CancelAppointmentForm()
    if form.validate_on_submit():
        reason = form.reason.data or "other"
        if reason == CantDoReason.INTERPRETER and form.anyway.data != "yes":
            # the appointment can stay: offer an interpreter at it first
            offer = InterpreterForm(formdata=None, data={"language": appointment.interpreter_language or "",
                                                         "detail": form.detail.data or "",
                                                         "cant_come": "yes" if cant_come else ""})
            return _interpreter_offer(appointment, offer)
        if not queries.cancel(appointment, _client(), reason, form.detail.data, cant_come):
            return _already_changed(appointment.id)  # cancelled or moved in another tab a moment before
        return redirect(url_for("appointments.cancelled", appointment_id=appointment.id))
    return render_page("appointments/cancel.html", form=form, appointment=appointment, cant_come=cant_come,
                       status=_status(form))


def _interpreter_offer(appointment: Appointment, form: InterpreterForm) -> Response:
    return render_page("appointments/interpreter.html", form=form, appointment=appointment,
                       cant_come=form.cant_come.data == "yes", status=_status(form))


@bp.post("/<uuid:appointment_id>/interpreter")
@client_only
def add_interpreter(appointment_id: uuid.UUID) -> Response:
    """An interpreter at the appointment instead of giving it up."""
    appointment = _booked(appointment_id)
    if isinstance(appointment, Response):
        return appointment
    form = InterpreterForm()
    if form.validate_on_submit():
        language = form.language.data or ""
        if not queries.add_interpreter(appointment, _client(), language):
            return _already_changed(appointment.id)
        flash(_("Your appointment stays booked. We will book an interpreter (%(language)s) for it.",
                language=language), "success")
        return redirect(url_for("appointments.detail", appointment_id=appointment.id))
    return _interpreter_offer(appointment, form)


@bp.route("/<uuid:appointment_id>/cancel", methods=["GET", "POST"])
@expired_token_brings_form_back
@client_only
def cancel(appointment_id: uuid.UUID) -> Response:
    return _cancel(appointment_id, cant_come=False)


@bp.route("/<uuid:appointment_id>/cant-come", methods=["GET", "POST"])
@expired_token_brings_form_back
@client_only
def cant_come(appointment_id: uuid.UUID) -> Response:
    return _cancel(appointment_id, cant_come=True)


@bp.get("/<uuid:appointment_id>/cancelled")
@writes_on_get
@client_only
def cancelled(appointment_id: uuid.UUID) -> Response:
    """What happens next, and other times of the same kind to book instead."""
    appointment = _own(appointment_id)
    if appointment.status != AppointmentStatus.CANCELLED:
        return redirect(url_for("appointments.detail", appointment_id=appointment.id))
    slot = appointment.slot
    journey = Journey(choice=f"{slot.organisation_id}:{slot.service_id or ''}")
    journey.save()
    alternatives = times_by_day(queries.nearest_free(slot, utcnow()) if not slot.internal else [])
    form = TimeForm()
    form.slot.choices = time_choices(alternatives)
    return render_page("appointments/cancelled.html", appointment=appointment, form=form,
                       alternatives=alternatives)
