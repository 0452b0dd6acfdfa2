"""Every database read and write the auth room needs."""

from __future__ import annotations

from sqlalchemy import select, update

from ..common.ids import parse_uuid
from ..common.transactions import end_read
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


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email address and password, else None.

    The password is checked between two short transactions, one that reads its hash and one that stamps the
    sign-in: argon2 takes half a second on purpose, and no lock (SQLite's is the whole database's) or pooled
    connection is held meanwhile."""
    found = db.session.execute(
        select(User.id, User.password_hash, User.active).where(User.email == email.strip().lower())
    ).first()
    end_read()
    if not passwords.verify_password(found.password_hash if found else None, password):
        return None
    if found is None or not found.active:
        return None
    rehashed = passwords.hash_password(password) if passwords.needs_rehash(found.password_hash) else None
    user = db.session.get(User, found.id)
    if user is None or not user.active:
        return None  # disabled meanwhile
    if rehashed is not None and user.password_hash == found.password_hash:
        user.password_hash = rehashed
    user.last_sign_in_at = utcnow()
    return user


def password_is_right(user: User, password: str) -> bool:
    """Check a signed-in user's password (before a change), holding no lock or connection meanwhile."""
    password_hash = user.password_hash
    end_read()
    return passwords.verify_password(password_hash, password)


def end_all_sessions(user: User) -> None:
    """Raise the session version in the database, so every copy of every cookie stops working."""
    db.session.execute(
        update(User).where(User.id == user.id).values(session_version=User.session_version + 1)
    )
    db.session.refresh(user)


def change_password(user: User, new_password: str) -> None:
    end_read()  # hashing takes half a second: not inside a transaction
    new_hash = passwords.hash_password(new_password)
    user.password_hash = new_hash
    end_all_sessions(user)


def remember_locale(user: User, code: str) -> None:
    if user.locale != code:
        user.locale = code
