"""Every database read and write the plan room needs. A client only ever reaches their own plan."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, ScalarSelect, Select, and_, bindparam, case, func, select
from sqlalchemy.orm import aliased, joinedload

from ..extensions import db
from ..models import (
    Appointment,
    AppointmentStatus,
    DataCategory,
    Organisation,
    Plan,
    PlanEvent,
    PlanStatus,
    PlanStep,
    PlanStepEvent,
    PlanVersion,
    StepStatus,
    TeamMembership,
    TeamNotice,
    User,
    utcnow,
)
from ..reminders import steps as step_reminders

Contact = aliased(User)


@dataclass(slots=True)
class OrganisationName:
    name_fi: str
    name_sv: str
    name_en: str

    name = Organisation.name


@dataclass(slots=True)
class StepSummary:
    """What the plan page shows of a step."""

    id: uuid.UUID
    position: int
    title: str
    status: str
    due_date: date | None
    added_by_role: str
    done_at: datetime | None  # for a done step, when it was done
    responsible_organisation: OrganisationName | None
    contact_person: str | None  # the responsible organisation's named contact person in the client's team
    links: dict[str, str] = field(default_factory=dict)  # filled in by PlanView, once per page

    is_overdue = PlanStep.is_overdue
    is_client_own = PlanStep.is_client_own


@dataclass(slots=True)
class PlanSummary:
    id: uuid.UUID
    version: int
    status: str
    goals: str
    agreed_at: datetime | None
    steps: list[StepSummary]


def _steps_as_json(dialect_name: str) -> ScalarSelect[Any]:
    """The plan's steps with their agencies' names as one JSON array of arrays: one row for the whole plan,
    however many steps it has."""
    aggregate, array = (
        (func.json_agg, func.json_build_array) if dialect_name == "postgresql"
        else (func.json_group_array, func.json_array)
    )
    return (
        select(aggregate(array(
            PlanStep.id, PlanStep.position, PlanStep.title, PlanStep.status, PlanStep.due_date,
            PlanStep.added_by_role,
            case((PlanStep.status == StepStatus.DONE, func.coalesce(PlanStep.status_changed_at, PlanStep.created_at))),
            PlanStep.responsible_organisation_id, Organisation.name_fi, Organisation.name_sv, Organisation.name_en,
            Contact.full_name,
        ), type_=JSON))
        .select_from(PlanStep)
        .outerjoin(Organisation, Organisation.id == PlanStep.responsible_organisation_id)
        # who helps: the responsible organisation's named contact person in the client's team
        .outerjoin(TeamMembership, and_(TeamMembership.client_id == Plan.client_id,
                                        TeamMembership.organisation_id == PlanStep.responsible_organisation_id,
                                        TeamMembership.ended_at.is_(None)))
        .outerjoin(Contact, Contact.id == TeamMembership.contact_person_id)
        .where(PlanStep.plan_id == Plan.id, PlanStep.removed_at.is_(None))
        .scalar_subquery()
    )


def _plan_summary_statement(dialect_name: str) -> Select[Any]:
    return select(Plan.id, Plan.version, Plan.status, Plan.goals, Plan.agreed_at, _steps_as_json(dialect_name)).where(
        Plan.client_id == bindparam("client_id"), Plan.status != PlanStatus.REPLACED)


# One statement per database, built once (building one costs more than running it): the JSON functions differ.
_PLAN_SUMMARY = {name: _plan_summary_statement(name) for name in ("postgresql", "sqlite")}


def _moment(value: str | None) -> datetime | None:
    """A time from the JSON: PostgreSQL's carries its zone; SQLite's is UTC without one."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def plan_summary(client_id: uuid.UUID) -> PlanSummary | None:
    """The client's current plan as the plan page shows it, with its steps and their agencies: one query."""
    statement = _PLAN_SUMMARY["postgresql" if db.engine.dialect.name == "postgresql" else "sqlite"]
    row = db.session.execute(statement, {"client_id": client_id}).one_or_none()
    if row is None:
        return None
    plan_id, version, status, goals, agreed_at, steps_json = row
    organisations: dict[str, OrganisationName] = {}
    steps = []
    # A plan with no steps: PostgreSQL's json_agg gives NULL, SQLite's json_group_array [].
    for (step_id, position, title, step_status, due, added_by_role, done_at, org_id,
         name_fi, name_sv, name_en, contact) in steps_json or ():
        org = None
        if org_id is not None:
            org = organisations.get(org_id)
            if org is None:
                org = organisations[org_id] = OrganisationName(name_fi, name_sv, name_en)
        steps.append(StepSummary(
            uuid.UUID(step_id), position, title, step_status, date.fromisoformat(due) if due else None,
            added_by_role, _moment(done_at), org, contact,
        ))
    return PlanSummary(plan_id, version, status, goals, agreed_at, steps)


