"""The staff clients room's writes, and its reads of staff-side facts (organisations, staff, team memberships).
Client data itself is read only through portal.access."""

from __future__ import annotations

import hashlib
import uuid

from sqlalchemy import select

from ..extensions import db
from ..models import (
    Consent,
    ConsentEvent,
    ConsentStatus,
    DataCategory,
    Organisation,
    Purpose,
    TeamMembership,
    User,
    utcnow,
)


def team(client_id: uuid.UUID) -> list[TeamMembership]:
    """The client's organisations now, with their contact persons."""
    return list(db.session.scalars(
        select(TeamMembership).where(TeamMembership.client_id == client_id, TeamMembership.ended_at.is_(None))
        .order_by(TeamMembership.started_at, TeamMembership.id)
    ).unique())


def membership(membership_id: uuid.UUID, client_id: uuid.UUID) -> TeamMembership | None:
    return db.session.scalar(select(TeamMembership).where(
        TeamMembership.id == membership_id, TeamMembership.client_id == client_id,
        TeamMembership.ended_at.is_(None)))


def organisations_outside(client_id: uuid.UUID) -> list[Organisation]:
    """Active organisations not in the client's team now: who could be added."""
    in_team = select(TeamMembership.organisation_id).where(TeamMembership.client_id == client_id,
                                                           TeamMembership.ended_at.is_(None))
    return list(db.session.scalars(
        select(Organisation).where(Organisation.active.is_(True), Organisation.id.not_in(in_team))
        .order_by(Organisation.name_fi)))


def purposes() -> list[Purpose]:
    return list(db.session.scalars(select(Purpose).order_by(Purpose.code)))


def category(category_id: uuid.UUID | None) -> DataCategory | None:
    return db.session.get(DataCategory, category_id) if category_id else None


def purpose(purpose_id: uuid.UUID | None) -> Purpose | None:
    return db.session.get(Purpose, purpose_id) if purpose_id else None


def add_member(client_id: uuid.UUID, organisation_id: uuid.UUID, contact_person_id: uuid.UUID | None,
               roles: tuple[str, str, str], reason: str, actor: User) -> TeamMembership:
    member = TeamMembership(id=uuid.uuid4(), client_id=client_id, organisation_id=organisation_id,
                            contact_person_id=contact_person_id, role_fi=roles[0], role_sv=roles[1],
                            role_en=roles[2], started_at=utcnow(), started_by_id=actor.id, start_reason=reason)
    db.session.add(member)
    return member


def end_member(member: TeamMembership, reason: str, actor: User) -> None:
    member.ended_at, member.ended_by_id, member.end_reason = utcnow(), actor.id, reason


def ask_for_consent(client_id: uuid.UUID, staff: User, category: DataCategory, purpose: Purpose,
                    message: str) -> Consent:
    """A request the client sees and answers; a consent already given stays as it is (the caller checks)."""
    consent = db.session.scalar(select(Consent).where(
        Consent.client_id == client_id, Consent.organisation_id == staff.organisation_id,
        Consent.category_id == category.id, Consent.purpose_id == purpose.id))
    if consent is None:
        consent = Consent(id=uuid.uuid4(), client_id=client_id, organisation_id=staff.organisation_id,
                          category_id=category.id, purpose_id=purpose.id, status=ConsentStatus.REQUESTED)
        db.session.add(consent)
    consent.status, consent.request_message, consent.requested_by_id = ConsentStatus.REQUESTED, message, staff.id
    db.session.flush()
    db.session.add(ConsentEvent(
        consent_id=consent.id, client_id=client_id, kind=ConsentStatus.REQUESTED, at=utcnow(), actor_id=staff.id,
        channel="online", language="fi", lawful_basis="", message=message,
        notice_hash=hashlib.sha256(message.encode()).hexdigest()))
    return consent
