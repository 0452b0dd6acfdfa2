"""What staff read of the notices clients sent their organisation. Only portal.access imports this module: it
decides who may see a notice and logs every read (import contracts)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import NoticeKind, Plan, PlanEvent, PlanStepEvent, StepStatus, TeamMembership, TeamNotice

PER_PAGE = 20


@dataclass(frozen=True, slots=True)
class NoticePage:
    notices: list[TeamNotice]
    page: int  # 1, 2, …
    pages: int  # at least 1
    to_handle: int  # notices not handled yet, on every page
    handled: int


def _in_team(organisation_id: uuid.UUID):  # type: ignore[no-untyped-def]
    """The notice's client is in the organisation's team now: a client who left it is no longer its to see."""
    return exists().where(TeamMembership.client_id == TeamNotice.client_id,
                          TeamMembership.organisation_id == organisation_id,
                          TeamMembership.ended_at.is_(None))


def _addressed_to(organisation_id: uuid.UUID) -> Select[tuple[TeamNotice]]:
    return select(TeamNotice).where(TeamNotice.organisation_id == organisation_id, _in_team(organisation_id))


def _with_what_it_is_about(statement: Select[tuple[TeamNotice]]) -> Select[tuple[TeamNotice]]:
    return statement.options(
        joinedload(TeamNotice.client), joinedload(TeamNotice.step), joinedload(TeamNotice.appointment),
        joinedload(TeamNotice.read_by), joinedload(TeamNotice.answered_by), joinedload(TeamNotice.handled_by))


def counts(organisation_id: uuid.UUID) -> tuple[int, int]:
    """(not handled, handled) notices addressed to the organisation by clients of its team."""
    handled = TeamNotice.handled_at.is_not(None)
    row = db.session.execute(
        select(func.count(TeamNotice.id).filter(~handled), func.count(TeamNotice.id).filter(handled))
        .where(TeamNotice.organisation_id == organisation_id, _in_team(organisation_id))
    ).one()
    return int(row[0]), int(row[1])


def organisation_notices(organisation_id: uuid.UUID, handled: bool, page: int) -> NoticePage:
    """One page of the notices addressed to the organisation by clients of its team, newest first: those not
    handled yet, or those handled."""
    to_handle, done = counts(organisation_id)
    total = done if handled else to_handle
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    state = TeamNotice.handled_at.is_not(None) if handled else TeamNotice.handled_at.is_(None)
    statement = _with_what_it_is_about(
        _addressed_to(organisation_id).where(state)
        .order_by(TeamNotice.created_at.desc(), TeamNotice.id.desc())
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    notices = list(db.session.scalars(statement).unique())
    return NoticePage(notices, page, pages, to_handle, done)


def notice(notice_id: uuid.UUID | None) -> TeamNotice | None:
    """A notice by its id, whoever it was addressed to (portal.access decides who may see it)."""
    if notice_id is None:
        return None
    statement = _with_what_it_is_about(select(TeamNotice).where(TeamNotice.id == notice_id))
    return db.session.scalars(statement.execution_options(populate_existing=True)).first()


@dataclass(frozen=True, slots=True)
class WhatTheClientSaid:
    reason: str | None
    detail: str | None


def what_the_client_said(found: TeamNotice) -> WhatTheClientSaid:
    """The reason and the words the client sent with the notice: for a step, from the "can't do" event it was
    written with (the step itself keeps only the latest); for an appointment, from the appointment (the
    language the client asked an interpreter for, or why they cancelled)."""
    if found.kind == NoticeKind.INTERPRETER and found.appointment is not None:
        return WhatTheClientSaid("interpreter", found.appointment.interpreter_language)
    if found.appointment is not None:
        return WhatTheClientSaid(found.appointment.cancel_reason, found.appointment.cancel_detail)
    if found.kind == NoticeKind.PLAN_CHANGES:  # the client's words went with the plan's "changes asked" event
        message = db.session.scalar(
            select(PlanEvent.message).join(Plan, Plan.id == PlanEvent.plan_id)
            .where(Plan.client_id == found.client_id, PlanEvent.kind == "changes_asked",
                   PlanEvent.at <= found.created_at)
            .order_by(PlanEvent.at.desc(), PlanEvent.id.desc()).limit(1))
        return WhatTheClientSaid(None, message)
    event = db.session.scalar(
        select(PlanStepEvent).where(PlanStepEvent.step_id == found.step_id,
                                    PlanStepEvent.to_status == StepStatus.CANT_DO,
                                    PlanStepEvent.at <= found.created_at)
        .order_by(PlanStepEvent.at.desc(), PlanStepEvent.id.desc()).limit(1))
    return WhatTheClientSaid(event.reason, event.detail) if event else WhatTheClientSaid(None, None)