def current_plan(client_id: uuid.UUID) -> Plan | None:
    """The client's current plan with its steps (removed ones too), their agencies and services: one query."""
    statement = (
        select(Plan)
        .where(Plan.client_id == client_id, Plan.status != PlanStatus.REPLACED)
        .options(joinedload(Plan.steps).joinedload(PlanStep.responsible_organisation),
                 joinedload(Plan.steps).joinedload(PlanStep.service))
    )
    return db.session.scalars(statement).unique().one_or_none()


def plan_step(plan: Plan, step_id: uuid.UUID) -> PlanStep | None:
    """A step of this plan that is not removed (from the plan's own steps: no query)."""
    return next((s for s in plan.steps if s.id == step_id and s.removed_at is None), None)


def versions(plan_id: uuid.UUID) -> list[PlanVersion]:
    """Every agreed version of the plan, the latest first."""
    return list(db.session.scalars(
        select(PlanVersion).where(PlanVersion.plan_id == plan_id).order_by(PlanVersion.version.desc())))


def last_agreed(plan_id: uuid.UUID) -> PlanVersion | None:
    return db.session.scalar(select(PlanVersion).where(PlanVersion.plan_id == plan_id)
                             .order_by(PlanVersion.version.desc()).limit(1))


def client_step(step_id: uuid.UUID, client_id: uuid.UUID) -> PlanStep | None:
    """A step of the client's current plan, or None: another client's step id looks like no step at all."""
    statement = (
        select(PlanStep)
        .join(Plan, PlanStep.plan_id == Plan.id)
        .where(PlanStep.id == step_id, Plan.client_id == client_id, Plan.status != PlanStatus.REPLACED,
               PlanStep.removed_at.is_(None))
        .options(joinedload(PlanStep.responsible_organisation), joinedload(PlanStep.service))
    )
    return db.session.scalars(statement).one_or_none()


def step_history(step_id: uuid.UUID) -> list[PlanStepEvent]:
    statement = (
        select(PlanStepEvent)
        .where(PlanStepEvent.step_id == step_id)
        .options(joinedload(PlanStepEvent.actor).joinedload(User.organisation))
        .order_by(PlanStepEvent.at, PlanStepEvent.id)
    )
    return list(db.session.scalars(statement))


def change_status(
    step: PlanStep,
    actor: User,
    to_status: StepStatus,
    reason: str | None = None,
    detail: str | None = None,
) -> bool:
    """Move a step to a new status and record it. Returns False when nothing changed (a double submit)."""
    if step.status == to_status and to_status != StepStatus.CANT_DO:
        return False
    now = utcnow()
    db.session.add(
        PlanStepEvent(
            step_id=step.id,
            at=now,
            actor_id=actor.id,
            kind="status",
            from_status=step.status,
            to_status=to_status.value,
            reason=reason,
            detail=detail or None,
        )
    )
    step.status = to_status.value
    step.status_changed_at = now
    if to_status == StepStatus.CANT_DO:
        step.cant_do_reason, step.cant_do_detail = reason, detail or None
        db.session.add(
            TeamNotice(
                organisation_id=step.responsible_organisation_id or _plan_keeper(actor.id),
                client_id=actor.id,
                step_id=step.id,
                kind="cant_do",
                created_at=now,
            )
        )
    else:
        step.cant_do_reason = step.cant_do_detail = None
    step_reminders.schedule_step(step, now)  # done or can't do: no more reminders; not done again: back
    return True


def _plan_keeper(client_id: uuid.UUID) -> uuid.UUID | None:
    """The organisation of the client's team that keeps their plan (the plan category's controller): what the
    client says about a step of their own goes there."""
    return db.session.scalar(
        select(TeamMembership.organisation_id)
        .join(Organisation, Organisation.id == TeamMembership.organisation_id)
        .join(DataCategory, DataCategory.controller_kind_id == Organisation.kind_id)
        .where(DataCategory.code == "plan", TeamMembership.client_id == client_id,
               TeamMembership.ended_at.is_(None))
        .order_by(TeamMembership.started_at, TeamMembership.id).limit(1))


def add_step(
    plan: Plan,
    actor: User,
    title: str,
    description: str,
    due_date: date | None,
    responsible_organisation: Organisation | None = None,
) -> PlanStep:
    last = db.session.scalar(select(func.max(PlanStep.position)).where(PlanStep.plan_id == plan.id))
    step = PlanStep(
        id=uuid.uuid4(),
        plan_id=plan.id,
        position=(last or 0) + 1,
        title=title,
        description=description,
        due_date=due_date,
        responsible_organisation_id=responsible_organisation.id if responsible_organisation else None,
        added_by_id=actor.id,
        added_by_role="client" if actor.is_client else "staff",
        status=StepStatus.TODO.value,
    )
    db.session.add(step)
    db.session.add(
        PlanStepEvent(step_id=step.id, actor_id=actor.id, kind="created", to_status=StepStatus.TODO.value)
    )
    step_reminders.schedule_step(step)  # wherever a due date is set or changed: its reminders follow
    return step


