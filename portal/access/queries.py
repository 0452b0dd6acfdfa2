"""The access room's own reads and writes: the facts a decision needs, and the access log."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, func, insert, literal, select

from ..common.transactions import record_even_if_rolled_back
from ..extensions import db
from ..models import (
    AccessLogEntry,
    Appointment,
    Consent,
    ConsentStatus,
    DataCategory,
    LegalRule,
    Organisation,
    Plan,
    PlanStep,
    Purpose,
    Role,
    Slot,
    TeamMembership,
    TeamNotice,
    User,
)
from .policy import CategoryFacts, Decision, SharingFacts


def active_membership(client_id: uuid.UUID, organisation_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return exists().where(TeamMembership.client_id == client_id,
                          TeamMembership.organisation_id == organisation_id, TeamMembership.ended_at.is_(None))


def purpose_id(code: str) -> uuid.UUID:
    found = db.session.scalar(select(Purpose.id).where(Purpose.code == code))
    if found is None:
        raise LookupError(f"no purpose {code!r}: purposes are data (portal/demo.py seeds them)")
    return found


def sharing_facts(client_id: uuid.UUID, organisation_id: uuid.UUID, purpose: uuid.UUID) -> SharingFacts:
    kind_id, in_team = db.session.execute(
        select(Organisation.kind_id, active_membership(client_id, organisation_id))
        .where(Organisation.id == organisation_id)
    ).one()
    categories = [CategoryFacts(*row) for row in db.session.execute(
        select(DataCategory.id, DataCategory.code, DataCategory.controller_kind_id).order_by(DataCategory.position)
    )]
    facts = SharingFacts(organisation_id, kind_id, bool(in_team), categories)
    if not in_team:
        return facts
    facts.consents = {category: (consent, expires) for category, consent, expires in db.session.execute(
        select(Consent.category_id, Consent.id, Consent.expires_at).where(
            Consent.client_id == client_id, Consent.organisation_id == organisation_id,
            Consent.purpose_id == purpose, Consent.status == ConsentStatus.GIVEN)
    )}
    facts.legal_rules = {category: rule for category, rule in db.session.execute(
        select(LegalRule.category_id, LegalRule.id).where(
            LegalRule.recipient_kind_id == kind_id, LegalRule.purpose_id == purpose, LegalRule.active.is_(True))
    )}
    return facts


def contact_person_id(client_id: uuid.UUID, organisation_id: uuid.UUID) -> uuid.UUID | None:
    return db.session.scalar(select(TeamMembership.contact_person_id).where(
        TeamMembership.client_id == client_id, TeamMembership.organisation_id == organisation_id,
        TeamMembership.ended_at.is_(None)))


def team_organisations(client_id: uuid.UUID) -> list[Organisation]:
    return list(db.session.scalars(
        select(Organisation).join(TeamMembership, TeamMembership.organisation_id == Organisation.id)
        .where(TeamMembership.client_id == client_id, TeamMembership.ended_at.is_(None))
        .order_by(Organisation.name_fi)))


def client(client_id: uuid.UUID | None) -> User | None:
    if client_id is None:
        return None
    return db.session.scalar(select(User).where(User.id == client_id, User.role == Role.CLIENT,
                                                User.active.is_(True)))


def client_by_email(email: str) -> User | None:
    if not email or any(ord(c) < 32 for c in email):  # a NUL byte would make PostgreSQL refuse the query
        return None
    return db.session.scalar(select(User).where(User.email == email.strip().lower(), User.role == Role.CLIENT,
                                                User.active.is_(True)))


def team_clients(organisation_id: uuid.UUID, name: str = "") -> list[User]:
    """The clients this organisation works with now, by name."""
    statement = (
        select(User).join(TeamMembership, TeamMembership.client_id == User.id)
        .where(TeamMembership.organisation_id == organisation_id, TeamMembership.ended_at.is_(None),
               User.active.is_(True))
        .order_by(User.full_name, User.id)
    )
    if name:
        statement = statement.where(User.full_name.ilike(f"%{_escape_like(name)}%", escape="\\"))
    return list(db.session.scalars(statement.limit(200)))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def category_id(code: str) -> uuid.UUID:
    found = db.session.scalar(select(DataCategory.id).where(DataCategory.code == code))
    if found is None:
        raise LookupError(f"no data category {code!r}: categories are data (portal/sharing/demo.py seeds them)")
    return found


def controls(organisation_id: uuid.UUID, category: str) -> bool:
    """Whether organisations of this one's kind control (record) the category."""
    return db.session.scalar(select(exists().where(
        DataCategory.code == category, DataCategory.controller_kind_id == Organisation.kind_id,
        Organisation.id == organisation_id))) is True


def categories() -> list[DataCategory]:
    return list(db.session.scalars(select(DataCategory).order_by(DataCategory.position)))


