"""Every database read and write of the staff side. Staff only reach their own organisation's calendar.

What staff see of a client here is the minimum for the meeting: name, time and the support asked for.
(Wider access to client data comes with the consent layer.)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import SEAT_HOLDING, Appointment, AppointmentStatus, Role, Service, Slot, SlotStatus, User, utcnow
from . import queries
from .times import day_bounds, plan_slots

MAX_SLOTS_PER_PUBLISH = 500


@dataclass
class DaySlot:
    slot: Slot
    appointments: list[Appointment] = field(default_factory=list)

    @property
    def free(self) -> int:
        return self.slot.capacity - len(self.appointments)


def day_view(organisation_id: uuid.UUID, day: date, staff_id: uuid.UUID | None = None) -> list[DaySlot]:
    """The organisation's slots of one Helsinki day, with who holds each seat (cancelled ones left out)."""
    start, end = day_bounds(day)
    statement = select(Slot).where(Slot.organisation_id == organisation_id, Slot.starts_at >= start,
                                   Slot.starts_at < end, Slot.status == SlotStatus.PUBLISHED)
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
    return list(rows.values())


def services_of(organisation_id: uuid.UUID) -> list[Service]:
    return list(db.session.scalars(
        select(Service).where(Service.organisation_id == organisation_id, Service.active.is_(True))
        .order_by(Service.code)
    ))


@dataclass
class NewSlots:
    first: date
    last: date
    weekdays: list[int]
    start: time
    end: time
    length: int
    mode: str
    location: str
    topic: str
    service_id: uuid.UUID | None
    capacity: int
    internal: bool


def publish(actor: User, spec: NewSlots) -> tuple[int, int]:
    """Create the slots (Helsinki wall-clock times, stored in UTC). Returns (created, skipped in the gap)."""
    planned = plan_slots(spec.first, spec.last, spec.weekdays, spec.start, spec.end, spec.length)
    for starts, ends in planned.times:
        db.session.add(Slot(
            id=uuid.uuid4(), organisation_id=actor.organisation_id, service_id=spec.service_id,
            staff_id=actor.id, created_by_id=actor.id, topic=spec.topic, starts_at=starts, ends_at=ends,
            mode=spec.mode, location=spec.location, capacity=spec.capacity, internal=spec.internal,
            status=SlotStatus.PUBLISHED.value,
        ))
    return len(planned.times), len(planned.skipped)


def count_planned(spec: NewSlots) -> int:
    return len(plan_slots(spec.first, spec.last, spec.weekdays, spec.start, spec.end, spec.length).times)


def own_slot(slot_id: uuid.UUID, organisation_id: uuid.UUID) -> Slot | None:
    return db.session.scalar(select(Slot).where(Slot.id == slot_id, Slot.organisation_id == organisation_id))


def withdraw(slot: Slot) -> bool:
    """Withdraw a slot nobody holds. The row stays (withdrawn), so a stale link explains itself."""
    if slot.status != SlotStatus.PUBLISHED or len(queries.free_seats(slot)) != slot.capacity:
        return False
    slot.status = SlotStatus.WITHDRAWN.value
    slot.withdrawn_at = utcnow()
    return True


def own_appointment(appointment_id: uuid.UUID, organisation_id: uuid.UUID) -> Appointment | None:
    return db.session.scalar(
        select(Appointment).join(Slot, Slot.id == Appointment.slot_id)
        .where(Appointment.id == appointment_id, Slot.organisation_id == organisation_id)
    )


MARKABLE = (AppointmentStatus.BOOKED, AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW)


def mark(appointment: Appointment, actor: User, to: AppointmentStatus, now: datetime) -> bool:
    """Attended or no-show, once the meeting has started; a mistake is corrected by marking again."""
    if appointment.status not in MARKABLE or appointment.status == to or appointment.slot.starts_at > now:
        return False
    queries._set_status(appointment, actor, to, to.value)
    return True


def client_by_email(email: str) -> User | None:
    return db.session.scalar(
        select(User).where(User.email == email.strip().lower(), User.role == Role.CLIENT, User.active.is_(True))
    )


def book_for_client(actor: User, client: User, starts: datetime, length: int, mode: str, location: str,
                    topic: str, needs: queries.Needs) -> Appointment | None:
    """A follow-up agreed in a meeting: a slot on the organisation's internal calendar, booked at once."""
    slot = Slot(id=uuid.uuid4(), organisation_id=actor.organisation_id, staff_id=actor.id, created_by_id=actor.id,
                topic=topic, starts_at=starts, ends_at=starts + timedelta(minutes=length), mode=mode,
                location=location, capacity=1, internal=True, status=SlotStatus.PUBLISHED.value)
    db.session.add(slot)
    db.session.flush()
    return queries.book(slot, client, actor, None, needs)