def linked_appointment(appointment_id: uuid.UUID, client_id: uuid.UUID) -> Appointment | None:
    """The client's appointment a plan step points to, following it if the client moved it to another time."""
    seen: set[uuid.UUID] = set()
    current = db.session.scalar(
        select(Appointment).where(Appointment.id == appointment_id, Appointment.client_id == client_id))
    while current is not None and current.status == AppointmentStatus.RESCHEDULED and current.id not in seen:
        seen.add(current.id)
        moved_to = db.session.scalar(
            select(Appointment).where(Appointment.rescheduled_from_id == current.id,
                                      Appointment.client_id == client_id)
            .order_by(Appointment.created_at.desc()).limit(1)
        )
        if moved_to is None:
            break
        current = moved_to
    return current


OPEN_STEP = (StepStatus.TODO.value, StepStatus.CANT_DO.value)


def _open_steps_of(client_id: uuid.UUID, organisation_id: uuid.UUID) -> Select[tuple[PlanStep]]:
    return (
        select(PlanStep).join(Plan, Plan.id == PlanStep.plan_id)
        .where(Plan.client_id == client_id, Plan.status != PlanStatus.REPLACED,
               PlanStep.status.in_(OPEN_STEP), PlanStep.responsible_organisation_id == organisation_id,
               PlanStep.appointment_id.is_(None))
    )


def open_steps_for(client_id: uuid.UUID, organisation_id: uuid.UUID) -> list[PlanStep]:
    """The client's open steps (to do, or can't do) that this organisation is responsible for and that have no
    appointment yet, in plan order: what an appointment booked for the client can carry out."""
    return list(db.session.scalars(
        _open_steps_of(client_id, organisation_id).order_by(PlanStep.position, PlanStep.id)))


def open_step_for(step_id: uuid.UUID, client_id: uuid.UUID, organisation_id: uuid.UUID) -> PlanStep | None:
    """One of those steps, or None: any other step is simply not found."""
    return db.session.scalar(_open_steps_of(client_id, organisation_id).where(PlanStep.id == step_id))


def team_contact(client_id: uuid.UUID, organisation_id: uuid.UUID) -> TeamMembership | None:
    """Who helps with a step: the responsible organisation's place in the client's team (its named contact
    person, and how to reach the organisation)."""
    return db.session.scalar(select(TeamMembership).where(
        TeamMembership.client_id == client_id, TeamMembership.organisation_id == organisation_id,
        TeamMembership.ended_at.is_(None)))


def owner_organisation_id(client_id: uuid.UUID) -> uuid.UUID | None:
    """Who owns the client's plan as a whole: the organisation of their team that controls the plan category
    (employment services; a reform would change the data, not this)."""
    return db.session.scalar(
        select(TeamMembership.organisation_id)
        .join(Organisation, Organisation.id == TeamMembership.organisation_id)
        .join(DataCategory, DataCategory.controller_kind_id == Organisation.kind_id)
        .where(TeamMembership.client_id == client_id, TeamMembership.ended_at.is_(None),
               DataCategory.code == "plan").limit(1))


def changes_by_others(plan_id: uuid.UUID, client_id: uuid.UUID, since: datetime | None,
                      limit: int = 50) -> list[PlanStepEvent | PlanEvent]:
    """What others (staff) changed in the plan after `since`, newest first."""
    steps = (select(PlanStepEvent).join(PlanStep).where(
        PlanStep.plan_id == plan_id, PlanStepEvent.actor_id != client_id,
        PlanStepEvent.kind.in_(("created", "changed", "removed")))
        .options(joinedload(PlanStepEvent.step), joinedload(PlanStepEvent.actor).joinedload(User.organisation)))
    plans = (select(PlanEvent).where(PlanEvent.plan_id == plan_id, PlanEvent.actor_id != client_id,
                                     PlanEvent.kind.in_(("created", "goals", "agreed")))
             .options(joinedload(PlanEvent.actor).joinedload(User.organisation)))
    if since is not None:
        steps, plans = steps.where(PlanStepEvent.at > since), plans.where(PlanEvent.at > since)
    found: list[PlanStepEvent | PlanEvent] = [*db.session.scalars(steps.order_by(PlanStepEvent.at.desc())
                                                                   .limit(limit)).unique(),
                                              *db.session.scalars(plans.order_by(PlanEvent.at.desc()).limit(limit))
                                              .unique()]
    return sorted(found, key=lambda e: e.at, reverse=True)[:limit]


def mark_plan_seen(client: User) -> None:
    client.plan_seen_at = utcnow()
