"""A confirmation e-mail, with the .ics, when an appointment is booked, moved or cancelled: in the client's
language, through the reminders' outbox, so at most once (issue 15, item 6)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from portal.appointments import queries
from portal.extensions import db
from portal.models import AppointmentEvent, ReminderOutbox, utcnow
from portal.reminders.sending import send_due

from ..support.appointments import make_slot
from ..support.client import PortalClient
from ..support.factories import PASSWORD, ClientFactory, StaffFactory, in_team
from .test_reminders import Inbox, _text, smtp_server


@pytest.fixture()
def inbox(app) -> Iterator[Inbox]:  # type: ignore[no-untyped-def]
    with smtp_server(app) as handler:
        yield handler


def soon() -> datetime:
    """A run of send-reminders right after the change."""
    return utcnow() + timedelta(minutes=1)


def _calendar(message) -> bytes:  # type: ignore[no-untyped-def]
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part.get_payload(decode=True)  # type: ignore[no-any-return]


def _outbox(appointment_id) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return sorted(db.session.execute(select(ReminderOutbox.kind, ReminderOutbox.status)
                                     .where(ReminderOutbox.appointment_id == appointment_id)).all())


@pytest.mark.parametrize("locale, subject", [("fi", "klo"), ("sv", "kl."), ("en", "Your appointment is booked: ")])
def test_a_booking_is_confirmed_once_in_the_clients_language(app, inbox: Inbox, locale: str,
                                                             subject: str) -> None:
    client = ClientFactory(locale=locale)
    appointment = queries.book(make_slot(), client, client, None, queries.Needs())
    db.session.flush()
    assert send_due(now=soon()).sent == 1
    assert send_due(now=soon() + timedelta(minutes=5)).sent == 0  # the command runs again: nothing twice
    [message] = inbox.messages
    assert message["To"] == client.email and subject in message["Subject"]
    assert message["Message-ID"].strip().startswith("<confirmation-")
    body = _text(message)
    assert f"/appointments/{appointment.id}" in body and client.full_name not in body
    assert b"STATUS:CONFIRMED" in _calendar(message) and b"TZID=Europe/Helsinki" in _calendar(message)
    assert ("booked", "sent") in _outbox(appointment.id)
    assert db.session.scalars(select(AppointmentEvent.kind).where(
        AppointmentEvent.appointment_id == appointment.id, AppointmentEvent.kind == "confirmation_sent")).one()


def test_a_move_is_confirmed_and_the_earlier_times_unsent_confirmation_is_not(app, inbox: Inbox) -> None:
    client = ClientFactory(locale="en")
    first = queries.book(make_slot(), client, client, None, queries.Needs())
    later = make_slot(starts_in=timedelta(days=5))
    moved = queries.book(later, client, client, None, queries.Needs(), replaces=first)
    db.session.flush()
    assert send_due(now=soon()).sent == 1
    [message] = inbox.messages
    assert message["Subject"].startswith("Your appointment is moved to ")
    assert "If you added the earlier time to your calendar, remove it." in _text(message)
    assert f"{moved.id}@jobseekers-portal".encode() in _calendar(message)
    assert ("booked", "cancelled") in _outbox(first.id)  # never sent: the booking it confirmed was moved
    assert ("moved", "sent") in _outbox(moved.id)


def test_a_cancellation_is_confirmed_with_a_calendar_file_that_cancels(app, inbox: Inbox) -> None:
    client = ClientFactory(locale="en")
    appointment = queries.book(make_slot(), client, client, None, queries.Needs())
    db.session.flush()
    send_due(now=soon())  # the booking's confirmation
    assert queries.cancel(appointment, client, "health", None, cant_come=True)
    db.session.flush()
    assert send_due(now=soon() + timedelta(minutes=5)).sent == 1
    _booked, cancelled = inbox.messages
    assert cancelled["Subject"].startswith("Your appointment is cancelled: ")
    calendar = _calendar(cancelled)
    assert b"STATUS:CANCELLED" in calendar and b"SEQUENCE:1" in calendar
    assert f"UID:{appointment.id}@jobseekers-portal".encode() in calendar  # the same event as the booking's
    assert ("cancelled", "sent") in _outbox(appointment.id)


def test_a_booking_cancelled_before_the_run_gets_only_the_cancellation(app, inbox: Inbox) -> None:
    client = ClientFactory(locale="en")
    appointment = queries.book(make_slot(), client, client, None, queries.Needs())
    queries.cancel(appointment, client, "health", None, cant_come=False)
    db.session.flush()
    send_due(now=soon())
    assert [m["Subject"].split(":")[0] for m in inbox.messages] == ["Your appointment is cancelled"]


def test_a_confirmation_that_may_have_left_is_never_sent_again(app, inbox: Inbox) -> None:
    client = ClientFactory(locale="en")
    appointment = queries.book(make_slot(), client, client, None, queries.Needs())
    db.session.flush()
    inbox.drop_once = True  # the server takes the message, then the connection breaks before its answer
    report = send_due(now=soon())
    assert report.unknown == 1 and report.sent == 0
    send_due(now=soon() + timedelta(hours=1))
    assert len(inbox.messages) == 1
    assert ("booked", "unknown") in _outbox(appointment.id)


def test_a_client_without_an_e_mail_address_gets_no_confirmation_row(app) -> None:
    client = ClientFactory(locale="en", email="")
    appointment = queries.book(make_slot(), client, client, None, queries.Needs())
    db.session.flush()
    assert _outbox(appointment.id) == []


def test_a_booking_staff_make_for_a_client_is_confirmed_to_the_client(client: PortalClient, app,
                                                                      inbox: Inbox) -> None:
    from datetime import date

    staff, person = StaffFactory(), ClientFactory(locale="sv")
    in_team(person, staff.organisation_id)  # staff book only clients of their organisation's team
    assert client.sign_in(staff.email, PASSWORD).status_code == 302
    day = date.today() + timedelta(days=4)
    response = client.post_form("/staff/appointments/book", {
        "idempotency_key": "6f1c2a8e-8a43-4d0e-9d49-1f9f3f6b2a11", "client_email": person.email,
        "day-day": str(day.day), "day-month": str(day.month), "day-year": str(day.year), "start_time": "13.15",
        "length": "30", "mode": "phone", "interpreter_language": "", "other_needs": "", "plan_step": "none"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    send_due(now=soon())
    [message] = inbox.messages
    assert message["To"] == person.email and " kl. " in message["Subject"]  # in the client's language
