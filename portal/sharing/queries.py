"""Every database read and write of the sharing room: a client's own team, consents, receipts, who viewed their
data, and what they can take with them. (Staff reach a client's records only through portal.access.)"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from ..extensions import db
from ..models import ClientRecord


def records(client_id: uuid.UUID, category_id: uuid.UUID | None = None) -> list[ClientRecord]:
    """What organisations recorded about the client (in one category), newest first."""
    statement = select(ClientRecord).where(ClientRecord.client_id == client_id)
    if category_id is not None:
        statement = statement.where(ClientRecord.category_id == category_id)
    return list(db.session.scalars(statement.order_by(ClientRecord.created_at.desc(), ClientRecord.id)))
