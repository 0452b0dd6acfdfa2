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
    in_team: bool  # the organisation works with the client now: nothing is shared with any other
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
        return self.in_team and (self.controller or bool(self.in_force) or bool(self.laws))

    def allows(self, purpose_id: uuid.UUID) -> bool:
        """What the access policy decides for a read with this purpose."""
        return self.in_team and (self.controller or any(c.purpose_id == purpose_id for c in self.in_force)
                                 or any(law.purpose.id == purpose_id for law in self.laws))


@dataclass(slots=True)
class OrganisationSection:
    organisation: Organisation
    membership: TeamMembership | None  # None: it no longer works with the client, but a consent is in force
    rows: list[Row]

    @property
    def id(self) -> str:
        return f"org-{self.organisation.id}"

    @property
    def shared_count(self) -> int:
        return sum(row.can_see for row in self.rows)


def build(facts: SharingFacts, now: datetime) -> list[OrganisationSection]:
    """A section for each organisation of the team, with a row for each category; then one for each
    organisation that has left the team while a consent to it is still in force (it sees nothing now, but the
    consent would apply again if it came back: the client can withdraw it here, as easily as it was given)."""
    consents: dict[tuple[uuid.UUID, uuid.UUID], list[Consent]] = {}
    for consent in facts.consents:
        consents.setdefault((consent.organisation_id, consent.category_id), []).append(consent)
    laws: dict[tuple[uuid.UUID, uuid.UUID], list[Law]] = {}
    for law in facts.laws:
        laws.setdefault((law.category_id, law.recipient_kind_id), []).append(law)

    def row(organisation: Organisation, category: DataCategory, in_team: bool) -> Row:
        found = Row(organisation, category, controller=category.controller_kind_id == organisation.kind_id,
                    in_team=in_team, laws=laws.get((category.id, organisation.kind_id), []) if in_team else [])
        for consent in consents.get((organisation.id, category.id), []):
            (found.in_force if consent.in_force(now) else found.other_consents).append(consent)
            if consent.id in facts.latest_events:
                found.receipts[consent.id] = facts.latest_events[consent.id]
        found.give_purpose = _offer(found, facts.client_purpose) if in_team else None
        return found

    sections = [OrganisationSection(m.organisation, m, [row(m.organisation, category, True)
                                                         for category in facts.categories])
                for m in facts.team]
    team = {m.organisation_id for m in facts.team}
    former: dict[uuid.UUID, Organisation] = {}
    for consent in facts.consents:
        if consent.organisation_id not in team and consent.in_force(now):
            former.setdefault(consent.organisation_id, consent.organisation)
    for organisation in former.values():
        rows = [row(organisation, category, False) for category in facts.categories
                if any(c.in_force(now) for c in consents.get((organisation.id, category.id), []))]
        sections.append(OrganisationSection(organisation, None, rows))
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
