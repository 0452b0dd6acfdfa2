"""Every database read and write of the client's side of appointments. A client only reaches their own.

The double-booking guard is the partial unique index on appointments(slot_id, seat); what is checked here
before the insert is only there to give a kinder message sooner.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import (
    SEAT_HOLDING,
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
    Organisation,
    Service,
    Slot,
    SlotStatus,
    TeamNotice,
    User,
    utcnow,
)
from ..reminders import outbox
from .times import day_bounds, local_day

# A client can book a time that starts at least this far ahead: the team needs a moment to prepare.
BOOKING_NOTICE = timedelta(minutes=30)


class Refusal(enum.StrEnum):
    NOT_FOUND = "not_found"
    PAST = "past"
    WITHDRAWN = "withdrawn"
    INTERNAL = "internal"
    TAKEN = "taken"


def _taken_seats() -> Select:  # type: ignore[type-arg]
    return (
        select(Appointment.slot_id, func.count().label("taken"))
        .where(Appointment.status.in_(SEAT_HOLDING))
        .group_by(Appointment.slot_id)
        .subquery()
    )


def _free_slots(now: datetime) -> Select:  # type: ignore[type-arg]
    """Slots a client may book now: published, public, far enough ahead, with a seat left."""
    taken = _taken_seats()
    return (
        select(Slot)
        .outerjoin(taken, taken.c.slot_id == Slot.id)
        .where(
            Slot.status == SlotStatus.PUBLISHED,
            Slot.internal.is_(False),
            Slot.starts_at >= now + BOOKING_NOTICE,
            func.coalesce(taken.c.taken, 0) < Slot.capacity,
        )
    )


@dataclass(frozen=True, slots=True)
class Choice:
    """Who to meet and about what: an organisation and maybe one of its services."""

    organisation: Organisation
    service: Service | None
    free: int

    @property
    def key(self) -> str:
        return f"{self.organisation.id}:{self.service.id if self.service else ''}"


def parse_choice(key: str | None) -> tuple[uuid.UUID, uuid.UUID | None] | None:
    org, _, service = (key or "").partition(":")
    try:
        return uuid.UUID(org), uuid.UUID(service) if service else None
    except ValueError:
        return None


def choices(now: datetime) -> list[Choice]:
    free = _free_slots(now).subquery()
    rows = db.session.execute(
        select(Organisation, Service, func.count(free.c.id))
        .join(free, free.c.organisation_id == Organisation.id)
        .outerjoin(Service, Service.id == free.c.service_id)
        .group_by(Organisation.id, Service.id)
    ).all()
    found = [Choice(org, service, count) for org, service, count in rows]
    return sorted(found, key=lambda c: (c.organisation.name_fi, c.service.name_fi if c.service else ""))


def _for_choice(statement: Select, organisation_id: uuid.UUID, service_id: uuid.UUID | None) -> Select:  # type: ignore[type-arg]
    statement = statement.where(Slot.organisation_id == organisation_id)
    if service_id is None:
        return statement.where(Slot.service_id.is_(None))
    return statement.where(Slot.service_id == service_id)


def free_slots(organisation_id: uuid.UUID, service_id: uuid.UUID | None, now: datetime,
               day: date | None = None, limit: int = 400) -> list[Slot]:
    statement = _for_choice(_free_slots(now), organisation_id, service_id)
    if day is not None:
        start, end = day_bounds(day)
        statement = statement.where(Slot.starts_at >= start, Slot.starts_at < end)
    return list(db.session.scalars(statement.order_by(Slot.starts_at, Slot.id).limit(limit)))


def free_days(organisation_id: uuid.UUID, service_id: uuid.UUID | None, now: datetime) -> list[tuple[date, int]]:
    """Helsinki days that have free times, with how many (days are counted in Helsinki, not in UTC)."""
    days: dict[date, int] = {}
    for slot in free_slots(organisation_id, service_id, now):
        day = local_day(slot.starts_at)
        days[day] = days.get(day, 0) + 1
    return sorted(days.items())


def slot_for_client(slot_id: uuid.UUID | None, now: datetime) -> tuple[Slot | None, Refusal | None]:
    """The slot if this client may book it now, else why not. Never raises for a made-up id."""
    slot = db.session.get(Slot, slot_id) if slot_id else None
    if slot is None:
        return None, Refusal.NOT_FOUND
    if slot.internal:
        return slot, Refusal.INTERNAL
    if slot.status != SlotStatus.PUBLISHED:
        return slot, Refusal.WITHDRAWN
    if slot.starts_at < now + BOOKING_NOTICE:
        return slot, Refusal.PAST
    if not free_seats(slot):
        return slot, Refusal.TAKEN
    return slot, None


def free_seats(slot: Slot) -> list[int]:
    taken = set(db.session.scalars(
        select(Appointment.seat).where(Appointment.slot_id == slot.id, Appointment.status.in_(SEAT_HOLDING))
    ))
    return [seat for seat in range(1, slot.capacity + 1) if seat not in taken]


def nearest_free(slot: Slot, now: datetime, limit: int = 5) -> list[Slot]:
    """Free times closest to the one that was taken, for the same agency and service, soonest first."""
    candidates = free_slots(slot.organisation_id, slot.service_id, now)
    candidates = [c for c in candidates if c.id != slot.id]
    candidates.sort(key=lambda c: abs((c.starts_at - slot.starts_at).total_seconds()))
    return sorted(candidates[:limit], key=lambda c: c.starts_at)


def appointment_by_key(key: uuid.UUID, client_id: uuid.UUID) -> Appointment | None:
    return db.session.scalar(
        select(Appointment).where(Appointment.idempotency_key == key, Appointment.client_id == client_id)
    )


@dataclass
class Needs:
    interpreter_language: str | None = None
    other_needs: str | None = None


def book(slot: Slot, client: User, actor: User, key: uuid.UUID | None, needs: Needs,
         replaces: Appointment | None = None) -> Appointment | None:
    """Book a seat of the slot, all or nothing. Returns None when every seat was taken first.

    Each try runs in a savepoint: if another request took the seat in between, the unique index refuses the
    insert, the savepoint is rolled back and the next free seat is tried. When `replaces` is given (a
    reschedule), the old appointment gives its seat back in the same savepoint, so either both happen or
    neither does."""
    for _ in range(slot.capacity):
        seats = free_seats(slot)
        if not seats:
            return None
        try:
            with db.session.begin_nested():
                return _insert(slot, seats[0], client, actor, key, needs, replaces)
        except IntegrityError:
            if key is not None and (found := appointment_by_key(key, client.id)) is not None:
                return found  # the same form, sent twice at once
    return None


def _insert(slot: Slot, seat: int, client: User, actor: User, key: uuid.UUID | None, needs: Needs,
            replaces: Appointment | None) -> Appointment:
    now = utcnow()
    by_role = "client" if actor.is_client else "staff"
    appointment = Appointment(
        id=uuid.uuid4(), slot_id=slot.id, seat=seat, client_id=client.id, status=AppointmentStatus.BOOKED.value,
        booked_by_id=actor.id, booked_by_role=by_role, idempotency_key=key,
        interpreter_language=needs.interpreter_language or None, other_needs=needs.other_needs or None,
        status_changed_at=now, rescheduled_from_id=replaces.id if replaces else None,
    )
    appointment.slot = slot
    db.session.add(appointment)
    db.session.flush()
    if replaces is not None:
        _set_status(replaces, actor, AppointmentStatus.RESCHEDULED, "rescheduled", other=appointment.id)
    db.session.add(AppointmentEvent(appointment_id=appointment.id, at=now, actor_id=actor.id,
                                    kind="rescheduled_here" if replaces else "booked",
                                    to_status=AppointmentStatus.BOOKED.value,
                                    other_appointment_id=replaces.id if replaces else None))
    db.session.flush()
    outbox.schedule(appointment, client, now)
    return appointment


def _set_status(appointment: Appointment, actor: User, to: AppointmentStatus, kind: str,
                reason: str | None = None, detail: str | None = None, other: uuid.UUID | None = None) -> None:
    now = utcnow()
    db.session.add(AppointmentEvent(appointment_id=appointment.id, at=now, actor_id=actor.id, kind=kind,
                                    from_status=appointment.status, to_status=to.value, reason=reason,
                                    detail=detail or None, other_appointment_id=other))
    appointment.status = to.value
    appointment.status_changed_at = now
    db.session.flush()  # the seat is given back before anything else is inserted
    if to in (AppointmentStatus.CANCELLED, AppointmentStatus.RESCHEDULED):
        outbox.cancel(appointment.id)


def cancel(appointment: Appointment, actor: User, reason: str, detail: str | None, cant_come: bool) -> bool:
    """Cancel (the record stays, with its reason) and tell the team. False if it was not booked any more."""
    if appointment.status != AppointmentStatus.BOOKED:
        return False
    appointment.cancel_reason, appointment.cancel_detail = reason, detail or None
    _set_status(appointment, actor, AppointmentStatus.CANCELLED, "cant_come" if cant_come else "cancelled",
                reason, detail)
    db.session.add(TeamNotice(organisation_id=appointment.slot.organisation_id, client_id=appointment.client_id,
                              kind="appointment_cant_come" if cant_come else "appointment_cancelled"))
    return True


def client_appointments(client_id: uuid.UUID) -> list[Appointment]:
    statement = (
        select(Appointment).join(Slot, Slot.id == Appointment.slot_id)
        .where(Appointment.client_id == client_id)
        .order_by(Slot.starts_at, Appointment.created_at)
    )
    return list(db.session.scalars(statement).unique())


def next_appointment(client_id: uuid.UUID, now: datetime) -> Appointment | None:
    statement = (
        select(Appointment).join(Slot, Slot.id == Appointment.slot_id)
        .where(Appointment.client_id == client_id, Appointment.status == AppointmentStatus.BOOKED,
               Slot.ends_at > now)
        .order_by(Slot.starts_at).limit(1)
    )
    return db.session.scalars(statement).unique().first()


def client_appointment(appointment_id: uuid.UUID, client_id: uuid.UUID) -> Appointment | None:
    """The client's own appointment, or None: another client's id looks like no appointment at all."""
    return db.session.scalar(
        select(Appointment).where(Appointment.id == appointment_id, Appointment.client_id == client_id)
    )


def history(appointment_id: uuid.UUID) -> list[AppointmentEvent]:
    statement = (
        select(AppointmentEvent)
        .where(AppointmentEvent.appointment_id == appointment_id)
        .order_by(AppointmentEvent.at, AppointmentEvent.id)
    )
    return list(db.session.scalars(statement))
