"""The answers of a booking in progress, between question pages. They are kept in the database (answers like
"other needs" may describe the client's health); the session cookie holds only the booking's id."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field

from flask import session
from flask_login import current_user

from ..common.ids import parse_uuid
from . import booking_answers

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
    key: str = field(default_factory=lambda: str(uuid.uuid4()))  # also the booking's idempotency key

    @classmethod
    def load(cls) -> Journey:
        key = parse_uuid(session.get(KEY))
        stored = booking_answers.find(key, current_user.id) if key else None
        if not isinstance(stored, dict):
            return cls()
        known = {name: str(value) if name != "needs_answered" else bool(value)
                 for name, value in stored.items() if name in cls.__dataclass_fields__ and name != "key"}
        return cls(key=str(key), **known)  # type: ignore[arg-type]

    def save(self) -> None:
        key = parse_uuid(self.key) or uuid.uuid4()
        self.key = str(key)
        answers = {name: value for name, value in asdict(self).items() if name != "key"}
        booking_answers.save(key, current_user.id, answers)
        session[KEY] = str(key)

    @staticmethod
    def clear() -> None:
        key = parse_uuid(session.pop(KEY, None))
        if key:
            booking_answers.forget(key, current_user.id)

    def slot_id(self) -> uuid.UUID | None:
        return parse_uuid(self.slot)

    def replaces_id(self) -> uuid.UUID | None:
        return parse_uuid(self.replaces)
