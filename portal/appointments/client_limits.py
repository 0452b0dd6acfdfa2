"""What one client may hold: one seat of a time, no two appointments at overlapping times, and (when they book
themselves) a few upcoming appointments with each organisation.

The database enforces the first two (migration 0004: a partial unique index on appointments(slot_id,
client_id), and triggers that refuse an overlapping booked appointment; on PostgreSQL the trigger first locks
the client's row, so that two bookings of one client wait for each other). The cap is a setting
(MAX_UPCOMING_PER_ORGANISATION), checked here while the client's row is locked for the same reason. What is
checked before the insert also gives the clear message: which appointment is in the way.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import Appointment, AppointmentStatus, Slot, User


@dataclass(frozen=True)
class Conflict:
    kind: str  # "already_yours" (this very time), "clash" (another at an overlapping time), "too_many"
    appointment: Appointment | None = None  # the one in the way
    count: int = 0  # for "too_many": the upcoming appointments with the organisation


def lock_client(client_id: uuid.UUID) -> None:
    """One client's bookings wait for each other from here to their commit (FOR NO KEY UPDATE: other tables'
    references to the row are not held up). SQLite has one writer at a time anyway."""
    db.session.execute(select(User.id).where(User.id == client_id).with_for_update(key_share=True))


def upcoming_limit() -> int:
    """Upcoming appointments a client may book with one organisation; 0: no limit."""
    return int(current_app.config["MAX_UPCOMING_PER_ORGANISATION"])


def conflict(slot: Slot, client: User, now: datetime, replaces: Appointment | None = None,
             by_client: bool = True) -> Conflict | None:
    """Why `client` may not take a seat of `slot`, or None. An appointment being moved (`replaces`) gives its
    time back first, so it is never in the way."""
    others = select(Appointment).join(Slot, Slot.id == Appointment.slot_id).where(
        Appointment.client_id == client.id, Appointment.status == AppointmentStatus.BOOKED)
    if replaces is not None:
        others = others.where(Appointment.id != replaces.id)
    overlapping = db.session.scalars(
        others.where(Slot.starts_at < slot.ends_at, slot.starts_at < Slot.ends_at).order_by(Slot.starts_at).limit(1)
    ).first()
    if overlapping is not None:
        return Conflict("already_yours" if overlapping.slot_id == slot.id else "clash", overlapping)
    limit = upcoming_limit()
    if not by_client or not limit:
        return None
    count = db.session.scalar(
        select(func.count()).select_from(others.where(Slot.organisation_id == slot.organisation_id,
                                                      Slot.ends_at > now).subquery())
    ) or 0
    return Conflict("too_many", count=count) if count >= limit else None
