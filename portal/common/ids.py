"""Ids from forms, sessions and query strings: a UUID, or None for anything else."""

from __future__ import annotations

import uuid


def parse_uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value or "")
    except (ValueError, TypeError, AttributeError):
        return None
