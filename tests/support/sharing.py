"""A client's team for the sharing tests: one organisation of each kind, a caseworker in each, consents and log
rows made as the real code makes them (the categories, purposes and legal rules are the installation's own,
seeded once per test database)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    AccessLogEntry,
    Consent,
    ConsentEvent,
    DataCategory,
    Organisation,
    Purpose,
    TeamMembership,
    User,
    utcnow,
)

from .factories import OrganisationFactory, StaffFactory, kind_id

KINDS = ("employment_authority", "wellbeing_county", "kela", "service_provider")


@dataclass
class Team:
    client: User
    orgs: dict[str, Organisation]  # by kind code
    staff: dict[str, User]  # a caseworker of each organisation, by kind code


def make_team(client: User, token: str = "", kinds: tuple[str, ...] = KINDS) -> Team:
    """The client's team: an organisation of each kind (named with `token`), each with a caseworker who is
    the client's contact person."""
    orgs, staff = {}, {}
    for kind in kinds:
        org = OrganisationFactory(kind_id=kind_id(kind), name_fi=f"{kind} {token} fi", name_sv=f"{kind} {token} sv",
                                  name_en=f"{kind} {token}".strip(), phone="09 123 4567",
                                  email=f"{kind}@example.test", address="Katu 1, 01300 Vantaa",
                                  hours_fi="ma–pe 9–15", hours_sv="mån–fre 9–15", hours_en="Mon–Fri 9–15")
        person = StaffFactory(organisation_id=org.id, full_name=f"Worker {kind} {token}".strip())
        db.session.add(TeamMembership(id=uuid.uuid4(), client_id=client.id, organisation_id=org.id,
                                      contact_person_id=person.id, role_fi="Yhteyshenkilö", role_sv="Kontaktperson",
                                      role_en="Your contact person", started_at=utcnow() - timedelta(days=10)))
        orgs[kind], staff[kind] = org, person
    db.session.flush()
    return Team(client, orgs, staff)


def category(code: str) -> DataCategory:
    found = db.session.scalar(select(DataCategory).where(DataCategory.code == code))
    assert found is not None, code
    return found


def purpose(code: str = "plan_services") -> Purpose:
    found = db.session.scalar(select(Purpose).where(Purpose.code == code))
    assert found is not None, code
    return found


def consent(client: User, organisation: Organisation, category_code: str, status: str, *,
            purpose_code: str = "plan_services", expires_at: datetime | None = None, message: str | None = None,
            asked_by: User | None = None, at: datetime | None = None) -> Consent:
    """A consent in `status`, with the one event that put it there."""
    at = at or utcnow() - timedelta(days=2)
    row = Consent(id=uuid.uuid4(), client_id=client.id, organisation_id=organisation.id,
                  category_id=category(category_code).id, purpose_id=purpose(purpose_code).id, status=status,
                  given_at=at if status == "given" else None, expires_at=expires_at, request_message=message,
                  requested_by_id=asked_by.id if asked_by else None, created_at=at, updated_at=at)
    db.session.add(row)
    db.session.flush()
    db.session.add(ConsentEvent(id=uuid.uuid4(), consent_id=row.id, client_id=client.id, kind=status, at=at,
                                actor_id=(asked_by or client).id, channel="online", language="en",
                                lawful_basis="GDPR 6(1)(a)", expires_at=expires_at, message=message,
                                notice_version="test", notice_hash="0" * 64 if status == "given" else "",
                                notice_text="test notice" if status == "given" else ""))
    db.session.flush()
    return row


def log_rows(client: User, staff: User, count: int, *, category_code: str | None = "plan",
             outcome: str = "allowed", basis: str = "controller", start: datetime | None = None) -> None:
    """`count` access-log rows a minute apart, the newest at `start` (written in one statement)."""
    start = start or utcnow()
    category_id = category(category_code).id if category_code else None
    purpose_id = purpose().id
    db.session.execute(AccessLogEntry.__table__.insert(), [
        {"id": uuid.uuid4(), "at": start - timedelta(minutes=i), "client_id": client.id, "staff_id": staff.id,
         "organisation_id": staff.organisation_id, "category_id": category_id, "purpose_id": purpose_id,
         "outcome": outcome, "basis": basis, "consent_id": None, "legal_rule_id": None}
        for i in range(count)])