def write_log(staff: User, purpose: uuid.UUID,
              entries: Iterable[tuple[uuid.UUID, uuid.UUID | None, Decision]], at: datetime) -> None:
    """One row per (client, category) read or refused, in the request's transaction: a read that fails takes
    its log row with it, and a logged read is one that happened."""
    rows = [
        {"id": uuid.uuid4(), "at": at, "client_id": client_id, "staff_id": staff.id,
         "organisation_id": staff.organisation_id, "category_id": category_id, "purpose_id": purpose,
         "outcome": "allowed" if decision.allowed else "refused", "basis": decision.basis,
         "consent_id": decision.consent_id, "legal_rule_id": decision.legal_rule_id}
        for client_id, category_id, decision in entries
    ]
    if not rows:
        return
    refused = [row for row in rows if row["outcome"] == "refused"]
    allowed = [row for row in rows if row["outcome"] == "allowed"]
    if allowed:
        db.session.execute(insert(AccessLogEntry), allowed)
    if refused:  # kept even when the request ends in "not found"
        record_even_if_rolled_back(insert(AccessLogEntry), refused)


CASELOAD_STATES = ("attention", "notices", "cant_do", "overdue", "draft", "today")


def caseload(organisation_id: uuid.UUID, plan_controller: bool, today: date, day_start: datetime,
             day_end: datetime, name: str, state: str | None, page: int, per_page: int) -> tuple[list[Any], int]:
    """The clients of the organisation's team with what needs its attention, those needing most first: what
    they told it that is not handled yet, the steps it is responsible for that the client can't do or that are
    overdue, a draft waiting for the client's agreement (for the plan's controller), the client's appointments
    with it today. One query for the page, one for the count, whatever the caseload's size; each count is one
    grouped pass over the caseload's own rows, and the listing is computed once (MATERIALIZED), not again for
    the ordering."""
    def of_members(*columns: Any) -> Any:
        """A grouped count per client, starting from the organisation's active team members."""
        return (select(TeamMembership.client_id.label("client_id"), *columns)
                .where(TeamMembership.organisation_id == organisation_id, TeamMembership.ended_at.is_(None))
                .group_by(TeamMembership.client_id))

    steps = (of_members(func.count().filter(PlanStep.status == "cant_do").label("cant_do"),
                        func.count().filter(PlanStep.status == "todo", PlanStep.due_date < today).label("overdue"))
             .join(Plan, Plan.client_id == TeamMembership.client_id)
             .join(PlanStep, PlanStep.plan_id == Plan.id)
             .where(Plan.status != "replaced", PlanStep.removed_at.is_(None),
                    PlanStep.responsible_organisation_id == organisation_id,
                    PlanStep.status.in_(("cant_do", "todo")))
             .subquery())
    notices = (of_members(func.count().label("notices"))
               .join(TeamNotice, TeamNotice.client_id == TeamMembership.client_id)
               .where(TeamNotice.organisation_id == organisation_id, TeamNotice.handled_at.is_(None))
               .subquery())
    drafts = (of_members(func.count().label("draft"))
              .join(Plan, Plan.client_id == TeamMembership.client_id)
              .where(Plan.status == "draft", literal(plan_controller))
              .subquery())
    today_appointments = (of_members(func.count().label("today"))
                          .join(Appointment, Appointment.client_id == TeamMembership.client_id)
                          .join(Slot, Slot.id == Appointment.slot_id)
                          .where(Appointment.status == "booked", Slot.organisation_id == organisation_id,
                                 Slot.starts_at >= day_start, Slot.starts_at < day_end)
                          .subquery())
    rows = (select(User.id, User.full_name,
                   func.coalesce(notices.c.notices, 0).label("notices"),
                   func.coalesce(steps.c.cant_do, 0).label("cant_do"),
                   func.coalesce(steps.c.overdue, 0).label("overdue"),
                   func.coalesce(drafts.c.draft, 0).label("draft"),
                   func.coalesce(today_appointments.c.today, 0).label("today"))
            .join(TeamMembership, TeamMembership.client_id == User.id)
            .outerjoin(notices, notices.c.client_id == User.id)
            .outerjoin(steps, steps.c.client_id == User.id)
            .outerjoin(drafts, drafts.c.client_id == User.id)
            .outerjoin(today_appointments, today_appointments.c.client_id == User.id)
            .where(TeamMembership.organisation_id == organisation_id, TeamMembership.ended_at.is_(None),
                   User.active.is_(True)))
    if name:
        rows = rows.where(User.full_name.ilike(f"%{_escape_like(name)}%", escape="\\"))
    listed = rows.cte("listed").prefix_with("MATERIALIZED")
    attention = (listed.c.notices + listed.c.cant_do + listed.c.overdue + listed.c.draft + listed.c.today)
    filtered = select(listed)
    if state == "attention":
        filtered = filtered.where(attention > 0)
    elif state in CASELOAD_STATES:
        filtered = filtered.where(listed.c[state] > 0)
    total = db.session.scalar(select(func.count()).select_from(filtered.subquery())) or 0
    page_rows = db.session.execute(
        filtered.order_by((attention > 0).desc(), listed.c.notices.desc(), listed.c.cant_do.desc(),
                          listed.c.overdue.desc(), listed.c.full_name, listed.c.id)
        .limit(per_page).offset((page - 1) * per_page)).all()
    return list(page_rows), int(total)
