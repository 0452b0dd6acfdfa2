"""Every database read of the sharing room: a client's own team, consents, requests and receipts. The client
reads their own data here, never through portal.access, and these reads are not logged as "viewed by staff".
(Staff reach a client's records only through portal.access, which uses records() below.)"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload

from ..extensions import db
from ..models import (
    ClientRecord,
    Consent,
    ConsentEvent,
    ConsentStatus,
    DataCategory,
    LegalRule,
    Organisation,
    Plan,
    PlanStatus,
    PlanStep,
    Purpose,
    TeamMembership,
    User,
)

# What a client's own "Give consent" is for: planning their services together with the organisations of their
# team (the multi-sectoral cooperation). A staff member's request names its own purpose.
CLIENT_PURPOSE = "plan_services"


def records(client_id: uuid.UUID, category_id: uuid.UUID | None = None) -> list[ClientRecord]:
    """What organisations recorded about the client (in one category), newest first."""
    statement = select(ClientRecord).where(ClientRecord.client_id == client_id)
    if category_id is not None:
        statement = statement.where(ClientRecord.category_id == category_id)
    return list(db.session.scalars(statement.order_by(ClientRecord.created_at.desc(), ClientRecord.id)))


# --- My team ---------------------------------------------------------------------------------------------


def _active_team(client_id: uuid.UUID) -> list[TeamMembership]:
    """The client's team now, with each organisation and contact person, the longest-standing first."""
    return list(db.session.scalars(
        select(TeamMembership).join(Organisation, Organisation.id == TeamMembership.organisation_id)
        .where(TeamMembership.client_id == client_id, TeamMembership.ended_at.is_(None))
        .order_by(TeamMembership.started_at, Organisation.name_fi, TeamMembership.id)
    ))


@dataclass(frozen=True, slots=True)
class TeamStep:
    """A step of the client's plan an organisation of the team is responsible for."""

    id: uuid.UUID
    title: str
    status: str
    due_date: date | None


@dataclass(slots=True)
class TeamMember:
    membership: TeamMembership
    steps: list[TeamStep] = field(default_factory=list)

    @property
    def organisation(self) -> Organisation:
        return self.membership.organisation


def team(client_id: uuid.UUID) -> list[TeamMember]:
    """The organisations working with the client now, with their contact persons and their steps in the
    client's current plan: two queries."""
    memberships = _active_team(client_id)
    members = {m.organisation_id: TeamMember(m) for m in memberships}
    if members:
        rows = db.session.execute(
            select(PlanStep.id, PlanStep.title, PlanStep.status, PlanStep.due_date,
                   PlanStep.responsible_organisation_id)
            .join(Plan, Plan.id == PlanStep.plan_id)
            .where(Plan.client_id == client_id, Plan.status != PlanStatus.REPLACED,
                   PlanStep.responsible_organisation_id.in_(list(members)))
            .order_by(PlanStep.position, PlanStep.id)
        )
        for step_id, title, status, due, organisation_id in rows:
            members[organisation_id].steps.append(TeamStep(step_id, title, status, due))
    return list(members.values())


# --- Sharing my data --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Law:
    """A recorded legal rule: organisations of one kind may see one category for one purpose."""

    category_id: uuid.UUID
    recipient_kind_id: uuid.UUID
    purpose: Purpose
    rule: LegalRule


@dataclass(slots=True)
class SharingFacts:
    """Everything the sharing page needs about one client, read in five queries."""

    team: list[TeamMembership]
    categories: list[DataCategory]
    consents: list[Consent]
    laws: list[Law]
    # the latest event of each consent (its receipt), by consent id
    latest_events: dict[uuid.UUID, ConsentEvent]
    client_purpose: Purpose | None


def sharing_facts(client_id: uuid.UUID) -> SharingFacts:
    memberships = _active_team(client_id)
    categories = list(db.session.scalars(select(DataCategory).order_by(DataCategory.position, DataCategory.code)))
    consents = list(db.session.scalars(
        select(Consent).where(Consent.client_id == client_id).order_by(Consent.created_at, Consent.id)))
    laws = [Law(rule.category_id, rule.recipient_kind_id, purpose, rule) for rule, purpose in db.session.execute(
        select(LegalRule, Purpose).join(Purpose, Purpose.id == LegalRule.purpose_id)
        .where(LegalRule.active.is_(True)).order_by(LegalRule.id)
    )]
    purposes = {purpose.code: purpose for purpose in db.session.scalars(select(Purpose))}
    latest: dict[uuid.UUID, ConsentEvent] = {}
    if consents:
        for event in db.session.scalars(
            select(ConsentEvent).where(ConsentEvent.client_id == client_id)
            .order_by(ConsentEvent.at, ConsentEvent.id)
        ):
            latest[event.consent_id] = event
    return SharingFacts(memberships, categories, consents, laws, latest, purposes.get(CLIENT_PURPOSE))


