"""What a provider says about itself (discovery) and its public keys (JWKS), kept per process for an hour.

Neither is personal, signed by us or rendered. A token signed with a key the kept set does not have makes one
fresh fetch of the keys (that is how a provider's key rotation reaches us), at most every
JWKS_REFETCH_SECONDS,
so tokens with made-up keys cannot make the portal hammer the provider.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import requests
from flask import current_app
from joserfc.jwk import KeySet

from .refusals import Reason, Refused

METADATA_SECONDS = 3600
JWKS_REFETCH_SECONDS = 2


@dataclass
class _Kept:
    metadata: dict[str, Any]
    fetched_at: float
    jwks: KeySet | None = None
    jwks_fetched_at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


_kept: dict[str, _Kept] = {}


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=current_app.config["OIDC_TIMEOUT"])
        response.raise_for_status()
        found = response.json()
    except (requests.RequestException, ValueError) as error:
        raise Refused(Reason.UNAVAILABLE, f"{url}: {type(error).__name__}") from error
    if not isinstance(found, dict):
        raise Refused(Reason.UNAVAILABLE, f"{url}: not a JSON object")
    return found


def _entry(issuer: str) -> _Kept:
    kept = _kept.get(issuer)
    if kept is not None and time.monotonic() - kept.fetched_at < METADATA_SECONDS:
        return kept
    metadata = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    # OpenID Connect Discovery 1.0, 4.3: the issuer in the document must be exactly the one asked about.
    if metadata.get("issuer") != issuer:
        raise Refused(Reason.UNAVAILABLE, "discovery names another issuer")
    for needed in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(metadata.get(needed), str):
            raise Refused(Reason.UNAVAILABLE, f"discovery lacks {needed}")
    kept = _Kept(metadata=metadata, fetched_at=time.monotonic())
    _kept[issuer] = kept
    return kept


def metadata(issuer: str) -> dict[str, Any]:
    return _entry(issuer).metadata


def signing_keys(issuer: str, *, refetch: bool = False) -> KeySet:
    """The provider's public keys; `refetch` asks again (when a token's key was not among them)."""
    kept = _entry(issuer)
    with kept.lock:
        recently = time.monotonic() - kept.jwks_fetched_at < JWKS_REFETCH_SECONDS
        if kept.jwks is None or (refetch and not recently):
            found = _get_json(kept.metadata["jwks_uri"])
            try:
                keys = KeySet.import_key_set(found)  # type: ignore[arg-type]
            except (ValueError, KeyError, TypeError) as error:
                raise Refused(Reason.UNAVAILABLE, "the provider's JWKS cannot be read") from error
            kept.jwks, kept.jwks_fetched_at = keys, time.monotonic()
        return kept.jwks


def forget(issuer: str | None = None) -> None:
    """Drop what is kept (all, or one provider's)."""
    if issuer is None:
        _kept.clear()
    else:
        _kept.pop(issuer, None)
