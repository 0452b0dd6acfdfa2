"""Messages waiting to be sent: reminders before an appointment, and a confirmation e-mail when one is booked,
moved or cancelled. Written in the same transaction as the change, so none is ever lost; sent by
`send-reminders`, each at most once (sending.py)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import update

from ..extensions import db
from ..models import Appointment, ReminderOutbox, ReminderStatus, User

# How long before the start each reminder goes out, and its short name.
OFFSETS = {"2d": timedelta(days=2), "2h": timedelta(hours=2)}
# What a confirmation says happened (its kind); it goes out at the next run, by e-mail, with the .ics.
CONFIRMATIONS = ("booked", "moved", "cancelled")


def schedule(appointment: Appointment, client: User, now: datetime) -> int:
    """One row per channel the client can be reached on and per reminder still in the future."""
    channels = [name for name, reachable in (("email", client.email), ("sms", client.phone)) if reachable]
    made = 0
    for kind, before in OFFSETS.items():
        due = appointment.slot.starts_at - before
        if due <= now:
            continue  # booked too late for this one: the confirmation page has told them already
        for channel in channels:
            db.session.add(ReminderOutbox(id=uuid.uuid4(), appointment_id=appointment.id, channel=channel,
                                          kind=kind, due_at=due, next_attempt_at=due,
                                          status=ReminderStatus.PENDING.value))
            made += 1
    return made


def cancel(appointment_id: uuid.UUID) -> None:
    """A cancelled or moved appointment gets no more reminders (what was sent stays recorded)."""
    db.session.execute(
        update(ReminderOutbox)
        .where(ReminderOutbox.appointment_id == appointment_id,
               ReminderOutbox.status.in_((ReminderStatus.PENDING, ReminderStatus.FAILED)))
        .values(status=ReminderStatus.CANCELLED.value, next_attempt_at=None)
    )


def confirm(appointment: Appointment, client: User, kind: str, now: datetime) -> bool:
    """A confirmation e-mail of what just happened to the appointment ("booked", "moved" or "cancelled"), in
    the client's language, due at once. False when the client has no e-mail address."""
    assert kind in CONFIRMATIONS, kind
    if not client.email:
        return False
    db.session.add(ReminderOutbox(id=uuid.uuid4(), appointment_id=appointment.id, channel="email", kind=kind,
                                  due_at=now, next_attempt_at=now, status=ReminderStatus.PENDING.value))
    return True
