"""What staff do with a notice addressed to their organisation: read it, answer the client, mark it handled.
Each is a guarded UPDATE that only the first of two staff members at once wins, so nothing is overwritten; the
row keeps who did it and when (their organisation is the notice's: nobody else reaches it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, literal, update
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import TeamNotice, User, utcnow


def _first(notice: TeamNotice, not_yet: ColumnElement[bool], **values: object) -> bool:
    result = db.session.execute(
        update(TeamNotice).where(TeamNotice.id == notice.id, not_yet).values(**values)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1  # type: ignore[attr-defined]


def _unless_done(column: InstrumentedAttribute[Any], value: object) -> ColumnElement[Any]:
    """The column as it is, or `value` if it is not set yet."""
    return func.coalesce(column, literal(value, type_=column.type))


def mark_read(notice: TeamNotice, staff: User, now: datetime | None = None) -> bool:
    """The first time someone of the organisation opens it: the client sees that it was read, and when."""
    if notice.read_at is not None:
        return False
    now = now or utcnow()
    if not _first(notice, TeamNotice.read_at.is_(None), read_at=now, read_by_id=staff.id):
        return False
    # the row says so already: the page shows it without reading the notice again
    for name, value in {"read_at": now, "read_by_id": staff.id, "read_by": staff}.items():
        set_committed_value(notice, name, value)
    return True


def answer(notice: TeamNotice, staff: User, text: str, now: datetime | None = None) -> bool:
    """Answer the client in words. That handles the notice too, unless someone handled it already (then it
    stays theirs). False, changing nothing, if someone else answered first."""
    now = now or utcnow()
    return _first(notice, TeamNotice.answered_at.is_(None), answer=text, answered_at=now,
                  answered_by_id=staff.id, read_at=_unless_done(TeamNotice.read_at, now),
                  read_by_id=_unless_done(TeamNotice.read_by_id, staff.id),
                  handled_at=_unless_done(TeamNotice.handled_at, now),
                  handled_by_id=_unless_done(TeamNotice.handled_by_id, staff.id))


def mark_handled(notice: TeamNotice, staff: User, now: datetime | None = None) -> bool:
    """Handled another way, for example by phone, without an answer in words. False if it was handled
    already."""
    now = now or utcnow()
    return _first(notice, TeamNotice.handled_at.is_(None), handled_at=now, handled_by_id=staff.id,
                  read_at=_unless_done(TeamNotice.read_at, now),
                  read_by_id=_unless_done(TeamNotice.read_by_id, staff.id))
