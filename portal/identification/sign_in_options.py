"""What the sign-in page offers: the identity providers (data), and password sign-in only where
PASSWORD_SIGN_IN
allows it: nowhere by default; "staff" lets in staff of organisations that have no sign-in of their own;
"all" is for the local demo."""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from ..common.redirects import safe_next
from ..models import User
from . import queries

OFF, STAFF, ALL = "off", "staff", "all"


def password_sign_in_offered() -> bool:
    return current_app.config["PASSWORD_SIGN_IN"] in {STAFF, ALL}


def may_use_password(user: User) -> bool:
    setting = current_app.config["PASSWORD_SIGN_IN"]
    if setting == ALL:
        return True
    if setting == STAFF:
        return user.is_staff and not queries.organisation_has_sign_in(user.organisation_id)
    return False


def choices() -> dict[str, Any]:
    """The sign-in page's context: its providers, whether to show the password form, and where to go after."""
    providers = queries.active_providers()
    return {
        "client_providers": [provider for provider in providers if provider.for_clients],
        "staff_providers": [provider for provider in providers if not provider.for_clients],
        "password_sign_in": password_sign_in_offered(),
        "next_page": safe_next(request.args.get("next"), "") or None,
    }
