"""The token request (authorization code with PKCE, the client authenticated as the provider asks) and the
ID token's checks: decrypted when encrypted to the portal's key, signature through the provider's JWKS with an
algorithm from our own list (never "none", never what the token says it wants), then iss, aud, azp, exp, iat,
nonce and the level of assurance (acr)."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from flask import current_app
from joserfc import jwe, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.util import urlsafe_b64decode

from ..models import ClientAuth, IdentityProvider
from . import discovery
from .keys import PortalKeys
from .refusals import Reason, Refused

SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
KEY_ALGORITHMS = ("RSA-OAEP", "RSA-OAEP-256")
CONTENT_ALGORITHMS = ("A128GCM", "A192GCM", "A256GCM", "A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512")
LEEWAY_SECONDS = 60  # clocks differ a little
MAX_TOKEN_AGE_SECONDS = 600  # an ID token is made for this sign-in, just now


def oauth_session(provider: IdentityProvider, redirect_uri: str, keys: PortalKeys) -> OAuth2Session:
    if provider.client_auth == ClientAuth.PRIVATE_KEY_JWT:
        credential: object = keys.signing
    else:
        credential = os.environ.get(provider.secret_env or "")
        if not credential:
            raise Refused(Reason.UNAVAILABLE, f"no client secret in ${provider.secret_env}")
    session = OAuth2Session(
        client_id=provider.client_id,
        client_secret=credential,
        token_endpoint_auth_method=provider.client_auth,
        redirect_uri=redirect_uri,
        scope=provider.scopes,
        code_challenge_method="S256",
    )
    if provider.client_auth == ClientAuth.PRIVATE_KEY_JWT:
        token_endpoint = discovery.metadata(provider.issuer)["token_endpoint"]
        session.register_client_auth_method(PrivateKeyJWT(token_endpoint, headers={"kid": keys.signing.kid}))
    return session


def exchange_code(
    provider: IdentityProvider, redirect_uri: str, code: str, verifier: str, keys: PortalKeys
) -> dict[str, Any]:
    token_endpoint = discovery.metadata(provider.issuer)["token_endpoint"]
    with oauth_session(provider, redirect_uri, keys) as session:
        try:
            token = session.fetch_token(
                token_endpoint, code=code, code_verifier=verifier, timeout=current_app.config["OIDC_TIMEOUT"]
            )
        except (OAuth2Error, OAuthError) as error:  # the provider answered with an error
            raise Refused(Reason.NOT_CONFIRMED, f"token request: {error.error}") from error
        except (requests.RequestException, ValueError) as error:
            raise Refused(Reason.UNAVAILABLE, f"token request: {type(error).__name__}") from error
    if not isinstance(token.get("id_token"), str):
        raise Refused(Reason.NOT_CONFIRMED, "no id_token in the token response")
    return dict(token)


def _header(compact: str) -> dict[str, Any]:
    try:
        found = json.loads(urlsafe_b64decode(compact.split(".", 1)[0].encode()))
    except (ValueError, UnicodeDecodeError) as error:
        raise Refused(Reason.NOT_CONFIRMED, "the token's header cannot be read") from error
    if not isinstance(found, dict):
        raise Refused(Reason.NOT_CONFIRMED, "the token's header is not an object")
    return found


def _decrypt(compact: str, keys: PortalKeys) -> str:
    """An encrypted ID token (JWE) holds a signed one; only the portal's own private keys open it."""
    try:
        opened = jwe.decrypt_compact(
            compact, keys.decrypting, algorithms=[*KEY_ALGORITHMS, *CONTENT_ALGORITHMS]
        )
    except (JoseError, ValueError) as error:
        raise Refused(Reason.NOT_CONFIRMED, f"cannot decrypt: {type(error).__name__}") from error
    return opened.plaintext.decode()


def _verify_with(compact: str, keys: KeySet, kid: str | None, algorithm: str) -> jwt.Token | None:
    candidates = [key for key in keys if (kid is None or key.kid == kid) and key.get("use") != "enc"]
    for key in candidates:
        try:
            return jwt.decode(compact, key, algorithms=[algorithm])
        except (JoseError, ValueError, TypeError):
            continue
    return None


def _verified(provider: IdentityProvider, compact: str) -> jwt.Token:
    header = _header(compact)
    algorithm = header.get("alg")
    if algorithm not in SIGNING_ALGORITHMS:
        raise Refused(Reason.NOT_CONFIRMED, f"algorithm {str(algorithm)[:20]!r} is not accepted")
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    token = _verify_with(compact, discovery.signing_keys(provider.issuer), kid, algorithm)
    if token is None:  # perhaps the provider has rotated its keys: ask for them once more
        token = _verify_with(compact, discovery.signing_keys(provider.issuer, refetch=True), kid, algorithm)
    if token is None:
        raise Refused(Reason.NOT_CONFIRMED, "signature not made by any of the provider's keys")
    return token


def verify_id_token(
    provider: IdentityProvider, id_token: str, nonce: str, keys: PortalKeys, now: int | None = None
) -> dict[str, Any]:
    now = int(time.time()) if now is None else now
    if id_token.count(".") == 4:
        id_token = _decrypt(id_token, keys)
    claims = dict(_verified(provider, id_token).claims)
    registry = jwt.JWTClaimsRegistry(
        now=now,
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": provider.issuer},
        sub={"essential": True},
        aud={"essential": True, "value": provider.client_id},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        raise Refused(
            Reason.NOT_CONFIRMED, f"claims: {error.error} {error.description or ''}".strip()
        ) from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise Refused(Reason.NOT_CONFIRMED, "claims: several audiences and azp is not us")
    if int(claims["iat"]) < now - MAX_TOKEN_AGE_SECONDS:
        raise Refused(Reason.NOT_CONFIRMED, "claims: issued too long ago")
    accepted = provider.accepted_acr
    if accepted and claims.get("acr") not in accepted:
        raise Refused(Reason.ASSURANCE, f"acr {str(claims.get('acr'))[:60]!r} is not accepted")
    return claims
