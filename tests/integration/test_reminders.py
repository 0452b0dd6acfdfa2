"""Reminders over real SMTP (an aiosmtpd server in the test process): arrive once, in the client's language."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from portal.appointments import queries
from portal.extensions import db
from portal.models import AppointmentEvent, ReminderOutbox, utcnow
from portal.reminders.senders import LoggingSmsSender
from portal.reminders.sending import send_due

from ..support.appointments import make_slot
from ..support.factories import ClientFactory


def day_later() -> datetime:
    """When the 2-day reminder of a time booked 3 days ahead (from now) is due. Taken at each test's own time:
    a constant taken when the module was collected fell behind the bookings once the suite before it ran
    longer than its five minutes' margin, and then no reminder was due."""
    return utcnow() + timedelta(days=1, minutes=5)


class Inbox:
    """An SMTP server's mailbox that can refuse at a given step, be slow, or answer QUIT badly."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse = False  # 451 at the end of DATA
        self.refuse_at: dict[str, str] = {}  # "MAIL" | "RCPT" | "DATA" -> reply
        self.slow_once = 0.0  # seconds to wait before answering 250 to the next message (already taken)
        self.delay = 0.0  # seconds before accepting every message
        self.quit_reply: str | None = None
        self.drop_once = False  # take the next message, then close the connection instead of answering

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # type: ignore[no-untyped-def]
        if "MAIL" in self.refuse_at:
            return self.refuse_at["MAIL"]
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if "RCPT" in self.refuse_at:
            return self.refuse_at["RCPT"]
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.refuse:
            return "451 Try again later"
        if "DATA" in self.refuse_at:
            return self.refuse_at["DATA"]
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        if self.slow_once:  # taken and queued, but the answer comes late
            wait, self.slow_once = self.slow_once, 0.0
            await asyncio.sleep(wait)
        if self.drop_once:  # taken and queued, but the connection breaks before the answer
            self.drop_once = False
            server.transport.abort()
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):  # type: ignore[no-untyped-def]
        return self.quit_reply or "221 Bye"


def free_port() -> int:
    """A port nobody listens on (connecting to it is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(app) -> Iterator[Inbox]:  # type: ignore[no-untyped-def]
    """An aiosmtpd server in this process; the app's SMTP settings point to it meanwhile."""
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    old = {k: app.config[k] for k in ("SMTP_HOST", "SMTP_PORT", "SMTP_TIMEOUT")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    try:
        yield handler
    finally:
        app.config.update(old)
        controller.stop()


@pytest.fixture()
def inbox(app) -> Iterator[Inbox]:  # type: ignore[no-untyped-def]
    with smtp_server(app) as handler:
        yield handler


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
    report = send_due(now=day_later())
    assert report.sent == 1, report
    send_due(now=day_later())  # the command runs again: nothing is sent twice
    send_due(now=day_later() + timedelta(minutes=30))
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
    report = send_due(now=day_later())
    assert report.failed == 1 and not inbox.messages
    row = db.session.scalars(select(ReminderOutbox).where(ReminderOutbox.appointment_id == appointment.id,
                                                          ReminderOutbox.kind == "2d")).one()
    assert row.status == "failed" and row.attempts == 1 and "451" in (row.last_error or "")
    assert row.next_attempt_at is not None and row.next_attempt_at > day_later()
    inbox.refuse = False
    send_due(now=day_later())  # too early for the retry
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
    report = send_due(now=day_later())
    assert report.unknown == 1 and not inbox.messages
    db.session.refresh(row)
    assert row.status == "unknown"


def test_cancelled_appointment_gets_no_reminder(app, inbox: Inbox) -> None:  # type: ignore[no-untyped-def]
    appointment = _book("en")
    from portal.models import User

    queries.cancel(appointment, db.session.get(User, appointment.client_id), "health", None, False)
    db.session.flush()
    send_due(now=day_later())
    assert not inbox.messages


def test_sms_goes_through_the_pluggable_sender(app, inbox: Inbox) -> None:  # type: ignore[no-untyped-def]
    _book("sv", phone="+358401234567", starts_in=timedelta(hours=1, minutes=50))
    sms = LoggingSmsSender()
    report = send_due(sms=sms)
    # booked 1 h 50 min ahead: the 2-day and 2-hour reminders were already past, so none were queued
    assert report.sent == 0 and not sms.sent
    _book("sv", phone="+358401234567")
    send_due(now=day_later(), sms=sms)
    assert len(sms.sent) == 1 and sms.sent[0][0] == "+358401234567"
    assert "Påminnelse" in sms.sent[0][1] or "Reminder" in sms.sent[0][1]


# --- At most once: what happens when something breaks around the hand-over ---------------------------------

def _row(appointment, channel: str = "email", kind: str = "2d") -> ReminderOutbox:  # type: ignore[no-untyped-def]
    return db.session.scalars(
        select(ReminderOutbox).where(ReminderOutbox.appointment_id == appointment.id,
                                     ReminderOutbox.channel == channel, ReminderOutbox.kind == kind)
        .execution_options(populate_existing=True)
    ).one()


def _break_commits_after_the_message(monkeypatch: pytest.MonkeyPatch, inbox: Inbox, times: int) -> None:
    """The next `times` commits after the mail server accepted the message fail, as when the database
    connection drops at that moment."""
    session_class = type(db.session)
    real_commit = session_class.commit
    left = [times]

    def commit(self):  # type: ignore[no-untyped-def]
        if inbox.messages and left[0]:
            left[0] -= 1
            raise OperationalError("COMMIT", None, Exception("server closed the connection unexpectedly"))
        return real_commit(self)

    monkeypatch.setattr(session_class, "commit", commit)


def _runs_later(*after: timedelta) -> None:
    for delay in after:
        send_due(now=day_later() + delay)


def test_sent_but_not_recorded_is_never_sent_again(app, inbox: Inbox, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    appointment = _book("en")
    _break_commits_after_the_message(monkeypatch, inbox, times=1)
    report = send_due(now=day_later())
    monkeypatch.undo()
    assert len(inbox.messages) == 1
    _runs_later(timedelta(minutes=6), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=5))
    assert len(inbox.messages) == 1, "sent again"
    assert report.sent == 0 and report.failed == 0 and report.unknown == 1, report
    row = _row(appointment)
    assert row.status == "unknown" and row.next_attempt_at is None and row.attempts == 1
    assert "Sent, but recording it failed" in (row.last_error or "")


def test_sent_while_the_database_is_gone_stays_unsent_then_unknown(app, inbox: Inbox, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    appointment = _book("en")
    # recording "sent" fails, and so does marking it "unknown" in a fresh transaction
    _break_commits_after_the_message(monkeypatch, inbox, times=2)
    report = send_due(now=day_later())
    monkeypatch.undo()
    assert len(inbox.messages) == 1 and report.unknown == 1 and report.failed == 0, report
    assert _row(appointment).status == "sending"  # the claim was committed before the message went
    _runs_later(timedelta(minutes=6))
    assert len(inbox.messages) == 1 and _row(appointment).status == "sending"
    assert send_due(now=day_later() + timedelta(minutes=20)).unknown == 1  # the stale claim is given up
    _runs_later(timedelta(hours=2), timedelta(hours=5))
    assert len(inbox.messages) == 1
    row = _row(appointment)
    assert row.status == "unknown" and row.next_attempt_at is None


def test_refused_connection_is_recorded_and_retried_then_sent(app, inbox: Inbox) -> None:  # type: ignore[no-untyped-def]
    appointment = _book("en")
    port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()  # the mail server is down
    report = send_due(now=day_later())
    assert report.failed == 1 and report.sent == 0 and not inbox.messages, report
    row = _row(appointment)
    assert row.status == "failed" and row.attempts == 1
    assert "ConnectionRefusedError" in (row.last_error or "")
    assert row.next_attempt_at is not None and row.next_attempt_at > day_later()
    first_retry = row.next_attempt_at
    send_due(now=first_retry + timedelta(seconds=1))  # still down: a longer wait before the next try
    row = _row(appointment)
    assert row.status == "failed" and row.attempts == 2 and row.next_attempt_at is not None
    assert row.next_attempt_at - first_retry > timedelta(minutes=10)
    app.config["SMTP_PORT"] = port  # back up
    send_due(now=first_retry + timedelta(minutes=1))  # too early for the second retry
    assert not inbox.messages
    send_due(now=row.next_attempt_at + timedelta(seconds=1))
    assert len(inbox.messages) == 1
    row = _row(appointment)
    assert row.status == "sent" and row.attempts == 3 and row.last_error is None and row.sent_at is not None


@pytest.mark.parametrize("step, reply", [("MAIL", "451 4.3.0 Try again later"),
                                         ("RCPT", "550 5.1.1 No such user"),
                                         ("DATA", "554 5.6.0 Message rejected")])
def test_refusal_before_acceptance_is_retried(app, inbox: Inbox, step: str, reply: str) -> None:  # type: ignore[no-untyped-def]
    appointment = _book("en")
    inbox.refuse_at[step] = reply
    report = send_due(now=day_later())
    assert report.failed == 1 and not inbox.messages, report
    row = _row(appointment)
    assert row.status == "failed" and reply.split()[0] in (row.last_error or "")
    del inbox.refuse_at[step]
    send_due(now=row.next_attempt_at + timedelta(seconds=1))  # type: ignore[operator]
    assert len(inbox.messages) == 1 and _row(appointment).status == "sent"


def test_failed_quit_after_acceptance_counts_as_sent(app, inbox: Inbox) -> None:  # type: ignore[no-untyped-def]
    appointment = _book("en")
    inbox.quit_reply = "421 4.3.2 Shutting down"
    report = send_due(now=day_later())
    assert report.sent == 1 and report.failed == 0, report
    _runs_later(timedelta(minutes=6), timedelta(hours=1))
    assert len(inbox.messages) == 1 and _row(appointment).status == "sent"


@pytest.mark.parametrize("how", ["timeout", "connection lost"])
def test_no_answer_after_the_message_went_is_not_sent_again(app, inbox: Inbox, how: str) -> None:  # type: ignore[no-untyped-def]
    appointment = _book("en")
    if how == "timeout":
        app.config["SMTP_TIMEOUT"] = 0.5
        inbox.slow_once = 1.5  # the server takes the message, but answers after the client stopped waiting
    else:
        inbox.drop_once = True
    report = send_due(now=day_later())
    assert report.unknown == 1 and report.failed == 0 and report.sent == 0, report
    row = _row(appointment)
    assert row.status == "unknown" and row.next_attempt_at is None
    assert "may have been sent" in (row.last_error or "")
    _runs_later(timedelta(minutes=6), timedelta(hours=1), timedelta(hours=5))
    assert len(inbox.messages) == 1


class FlakySms:
    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0
        self.sent: list[str] = []

    def send(self, phone: str, text: str, reference: str) -> None:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append(reference)


def test_sms_not_sent_is_retried(app, inbox: Inbox) -> None:  # type: ignore[no-untyped-def]
    from portal.reminders.senders import NotSent

    appointment = _book("fi", phone="+358401234567")
    sms = FlakySms(NotSent("gateway answered 503"))
    report = send_due(now=day_later(), sms=sms)
    row = _row(appointment, channel="sms")
    assert report.failed == 1 and row.status == "failed" and "503" in (row.last_error or "")
    send_due(now=row.next_attempt_at + timedelta(seconds=1), sms=sms)  # type: ignore[operator]
    assert sms.calls == 2 and sms.sent == [str(row.id)] and _row(appointment, channel="sms").status == "sent"


def test_sms_that_may_have_left_is_not_sent_again(app, inbox: Inbox) -> None:  # type: ignore[no-untyped-def]
    appointment = _book("fi", phone="+358401234567")
    sms = FlakySms(TimeoutError("no answer from the gateway after the request was sent"))
    report = send_due(now=day_later(), sms=sms)
    row = _row(appointment, channel="sms")
    assert report.unknown == 1 and report.failed == 0, report
    assert row.status == "unknown" and row.next_attempt_at is None
    for later in (timedelta(minutes=6), timedelta(hours=1), timedelta(hours=5)):
        send_due(now=day_later() + later, sms=sms)
    assert sms.calls == 1
    assert len(inbox.messages) == 1  # the e-mail of the same reminder went as usual
