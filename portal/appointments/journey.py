"""The answers of a booking in progress, kept in the session between question pages."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field

from flask import session

from ..common.ids import parse_uuid

KEY = "booking"


@dataclass
class Journey:
    choice: str = ""
    day: str = ""
    slot: str = ""
    interpreter: str = ""
    language: str = ""
    other_needs: str = ""
    needs_answered: bool = False
    replaces: str = ""  # an appointment being moved to a new time
    key: str = field(default_factory=lambda: str(uuid.uuid4()))

    @classmethod
    def load(cls) -> Journey:
        stored = session.get(KEY)
        if not isinstance(stored, dict):
            return cls()
        known = {name: str(value) if name != "needs_answered" else bool(value)
                 for name, value in stored.items() if name in cls.__dataclass_fields__}
        return cls(**known)  # type: ignore[arg-type]

    def save(self) -> None:
        session[KEY] = asdict(self)

    @staticmethod
    def clear() -> None:
        session.pop(KEY, None)

    def slot_id(self) -> uuid.UUID | None:
        return parse_uuid(self.slot)

    def replaces_id(self) -> uuid.UUID | None:
        return parse_uuid(self.replaces)
