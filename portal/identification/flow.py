"""One sign-in through a provider, from the redirect to its return. What must survive the trip (state, nonce,
the PKCE verifier, where to go next) is kept in the session cookie: none of it is personal, and the cookie is
signed, so a browser cannot change it. It is used once: the return takes it out whatever happens."""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

from authlib.common.urls import add_params_to_uri
from flask import session, url_for
from flask_babel import get_locale

from ..models import IdentityProvider
from . import discovery, tokens
from .keys import PortalKeys
from .refusals import Refused

FLOW_KEY = "identification"
SIGNED_IN_WITH = "signed_in_with"  # the provider's code, for signing out there too
FLOW_SECONDS = 15 * 60  # time to identify at the provider (a bank's own steps can take a while)


@dataclass(frozen=True)
class Started:
    url: str
    kept: dict[str, Any]


def begin(provider: IdentityProvider, return_address: str, next_page: str, keys: PortalKeys) -> Started:
    metadata = discovery.metadata(provider.issuer)
    state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(48)
    extra = {"ui_locales": str(get_locale() or "fi")}
    if provider.acr_values:
        extra["acr_values"] = provider.acr_values
    with tokens.oauth_session(provider, return_address, keys) as oauth:
        url, _ = oauth.create_authorization_url(
            metadata["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier, **extra
        )
    kept = {
        "provider": provider.code,
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "next": next_page,
        "at": int(time.time()),
    }
    return Started(url=url, kept=kept)


def matches(kept: object, code: str, state: str, now: int) -> bool:
    """Is this return the one this browser's sign-in is waiting for (same provider, same state, in time)?"""
    if not isinstance(kept, dict) or kept.get("provider") != code:
        return False
    if not hmac.compare_digest(str(kept.get("state", "")).encode(), state.encode()):
        return False
    return 0 <= now - int(kept.get("at", 0)) <= FLOW_SECONDS


def end_session_url(provider: IdentityProvider) -> str | None:
    """Where to send the browser so the provider ends its session too (RP-Initiated Logout 1.0), if it offers
    that. No id_token_hint: the ID token carries the person's identifier, and the portal does not keep it;
    client_id says who asks, as the specification allows."""
    try:
        endpoint = discovery.metadata(provider.issuer).get("end_session_endpoint")
    except Refused:
        return None
    if not isinstance(endpoint, str):
        return None
    return add_params_to_uri(
        endpoint,
        [
            ("client_id", provider.client_id),
            ("post_logout_redirect_uri", url_for("auth.signed_out", _external=True)),
            ("ui_locales", str(get_locale() or "fi")),
        ],
    )


def signed_in_with() -> str | None:
    found = session.get(SIGNED_IN_WITH)
    return found if isinstance(found, str) else None
