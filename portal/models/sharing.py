"""Who may see a client's data: the client's team, data categories, consents with their append-only history,
sharing a law allows, and the log of every staff read and refusal.

Categories, purposes and legal rules are data, like organisations: a new category or a new law is a data change.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, IdMixin, TimestampMixin, utcnow
from .organisations import Organisation, OrganisationKind
from .translated import TranslatedDescription, TranslatedName
from .users import User


class DataCategory(IdMixin, TranslatedName, TranslatedDescription, Base):
    """A kind of client data (plan and steps, appointments, work ability and health…). Its controller is the
    organisation of the client's team of `controller_kind`, which records it."""

    __tablename__ = "data_categories"

    code: Mapped[str] = mapped_column(String(60), unique=True)
    controller_kind_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation_kinds.id"))
    special_category: Mapped[bool] = mapped_column(default=False)  # GDPR Art. 9: health, social
    position: Mapped[int] = mapped_column(default=0)

    controller_kind: Mapped[OrganisationKind] = relationship(lazy="joined")


class Purpose(IdMixin, TranslatedName, TranslatedDescription, Base):
    """Why an organisation reads a client's data, in plain words ("to plan your services together")."""

    __tablename__ = "purposes"

    code: Mapped[str] = mapped_column(String(60), unique=True)


class LegalRule(IdMixin, Base):
    """Sharing a law allows without consent: one category, to organisations of one kind, for one purpose."""

    __tablename__ = "legal_rules"

    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("data_categories.id"))
    recipient_kind_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation_kinds.id"))
    purpose_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purposes.id"))
    statute_fi: Mapped[str] = mapped_column(Text)
    statute_sv: Mapped[str] = mapped_column(Text)
    statute_en: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)

    def statute(self, locale: str) -> str:
        return getattr(self, f"statute_{locale}", None) or self.statute_fi


class TeamMembership(IdMixin, TimestampMixin, Base):
    """An organisation working with a client now (and since when, until when), optionally with a named contact
    person. Ending one keeps the row: who ended it, when and why."""

    __tablename__ = "team_memberships"
    __table_args__ = (
        Index("uq_team_memberships_one_active", "client_id", "organisation_id", unique=True,
              sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL")),
        Index("ix_team_memberships_organisation_client", "organisation_id", "client_id"),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    contact_person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    role_fi: Mapped[str] = mapped_column(String(200), default="")
    role_sv: Mapped[str] = mapped_column(String(200), default="")
    role_en: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    start_reason: Mapped[str] = mapped_column(Text, default="")
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    end_reason: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    contact_person: Mapped[User | None] = relationship(foreign_keys=[contact_person_id], lazy="joined")

    def role(self, locale: str) -> str:
        return getattr(self, f"role_{locale}", None) or self.role_fi


class ConsentStatus(enum.StrEnum):
    REQUESTED = "requested"
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class Consent(IdMixin, TimestampMixin, Base):
    """Where one consent stands now: one recipient organisation, one category, one purpose. Its history
    (ConsentEvent) is the evidence; this row is kept in step with it in the same transaction."""

    __tablename__ = "consents"
    __table_args__ = (
        UniqueConstraint("client_id", "organisation_id", "category_id", "purpose_id", name="one_per_purpose"),
        CheckConstraint("status IN ('requested', 'given', 'refused', 'withdrawn', 'expired')", name="status_known"),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("data_categories.id"))
    purpose_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purposes.id"))
    status: Mapped[str] = mapped_column(String(12))
    given_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    request_message: Mapped[str | None] = mapped_column(Text)  # a staff member's own words, when requested
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    category: Mapped[DataCategory] = relationship(lazy="joined")
    purpose: Mapped[Purpose] = relationship(lazy="joined")

    def in_force(self, now: datetime) -> bool:
        return self.status == ConsentStatus.GIVEN and (self.expires_at is None or self.expires_at > now)


class ConsentEvent(IdMixin, Base):
    """One thing that happened to a consent, in the spirit of ISO/IEC TS 27560: never updated or deleted (the
    database refuses). Each is also the receipt the client can keep."""

    __tablename__ = "consent_events"
    __table_args__ = (
        CheckConstraint("kind IN ('requested', 'given', 'refused', 'withdrawn', 'expired')", name="kind_known"),
        CheckConstraint("channel IN ('online', 'in_person', 'system')", name="channel_known"),
        Index("ix_consent_events_client_at", "client_id", "at"),
    )

    consent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consents.id"), index=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(12))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(12), default="online")
    caseworker_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))  # in person: who was there
    notice_version: Mapped[str] = mapped_column(String(40), default="")
    notice_hash: Mapped[str] = mapped_column(String(64), default="")
    notice_text: Mapped[str] = mapped_column(Text, default="")  # exactly what the client was shown
    language: Mapped[str] = mapped_column(String(5), default="fi")
    lawful_basis: Mapped[str] = mapped_column(String(80), default="")
    expires_at: Mapped[datetime | None]
    message: Mapped[str | None] = mapped_column(Text)

    consent: Mapped[Consent] = relationship(lazy="joined")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="raise_on_sql")


class ClientRecord(IdMixin, TimestampMixin, Base):
    """Something an organisation recorded about a client in one category (an assessment's summary, a work
    ability statement, a benefit decision). The organisation that recorded it controls it."""

    __tablename__ = "client_records"
    __table_args__ = (Index("ix_client_records_client_category", "client_id", "category_id"),)

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("data_categories.id"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    category: Mapped[DataCategory] = relationship(lazy="joined")


class AccessOutcome(enum.StrEnum):
    ALLOWED = "allowed"
    REFUSED = "refused"


class AccessLogEntry(IdMixin, Base):
    """One staff read of a client's data, or one refused attempt: who, which organisation, which category, when,
    why (the purpose) and on what basis. Never updated or deleted (the database refuses)."""

    __tablename__ = "access_log"
    __table_args__ = (
        CheckConstraint("outcome IN ('allowed', 'refused')", name="outcome_known"),
        CheckConstraint("basis IN ('controller', 'own_record', 'consent', 'law', 'not_shared', 'not_in_team')",
                        name="basis_known"),
        Index("ix_access_log_client_at", "client_id", "at"),
        Index("ix_access_log_client_organisation_at", "client_id", "organisation_id", "at"),
    )

    at: Mapped[datetime] = mapped_column(default=utcnow)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    category_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("data_categories.id"))
    purpose_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purposes.id"))
    outcome: Mapped[str] = mapped_column(String(10))
    basis: Mapped[str] = mapped_column(String(12))
    consent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("consents.id"))
    legal_rule_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("legal_rules.id"))
