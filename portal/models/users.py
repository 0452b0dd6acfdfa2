from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, IdMixin, TimestampMixin
from .organisations import Organisation


class Role(enum.StrEnum):
    CLIENT = "client"
    CASEWORKER = "caseworker"
    MANAGER = "manager"


class User(IdMixin, TimestampMixin, Base):
    """A client or a member of staff. Staff belong to an organisation; clients do not."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('client', 'caseworker', 'manager')", name="role_known"),
        CheckConstraint(
            "(role = 'client' AND organisation_id IS NULL) OR (role <> 'client' AND organisation_id IS NOT NULL)",
            name="staff_have_organisation",
        ),
    )

    email: Mapped[str] = mapped_column(String(254), unique=True)
    # Only where password sign-in is configured (the local demo, organisations without a sign-in of their own).
    password_hash: Mapped[str | None] = mapped_column(String(200))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default=Role.CLIENT.value)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(default=True)
    # Raised on sign-out and password change: every cookie that carries an older number stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    last_sign_in_at: Mapped[datetime | None]
    # When the client last looked at their plan: what changed after it is "new" on Home.
    plan_seen_at: Mapped[datetime | None]
    # A keyed hash (HMAC) of the identifier an identity provider vouches for: the personal identity code of a
    # client, the organisation's own identifier of staff. The identifier itself is never stored.
    person_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    organisation: Mapped[Organisation | None] = relationship()

    # Flask-Login protocol
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """What the session keeps: the id with the session version, so a raised version ends every session."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT

    @property
    def is_staff(self) -> bool:
        return self.role != Role.CLIENT
