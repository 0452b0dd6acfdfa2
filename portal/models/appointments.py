"""Bookable slots, appointments with their append-only history, and the reminder outbox.

No double booking is the database's job: an active appointment holds a seat (1..capacity) of its slot, and a
partial unique index allows each seat of a slot to be held once. Cancelled and rescheduled appointments give
their seat back but stay in the table: nothing is deleted.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, IdMixin, TimestampMixin, utcnow
from .organisations import Organisation, Service
from .translated import InLanguage, pick
from .users import User


class MeetingMode(enum.StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"


class SlotStatus(enum.StrEnum):
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class AppointmentStatus(enum.StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


# These hold a seat of their slot; cancelled and rescheduled ones have given it back.
SEAT_HOLDING = ("booked", "attended", "no_show")
_SEAT_HOLDING_SQL = "status IN ('booked', 'attended', 'no_show')"


class Slot(IdMixin, TimestampMixin, Base):
    """A time an organisation's staff can meet clients. Internal slots are for staff to book clients into."""

    __tablename__ = "appointment_slots"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity BETWEEN 1 AND 50", name="capacity_range"),
        CheckConstraint("mode IN ('in_person', 'phone', 'video')", name="mode_known"),
        CheckConstraint("status IN ('published', 'withdrawn')", name="status_known"),
        Index("ix_appointment_slots_organisation_starts", "organisation_id", "starts_at"),
        Index("ix_appointment_slots_starts_at", "starts_at"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    service_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("services.id"))
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    # What staff typed, in as many of Finnish, Swedish and English as they gave (see translated.pick).
    topic_fi: Mapped[str] = mapped_column(String(200), default="")
    topic_sv: Mapped[str] = mapped_column(String(200), default="")
    topic_en: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    mode: Mapped[str] = mapped_column(String(10), default=MeetingMode.IN_PERSON.value)
    # The address or room, or for a call who calls whom.
    location_fi: Mapped[str] = mapped_column(String(200), default="")
    location_sv: Mapped[str] = mapped_column(String(200), default="")
    location_en: Mapped[str] = mapped_column(String(200), default="")
    capacity: Mapped[int] = mapped_column(default=1)
    internal: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default=SlotStatus.PUBLISHED.value)
    withdrawn_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    service: Mapped[Service | None] = relationship(lazy="joined")
    staff: Mapped[User | None] = relationship(foreign_keys=[staff_id], lazy="raise_on_sql")

    def what(self, locale: str) -> InLanguage:
        """The name of the meeting as the client sees it: the service, else the topic, else the agency."""
        if self.service is not None:
            return self.service.name(locale)
        return self.topic(locale) or self.organisation.name(locale)

    def topic(self, locale: str) -> InLanguage:
        return pick(self, "topic", locale)

    def location(self, locale: str) -> InLanguage:
        return pick(self, "location", locale)


class Appointment(IdMixin, TimestampMixin, Base):
    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint(
            "status IN ('booked', 'cancelled', 'rescheduled', 'attended', 'no_show')", name="status_known"
        ),
        CheckConstraint("booked_by_role IN ('client', 'staff')", name="booked_by_role_known"),
        CheckConstraint("seat >= 1", name="seat_positive"),
        UniqueConstraint("idempotency_key", name="idempotency_key"),
        # The guard against double booking: each seat of a slot is held by at most one active appointment.
        Index(
            "uq_appointments_one_active_per_seat",
            "slot_id",
            "seat",
            unique=True,
            sqlite_where=text(_SEAT_HOLDING_SQL),
            postgresql_where=text(_SEAT_HOLDING_SQL),
        ),
        # One seat per client in a time. (That one client's booked appointments never overlap is enforced by
        # triggers, migration 0004: a constraint cannot look at the slots' times.)
        Index(
            "uq_appointments_one_seat_per_client",
            "slot_id",
            "client_id",
            unique=True,
            sqlite_where=text(_SEAT_HOLDING_SQL),
            postgresql_where=text(_SEAT_HOLDING_SQL),
        ),
        Index("ix_appointments_client_status", "client_id", "status"),
    )

    slot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("appointment_slots.id"))
    seat: Mapped[int] = mapped_column(default=1)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(12), default=AppointmentStatus.BOOKED.value)
    booked_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    booked_by_role: Mapped[str] = mapped_column(String(10))
    idempotency_key: Mapped[uuid.UUID | None]
    interpreter_language: Mapped[str | None] = mapped_column(String(60))
    other_needs: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(String(20))
    cancel_detail: Mapped[str | None] = mapped_column(Text)
    status_changed_at: Mapped[datetime | None]
    rescheduled_from_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appointments.id"))

    slot: Mapped[Slot] = relationship(lazy="joined")
    client: Mapped[User] = relationship(foreign_keys=[client_id], lazy="raise_on_sql")

    def is_upcoming(self, now: datetime) -> bool:
        return self.status == AppointmentStatus.BOOKED and self.slot.ends_at > now


class AppointmentEvent(IdMixin, Base):
    """One thing that happened to an appointment. Never updated or deleted (the database refuses)."""

    __tablename__ = "appointment_events"
    __table_args__ = (Index("ix_appointment_events_appointment_at", "appointment_id", "at"),)

    appointment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("appointments.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    # booked | cancelled | cant_come | rescheduled | attended | no_show | reminder_sent | confirmation_sent |
    # interpreter_added
    kind: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str | None] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(Text)
    other_appointment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appointments.id"))

    actor: Mapped[User | None] = relationship(lazy="raise_on_sql")


class ReminderStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its time
    SENDING = "sending"  # claimed by a run of send-reminders
    SENT = "sent"  # accepted by the mail server or SMS gateway: never sent again
    FAILED = "failed"  # will be tried again at next_attempt_at, or gave up (next_attempt_at is NULL)
    UNKNOWN = "unknown"  # a run stopped between sending and recording: not sent again (at most once)
    CANCELLED = "cancelled"  # the appointment was cancelled, moved or is over; the step done or re-dated


class ReminderOutbox(IdMixin, TimestampMixin, Base):
    """A reminder waiting to go, or gone: of an appointment (before it starts) or of a plan step (before its
    due date), never of both."""

    __tablename__ = "reminder_outbox"
    __table_args__ = (
        UniqueConstraint("appointment_id", "channel", "kind", name="appointment_channel_kind"),
        UniqueConstraint("step_id", "channel", "kind", name="step_channel_kind"),
        CheckConstraint("(appointment_id IS NULL) <> (step_id IS NULL)", name="of_one_thing"),
        CheckConstraint("channel IN ('email', 'sms')", name="channel_known"),
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'unknown', 'cancelled')", name="status_known"
        ),
        Index("ix_reminder_outbox_status_next", "status", "next_attempt_at"),
    )

    appointment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appointments.id"))
    step_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("plan_steps.id"))
    channel: Mapped[str] = mapped_column(String(10))
    # a reminder: how long before the appointment's start ("2d", "2h") or the step's due day ("2d", "due_day");
    # a confirmation: what happened ("booked", "moved", "cancelled")
    kind: Mapped[str] = mapped_column(String(10))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10), default=ReminderStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)

    appointment: Mapped[Appointment | None] = relationship(lazy="raise_on_sql")


class BookingAnswers(Base):
    """The answers of a booking in progress, kept here and not in the session cookie: "other needs" may
    describe the client's health, and a signed cookie can be read by anyone who has it. The session holds
    only the id (which is also the booking's idempotency key). Scratch data: deleted when the booking is
    made or abandoned, and after a day at the latest."""

    __tablename__ = "booking_answers"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    answers: Mapped[dict[str, object]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