def own_consent(consent_id: uuid.UUID, client_id: uuid.UUID, for_update: bool = False) -> Consent | None:
    """One of the client's consents; another client's id is simply not found."""
    statement = select(Consent).where(Consent.id == consent_id, Consent.client_id == client_id)
    if for_update:
        statement = statement.with_for_update(of=Consent)
    return db.session.scalar(statement)


@dataclass(frozen=True, slots=True)
class GiveTarget:
    """What a "Give consent" page is about: an organisation of the client's team, a category, a purpose, and
    the consent as it stands (None when there has never been one)."""

    organisation: Organisation
    category: DataCategory
    purpose: Purpose
    consent: Consent | None
    asked_by: User | None
    controllers: list[Organisation]  # the organisations of the client's team that record the category


def _controllers(client_id: uuid.UUID, category: DataCategory) -> list[Organisation]:
    return list(db.session.scalars(
        select(Organisation).join(TeamMembership, TeamMembership.organisation_id == Organisation.id)
        .where(TeamMembership.client_id == client_id, TeamMembership.ended_at.is_(None),
               Organisation.kind_id == category.controller_kind_id)
        .order_by(Organisation.name_fi, Organisation.id)
    ))


def give_target(client_id: uuid.UUID, organisation_id: uuid.UUID, category_id: uuid.UUID,
                purpose_id: uuid.UUID) -> GiveTarget | None:
    """The organisation (only one in the client's team now), category and purpose of a consent to give."""
    membership = db.session.scalar(select(TeamMembership).where(
        TeamMembership.client_id == client_id, TeamMembership.organisation_id == organisation_id,
        TeamMembership.ended_at.is_(None)))
    category = db.session.get(DataCategory, category_id)
    purpose = db.session.get(Purpose, purpose_id)
    if membership is None or category is None or purpose is None:
        return None
    consent = db.session.scalar(select(Consent).where(
        Consent.client_id == client_id, Consent.organisation_id == organisation_id,
        Consent.category_id == category_id, Consent.purpose_id == purpose_id))
    asked_by = None
    if consent is not None and consent.status == ConsentStatus.REQUESTED and consent.requested_by_id:
        asked_by = db.session.get(User, consent.requested_by_id)
    return GiveTarget(membership.organisation, category, purpose, consent, asked_by,
                      _controllers(client_id, category))


# --- Requests ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConsentRequest:
    consent: Consent
    asked_by: User | None


def requests(client_id: uuid.UUID) -> list[ConsentRequest]:
    """Consents a staff member of the client's team has asked for and the client has not answered: one
    query."""
    asker = aliased(User)
    active = (select(TeamMembership.id).where(
        TeamMembership.client_id == Consent.client_id, TeamMembership.organisation_id == Consent.organisation_id,
        TeamMembership.ended_at.is_(None)).exists())
    rows = db.session.execute(
        select(Consent, asker)
        .outerjoin(asker, asker.id == Consent.requested_by_id)
        .where(Consent.client_id == client_id, Consent.status == ConsentStatus.REQUESTED, active)
        .order_by(Consent.updated_at, Consent.id)
    ).all()
    return [ConsentRequest(consent, asked_by) for consent, asked_by in rows]


# --- Receipts ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Receipt:
    event: ConsentEvent
    actor: User | None
    caseworker: User | None
    # the organisations of the client's team that record this category (its controllers)
    controllers: list[Organisation]
    # the "given" event whose notice this event is about (the event itself when it is one)
    notice_event: ConsentEvent | None


def receipt(event_id: uuid.UUID, client_id: uuid.UUID) -> Receipt | None:
    """One event of the client's own consents, with who did it; another client's is simply not found."""
    caseworker = aliased(User)
    row = db.session.execute(
        select(ConsentEvent, caseworker)
        .options(joinedload(ConsentEvent.actor))
        .outerjoin(caseworker, caseworker.id == ConsentEvent.caseworker_id)
        .where(ConsentEvent.id == event_id, ConsentEvent.client_id == client_id)
    ).one_or_none()
    if row is None:
        return None
    event, met = row
    notice_event = event if event.kind == ConsentStatus.GIVEN else db.session.scalar(
        select(ConsentEvent).where(ConsentEvent.consent_id == event.consent_id,
                                   ConsentEvent.kind == ConsentStatus.GIVEN, ConsentEvent.at <= event.at)
        .order_by(ConsentEvent.at.desc(), ConsentEvent.id.desc()).limit(1))
    return Receipt(event, event.actor, met, _controllers(client_id, event.consent.category), notice_event)


def history(client_id: uuid.UUID) -> list[ConsentEvent]:
    """Every event of the client's consents, newest first: one query."""
    return list(db.session.scalars(
        select(ConsentEvent).where(ConsentEvent.client_id == client_id)
        .order_by(ConsentEvent.at.desc(), ConsentEvent.id.desc())
    ))
