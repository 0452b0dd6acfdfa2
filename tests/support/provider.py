"""A real OpenID Provider for the tests, on a local port: oidc-provider-mock (an Authlib-based OP: discovery,
JWKS, authorize and token endpoints, end session), behind a thin front that adds what the national
identification service does and the mock does not, and what only an attacker does:

- PKCE checked at the token endpoint (the mock accepts any code_verifier);
- `private_key_jwt` required and checked against the keys the portal publishes (given as its JWKS document);
- ID tokens encrypted to the portal's published encryption key (`encrypt`);
- faults no honest provider makes: an ID token signed with a stranger's key, or with `alg: none` (`fault`).

Nothing in the portal is patched: it talks HTTP to this server as it would to Suomi.fi. Claims that a test
wants wrong (audience, expiry, issue time, nonce, acr) are the person's claims at the mock, which it puts
in the ID token it signs; `restart()` starts the mock anew on the same address, with a new signing key
(a rotation).
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import oidc_provider_mock
import requests
from flask import Flask
from joserfc import jwe, jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _error(status: int, error: str, description: str) -> Response:
    body = json.dumps({"error": error, "error_description": description})
    return Response(body, status=status, mimetype="application/json")


class Provider:
    def __init__(self) -> None:
        self.mock: Flask = oidc_provider_mock.app(require_nonce=True)
        self.require_pkce = True
        self.client_auth: str | None = None  # "private_key_jwt": only a valid client assertion gets a token
        self.portal_jwks: dict[str, Any] | None = None  # the portal's published keys, for both of the above
        self.encrypt = False
        self.fault: str | None = None  # "stranger_key" | "alg_none"
        self.stranger = RSAKey.generate_key(2048, parameters={"alg": "RS256"}, auto_kid=True)
        self.seen: list[tuple[str, dict[str, str]]] = []  # (path, form or query) of each request
        self._challenges: dict[str, tuple[str, str]] = {}
        self._lock = threading.Lock()
        self.issuer = ""

    # --- what tests call -----------------------------------------------------------------------------------

    def set_person(self, sub: str, claims: dict[str, Any]) -> None:
        response = self.mock.test_client().put(f"/users/{sub}", json=claims, base_url=self.issuer + "/")
        assert response.status_code == 204, response.get_data(as_text=True)

    def restart(self) -> None:
        """The same provider (address, issuer) with a new signing key and no memory: a key rotation."""
        self.mock = oidc_provider_mock.app(require_nonce=True)

    def identify(self, authorize_url: str, sub: str) -> str:
        """The person identifies at the provider's page: returns where the provider sends the browser back."""
        return self._answer(authorize_url, {"sub": sub})

    def deny(self, authorize_url: str) -> str:
        return self._answer(authorize_url, {"action": "deny"})

    def _answer(self, authorize_url: str, form: dict[str, str]) -> str:
        assert authorize_url.startswith(self.issuer), authorize_url
        page = requests.get(authorize_url, timeout=10)
        assert page.status_code == 200, page.text[:500]
        answer = requests.post(authorize_url, data=form, allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text[:500]
        return answer.headers["Location"]

    # --- the front -----------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        body = request.get_data()  # first: the form is then parsed from the kept body
        with self._lock:
            self.seen.append((request.path, {**request.args.to_dict(), **request.form.to_dict()}))
        if request.path == "/oauth2/token" and request.method == "POST":
            response = self._token(request)
        else:
            response = self._forward(request, body)
            if request.path == "/oauth2/authorize" and response.status_code == 302:
                self._remember_challenge(request, response)
        return response(environ, start_response)

    def _forward(self, request: Request, body: bytes) -> Response:
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in {"host", "content-length"}]
        answer = self.mock.test_client().open(
            request.path,
            method=request.method,
            base_url=request.host_url,
            query_string=request.query_string.decode(),
            data=body,
            headers=headers,
        )
        kept = [(k, v) for k, v in answer.headers.items() if k.lower() != "content-length"]
        return Response(answer.get_data(), status=answer.status_code, headers=kept)

    def _remember_challenge(self, request: Request, response: Response) -> None:
        code = parse_qs(urlsplit(response.headers["Location"]).query).get("code", [""])[0]
        challenge = request.args.get("code_challenge")
        if code and challenge:
            self._challenges[code] = (challenge, request.args.get("code_challenge_method", "plain"))

    def _token(self, request: Request) -> Response:
        form = request.form.to_dict()
        refused = self._check_pkce(form) or self._check_client(request, form)
        if refused is not None:
            return refused
        body = urlencode(form).encode()
        answer = self._forward_form(request, body)
        if answer.status_code != 200:
            return answer
        token = json.loads(answer.get_data())
        token["id_token"] = self._reshape(token["id_token"])
        return Response(json.dumps(token), mimetype="application/json", headers={"Cache-Control": "no-store"})

    def _forward_form(self, request: Request, body: bytes) -> Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in {"host", "content-length"}}
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        answer = self.mock.test_client().post(
            request.path, base_url=request.host_url, data=body, headers=headers
        )
        return Response(answer.get_data(), status=answer.status_code, mimetype=answer.mimetype)

    def _check_pkce(self, form: dict[str, str]) -> Response | None:
        challenge = self._challenges.pop(form.get("code", ""), None)
        if challenge is None:
            return _error(400, "invalid_grant", "no PKCE challenge was sent") if self.require_pkce else None
        expected, method = challenge
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if method != "S256" or digest != expected:
            return _error(400, "invalid_grant", "PKCE verification failed")
        return None

    def _check_client(self, request: Request, form: dict[str, str]) -> Response | None:
        if self.client_auth != "private_key_jwt":
            return None
        if form.pop("client_assertion_type", None) != ASSERTION_TYPE or "client_assertion" not in form:
            return _error(401, "invalid_client", "private_key_jwt is required")
        assertion = form.pop("client_assertion")
        try:
            keys = KeySet.import_key_set(self.portal_jwks or {"keys": []})  # type: ignore[arg-type]
            claims = jwt.decode(assertion, keys, algorithms=["RS256", "PS256", "ES256"]).claims
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": form.get("client_id", claims.get("iss"))},
                sub={"essential": True, "value": claims.get("iss")},
                aud={"essential": True, "value": request.host_url + "oauth2/token"},
                exp={"essential": True},
                jti={"essential": True},
            ).validate(claims)
        except (JoseError, ValueError) as error:
            return _error(401, "invalid_client", f"client assertion: {error}")
        form["client_id"] = str(claims["iss"])
        form["client_secret"] = "checked-by-private-key-jwt"  # the mock takes any secret
        return None

    def _reshape(self, id_token: str) -> str:
        if self.fault == "stranger_key":
            claims = json.loads(jws.extract_compact(id_token.encode()).payload)
            id_token = jwt.encode({"alg": "RS256", "kid": self.stranger.kid}, claims, self.stranger)
        elif self.fault == "alg_none":
            claims = json.loads(jws.extract_compact(id_token.encode()).payload)
            id_token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
        if self.encrypt:
            keys = KeySet.import_key_set(self.portal_jwks or {"keys": []})  # type: ignore[arg-type]
            key = next(k for k in keys if k.get("use") == "enc")
            header = {"alg": "RSA-OAEP-256", "enc": "A256GCM", "cty": "JWT", "kid": key.kid}
            id_token = jwe.encrypt_compact(header, id_token, key, algorithms=["RSA-OAEP-256", "A256GCM"])
        return id_token


@contextmanager
def running() -> Iterator[Provider]:
    provider = Provider()
    server = make_server("127.0.0.1", 0, provider, threaded=True)
    provider.issuer = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, name="oidc-provider", daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(timeout=5)


def now() -> int:
    return int(time.time())
