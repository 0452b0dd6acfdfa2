"""Every database read and write the plan room needs. A client only ever reaches their own plan."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (
    Organisation,
    Plan,
    PlanStatus,
    PlanStep,
    PlanStepEvent,
    StepStatus,
    TeamNotice,
    User,
    utcnow,
)


def current_plan(client_id: uuid.UUID) -> Plan | None:
    """The client's current plan with its steps and their agencies, in one query."""
    statement = (
        select(Plan)
        .where(Plan.client_id == client_id, Plan.status != PlanStatus.REPLACED)
        .options(joinedload(Plan.steps).joinedload(PlanStep.responsible_organisation))
    )
    return db.session.scalars(statement).unique().one_or_none()


def client_step(step_id: uuid.UUID, client_id: uuid.UUID) -> PlanStep | None:
    """A step of the client's current plan, or None: another client's step id looks like no step at all."""
    statement = (
        select(PlanStep)
        .join(Plan, PlanStep.plan_id == Plan.id)
        .where(PlanStep.id == step_id, Plan.client_id == client_id, Plan.status != PlanStatus.REPLACED)
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
                organisation_id=step.responsible_organisation_id,
                client_id=actor.id,
                step_id=step.id,
                kind="cant_do",
                created_at=now,
            )
        )
    else:
        step.cant_do_reason = step.cant_do_detail = None
    return True


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
    return step
