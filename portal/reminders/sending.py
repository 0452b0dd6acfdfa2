"""Send the reminders and confirmations that are due: each at most once, failures retried and recorded.

A confirmation ("your appointment is booked / moved / cancelled") is a row of the same outbox and goes through
the same steps as a reminder; only its words, and when it is still wanted, differ.

1. Claim: one due row at a time goes from pending/failed to `sending` with attempts + 1, committed before
   anything is sent. It is one UPDATE ... WHERE id = (SELECT ... LIMIT 1) RETURNING: on PostgreSQL the inner
   SELECT is FOR UPDATE SKIP LOCKED, so runs at the same time take different rows; on SQLite (a single writer)
   the statement is the first of its transaction, so it waits for the write lock, then sees the latest data.
2. Prepare the message and end that (read-only) transaction: no transaction is open while the mail server or
   the SMS gateway is talked to, and every write afterwards starts a transaction of its own.
3. Send, then record the outcome in a new transaction, every UPDATE guarded by the claim (status, attempts):
   - failed BEFORE the message was handed over (connection refused, a 4xx/5xx reply to MAIL, RCPT or DATA, a
     sender raising NotSent): `failed`, with the error and the next try (backoff), or given up after
     MAX_ATTEMPTS;
   - accepted: `sent`, never sent again. If recording that fails (the commit, the database), the row is marked
     `unknown` in a fresh transaction; if even that fails, it stays `sending`, and a later run marks it
     `unknown`. It is never marked `failed`, which would send it again;
   - may have left (the connection broke after the message was on its way, or an SMS sender raised something
     other than NotSent): `unknown`, never sent again automatically.
4. A crash between claiming and recording leaves a row in `sending`. The next run marks such rows `unknown`
   and does NOT send them again: a reminder may have reached the person, and "at most once" is the promise.
   The row keeps the fact and the time for staff to follow up. The window is as small as it can be: one SMTP
   transaction, then one commit.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from ..appointments import ics
from ..appointments.view import where
from ..common.i18n import format_datetime
from ..extensions import db
from ..models import (
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
    ReminderOutbox,
    ReminderStatus,
    User,
    utcnow,
)
from . import steps
from .outbox import CONFIRMATIONS
from .senders import Email, EmailSender, NotSent, SmsSender, describe, sms_sender

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_AFTER = [timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1), timedelta(hours=3)]
STALE_CLAIM = timedelta(minutes=15)

# Errors that mean the message certainly did not leave, from any sender: safe to try again.
NOT_SENT: tuple[type[BaseException], ...] = (NotSent, ConnectionRefusedError)


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    unknown: int = 0  # marked "unknown" now (interrupted earlier, or outcome not known): not sent again
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Claim:
    id: uuid.UUID
    attempts: int  # including this one


@dataclass
class _Outgoing:
    appointment_id: uuid.UUID | None  # None for a plan step's reminder
    channel: str
    event: str  # what the appointment's history records once it is sent
    email: Email | None = None
    sms: tuple[str, str, str] | None = None  # phone, text, reference


def _claim_one(now: datetime, claimed_at: datetime) -> _Claim | None:
    due = (
        select(ReminderOutbox.id)
        .where(ReminderOutbox.status.in_((ReminderStatus.PENDING, ReminderStatus.FAILED)),
               ReminderOutbox.next_attempt_at.is_not(None), ReminderOutbox.next_attempt_at <= now,
               ReminderOutbox.attempts < MAX_ATTEMPTS)
        .order_by(ReminderOutbox.next_attempt_at, ReminderOutbox.id)
        .limit(1)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    statement = (
        update(ReminderOutbox)
        .where(ReminderOutbox.id == due.scalar_subquery(),
               ReminderOutbox.status.in_((ReminderStatus.PENDING, ReminderStatus.FAILED)),
               ReminderOutbox.attempts < MAX_ATTEMPTS)
        .values(status=ReminderStatus.SENDING.value, attempts=ReminderOutbox.attempts + 1,
                claimed_at=claimed_at)
        .returning(ReminderOutbox.id, ReminderOutbox.attempts)
        .execution_options(synchronize_session=False)
    )
    row = db.session.execute(statement).one_or_none()
    db.session.commit()
    return _Claim(row[0], row[1]) if row is not None else None


def _give_up_on_interrupted(now: datetime) -> int:
    result = db.session.execute(
        update(ReminderOutbox)
        .where(ReminderOutbox.status == ReminderStatus.SENDING, ReminderOutbox.claimed_at < now - STALE_CLAIM)
        .values(status=ReminderStatus.UNKNOWN.value, next_attempt_at=None,
                last_error="The sending run stopped before it recorded the result. Not sent again, so that "
                           "nobody gets the same reminder twice.")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount or 0  # type: ignore[attr-defined]


def _compose(app: Flask, row: ReminderOutbox, appointment: Appointment, client: User) -> tuple[str, str, bytes]:
    """Subject, text and .ics in the client's language, with the minimum of personal data: no name, no topic."""
    locale = client.locale if client.locale in app.config["LANGUAGES"] else app.config["BABEL_DEFAULT_LOCALE"]
    base = app.config["PORTAL_BASE_URL"]
    with app.app_context(), app.test_request_context("/", base_url=base), force_locale(locale):
        slot = appointment.slot
        when = format_datetime(slot.starts_at)
        url = ics.appointment_url(appointment)
        cant_come = url + "/cant-come"
        organisation = slot.organisation.name(locale)
        if row.kind in CONFIRMATIONS:
            subject, body = _confirmation(row.kind, when, where(slot), organisation, url)
            return subject, body, ics.for_appointment(appointment, locale)
        if row.channel == "sms":
            text = _("Reminder: appointment %(when)s, %(organisation)s. Details, or tell us you can't come: "
                     "%(url)s", when=when, organisation=organisation, url=url)
            return "", text, b""
        subject = _("Reminder: your appointment on %(when)s", when=when)
        body = _(
            "Hello,\n\nThis is a reminder of your appointment.\n\nWhen: %(when)s\nWhere: %(where)s\n"
            "With: %(organisation)s\n\nSee the details, or move or cancel the appointment: %(url)s\n\n"
            "If you can't come, tell us here: %(cant_come)s\n\nThe calendar file is attached.\n\n"
            "This message was sent automatically. Please do not reply to it.",
            when=when, where=where(slot), organisation=organisation, url=url, cant_come=cant_come,
        )
        return subject, body, ics.for_appointment(appointment, locale)


