"""Every database read and write of the staff side. Staff only reach their own organisation's calendar.

What staff see of a client here is the minimum for the meeting: name, time, the support asked for, why a
booking was cancelled, and (when booking a follow-up) the titles of the client's open plan steps, so the
appointment can be linked to the step it carries out. (Wider access to client data comes with the consent
layer.)
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (
    SEAT_HOLDING,
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
    Plan,
    PlanStatus,
    PlanStep,
    Role,
    Service,
    Slot,
    SlotStatus,
    StepStatus,
    User,
    utcnow,
)
from ..models.translated import columns
from . import queries
from .times import day_bounds, plan_slots

MAX_SLOTS_PER_PUBLISH = 500


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


def client_by_email(email: str) -> User | None:
    if not email or any(ord(c) < 32 for c in email):  # a NUL byte would make PostgreSQL refuse the query
        return None
    return db.session.scalar(
        select(User).where(User.email == email.strip().lower(), User.role == Role.CLIENT, User.active.is_(True))
    )


def client_by_id(client_id: uuid.UUID | None) -> User | None:
    if client_id is None:
        return None
    return db.session.scalar(
        select(User).where(User.id == client_id, User.role == Role.CLIENT, User.active.is_(True))
    )


OPEN_STEP = (StepStatus.TODO.value, StepStatus.CANT_DO.value)


def _open_steps_of(client_id: uuid.UUID, organisation_id: uuid.UUID):  # type: ignore[no-untyped-def]
    # Only the steps this organisation is responsible for and that have no appointment yet: other agencies'
    # steps are not this caseworker's to see before the client's consent says so.
    return (
        select(PlanStep).join(Plan, Plan.id == PlanStep.plan_id)
        .where(Plan.client_id == client_id, Plan.status != PlanStatus.REPLACED,
               PlanStep.status.in_(OPEN_STEP), PlanStep.responsible_organisation_id == organisation_id,
               PlanStep.appointment_id.is_(None))
    )


def open_steps(client_id: uuid.UUID, organisation_id: uuid.UUID) -> list[PlanStep]:
    """The client's open steps (to do, or can't do) that this organisation is responsible for and that have
    no appointment yet, in plan order."""
    return list(db.session.scalars(
        _open_steps_of(client_id, organisation_id).order_by(PlanStep.position, PlanStep.id)))


def open_step(step_id: uuid.UUID, client_id: uuid.UUID, organisation_id: uuid.UUID) -> PlanStep | None:
    """One of those steps, or None: any other step is simply not found."""
    return db.session.scalar(_open_steps_of(client_id, organisation_id).where(PlanStep.id == step_id))


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


