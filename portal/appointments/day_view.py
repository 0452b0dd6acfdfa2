"""The day view's rows: an organisation's times of one day, with who holds each seat (name and the support
they asked for) and who cancelled. Client data: only portal.access calls this (import contracts)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import SEAT_HOLDING, Appointment, AppointmentEvent, AppointmentStatus, Slot, SlotStatus
from .times import day_bounds


@dataclass
class Cancelled:
    """A booking the client cancelled or said they can't come to: the seat is free again, the record stays."""

    appointment: Appointment
    cant_come: bool  # "I can't come" rather than "Cancel"
    at: datetime


@dataclass
class DaySlot:
    slot: Slot
    appointments: list[Appointment] = field(default_factory=list)  # the ones holding a seat
    cancelled: list[Cancelled] = field(default_factory=list)

    @property
    def free(self) -> int:
        return self.slot.capacity - len(self.appointments)


def day_view(organisation_id: uuid.UUID, day: date, staff_id: uuid.UUID | None = None,
             just_withdrawn: uuid.UUID | None = None) -> list[DaySlot]:
    """The organisation's slots of one Helsinki day, with who holds each seat and who cancelled. A slot just
    withdrawn stays in its place (`just_withdrawn`), so that it can be published again right there."""
    start, end = day_bounds(day)
    shown = Slot.status == SlotStatus.PUBLISHED
    if just_withdrawn is not None:
        shown = shown | (Slot.id == just_withdrawn)
    statement = select(Slot).where(Slot.organisation_id == organisation_id, Slot.starts_at >= start,
                                   Slot.starts_at < end, shown)
    if staff_id is not None:
        statement = statement.where((Slot.staff_id == staff_id) | (Slot.created_by_id == staff_id))
    slots = list(db.session.scalars(statement.order_by(Slot.starts_at, Slot.id)).unique())
    rows = {slot.id: DaySlot(slot) for slot in slots}
    if rows:
        booked = db.session.scalars(
            select(Appointment).where(Appointment.slot_id.in_(rows), Appointment.status.in_(SEAT_HOLDING))
            .options(joinedload(Appointment.client)).order_by(Appointment.seat)
        ).unique()
        for appointment in booked:
            rows[appointment.slot_id].appointments.append(appointment)
        _add_cancelled(rows)
    return list(rows.values())


def _add_cancelled(rows: dict[uuid.UUID, DaySlot]) -> None:
    cancelled = list(db.session.scalars(
        select(Appointment)
        .where(Appointment.slot_id.in_(rows), Appointment.status == AppointmentStatus.CANCELLED)
        .options(joinedload(Appointment.client))
    ).unique())
    if not cancelled:
        return
    how: dict[uuid.UUID, tuple[str, datetime]] = {}
    for appointment_id, kind, at in db.session.execute(
        select(AppointmentEvent.appointment_id, AppointmentEvent.kind, AppointmentEvent.at)
        .where(AppointmentEvent.appointment_id.in_([a.id for a in cancelled]),
               AppointmentEvent.kind.in_(("cancelled", "cant_come")))
        .order_by(AppointmentEvent.at, AppointmentEvent.id)
    ):
        how[appointment_id] = (kind, at)  # the latest one wins
    for appointment in cancelled:
        fallback = ("cancelled", appointment.status_changed_at or appointment.created_at)
        kind, at = how.get(appointment.id, fallback)
        rows[appointment.slot_id].cancelled.append(Cancelled(appointment, kind == "cant_come", at))
    for row in rows.values():
        row.cancelled.sort(key=lambda c: c.at)


