"""Whether an organisation may see one category of a client's data for one purpose, and on what basis.

In order: the organisation must be in the client's team (else "not found", whoever asks); the controller of the
category (the team's organisation of the category's controller kind) sees what it recorded; another organisation
of the team sees it with the client's consent in force for that purpose, or where a recorded legal rule allows
it; otherwise it is not shared. Pure: the facts come from queries.sharing_facts().
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

ALLOWING = frozenset({"controller", "own_record", "consent", "law"})


@dataclass(frozen=True, slots=True)
class Decision:
    basis: str  # controller | own_record | consent | law | not_shared | not_in_team
    consent_id: uuid.UUID | None = None
    legal_rule_id: uuid.UUID | None = None

    @property
    def allowed(self) -> bool:
        return self.basis in ALLOWING


NOT_IN_TEAM = Decision("not_in_team")
NOT_SHARED = Decision("not_shared")
OWN_RECORD = Decision("own_record")


@dataclass(frozen=True, slots=True)
class CategoryFacts:
    id: uuid.UUID
    code: str
    controller_kind_id: uuid.UUID


@dataclass(slots=True)
class SharingFacts:
    """What one decision needs about one client, one organisation and one purpose, read in a few queries."""

    organisation_id: uuid.UUID
    organisation_kind_id: uuid.UUID
    in_team: bool
    categories: list[CategoryFacts]
    # consents in force (given, not expired) for this organisation and purpose, by category id
    consents: dict[uuid.UUID, tuple[uuid.UUID, datetime | None]] = field(default_factory=dict)
    # legal rules for this organisation's kind and purpose, by category id
    legal_rules: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)


def decide(facts: SharingFacts, category: CategoryFacts, now: datetime) -> Decision:
    if not facts.in_team:
        return NOT_IN_TEAM
    if category.controller_kind_id == facts.organisation_kind_id:
        return Decision("controller")
    consent = facts.consents.get(category.id)
    if consent is not None and (consent[1] is None or consent[1] > now):
        return Decision("consent", consent_id=consent[0])
    rule = facts.legal_rules.get(category.id)
    if rule is not None:
        return Decision("law", legal_rule_id=rule)
    return NOT_SHARED


def decide_all(facts: SharingFacts, now: datetime) -> dict[str, Decision]:
    """Every category's decision, by category code."""
    return {category.code: decide(facts, category, now) for category in facts.categories}


def decide_addressed(in_team: bool, addressed_to: uuid.UUID | None,
                     organisation_id: uuid.UUID | None) -> Decision:
    """What the client told one organisation (a notice: "I can't do this", "I can't come"): that
    organisation's own record while the client is in its team, whatever the category; not another's."""
    if not in_team:
        return NOT_IN_TEAM
    return OWN_RECORD if addressed_to is not None and addressed_to == organisation_id else NOT_SHARED
