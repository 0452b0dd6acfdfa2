"""Agencies, their kinds and their services are data: a reform is a data migration, not a code change."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, IdMixin, TimestampMixin
from .translated import TranslatedDescription, TranslatedName


class OrganisationKind(IdMixin, TranslatedName, Base):
    """Employment authority, wellbeing services county, Kela, service provider… as rows."""

    __tablename__ = "organisation_kinds"
    code: Mapped[str] = mapped_column(String(60), unique=True)


class Organisation(IdMixin, TimestampMixin, TranslatedName, Base):
    __tablename__ = "organisations"

    code: Mapped[str] = mapped_column(String(60), unique=True)
    kind_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation_kinds.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # A merged or renamed-away organisation points to the one that took over its work.
    succeeded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))

    # How a client reaches it: data, shown on My team.
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    hours_fi: Mapped[str] = mapped_column(String(200), default="")
    hours_sv: Mapped[str] = mapped_column(String(200), default="")
    hours_en: Mapped[str] = mapped_column(String(200), default="")

    kind: Mapped[OrganisationKind] = relationship()
    services: Mapped[list[Service]] = relationship(back_populates="organisation")


    def hours(self, locale: str) -> str:
        return getattr(self, f"hours_{locale}", None) or self.hours_fi


class Service(IdMixin, TimestampMixin, TranslatedName, TranslatedDescription, Base):
    __tablename__ = "services"

    code: Mapped[str] = mapped_column(String(60), unique=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)

    organisation: Mapped[Organisation] = relationship(back_populates="services")