def _confirmation(kind: str, when: str, place: str, organisation: str, url: str) -> tuple[str, str]:
    """What just happened to the appointment, as a subject and a text (inside the client's locale)."""
    if kind == "cancelled":
        return _("Your appointment is cancelled: %(when)s", when=when), _(
            "Hello,\n\nYour appointment is cancelled.\n\nWhen: %(when)s\nWith: %(organisation)s\n\n"
            "We have told %(organisation)s. The appointment stays in your history as cancelled: %(url)s\n\n"
            "The attached calendar file takes the appointment off your calendar.\n\n"
            "This message was sent automatically. Please do not reply to it.",
            when=when, organisation=organisation, url=url)
    if kind == "moved":
        return _("Your appointment is moved to %(when)s", when=when), _(
            "Hello,\n\nYour appointment is moved to a new time.\n\nNew time: %(when)s\nWhere: %(where)s\n"
            "With: %(organisation)s\n\nSee the details, or move or cancel the appointment: %(url)s\n\n"
            "The calendar file of the new time is attached. If you added the earlier time to your calendar, "
            "remove it.\n\nThis message was sent automatically. Please do not reply to it.",
            when=when, where=place, organisation=organisation, url=url)
    return _("Your appointment is booked: %(when)s", when=when), _(
        "Hello,\n\nYour appointment is booked.\n\nWhen: %(when)s\nWhere: %(where)s\nWith: %(organisation)s\n\n"
        "See the details, or move or cancel the appointment: %(url)s\n\n"
        "We will remind you before the appointment. The calendar file is attached.\n\n"
        "This message was sent automatically. Please do not reply to it.",
        when=when, where=place, organisation=organisation, url=url)


