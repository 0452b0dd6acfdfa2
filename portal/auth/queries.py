"""Every database read and write the auth room needs."""

from __future__ import annotations

from sqlalchemy import select, update

from ..common.ids import parse_uuid
from ..extensions import db
from ..models import User, utcnow
from . import passwords


def signed_in_user(session_id: str) -> User | None:
    """The user a session belongs to (Flask-Login's user loader): an active user whose session version is the
    one the session was started with (User.get_id), else nobody."""
    raw_id, _, raw_version = session_id.partition(":")
    user_id = parse_uuid(raw_id)
    if user_id is None or not raw_version.isdigit():
        return None
    user = db.session.scalar(select(User).where(User.id == user_id, User.active.is_(True)))
    if user is None or user.session_version != int(raw_version):
        return None
    return user


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
