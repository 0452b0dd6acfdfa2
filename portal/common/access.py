"""Who may reach a view. Every endpoint needs a signed-in user unless it is marked @public."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort
from flask_login import current_user

from ..models import Role

F = TypeVar("F", bound=Callable[..., object])


def public(view: F) -> F:
    view.is_public = True  # type: ignore[attr-defined]
    return view


def roles(*allowed: Role) -> Callable[[], None]:
    """A blueprint before_request hook: only these roles get past it (others see 403)."""
    values = {role.value for role in allowed}

    def check() -> None:
        if current_user.is_authenticated and current_user.role not in values:
            abort(403)

    return check


def client_only(view: F) -> F:
    @wraps(view)
    def wrapper(*args: object, **kwargs: object) -> object:
        if not current_user.is_client:
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