def _still_wanted(row: ReminderOutbox, appointment: Appointment, now: datetime) -> bool:
    """A cancellation is confirmed whatever happens next; anything else only while the appointment is booked
    and still to come (a booking cancelled before its confirmation went gets only the cancellation's)."""
    if row.kind == "cancelled":
        return appointment.status == AppointmentStatus.CANCELLED
    return appointment.status == AppointmentStatus.BOOKED and appointment.slot.starts_at > now


def _prepare(app: Flask, claim: _Claim, now: datetime) -> _Outgoing | None:
    """The message to send, or None if it is no longer needed (cancelled, moved, over, no phone number)."""
    row = db.session.get(ReminderOutbox, claim.id, populate_existing=True)
    assert row is not None
    if row.step_id is not None:
        return _step_outgoing(app, row, now)
    appointment = db.session.get(Appointment, row.appointment_id, populate_existing=True)
    client = db.session.get(User, appointment.client_id) if appointment else None
    if appointment is None or client is None or not _still_wanted(row, appointment, now):
        return None
    if row.channel == "sms" and not client.phone:
        return None
    subject, text, calendar = _compose(app, row, appointment, client)
    confirmation = row.kind in CONFIRMATIONS
    event = "confirmation_sent" if confirmation else "reminder_sent"
    if row.channel == "email":
        return _Outgoing(appointment.id, row.channel, event, email=Email(
            to=client.email, subject=subject, body=text, ics=calendar,
            message_id=f"<{'confirmation' if confirmation else 'reminder'}-{row.id}@jobseekers-portal>"))
    return _Outgoing(appointment.id, row.channel, event, sms=(client.phone, text, str(row.id)))


def _step_outgoing(app: Flask, row: ReminderOutbox, now: datetime) -> _Outgoing | None:
    message = steps.compose(app, row, now)
    if message is None:
        return None
    client, subject, text = message
    if row.channel == "email":
        return _Outgoing(None, row.channel, "reminder_sent", email=Email(
            to=client.email, subject=subject, body=text, message_id=f"<reminder-{row.id}@jobseekers-portal>"))
    return _Outgoing(None, row.channel, "reminder_sent", sms=(client.phone or "", text, str(row.id)))


def _deliver(outgoing: _Outgoing, email: EmailSender, sms: SmsSender) -> None:
    if outgoing.email is not None:
        email.send(outgoing.email)
    else:
        assert outgoing.sms is not None
        sms.send(*outgoing.sms)


