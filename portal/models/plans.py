"""The employment plan, its steps, and the append-only history of every step."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, IdMixin, TimestampMixin, utcnow
from .organisations import Organisation, Service
from .users import User

if TYPE_CHECKING:
    from .appointments import Appointment


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    AGREED = "agreed"
    REPLACED = "replaced"


class StepStatus(enum.StrEnum):
    TODO = "todo"
    DONE = "done"
    CANT_DO = "cant_do"


class CantDoReason(enum.StrEnum):
    HEALTH = "health"
    CHILDCARE = "childcare"
    TRANSPORT = "transport"
    LANGUAGE = "language"
    INTERPRETER = "interpreter"
    OTHER = "other"


class Plan(IdMixin, TimestampMixin, Base):
    __tablename__ = "plans"
    __table_args__ = (
        UniqueConstraint("client_id", "version", name="client_version"),
        CheckConstraint("status IN ('draft', 'agreed', 'replaced')", name="status_known"),
        # At most one current (not replaced) plan per client.
        Index(
            "uq_plans_one_current_per_client",
            "client_id",
            unique=True,
            sqlite_where=text("status <> 'replaced'"),
            postgresql_where=text("status <> 'replaced'"),
        ),
        # A caseload's drafts waiting for agreement, found without reading every plan.
        Index("ix_plans_drafts", "client_id", sqlite_where=text("status = 'draft'"),
              postgresql_where=text("status = 'draft'")),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(20), default=PlanStatus.DRAFT.value)
    goals: Mapped[str] = mapped_column(Text, default="")
    agreed_at: Mapped[datetime | None]
    # Raised by every change of the plan's goals or steps: a form that carries an older number was written
    # against an older plan, and its save is refused instead of silently overwriting (no lost update).
    revision: Mapped[int] = mapped_column(default=1)

    client: Mapped[User] = relationship()
    steps: Mapped[list[PlanStep]] = relationship(
        back_populates="plan", order_by="PlanStep.position", lazy="raise_on_sql"
    )


class PlanStep(IdMixin, TimestampMixin, Base):
    __tablename__ = "plan_steps"
    __table_args__ = (
        CheckConstraint("status IN ('todo', 'done', 'cant_do')", name="status_known"),
        CheckConstraint(
            "cant_do_reason IS NULL OR cant_do_reason IN "
            "('health', 'childcare', 'transport', 'language', 'interpreter', 'other')",
            name="reason_known",
        ),
        CheckConstraint("added_by_role IN ('client', 'staff')", name="added_by_role_known"),
        # An organisation's open steps (its caseload's "can't do" and overdue), without reading every plan.
        Index("ix_plan_steps_open_by_organisation", "responsible_organisation_id", "plan_id",
              sqlite_where=text("removed_at IS NULL AND status <> 'done'"),
              postgresql_where=text("removed_at IS NULL AND status <> 'done'")),
    )

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    responsible_organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    service_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("services.id"))
    due_date: Mapped[date | None]
    added_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    added_by_role: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default=StepStatus.TODO.value)
    status_changed_at: Mapped[datetime | None]
    cant_do_reason: Mapped[str | None] = mapped_column(String(20))
    cant_do_detail: Mapped[str | None] = mapped_column(Text)
    # "Meet your work coach": a step can point to the appointment that carries it out.
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appointments.id"))
    # Removed from the plan (in a draft, then in the version agreed next): kept, never deleted.
    removed_at: Mapped[datetime | None]
    # Raised by every change of what the step says: a form written against an older step is refused.
    revision: Mapped[int] = mapped_column(default=1)

    plan: Mapped[Plan] = relationship(back_populates="steps")
    responsible_organisation: Mapped[Organisation | None] = relationship(lazy="raise_on_sql")
    service: Mapped[Service | None] = relationship(lazy="raise_on_sql")
    events: Mapped[list[PlanStepEvent]] = relationship(
        back_populates="step", order_by="PlanStepEvent.at", lazy="raise_on_sql"
    )

    @property
    def is_client_own(self) -> bool:
        return self.added_by_role == "client"

    def is_overdue(self, today: date) -> bool:
        return self.status == StepStatus.TODO and self.due_date is not None and self.due_date < today

    @property
    def done_at(self) -> datetime | None:
        """When a done step was done (the plan page lists the latest first)."""
        return (self.status_changed_at or self.created_at) if self.status == StepStatus.DONE else None


class PlanStepEvent(IdMixin, Base):
    """One change to a step. Never updated or deleted (the database refuses); undo is a new event. `kind`:
    created, status, changed (one `field` from one value to another), removed."""

    __tablename__ = "plan_step_events"
    __table_args__ = (Index("ix_plan_step_events_step_at", "step_id", "at"),)

    step_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan_steps.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))  # created | status
    from_status: Mapped[str | None] = mapped_column(String(10))
    to_status: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(Text)
    actor_organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    field: Mapped[str | None] = mapped_column(String(30))
    from_value: Mapped[str | None] = mapped_column(Text)
    to_value: Mapped[str | None] = mapped_column(Text)

    step: Mapped[PlanStep] = relationship(back_populates="events")
    actor: Mapped[User] = relationship(lazy="raise_on_sql")


class PlanVersion(IdMixin, Base):
    """An agreed version of a plan, as it was agreed: never updated or deleted (the database refuses). `steps` is
    the content of each step then (title, how and why, who is responsible, service, due date), for reading any
    earlier version and saying what changed between two."""

    __tablename__ = "plan_versions"
    __table_args__ = (
        UniqueConstraint("plan_id", "version", name="plan_version"),
        CheckConstraint("channel IN ('online', 'in_person')", name="channel_known"),
    )

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"), index=True)
    version: Mapped[int]
    goals: Mapped[str] = mapped_column(Text, default="")
    steps: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    agreed_at: Mapped[datetime] = mapped_column(default=utcnow)
    agreed_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))  # the client
    channel: Mapped[str] = mapped_column(String(12), default="online")
    caseworker_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))  # in person: who was there


class PlanEvent(IdMixin, Base):
    """Something that happened to a plan as a whole: created, goals changed, agreed, changes asked for. Never
    updated or deleted (the database refuses)."""

    __tablename__ = "plan_events"
    __table_args__ = (Index("ix_plan_events_plan_at", "plan_id", "at"),)

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    actor_organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(20))  # created | goals | agreed | changes_asked
    version: Mapped[int | None]
    from_value: Mapped[str | None] = mapped_column(Text)
    to_value: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User] = relationship(lazy="raise_on_sql")


class NoticeKind(enum.StrEnum):
    CANT_DO = "cant_do"  # "I can't do this" about a step
    CANT_COME = "appointment_cant_come"  # "I can't come" about an appointment
    CANCELLED = "appointment_cancelled"  # the client cancelled an appointment
    PLAN_CHANGES = "plan_changes_asked"  # the client asks for changes to the draft of their plan
    INTERPRETER = "appointment_interpreter"  # the client needs an interpreter at an appointment


class TeamNotice(IdMixin, Base):
    """Something the client told the organisation responsible for a step or an appointment ("I can't do
    this", "I can't come"). Its staff read it, answer the client in words, and mark it handled: each with who
    and when, and only ever once (the second of two staff answering at once is told: nothing is overwritten).
    """

    __tablename__ = "team_notices"
    __table_args__ = (
        CheckConstraint("kind IN ('cant_do', 'appointment_cant_come', 'appointment_cancelled', 'plan_changes_asked', "
                        "'appointment_interpreter')",
                        name="kind_known"),
        # about one thing: a step ("I can't do this"), an appointment, or the plan as a whole
        CheckConstraint("(kind = 'cant_do' AND step_id IS NOT NULL AND appointment_id IS NULL) OR "
                        "(kind = 'plan_changes_asked' AND step_id IS NULL AND appointment_id IS NULL) OR "
                        "(kind NOT IN ('cant_do', 'plan_changes_asked') AND appointment_id IS NOT NULL "
                        "AND step_id IS NULL)",
                        name="about_one_thing"),
        CheckConstraint("(read_at IS NULL) = (read_by_id IS NULL)", name="read_by_whom"),
        CheckConstraint("(answered_at IS NULL) = (answered_by_id IS NULL) AND "
                        "(answered_at IS NULL) = (answer IS NULL)", name="answered_by_whom"),
        CheckConstraint("(handled_at IS NULL) = (handled_by_id IS NULL)", name="handled_by_whom"),
        # an answer handles the notice, and nobody handles what they have not read
        CheckConstraint("answered_at IS NULL OR handled_at IS NOT NULL", name="answer_handles"),
        CheckConstraint("handled_at IS NULL OR read_at IS NOT NULL", name="handled_after_read"),
        Index("ix_team_notices_organisation_created", "organisation_id", "created_at"),
    )

    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    step_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("plan_steps.id"), index=True)
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appointments.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    read_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    client: Mapped[User] = relationship(foreign_keys=[client_id], lazy="raise_on_sql")
    organisation: Mapped[Organisation | None] = relationship(lazy="raise_on_sql")
    step: Mapped[PlanStep | None] = relationship(lazy="raise_on_sql")
    appointment: Mapped[Appointment | None] = relationship(lazy="raise_on_sql")
    read_by: Mapped[User | None] = relationship(foreign_keys=[read_by_id], lazy="raise_on_sql")
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id], lazy="raise_on_sql")
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id], lazy="raise_on_sql")

    @property
    def state(self) -> str:
        """unread | read | answered | handled (handled without an answer)."""
        if self.answered_at is not None:
            return "answered"
        if self.handled_at is not None:
            return "handled"
        return "read" if self.read_at is not None else "unread"
