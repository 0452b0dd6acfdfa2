"""Who may vouch for a person's identity: OpenID Providers as data, one for clients and one per staff
organisation.

Adding an organisation's sign-in is a new row here, not a code change. No secret is kept in the table: a
provider that takes a client secret names the environment variable that holds it, and one that asks for
private_key_jwt is answered with the portal's own keys (published at its JWKS address).
"""

from __future__ import annotations

import enum
import uuid

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, IdMixin, TimestampMixin
from .organisations import Organisation
from .translated import TranslatedName


class Audience(enum.StrEnum):
    CLIENTS = "clients"  # the national identification service
    STAFF = "staff"  # one organisation's own sign-in for its staff


class ClientAuth(enum.StrEnum):
    SECRET_BASIC = "client_secret_basic"
    SECRET_POST = "client_secret_post"
    PRIVATE_KEY_JWT = "private_key_jwt"


class IdentityProvider(IdMixin, TimestampMixin, TranslatedName, Base):
    """An OpenID Provider the portal trusts. `name_*` is what its sign-in button says
    ("Suomi.fi e-Identification")."""

    __tablename__ = "identity_providers"
    __table_args__ = (
        CheckConstraint("audience IN ('clients', 'staff')", name="audience_known"),
        CheckConstraint(
            "(audience = 'clients' AND organisation_id IS NULL) OR "
            "(audience = 'staff' AND organisation_id IS NOT NULL)",
            name="staff_provider_has_organisation",
        ),
        CheckConstraint(
            "client_auth IN ('client_secret_basic', 'client_secret_post', 'private_key_jwt')",
            name="client_auth_known",
        ),
        CheckConstraint(
            "client_auth = 'private_key_jwt' OR secret_env IS NOT NULL", name="secret_has_a_source"
        ),
        # Clients reach health-related and benefit matters: their identification must say how strong it was.
        CheckConstraint("audience <> 'clients' OR acr_values <> ''", name="clients_need_assurance"),
    )

    code: Mapped[str] = mapped_column(String(60), unique=True)
    audience: Mapped[str] = mapped_column(String(10))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # Discovery starts from here: {issuer}/.well-known/openid-configuration
    issuer: Mapped[str] = mapped_column(String(300))
    client_id: Mapped[str] = mapped_column(String(200))
    client_auth: Mapped[str] = mapped_column(String(30), default=ClientAuth.SECRET_BASIC.value)
    # The name of the environment variable holding the client secret (never the secret itself).
    secret_env: Mapped[str | None] = mapped_column(String(100))
    scopes: Mapped[str] = mapped_column(String(300), default="openid")
    # The claim that is the person: the personal identity code for clients, the organisation's own
    # identifier (e.g. a work e-mail address) for staff. Only its keyed hash is ever kept.
    subject_claim: Mapped[str] = mapped_column(String(100))
    # Claims joined with a space give the name shown in the portal, e.g. "given_name family_name".
    name_claims: Mapped[str] = mapped_column(String(200), default="name")
    email_claim: Mapped[str | None] = mapped_column(String(100))
    # The levels of assurance accepted (acr), separated by spaces; asked for and checked. Empty: not checked.
    acr_values: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(default=True)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    @property
    def for_clients(self) -> bool:
        return self.audience == Audience.CLIENTS

    @property
    def accepted_acr(self) -> list[str]:
        return self.acr_values.split()
