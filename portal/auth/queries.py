"""Every database read and write the auth room needs."""

from __future__ import annotations

import uuid

from sqlalchemy import bindparam, select, update

from ..extensions import db
from ..models import User, utcnow
from . import passwords

# Built once: it runs on every signed-in request, and building a statement costs more than running it.
_ACTIVE_USER = select(User).where(User.id == bindparam("user_id"), User.active.is_(True))


def active_user(user_id: uuid.UUID) -> User | None:
    return db.session.scalar(_ACTIVE_USER, {"user_id": user_id})


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    user = user_by_email(email)
    if not passwords.verify_password(user.password_hash if user else None, password):
        return None
    if user is None or not user.active:
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_sign_in_at = utcnow()
    return user


def end_all_sessions(user: User) -> None:
    """Raise the session version in the database, so every copy of every cookie stops working."""
    db.session.execute(
        update(User).where(User.id == user.id).values(session_version=User.session_version + 1)
    )
    db.session.refresh(user)


def change_password(user: User, new_password: str) -> None:
    user.password_hash = passwords.hash_password(new_password)
    end_all_sessions(user)


def remember_locale(user: User, code: str) -> None:
    if user.locale != code:
        user.locale = code
