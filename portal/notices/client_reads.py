"""What a client reads of their own notices: whether their team read them, and the answers. Only the client's
own pages import this module (staff read notices through portal.access: import contracts)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import TeamNotice, User


def _own(client_id: uuid.UUID) -> Select[tuple[TeamNotice]]:
    return (
        select(TeamNotice).where(TeamNotice.client_id == client_id)
        .options(joinedload(TeamNotice.organisation),
                 joinedload(TeamNotice.read_by).joinedload(User.organisation),
                 joinedload(TeamNotice.answered_by).joinedload(User.organisation),
                 joinedload(TeamNotice.handled_by).joinedload(User.organisation))
        .order_by(TeamNotice.created_at.desc(), TeamNotice.id.desc())
    )


def for_step(step_id: uuid.UUID, client_id: uuid.UUID) -> list[TeamNotice]:
    """What the client told their team about one of their steps, newest first."""
    return list(db.session.scalars(_own(client_id).where(TeamNotice.step_id == step_id)).unique())


def for_appointment(appointment_id: uuid.UUID, client_id: uuid.UUID) -> list[TeamNotice]:
    statement = _own(client_id).where(TeamNotice.appointment_id == appointment_id)
    return list(db.session.scalars(statement).unique())


def answers_since(client_id: uuid.UUID, since: datetime, limit: int = 3) -> list[TeamNotice]:
    """The answers the client's team wrote lately, newest first, with what each is about: for Home."""
    statement = (
        _own(client_id).where(TeamNotice.answered_at >= since)
        .options(joinedload(TeamNotice.step), joinedload(TeamNotice.appointment))
        .order_by(None).order_by(TeamNotice.answered_at.desc(), TeamNotice.id.desc()).limit(limit)
    )
    return list(db.session.scalars(statement).unique())
