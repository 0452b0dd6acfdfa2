"""Reminders waiting to be sent: written in the same transaction as the booking, so none is ever lost."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import update

from ..extensions import db
from ..models import Appointment, ReminderOutbox, ReminderStatus, User

# How long before the start each reminder goes out, and its short name.
OFFSETS = {"2d": timedelta(days=2), "2h": timedelta(hours=2)}


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
