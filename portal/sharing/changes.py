"""Every change to a consent: the client gives, withdraws or declines one, or it expires. Each change is an
append-only ConsentEvent (the evidence, and the client's receipt) and the Consent row kept in step with it, in
the same transaction. The consent's row is locked first (FOR UPDATE on PostgreSQL; SQLite lets one writer in
at a time), so two tabs pressing at once make one change, not two."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Consent, ConsentEvent, ConsentStatus, DataCategory, Purpose, User
from .notice import lawful_basis


@dataclass(frozen=True, slots=True)
class Shown:
    """The notice the client read before pressing "Give consent", as the event keeps it."""

    version: str
    text: str
    digest: str
    language: str


def _locked(client_id: uuid.UUID, organisation_id: uuid.UUID, category_id: uuid.UUID,
            purpose_id: uuid.UUID) -> Consent | None:
    return db.session.scalar(
        select(Consent).where(Consent.client_id == client_id, Consent.organisation_id == organisation_id,
                              Consent.category_id == category_id, Consent.purpose_id == purpose_id)
        .with_for_update(of=Consent)
    )


def _event(consent: Consent, kind: ConsentStatus, at: datetime, category: DataCategory, **fields: object
           ) -> ConsentEvent:
    event = ConsentEvent(id=uuid.uuid4(), consent_id=consent.id, client_id=consent.client_id, kind=kind.value,
                         at=at, lawful_basis=lawful_basis(category), **fields)
    db.session.add(event)
    consent.status = kind.value
    consent.updated_at = at
    return event


def give(client: User, organisation_id: uuid.UUID, category: DataCategory, purpose: Purpose, shown: Shown,
         expires_at: datetime | None, now: datetime) -> ConsentEvent | None:
    """The client gives consent online (or approves a request). None when it was in force already (a second
    press, another tab): nothing changes."""
    consent = _locked(client.id, organisation_id, category.id, purpose.id)
    if consent is None:
        try:
            with db.session.begin_nested():
                consent = Consent(id=uuid.uuid4(), client_id=client.id, organisation_id=organisation_id,
                                  category_id=category.id, purpose_id=purpose.id, status=ConsentStatus.GIVEN.value)
                db.session.add(consent)
                db.session.flush()
        except IntegrityError:  # another tab made it first: take that one
            consent = _locked(client.id, organisation_id, category.id, purpose.id)
            assert consent is not None
    elif consent.in_force(now):
        return None
    consent.given_at, consent.expires_at = now, expires_at
    return _event(consent, ConsentStatus.GIVEN, now, category, actor_id=client.id, channel="online",
                  notice_version=shown.version, notice_hash=shown.digest, notice_text=shown.text,
                  language=shown.language, expires_at=expires_at)


def withdraw(consent: Consent, client: User, language: str, now: datetime) -> ConsentEvent | None:
    """None when the consent was not given (withdrawn in another tab already): nothing changes."""
    if consent.status != ConsentStatus.GIVEN:
        return None
    return _event(consent, ConsentStatus.WITHDRAWN, now, consent.category, actor_id=client.id, channel="online",
                  language=language)


def decline(consent: Consent, client: User, language: str, now: datetime) -> ConsentEvent | None:
    """The client says no to a staff member's request. None when it was answered already."""
    if consent.status != ConsentStatus.REQUESTED:
        return None
    return _event(consent, ConsentStatus.REFUSED, now, consent.category, actor_id=client.id, channel="online",
                  language=language)


def expire_due(now: datetime) -> int:
    """Record "expired" for every consent whose time is over (`flask --app portal clean-up`). They were not in
    force anyway: the access policy checks expires_at itself. Rows another run holds are left to it."""
    due = db.session.execute(
        select(Consent, User.locale).join(User, User.id == Consent.client_id)
        .where(Consent.status == ConsentStatus.GIVEN, Consent.expires_at.is_not(None), Consent.expires_at <= now)
        .order_by(Consent.expires_at, Consent.id)
        .with_for_update(of=Consent, skip_locked=True)
    ).all()
    for consent, locale in due:
        _event(consent, ConsentStatus.EXPIRED, now, consent.category, channel="system", language=locale or "fi",
               expires_at=consent.expires_at)
    return len(due)
