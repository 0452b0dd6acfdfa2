"""Reminders over real SMTP (an aiosmtpd server in the test process): arrive once, in the client's language."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from portal.appointments import queries
from portal.extensions import db
from portal.models import AppointmentEvent, ReminderOutbox, utcnow
from portal.reminders.senders import LoggingSmsSender
from portal.reminders.sending import send_due

from ..support.appointments import make_slot
from ..support.factories import ClientFactory


DAY_LATER = utcnow() + timedelta(days=1, minutes=5)  # the 2-day reminder of a time 3 days ahead is due


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.refuse:
            return "451 Try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture()
def inbox(app) -> Iterator[Inbox]:  # type: ignore[no-untyped-def]
    handler = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    old = {k: app.config[k] for k in ("SMTP_HOST", "SMTP_PORT")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    try:
        yield handler
    finally:
        app.config.update(old)
        controller.stop()


def _book(locale: str, phone: str | None = None, starts_in: timedelta = timedelta(days=3)):  # type: ignore[no-untyped-def]
    client = ClientFactory(locale=locale, phone=phone)
    slot = make_slot(starts_in=starts_in)
    appointment = queries.book(slot, client, client, None, queries.Needs())
    db.session.flush()
    return appointment


def _text(message: Message) -> str:
    return "".join(part.get_payload(decode=True).decode() for part in message.walk()
                   if part.get_content_type() == "text/plain")


# The words are translated by the catalogue team; the date format shows the language was chosen per client.
@pytest.mark.parametrize("locale, words", [("fi", " klo "), ("sv", " kl. "), ("en", " at ")])
def test_due_reminder_arrives_once_with_calendar_file(app, inbox: Inbox, locale: str, words: str) -> None:  # type: ignore[no-untyped-def]
    appointment = _book(locale)
    report = send_due(now=DAY_LATER)
    assert report.sent == 1, report
    send_due(now=DAY_LATER)  # the command runs again: nothing is sent twice
    send_due(now=DAY_LATER + timedelta(minutes=30))
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == appointment_client_email(appointment)
    body = _text(message)
    assert f"/appointments/{appointment.id}" in body
    assert "Client " not in body  # no name: the minimum of personal data
    if locale == "en":
        assert message["Subject"].startswith("Reminder: your appointment on")
    calendars = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(calendars) == 1 and b"TZID=Europe/Helsinki" in calendars[0].get_payload(decode=True)
    row = db.session.scalars(select(ReminderOutbox).where(ReminderOutbox.channel == "email",
                                                          ReminderOutbox.kind == "2d",
                                                          ReminderOutbox.appointment_id == appointment.id)).one()
    assert row.status == "sent" and row.attempts == 1
    assert db.session.scalars(select(AppointmentEvent.kind).where(
        AppointmentEvent.appointment_id == appointment.id, AppointmentEvent.kind == "reminder_sent")).all()
    assert words in message["Subject"] and words in body


def appointment_client_email(appointment) -> str:  # type: ignore[no-untyped-def]
    from portal.models import User

    return db.session.get(User, appointment.client_id).email  # type: ignore[union-attr]


def test_failed_send_is_recorded_and_retried(app, inbox: Inbox) -> None:  # type: ignore[no-untyped-def]
    appointment = _book("en")
    inbox.refuse = True
    report = send_due(now=DAY_LATER)
    assert report.failed == 1 and not inbox.messages
    row = db.session.scalars(select(ReminderOutbox).where(ReminderOutbox.appointment_id == appointment.id,
                                                          ReminderOutbox.kind == "2d")).one()
    assert row.status == "failed" and row.attempts == 1 and "451" in (row.last_error or "")
    assert row.next_attempt_at is not None and row.next_attempt_at > DAY_LATER
    inbox.refuse = False
    send_due(now=DAY_LATER)  # too early for the retry
    assert not inbox.messages
    send_due(now=row.next_attempt_at + timedelta(seconds=1))
    assert len(inbox.messages) == 1
    db.session.refresh(row)
    assert row.status == "sent" and row.attempts == 2


def test_interrupted_send_is_not_repeated(app, inbox: Inbox) -> None:  # type: ignore[no-untyped-def]
    appointment = _book("en")
    row = db.session.scalars(select(ReminderOutbox).where(ReminderOutbox.appointment_id == appointment.id,
                                                          ReminderOutbox.kind == "2d")).one()
    row.status, row.attempts, row.claimed_at = "sending", 1, utcnow() - timedelta(hours=1)
    db.session.flush()
    report = send_due(now=DAY_LATER)
    assert report.unknown == 1 and not inbox.messages
    db.session.refresh(row)
    assert row.status == "unknown"


def test_cancelled_appointment_gets_no_reminder(app, inbox: Inbox) -> None:  # type: ignore[no-untyped-def]
    appointment = _book("en")
    from portal.models import User

    queries.cancel(appointment, db.session.get(User, appointment.client_id), "health", None, False)
    db.session.flush()
    send_due(now=DAY_LATER)
    assert not inbox.messages


def test_sms_goes_through_the_pluggable_sender(app, inbox: Inbox) -> None:  # type: ignore[no-untyped-def]
    _book("sv", phone="+358401234567", starts_in=timedelta(hours=1, minutes=50))
    sms = LoggingSmsSender()
    report = send_due(sms=sms)
    # booked 1 h 50 min ahead: the 2-day and 2-hour reminders were already past, so none were queued
    assert report.sent == 0 and not sms.sent
    _book("sv", phone="+358401234567")
    send_due(now=DAY_LATER, sms=sms)
    assert len(sms.sent) == 1 and sms.sent[0][0] == "+358401234567"
    assert "Påminnelse" in sms.sent[0][1] or "Reminder" in sms.sent[0][1]
