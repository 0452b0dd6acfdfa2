"""The staff side's reads and writes of their own organisation's calendar: publishing and withdrawing times,
marking attendance, booking a client in. Staff read client data (the day's names and support needs, a client's
plan steps) only through portal.access, which calls day_view.py and the plan room for them."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (
    Appointment,
    AppointmentStatus,
    PlanStep,
    Service,
    Slot,
    SlotStatus,
    User,
    utcnow,
)
from ..models.translated import columns
from . import queries
from .times import plan_slots

MAX_SLOTS_PER_PUBLISH = 500


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
    location: dict[str, str]  # by language: {"fi": ..., "sv": ..., "en": ...}, any of them empty
    topic: dict[str, str]
    service_id: uuid.UUID | None
    capacity: int
    internal: bool


@dataclass
class Published:
    created: int
    existed: int  # the staff member already had a published time starting then: not made twice
    skipped: int  # in the spring gap


def publish(actor: User, spec: NewSlots) -> Published:
    """Create the slots (Helsinki wall-clock times, stored in UTC), skipping the start times at which the
    staff member already has a published slot.

    Sending the form twice therefore makes nothing twice. Publishes by the same person are serialised by a
    lock on their user row (PostgreSQL); SQLite takes the write lock when the request starts."""
    planned = plan_slots(spec.first, spec.last, spec.weekdays, spec.start, spec.end, spec.length)
    existing: set[datetime] = set()
    if planned.times:
        db.session.execute(select(User.id).where(User.id == actor.id).with_for_update())
        first, last = planned.times[0][0], planned.times[-1][0]
        existing = set(db.session.scalars(
            select(Slot.starts_at).where(Slot.staff_id == actor.id, Slot.status == SlotStatus.PUBLISHED,
                                         Slot.starts_at >= first, Slot.starts_at <= last)
        ))
    created = 0
    for starts, ends in planned.times:
        if starts in existing:
            continue
        created += 1
        db.session.add(Slot(
            id=uuid.uuid4(), organisation_id=actor.organisation_id, service_id=spec.service_id,
            staff_id=actor.id, created_by_id=actor.id, starts_at=starts, ends_at=ends, mode=spec.mode,
            **columns("topic", spec.topic), **columns("location", spec.location), capacity=spec.capacity,
            internal=spec.internal,
            status=SlotStatus.PUBLISHED.value,
        ))
    return Published(created, len(planned.times) - created, len(planned.skipped))


def count_planned(spec: NewSlots) -> int:
    return len(plan_slots(spec.first, spec.last, spec.weekdays, spec.start, spec.end, spec.length).times)


def own_slot(slot_id: uuid.UUID, organisation_id: uuid.UUID) -> Slot | None:
    return db.session.scalar(select(Slot).where(Slot.id == slot_id, Slot.organisation_id == organisation_id))


def withdraw(slot: Slot) -> bool:
    """Withdraw a slot nobody holds. The row stays (withdrawn), so a stale link explains itself."""
    # bookings in flight finish first (see queries.book); the row is then read again as they left it
    db.session.execute(select(Slot.id).where(Slot.id == slot.id).with_for_update())
    db.session.refresh(slot)
    if slot.status != SlotStatus.PUBLISHED or len(queries.free_seats(slot)) != slot.capacity:
        return False
    slot.status = SlotStatus.WITHDRAWN.value
    slot.withdrawn_at = utcnow()
    return True


class NotRestored(enum.StrEnum):
    PUBLISHED = "published"  # it was published already (again, in another window)
    STARTED = "started"  # its time has come: too late to offer it
    CLASH = "clash"  # the staff member has published another time starting then


def restore(slot: Slot, now: datetime) -> NotRestored | None:
    """Publish a withdrawn slot again (undo). None when it was published, else why not."""
    db.session.execute(select(Slot.id).where(Slot.id == slot.id).with_for_update())
    db.session.refresh(slot)
    if slot.status == SlotStatus.PUBLISHED:
        return NotRestored.PUBLISHED
    if slot.starts_at <= now:
        return NotRestored.STARTED
    if slot.staff_id is not None and db.session.scalar(
            select(Slot.id).where(Slot.staff_id == slot.staff_id, Slot.starts_at == slot.starts_at,
                                  Slot.status == SlotStatus.PUBLISHED, Slot.id != slot.id).limit(1)):
        return NotRestored.CLASH
    slot.status = SlotStatus.PUBLISHED.value
    slot.withdrawn_at = None
    return None


def own_appointment(appointment_id: uuid.UUID, organisation_id: uuid.UUID) -> Appointment | None:
    return db.session.scalar(
        select(Appointment).join(Slot, Slot.id == Appointment.slot_id)
        .where(Appointment.id == appointment_id, Slot.organisation_id == organisation_id)
    )


MARKABLE = (AppointmentStatus.BOOKED, AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW)


class NotMarked(enum.StrEnum):
    NOT_STARTED = "not_started"
    ALREADY = "already"  # it was marked like that already
    CHANGED = "changed"  # cancelled or moved (perhaps just now, in another window)


def mark(appointment: Appointment, actor: User, to: AppointmentStatus, now: datetime) -> NotMarked | None:
    """Attended or no-show, once the meeting has started; a mistake is corrected by marking again.
    None when it was marked, else why not."""
    if appointment.status == to:
        return NotMarked.ALREADY
    if appointment.status not in MARKABLE:
        return NotMarked.CHANGED
    if appointment.slot.starts_at > now:
        return NotMarked.NOT_STARTED
    return None if queries.set_status(appointment, actor, to, to.value) else NotMarked.CHANGED


def booked_with_key(key: uuid.UUID | None, actor_id: uuid.UUID) -> Appointment | None:
    """What this staff member already booked with this form (the idempotency key), if anything."""
    if key is None:
        return None
    return db.session.scalar(
        select(Appointment).where(Appointment.idempotency_key == key, Appointment.booked_by_id == actor_id)
        .options(joinedload(Appointment.client))
    )


class _BookedElsewhere(Exception):
    """The key was used already: the slot made for this try is rolled back with its savepoint."""

    def __init__(self, appointment: Appointment | None) -> None:
        self.appointment = appointment


def book_for_client(actor: User, client: User, starts: datetime, length: int, mode: str,
                    location: dict[str, str], topic: dict[str, str], needs: queries.Needs, key: uuid.UUID,
                    step: PlanStep | None = None) -> Appointment | None:
    """A follow-up agreed in a meeting: a slot on the organisation's internal calendar, booked at once, and
    maybe linked to the plan step it carries out, all in one transaction.

    The form's key makes a second submit harmless: the appointment booked with it is returned and nothing is
    made twice, also when both arrive at once (the unique key refuses the second insert). None when the key
    belongs to someone else's booking."""
    if (found := booked_with_key(key, actor.id)) is not None:
        return found
    try:
        with db.session.begin_nested():
            slot = Slot(id=uuid.uuid4(), organisation_id=actor.organisation_id, staff_id=actor.id,
                        created_by_id=actor.id, starts_at=starts, ends_at=starts + timedelta(minutes=length),
                        mode=mode, **columns("topic", topic), **columns("location", location), capacity=1,
                        internal=True, status=SlotStatus.PUBLISHED.value)
            db.session.add(slot)
            db.session.flush()
            appointment = queries.book(slot, client, actor, key, needs)
            if appointment is None or appointment.slot_id != slot.id:
                raise _BookedElsewhere(appointment)
            if step is not None:
                # PlanStepEvent has no kind for "linked to an appointment", so the link is not in the history.
                step.appointment_id = appointment.id
                db.session.flush()
            return appointment
    except _BookedElsewhere as elsewhere:
        found = elsewhere.appointment
        return found if found is not None and found.booked_by_id == actor.id else None


