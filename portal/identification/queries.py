"""Every database read and write of the identification room."""

from __future__ import annotations

import uuid

from sqlalchemy import exists, select

from ..extensions import db
from ..models import Audience, IdentityProvider, Role, User, utcnow
from .persons import Person


def active_providers() -> list[IdentityProvider]:
    """What the sign-in page offers: the clients' identification first, then staff sign-ins by name."""
    return list(
        db.session.scalars(
            select(IdentityProvider)
            .where(IdentityProvider.active.is_(True))
            .order_by(IdentityProvider.audience, IdentityProvider.name_fi)
        )
    )


def provider_by_code(code: str) -> IdentityProvider | None:
    return db.session.scalar(
        select(IdentityProvider).where(IdentityProvider.code == code, IdentityProvider.active.is_(True))
    )


def person_for(provider: IdentityProvider, key: str) -> User | None:
    """The account the provider's person is: a client through the clients' identification, a member of the
    provider's own organisation through a staff sign-in; never anyone else."""
    found = select(User).where(User.person_key == key, User.active.is_(True))
    if provider.audience == Audience.CLIENTS:
        found = found.where(User.role == Role.CLIENT.value)
    else:
        found = found.where(User.role != Role.CLIENT.value, User.organisation_id == provider.organisation_id)
    return db.session.scalar(found)


def record_sign_in(user: User, person: Person) -> None:
    """Names come from the provider and are updated at each sign-in, as is a staff member's e-mail address
    (unless another account already has it)."""
    if person.name and user.full_name != person.name:
        user.full_name = person.name
    if person.email and person.email != user.email and not _email_taken(person.email, user.id):
        user.email = person.email
    user.last_sign_in_at = utcnow()


def _email_taken(email: str, user_id: uuid.UUID) -> bool:
    return bool(db.session.scalar(select(exists().where(User.email == email, User.id != user_id))))


def organisation_has_sign_in(organisation_id: uuid.UUID | None) -> bool:
    if organisation_id is None:
        return False
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    IdentityProvider.organisation_id == organisation_id, IdentityProvider.active.is_(True)
                )
            )
        )
    )
