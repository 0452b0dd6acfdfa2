"""An appointment as an iCalendar file: local Helsinki times with TZID and a VTIMEZONE that says when the
clocks change, so a calendar shows the right hour in summer and in winter."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event

from ..common.i18n import HELSINKI
from ..models import Appointment, AppointmentStatus
from .view import where

PRODID = "-//Jobseeker's portal//Appointments//FI"


def appointment_url(appointment: Appointment) -> str:
    base = current_app.config.get("PORTAL_BASE_URL") or ""
    path = url_for("appointments.detail", appointment_id=appointment.id, _external=not base)
    return base.rstrip("/") + path if base else path


def for_appointment(appointment: Appointment, locale: str, now: datetime | None = None) -> bytes:
    slot = appointment.slot
    with force_locale(locale):
        summary = _("Appointment: %(organisation)s", organisation=slot.organisation.name(locale))
        description = _("Details, moving and cancelling: %(url)s", url=appointment_url(appointment))
        location = where(slot)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{appointment.id}@jobseekers-portal")
    event.add("dtstamp", now or appointment.status_changed_at or appointment.created_at)
    event.add("dtstart", slot.starts_at.astimezone(HELSINKI))
    event.add("dtend", slot.ends_at.astimezone(HELSINKI))
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    booked = appointment.status == AppointmentStatus.BOOKED
    event.add("status", "CONFIRMED" if booked else "CANCELLED")
    event.add("sequence", 0 if booked else 1)  # a calendar takes the cancelled version over the booked one
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
