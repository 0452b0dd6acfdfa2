"""What the sharing page shows, worked out once per request from the facts: for every organisation of the
client's team and every category, whether it can see it and why.

The reasons follow the access policy's rules (portal/access/policy.py), all of them at once, as the client
needs to read them: an organisation sees a category it records (it is the controller), one the client has
consented to (given and not expired, for a purpose), and one a recorded legal rule allows (for a purpose).
tests/integration/test_sharing_page.py checks that the page and the policy agree.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from ..models import Consent, ConsentEvent, ConsentStatus, DataCategory, Organisation, Purpose, TeamMembership
from .queries import Law, SharingFacts


@dataclass(slots=True)
class Row:
    """One category, for one organisation."""

    organisation: Organisation
    category: DataCategory
    controller: bool  # the organisation records this category
    in_force: list[Consent] = field(default_factory=list)  # consents in force, each with a Withdraw button
    other_consents: list[Consent] = field(default_factory=list)  # requested, refused, withdrawn, expired
    laws: list[Law] = field(default_factory=list)
    give_purpose: Purpose | None = None  # offer "Give consent" for this purpose
    receipts: dict[uuid.UUID, ConsentEvent] = field(default_factory=dict)  # latest event by consent id

    @property
    def id(self) -> str:
        return f"share-{self.organisation.id}-{self.category.id}"

    @property
    def can_see(self) -> bool:
        return self.controller or bool(self.in_force) or bool(self.laws)

    def allows(self, purpose_id: uuid.UUID) -> bool:
        """What the access policy decides for a read with this purpose."""
        return (self.controller or any(c.purpose_id == purpose_id for c in self.in_force)
                or any(law.purpose.id == purpose_id for law in self.laws))


@dataclass(slots=True)
class OrganisationSection:
    membership: TeamMembership
    rows: list[Row]

    @property
    def organisation(self) -> Organisation:
        return self.membership.organisation

    @property
    def id(self) -> str:
        return f"org-{self.organisation.id}"

    @property
    def shared_count(self) -> int:
        return sum(row.can_see for row in self.rows)


def build(facts: SharingFacts, now: datetime) -> list[OrganisationSection]:
    consents: dict[tuple[uuid.UUID, uuid.UUID], list[Consent]] = {}
    for consent in facts.consents:
        consents.setdefault((consent.organisation_id, consent.category_id), []).append(consent)
    laws: dict[tuple[uuid.UUID, uuid.UUID], list[Law]] = {}
    for law in facts.laws:
        laws.setdefault((law.category_id, law.recipient_kind_id), []).append(law)
    sections = []
    for membership in facts.team:
        organisation = membership.organisation
        rows = []
        for category in facts.categories:
            row = Row(organisation, category, controller=category.controller_kind_id == organisation.kind_id,
                      laws=laws.get((category.id, organisation.kind_id), []))
            for consent in consents.get((organisation.id, category.id), []):
                (row.in_force if consent.in_force(now) else row.other_consents).append(consent)
                if consent.id in facts.latest_events:
                    row.receipts[consent.id] = facts.latest_events[consent.id]
            row.give_purpose = _offer(row, facts.client_purpose)
            rows.append(row)
        sections.append(OrganisationSection(membership, rows))
    return sections


def _offer(row: Row, purpose: Purpose | None) -> Purpose | None:
    """The client's own purpose, unless the organisation sees the category for it anyway: as its recorder, with
    consent in force, or by law (a consent there would change nothing)."""
    if purpose is None or row.allows(purpose.id):
        return None
    return purpose


def status_of(consent: Consent, now: datetime) -> str:
    """A consent's state as the client reads it: a given one whose time is over has ended, even before
    clean-up records it."""
    if consent.status == ConsentStatus.GIVEN and not consent.in_force(now):
        return ConsentStatus.EXPIRED.value
    return consent.status
