"""Every database read and write of the client's side of appointments. A client only reaches their own.

The double-booking guard is the partial unique index on appointments(slot_id, seat); what is checked here
before the insert is only there to give a kinder message sooner.

A status change (move, cancel, "I can't come", attended, no-show) is a guarded UPDATE: it changes the row only
if the status is still the one the request saw (… WHERE id = :id AND status = :seen). Two requests that change
the same appointment at once cannot both win: on PostgreSQL the second waits for the first's row lock, then
finds the status changed and updates nothing.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ScalarSelect, Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from ..common.i18n import alphabetical_key
from ..extensions import db
from ..models import (
    SEAT_HOLDING,
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
    NoticeKind,
    Organisation,
    Service,
    Slot,
    SlotStatus,
    TeamNotice,
    User,
    utcnow,
)
from ..reminders import outbox
from . import client_limits
from .client_limits import Conflict
from .times import day_bounds, local_day

# A client can book a time that starts at least this far ahead: the team needs a moment to prepare.
BOOKING_NOTICE = timedelta(minutes=30)


class Refusal(enum.StrEnum):
    NOT_FOUND = "not_found"
    PAST = "past"
    TOO_SOON = "too_soon"  # starts within BOOKING_NOTICE: not bookable online any more
    WITHDRAWN = "withdrawn"
    INTERNAL = "internal"
    TAKEN = "taken"
    # the client's own other appointments (client_limits.py)
    ALREADY_YOURS = "already_yours"
    CLASH = "clash"
    TOO_MANY = "too_many"


class Refused(Exception):
    """The client may not take this time: one of their own appointments is in the way (client_limits.py)."""

    def __init__(self, found: Conflict) -> None:
        super().__init__(found.kind)
        self.conflict = found


def _taken_seats() -> ScalarSelect[int]:
    """The seats held in a slot, counted for each candidate slot through the partial unique index on
    (slot_id, seat): grouping every appointment there is would grow with the years of bookings."""
    return (
        select(func.count())
        .select_from(Appointment)
        .where(Appointment.slot_id == Slot.id, Appointment.status.in_(SEAT_HOLDING))
        .correlate(Slot)
        .scalar_subquery()
    )


def _free_slots(now: datetime) -> Select:  # type: ignore[type-arg]
    """Slots a client may book now: published, public, far enough ahead, with a seat left."""
    return select(Slot).where(
        Slot.status == SlotStatus.PUBLISHED,
        Slot.internal.is_(False),
        Slot.starts_at >= now + BOOKING_NOTICE,
        _taken_seats() < Slot.capacity,
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


def choices(now: datetime, locale: str) -> list[Choice]:
    """What there are free times for, sorted by the names in the language the client reads."""
    free = _free_slots(now).subquery()
    rows = db.session.execute(
        select(Organisation, Service, func.count(free.c.id))
        .join(free, free.c.organisation_id == Organisation.id)
        .outerjoin(Service, Service.id == free.c.service_id)
        .group_by(Organisation.id, Service.id)
    ).all()
    found = [Choice(org, service, count) for org, service, count in rows]
    return sorted(found, key=lambda c: (alphabetical_key(c.organisation.name(locale), locale),
                                        alphabetical_key(c.service.name(locale), locale) if c.service else ""))


def chosen(choice: tuple[uuid.UUID, uuid.UUID | None]) -> tuple[Organisation, Service | None] | None:
    """The organisation and service a booking is with (None for a made-up choice)."""
    organisation_id, service_id = choice
    organisation = db.session.get(Organisation, organisation_id)
    service = db.session.get(Service, service_id) if service_id is not None else None
    if organisation is None or (service_id is not None and service is None):
        return None
    return organisation, service


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
    """Helsinki days that have free times, with how many (days are counted in Helsinki, not in UTC).

    Every free time counts, however many there are: the database returns each distinct start time with how
    many free slots start then (one short row each, no slot objects), and the start times are then put on
    their Helsinki day, which the database cannot do the same way on SQLite and PostgreSQL."""
    free = _for_choice(_free_slots(now), organisation_id, service_id).subquery()
    rows = db.session.execute(
        select(free.c.starts_at, func.count()).group_by(free.c.starts_at).order_by(free.c.starts_at)
    ).all()
    days: dict[date, int] = {}
    for starts_at, count in rows:
        day = local_day(starts_at)
        days[day] = days.get(day, 0) + count
    return sorted(days.items())


def slot_for_client(slot_id: uuid.UUID | None, now: datetime) -> tuple[Slot | None, Refusal | None]:
    """The slot if it may be booked online now, else why not. Never raises for a made-up id. (Whether the
    client's own appointments are in the way: client_limits.conflict.)"""
    slot = db.session.get(Slot, slot_id) if slot_id else None
    if slot is None:
        return None, Refusal.NOT_FOUND
    if slot.internal:
        return slot, Refusal.INTERNAL
    if slot.status != SlotStatus.PUBLISHED:
        return slot, Refusal.WITHDRAWN
    if slot.starts_at < now:
        return slot, Refusal.PAST
    if slot.starts_at < now + BOOKING_NOTICE:
        return slot, Refusal.TOO_SOON
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


class AlreadyChanged(Exception):
    """The appointment being moved was cancelled, moved or marked by another request first: nothing booked."""


def book(slot: Slot, client: User, actor: User, key: uuid.UUID | None, needs: Needs,
         replaces: Appointment | None = None) -> Appointment | None:
    """Book a seat of the slot, all or nothing. Returns None when every seat was taken first.

    Each try runs in a savepoint: if another request took the seat in between, the unique index refuses the
    insert, the savepoint is rolled back and the next free seat is tried. When `replaces` is given (a
    reschedule), the old appointment first gives its seat back with a guarded UPDATE in the same savepoint,
    so either both happen or neither does; if it was no longer booked (another tab moved or cancelled it
    first), the savepoint is rolled back and AlreadyChanged is raised.

    The slot row is read with a shared lock first: bookings of one slot do not wait for each other, but a
    withdrawal (which locks the row for update) waits for them and then sees their bookings, or they wait for
    it and then see the slot withdrawn (None, as for a taken time). SQLite has one writer at a time anyway.

    Then the client's row is locked, and Refused is raised if one of their own appointments is in the way
    (client_limits.py; the database refuses overlaps too)."""
    still_published = db.session.scalar(
        select(Slot.id).where(Slot.id == slot.id, Slot.status == SlotStatus.PUBLISHED).with_for_update(read=True)
    )
    if still_published is None:
        return None
    client_limits.lock_client(client.id)
    if key is not None and (found := appointment_by_key(key, client.id)) is not None:
        if replaces is not None:
            db.session.expire(replaces)  # moved by the first one: what the caller loaded is out of date
        return found  # the same form, sent again while the first one was being booked
    by_client = actor.id == client.id
    if (in_the_way := client_limits.conflict(slot, client, utcnow(), replaces, by_client)) is not None:
        raise Refused(in_the_way)
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
            if (in_the_way := client_limits.conflict(slot, client, utcnow(), replaces, by_client)) is not None:
                raise Refused(in_the_way) from None
        except AlreadyChanged:
            if key is not None and (found := appointment_by_key(key, client.id)) is not None:
                return found  # the same move, sent twice at once: the first one moved it
            raise
    return None


def _insert(slot: Slot, seat: int, client: User, actor: User, key: uuid.UUID | None, needs: Needs,
            replaces: Appointment | None) -> Appointment:
    now = utcnow()
    by_role = "client" if actor.is_client else "staff"
    # The old seat is given back first, and only if the old appointment is still booked; this also takes its
    # row lock, so a second move of the same appointment waits here and then finds it moved.
    if replaces is not None and not _change_status(replaces, AppointmentStatus.RESCHEDULED, now,
                                                   seen=AppointmentStatus.BOOKED):
        raise AlreadyChanged(replaces.id)
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
        _record(replaces, actor, AppointmentStatus.BOOKED, AppointmentStatus.RESCHEDULED, "rescheduled", now,
                other=appointment.id)
    db.session.add(AppointmentEvent(appointment_id=appointment.id, at=now, actor_id=actor.id,
                                    kind="rescheduled_here" if replaces else "booked",
                                    to_status=AppointmentStatus.BOOKED.value,
                                    other_appointment_id=replaces.id if replaces else None))
    db.session.flush()
    outbox.schedule(appointment, client, now)
    outbox.confirm(appointment, client, "moved" if replaces is not None else "booked", now)
    return appointment


def _change_status(appointment: Appointment, to: AppointmentStatus, now: datetime, seen: str | None = None,
                   **columns: object) -> bool:
    """UPDATE … SET status = :to WHERE id = :id AND status = :seen. True if the row changed.

    `seen` is the status this change starts from (by default the one loaded with the appointment). If another
    request changed it in between, nothing is updated and the appointment is expired, so what is read next is
    what the database holds. The seat is given back at once, before anything else is inserted."""
    seen = str(seen or appointment.status)
    result = db.session.execute(
        update(Appointment)
        .where(Appointment.id == appointment.id, Appointment.status == seen)
        .values(status=to.value, status_changed_at=now, **columns)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.expire(appointment)
        return False
    for name, value in {"status": to.value, "status_changed_at": now, **columns}.items():
        set_committed_value(appointment, name, value)  # the row says so already: nothing more to flush
    db.session.expire(appointment, ["updated_at"])  # set by the UPDATE itself
    return True


def _record(appointment: Appointment, actor: User, seen: str, to: AppointmentStatus, kind: str, now: datetime,
            reason: str | None = None, detail: str | None = None, other: uuid.UUID | None = None) -> None:
    db.session.add(AppointmentEvent(appointment_id=appointment.id, at=now, actor_id=actor.id, kind=kind,
                                    from_status=str(seen), to_status=to.value, reason=reason,
                                    detail=detail or None, other_appointment_id=other))
    db.session.flush()
    if to in (AppointmentStatus.CANCELLED, AppointmentStatus.RESCHEDULED):
        outbox.cancel(appointment.id)


def set_status(appointment: Appointment, actor: User, to: AppointmentStatus, kind: str,
                reason: str | None = None, detail: str | None = None, other: uuid.UUID | None = None,
                seen: str | None = None, **columns: object) -> bool:
    """Change the status with a guarded UPDATE and record the event. False (nothing changed, nothing recorded)
    if the status was no longer `seen` (by default the status loaded with the appointment)."""
    now = utcnow()
    seen = str(seen or appointment.status)
    if not _change_status(appointment, to, now, seen=seen, **columns):
        return False
    _record(appointment, actor, seen, to, kind, now, reason, detail, other)
    return True


def cancel(appointment: Appointment, actor: User, reason: str, detail: str | None, cant_come: bool) -> bool:
    """Cancel (the record stays, with its reason) and tell the team. False if it was not booked any more,
    also when another request cancelled or moved it a moment before (then nothing is changed or recorded)."""
    if appointment.status != AppointmentStatus.BOOKED:
        return False
    kind = "cant_come" if cant_come else "cancelled"
    if not set_status(appointment, actor, AppointmentStatus.CANCELLED, kind, reason, detail,
                       seen=AppointmentStatus.BOOKED, cancel_reason=reason, cancel_detail=detail or None):
        return False
    db.session.add(TeamNotice(organisation_id=appointment.slot.organisation_id, client_id=appointment.client_id,
                              appointment_id=appointment.id,
                              kind=NoticeKind.CANT_COME if cant_come else NoticeKind.CANCELLED))
    client = actor if actor.id == appointment.client_id else db.session.get(User, appointment.client_id)
    if client is not None:
        outbox.confirm(appointment, client, "cancelled", utcnow())
    return True


def add_interpreter(appointment: Appointment, actor: User, language: str) -> bool:
    """An interpreter asked for at a booked appointment (instead of cancelling it for want of one), and the
    organisation told. False, changing nothing, if it is no longer booked (changed in another tab)."""
    now = utcnow()
    result = db.session.execute(
        update(Appointment)
        .where(Appointment.id == appointment.id, Appointment.status == AppointmentStatus.BOOKED)
        .values(interpreter_language=language)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.expire(appointment)
        return False
    set_committed_value(appointment, "interpreter_language", language)
    db.session.add(AppointmentEvent(appointment_id=appointment.id, at=now, actor_id=actor.id,
                                    kind="interpreter_added", detail=language))
    db.session.add(TeamNotice(organisation_id=appointment.slot.organisation_id, client_id=appointment.client_id,
                              appointment_id=appointment.id, kind=NoticeKind.INTERPRETER))
    return True
