"""Writing the plan together: staff add, change and remove steps (their own organisation's; the plan's owner any),
the goals change, and the client agrees to a version. Every change goes into a draft until it is agreed, and
is recorded in the step's or the plan's append-only history with its actor and organisation.

No lost update: a form carries the revision it was written against, and the write is a guarded UPDATE
(`WHERE revision = seen`): if someone else saved first, nothing is written and Conflict is raised.

Takes objects already read (staff read through portal.access); reads nothing about the client itself.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import func, select, update

from ..extensions import db
from ..models import (
    NoticeKind,
    Plan,
    PlanEvent,
    PlanStatus,
    PlanStep,
    PlanStepEvent,
    PlanVersion,
    StepStatus,
    TeamNotice,
    User,
    utcnow,
)
from ..reminders import steps as step_reminders
from . import versions


class Conflict(Exception):
    """Someone else saved a change to the same goals or step after the form was opened."""


class ChangedMeanwhile(Exception):
    """The draft the client read is no longer the draft: they must read it again before agreeing."""


def _guard(model: type[Plan] | type[PlanStep], row_id: uuid.UUID, seen: int) -> None:
    done = db.session.execute(update(model).where(model.id == row_id, model.revision == seen)
                              .values(revision=model.revision + 1).execution_options(synchronize_session="fetch"))
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict()


def _to_draft(plan: Plan) -> None:
    """A change to an agreed plan starts the next version's draft."""
    if plan.status == PlanStatus.AGREED:
        plan.status = PlanStatus.DRAFT.value
        plan.version += 1


def start(client_id: uuid.UUID, actor: User, goals: str) -> Plan:
    plan = Plan(id=uuid.uuid4(), client_id=client_id, version=1, status=PlanStatus.DRAFT.value, goals=goals)
    db.session.add(plan)
    db.session.flush()
    db.session.add(PlanEvent(plan_id=plan.id, actor_id=actor.id, actor_organisation_id=actor.organisation_id,
                             kind="created", version=1, to_value=goals))
    return plan


def set_goals(plan: Plan, actor: User, goals: str, seen_revision: int) -> bool:
    """False when nothing changed."""
    if goals == plan.goals:
        return False
    before = plan.goals
    _guard(Plan, plan.id, seen_revision)
    _to_draft(plan)
    plan.goals = goals
    db.session.add(PlanEvent(plan_id=plan.id, actor_id=actor.id, actor_organisation_id=actor.organisation_id,
                             kind="goals", version=plan.version, from_value=before, to_value=goals))
    return True


def add_step(plan: Plan, actor: User, responsible_organisation_id: uuid.UUID, title: str, description: str,
             due_date: date | None, service_id: uuid.UUID | None) -> PlanStep:
    last = db.session.scalar(select(func.max(PlanStep.position)).where(PlanStep.plan_id == plan.id))
    step = PlanStep(id=uuid.uuid4(), plan_id=plan.id, position=(last or 0) + 1, title=title,
                    description=description, due_date=due_date, service_id=service_id,
                    responsible_organisation_id=responsible_organisation_id, added_by_id=actor.id,
                    added_by_role="staff", status=StepStatus.TODO.value)
    db.session.add(step)
    _to_draft(plan)
    db.session.add(PlanStepEvent(step_id=step.id, actor_id=actor.id, actor_organisation_id=actor.organisation_id,
                                 kind="created", to_status=StepStatus.TODO.value))
    step_reminders.schedule_step(step)
    return step


def change_step(plan: Plan, step: PlanStep, actor: User, seen_revision: int, values: dict[str, Any]) -> list[str]:
    """Sets what differs of `values` (title, description, due_date, service_id, responsible_organisation_id);
    returns the names of the fields that changed (none: nothing is written)."""
    changed = [name for name, value in values.items() if getattr(step, name) != value]
    if not changed:
        return []
    _guard(PlanStep, step.id, seen_revision)
    _to_draft(plan)
    for name in changed:
        before = getattr(step, name)
        setattr(step, name, values[name])
        db.session.add(PlanStepEvent(step_id=step.id, actor_id=actor.id, actor_organisation_id=actor.organisation_id,
                                     kind="changed", field=name, from_value=_text(before),
                                     to_value=_text(values[name])))
    if "due_date" in changed:
        step_reminders.schedule_step(step)
    return changed


def remove_step(plan: Plan, step: PlanStep, actor: User, seen_revision: int) -> None:
    _guard(PlanStep, step.id, seen_revision)
    _to_draft(plan)
    step.removed_at = utcnow()
    db.session.add(PlanStepEvent(step_id=step.id, actor_id=actor.id, actor_organisation_id=actor.organisation_id,
                                 kind="removed"))
    step_reminders.schedule_step(step)  # a removed step reminds of nothing


def agree(plan: Plan, steps: list[PlanStep], client: User, read_fingerprint: str,
          caseworker: User | None = None) -> PlanVersion:
    """The client agrees to the draft exactly as they read it (online, or in person with a named caseworker)."""
    content = versions.snapshot(steps)
    if versions.fingerprint(plan.goals, content) != read_fingerprint:
        raise ChangedMeanwhile()
    _guard(Plan, plan.id, plan.revision)  # two agreements at once: the second one is refused
    now = utcnow()
    version = PlanVersion(plan_id=plan.id, version=plan.version, goals=plan.goals, steps=content, agreed_at=now,
                          agreed_by_id=client.id, channel="in_person" if caseworker else "online",
                          caseworker_id=caseworker.id if caseworker else None)
    db.session.add(version)
    plan.status, plan.agreed_at = PlanStatus.AGREED.value, now
    actor = caseworker or client
    db.session.add(PlanEvent(plan_id=plan.id, at=now, actor_id=actor.id, actor_organisation_id=actor.organisation_id,
                             kind="agreed", version=plan.version))
    return version


def ask_for_changes(plan: Plan, client: User, message: str, owner_organisation_id: uuid.UUID | None) -> None:
    """The client does not agree yet: their words go to the plan's owner (employment services) as a notice."""
    now = utcnow()
    db.session.add(PlanEvent(plan_id=plan.id, at=now, actor_id=client.id, kind="changes_asked", version=plan.version,
                             message=message))
    db.session.add(TeamNotice(organisation_id=owner_organisation_id, client_id=client.id,
                              kind=NoticeKind.PLAN_CHANGES, created_at=now))


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)
