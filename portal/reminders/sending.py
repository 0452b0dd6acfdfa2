"""Send the reminders that are due: each at most once, failures retried and recorded.

1. Claim: due rows go from pending/failed to `sending` with attempts + 1, and that is committed before anything
   is sent. On PostgreSQL the rows are read with FOR UPDATE SKIP LOCKED, so two runs at once take different
   rows; every claim is also a guarded UPDATE (the status and attempts it read), which makes it safe on SQLite.
2. Send, then record `sent` (never sent again) or `failed` with the error and the next try.
3. A crash between the mail server accepting a message and the commit leaves a row in `sending`. The next run
   marks such rows `unknown` and does NOT send them again: a reminder may have reached the person, and
   "at most once" is the promise. The row keeps the fact and the time for staff to follow up. The window is
   as small as it can be: one SMTP transaction, then one commit.
"""

from __future__ import annotations

import logging
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
from .senders import Email, EmailSender, SmsSender, sms_sender

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_AFTER = [timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1), timedelta(hours=3)]
STALE_CLAIM = timedelta(minutes=15)


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    unknown: int = 0
    errors: list[str] = field(default_factory=list)


def _claim(now: datetime, batch: int) -> list[ReminderOutbox]:
    statement = (
        select(ReminderOutbox.id, ReminderOutbox.status, ReminderOutbox.attempts)
        .where(ReminderOutbox.status.in_((ReminderStatus.PENDING, ReminderStatus.FAILED)),
               ReminderOutbox.next_attempt_at.is_not(None), ReminderOutbox.next_attempt_at <= now,
               ReminderOutbox.attempts < MAX_ATTEMPTS)
        .order_by(ReminderOutbox.next_attempt_at).limit(batch)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    claimed = []
    for row_id, status, attempts in db.session.execute(statement).all():
        result = db.session.execute(
            update(ReminderOutbox)
            .where(ReminderOutbox.id == row_id, ReminderOutbox.status == status, ReminderOutbox.attempts == attempts)
            .values(status=ReminderStatus.SENDING.value, attempts=attempts + 1, claimed_at=now)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(row_id)
    db.session.commit()
    return [db.session.get(ReminderOutbox, row_id) for row_id in claimed]  # type: ignore[misc]


def _give_up_on_interrupted(now: datetime) -> int:
    result = db.session.execute(
        update(ReminderOutbox)
        .where(ReminderOutbox.status == ReminderStatus.SENDING, ReminderOutbox.claimed_at < now - STALE_CLAIM)
        .values(status=ReminderStatus.UNKNOWN.value, next_attempt_at=None,
                last_error="The sending run stopped before it recorded the result. Not sent again, so that "
                           "nobody gets the same reminder twice.")
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


def _send_one(app: Flask, row: ReminderOutbox, now: datetime, email: EmailSender, sms: SmsSender) -> str:
    appointment = db.session.get(Appointment, row.appointment_id)
    client = db.session.get(User, appointment.client_id) if appointment else None
    if appointment is None or client is None or appointment.status != AppointmentStatus.BOOKED \
            or appointment.slot.starts_at <= now:
        row.status, row.next_attempt_at = ReminderStatus.CANCELLED.value, None
        return "skipped"
    subject, text, calendar = _compose(app, row, appointment, client)
    if row.channel == "email":
        email.send(Email(to=client.email, subject=subject, body=text, ics=calendar,
                         message_id=f"<reminder-{row.id}@jobseekers-portal>"))
    else:
        if not client.phone:
            row.status, row.next_attempt_at = ReminderStatus.CANCELLED.value, None
            return "skipped"
        sms.send(client.phone, text, str(row.id))
    row.status, row.sent_at, row.next_attempt_at, row.last_error = ReminderStatus.SENT.value, utcnow(), None, None
    db.session.add(AppointmentEvent(appointment_id=appointment.id, kind="reminder_sent", detail=row.channel))
    return "sent"


def send_due(now: datetime | None = None, batch: int = 200, email: EmailSender | None = None,
             sms: SmsSender | None = None) -> Report:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    now = now or utcnow()
    email = email or EmailSender(app)
    sms = sms or sms_sender(app)
    report = Report(unknown=_give_up_on_interrupted(now))
    for row in _claim(now, batch):
        row_id, attempts = row.id, row.attempts
        try:
            outcome = _send_one(app, row, now, email, sms)
            db.session.commit()
        except Exception as error:  # noqa: BLE001 - any failure of one reminder must not stop the others
            db.session.rollback()
            log.warning("Reminder %s failed (attempt %d): %s", row_id, attempts, error)
            failed = db.session.get(ReminderOutbox, row_id)
            assert failed is not None
            failed.status = ReminderStatus.FAILED.value
            failed.last_error = f"{type(error).__name__}: {error}"[:2000]
            retry = RETRY_AFTER[min(attempts - 1, len(RETRY_AFTER) - 1)]
            failed.next_attempt_at = now + retry if attempts < MAX_ATTEMPTS else None
            db.session.commit()
            report.failed += 1
            report.errors.append(failed.last_error)
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report
