"""Demo notices: each demo client's "can't do" step was told to its organisation (made once: safe to run
again)."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Plan, PlanStatus, PlanStep, StepStatus, TeamNotice, User, utcnow


def seed(clients: list[User]) -> int:
    told = select(TeamNotice.id).where(TeamNotice.step_id == PlanStep.id).exists()
    steps = db.session.execute(
        select(PlanStep, Plan.client_id).join(Plan, Plan.id == PlanStep.plan_id)
        .where(Plan.client_id.in_([client.id for client in clients]), Plan.status != PlanStatus.REPLACED,
               PlanStep.status == StepStatus.CANT_DO, PlanStep.responsible_organisation_id.is_not(None),
               ~told)
    ).all()
    for step, client_id in steps:
        db.session.add(TeamNotice(organisation_id=step.responsible_organisation_id, client_id=client_id,
                                  step_id=step.id, kind="cant_do",
                                  created_at=step.status_changed_at or utcnow()))
    return len(steps)
