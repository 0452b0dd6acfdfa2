"""Who the provider vouched for: a keyed hash of the identifier (never the identifier itself) and the name and
e-mail address its claims give."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass
from typing import Any

from flask import current_app

from ..models import IdentityProvider
from .refusals import Reason, Refused

MAX_NAME = 200
MAX_EMAIL = 254


def person_key(namespace: str, identifier: str, secret: str | None = None) -> str:
    """HMAC-SHA256 of the identifier, keyed with the server's identifier key (IDENTIFIER_KEY).

    `namespace` is "national-id" for the personal identity code, or a staff organisation's code for its own
    identifiers, so that the same string from two sources never finds the same person."""
    secret = secret if secret is not None else current_app.config["IDENTIFIER_KEY"]
    normalised = unicodedata.normalize("NFC", identifier).strip().upper()
    message = f"{namespace}\x1f{normalised}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def namespace_of(provider: IdentityProvider) -> str:
    if provider.for_clients:
        return "national-id"
    assert provider.organisation is not None
    return f"staff:{provider.organisation.code}"


@dataclass(frozen=True)
class Person:
    key: str
    name: str | None
    email: str | None
    authenticated_at: int


def _text(value: Any, limit: int) -> str | None:
    if not isinstance(value, str):
        return None
    cleaned = " ".join("".join(ch for ch in value if unicodedata.category(ch)[0] != "C").split())
    return cleaned[:limit] or None


def person_from(provider: IdentityProvider, claims: dict[str, Any], now: int) -> Person:
    identifier = claims.get(provider.subject_claim)
    if not isinstance(identifier, str) or not identifier.strip():
        raise Refused(Reason.NOT_CONFIRMED, f"no {provider.subject_claim} claim")
    parts = [_text(claims.get(claim), MAX_NAME) for claim in provider.name_claims.split()]
    name = _text(" ".join(part for part in parts if part), MAX_NAME)
    email = _text(claims.get(provider.email_claim), MAX_EMAIL) if provider.email_claim else None
    auth_time = claims.get("auth_time")
    authenticated_at = (
        int(auth_time) if isinstance(auth_time, int | float) and auth_time <= now else int(claims["iat"])
    )
    return Person(
        key=person_key(namespace_of(provider), identifier),
        name=name,
        email=email.lower() if email and "@" in email else None,
        authenticated_at=min(authenticated_at, now),
    )
