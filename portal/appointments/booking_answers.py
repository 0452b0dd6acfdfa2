"""The answers of a booking in progress (appointments.journey): read and written only with the client's own id."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from ..extensions import db
from ..models import BookingAnswers, utcnow

KEPT = timedelta(days=1)


def find(key: uuid.UUID, client_id: uuid.UUID) -> dict[str, object] | None:
    statement = select(BookingAnswers.answers).where(BookingAnswers.id == key, BookingAnswers.client_id == client_id)
    return db.session.scalar(statement)


def save(key: uuid.UUID, client_id: uuid.UUID, answers: dict[str, object]) -> None:
    """Keep the answers of a booking in progress (each browser has its own). Abandoned ones go after a day."""
    now = utcnow()
    forget_abandoned(now)
    row = db.session.get(BookingAnswers, key)
    if row is None:
        db.session.add(BookingAnswers(id=key, client_id=client_id, answers=answers, updated_at=now))
    elif row.client_id == client_id:  # another client's id (it cannot come from our own session) is left alone
        row.answers, row.updated_at = answers, now


def forget_abandoned(now: datetime | None = None) -> int:
    """Delete the answers of bookings left unfinished for KEPT: they may describe the client's health. Done
    whenever answers are saved, and by `flask --app portal clean-up` from cron, for quiet times."""
    result = db.session.execute(delete(BookingAnswers).where(BookingAnswers.updated_at < (now or utcnow()) - KEPT))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def forget(key: uuid.UUID, client_id: uuid.UUID) -> None:
    db.session.execute(
        delete(BookingAnswers).where(BookingAnswers.id == key, BookingAnswers.client_id == client_id)
    )