def _record(claim: _Claim, statuses: tuple[ReminderStatus, ...], event: AppointmentEvent | None = None,
            **values: object) -> bool:
    """Write the outcome of a claim in a transaction of its own, the guarded UPDATE first (on SQLite that
    waits for the write lock). False if the row is no longer ours to change."""
    result = db.session.execute(
        update(ReminderOutbox)
        .where(ReminderOutbox.id == claim.id, ReminderOutbox.attempts == claim.attempts,
               ReminderOutbox.status.in_(statuses))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if event is not None:
        db.session.add(event)
    db.session.commit()
    return result.rowcount == 1  # type: ignore[attr-defined]


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection may be gone; the next statement gets a new one
        log.exception("Rollback after a reminder error failed")


def _mark_unknown(claim: _Claim, reason: str) -> None:
    """After the message may have left: never to be sent again. If even this cannot be written, the row stays
    `sending`, which a later run turns into `unknown` as well: either way it is not sent again."""
    try:
        _record(claim, (ReminderStatus.SENDING,), status=ReminderStatus.UNKNOWN.value, next_attempt_at=None,
                last_error=reason[:2000])
    except Exception:  # noqa: BLE001
        _rollback()
        log.exception("Reminder %s: could not mark it unknown; it stays 'sending' and is not sent again",
                      claim.id)


def _retry_later(claim: _Claim, error: str, now: datetime) -> None:
    """Before the message was handed over: try again after a while, or give up after MAX_ATTEMPTS."""
    retry = RETRY_AFTER[min(claim.attempts - 1, len(RETRY_AFTER) - 1)]
    try:
        _record(claim, (ReminderStatus.SENDING,), status=ReminderStatus.FAILED.value, last_error=error[:2000],
                next_attempt_at=now + retry if claim.attempts < MAX_ATTEMPTS else None)
    except Exception:  # noqa: BLE001 - it stays 'sending' and becomes 'unknown': not retried, never doubled
        _rollback()
        log.exception("Reminder %s: could not record the failed attempt", claim.id)


def _failed(report: Report, claim: _Claim, error: str, now: datetime) -> None:
    log.warning("Reminder %s failed (attempt %d): %s", claim.id, claim.attempts, error)
    _retry_later(claim, error, now)
    report.failed += 1
    report.errors.append(error)


def _run_clock(now: datetime) -> Callable[[], datetime]:
    """The run's own time: `now` at the start, then moving on with the real clock (claims stay fresh on long
    runs, and a test's `now` in the future still works)."""
    started = time.monotonic()
    return lambda: now + timedelta(seconds=time.monotonic() - started)


def send_due(now: datetime | None = None, batch: int = 200, email: EmailSender | None = None,
             sms: SmsSender | None = None) -> Report:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    now = now or utcnow()
    clock = _run_clock(now)
    email = email or EmailSender(app)
    sms = sms or sms_sender(app)
    report = Report(unknown=_give_up_on_interrupted(now))
    for _n in range(batch):
        claim = _claim_one(now, clock())
        if claim is None:
            break
        try:
            outgoing = _prepare(app, claim, now)
            db.session.commit()  # nothing is open while the message goes
        except Exception as error:  # noqa: BLE001 - nothing was sent: any failure of one reminder is retried
            _rollback()
            _failed(report, claim, describe(error), clock())
            continue
        if outgoing is None:
            try:
                _record(claim, (ReminderStatus.SENDING,), status=ReminderStatus.CANCELLED.value,
                        next_attempt_at=None)
            except Exception:  # noqa: BLE001 - it stays 'sending' and becomes 'unknown'; nothing was sent
                _rollback()
                log.exception("Reminder %s: could not record that it is no longer needed", claim.id)
            report.skipped += 1
            continue
        try:
            _deliver(outgoing, email, sms)
        except NOT_SENT as error:
            _failed(report, claim, describe(error), clock())
            continue
        except Exception as error:  # noqa: BLE001 - MaybeSent, or a sender that cannot tell: not sent again
            reason = (f"The message may have been sent ({describe(error)}). Not sent again, so that nobody "
                      "gets the same reminder twice.")
            log.error("Reminder %s: outcome unknown: %s", claim.id, describe(error))
            _mark_unknown(claim, reason)
            report.unknown += 1
            report.errors.append(reason)
            continue
        try:
            event = AppointmentEvent(appointment_id=outgoing.appointment_id, kind=outgoing.event,
                                     detail=outgoing.channel) if outgoing.appointment_id else None
            if not _record(claim, (ReminderStatus.SENDING, ReminderStatus.UNKNOWN), event=event,
                           status=ReminderStatus.SENT.value, sent_at=clock(), next_attempt_at=None,
                           last_error=None):
                log.warning("Reminder %s was sent but its row had changed meanwhile", claim.id)
        except Exception as error:  # noqa: BLE001 - sent, but not recorded: must not become "failed"
            _rollback()
            reason = (f"Sent, but recording it failed ({describe(error)}). Not sent again, so that nobody "
                      "gets the same reminder twice.")
            log.error("Reminder %s: %s", claim.id, reason)
            _mark_unknown(claim, reason)
            report.unknown += 1
            report.errors.append(reason)
            continue
        report.sent += 1
    return report

