"""The signed-in user as a read-only page needs them: plain columns, no ORM object to build and track."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import ClassVar

from ..models.users import RoleChecks


@dataclass(frozen=True, slots=True)
class SignedInUser(RoleChecks):
    """What `current_user` is on a page that loads its data in the same query as the user (see
    common.sessions.loads_user_with). It has the attributes pages and access checks read; a view that changes
    the user needs the ORM User and must not use this loader."""

    id: uuid.UUID
    full_name: str
    role: str
    organisation_id: uuid.UUID | None
    locale: str | None
    session_version: int

    # Flask-Login protocol: only active users are ever read into one
    is_authenticated: ClassVar[bool] = True
    is_active: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False
