"""Signing in through an identity provider: the start (to the provider), the return (code → tokens → checks →
the person's account), the page for people who are not clients yet, and the portal's public keys."""

from __future__ import annotations

import logging
import time

from flask import Blueprint, Response, flash, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..common import sessions
from ..common.access import public
from ..common.database import writes_on_get
from ..common.redirects import safe_next
from ..common.rendering import render_page
from ..models import IdentityProvider
from . import flow, persons, queries, tokens
from .keys import portal_keys
from .refusals import Reason, Refused

bp = Blueprint("identification", __name__)
log = logging.getLogger(__name__)


def _return_address(code: str) -> str:
    return url_for("identification.finish", code=code, _external=True)


def _refused(refusal: Refused, code: str, provider: IdentityProvider | None) -> Response:
    log.warning("Sign-in through %r refused: %s", code[:60], refusal)
    status = 503 if refusal.reason == Reason.UNAVAILABLE else 400
    return render_page(
        "identification/refused.html", reason=refusal.reason.value, provider=provider, status=status
    )


@bp.get("/sign-in/<code>")
@public
def start(code: str) -> Response:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    provider = queries.provider_by_code(code)
    if provider is None:
        flash(_("That way of signing in is not available. Choose another one."), "info")
        return redirect(url_for("auth.sign_in"))
    try:
        started = flow.begin(
            provider, _return_address(code), safe_next(request.args.get("next"), ""), portal_keys()
        )
    except Refused as refusal:
        return _refused(refusal, code, provider)
    session[flow.FLOW_KEY] = started.kept
    return redirect(started.url)


@bp.get("/sign-in/<code>/return")
@public
@writes_on_get
def finish(code: str) -> Response:
    kept = session.pop(flow.FLOW_KEY, None)  # one use only, whatever happens next
    provider = queries.provider_by_code(code)
    now = int(time.time())
    try:
        # An error answer signs nobody in, so it is told as it is even without its state (some providers
        # leave the state out of it).
        error = request.args.get("error")
        if error:
            reason = Reason.CANCELLED if error == "access_denied" else Reason.PROVIDER_ERROR
            raise Refused(reason, f"the provider answered {error[:40]!r}")
        if not flow.matches(kept, code, request.args.get("state", ""), now) or provider is None:
            raise Refused(Reason.EXPIRED, "no sign-in under way with this state")
        auth_code = request.args.get("code")
        if not auth_code:
            raise Refused(Reason.PROVIDER_ERROR, "no code")
        keys = portal_keys()
        began = time.perf_counter()
        token = tokens.exchange_code(provider, _return_address(code), auth_code, kept["verifier"], keys)
        exchanged = time.perf_counter()
        claims = tokens.verify_id_token(provider, token["id_token"], kept["nonce"], keys, now)
        person = persons.person_from(provider, claims, now)
        checked = time.perf_counter()
    except Refused as refusal:
        return _refused(refusal, code, provider)
    user = queries.person_for(provider, person.key)
    if user is None:
        log.info("Sign-in through %r: the person has no account here", code)
        if provider.for_clients:
            flash(
                _(
                    "You identified yourself, but you are not a client of this service yet. Nothing about "
                    "you was saved."
                ),
                "info",
            )
            return redirect(url_for("identification.becoming_a_client"))
        flash(
            _(
                "Your organisation's sign-in worked, but you do not have an account in this service. Ask the "
                "person who looks after this service in your organisation to add you."
            ),
            "info",
        )
        return redirect(url_for("auth.sign_in"))
    log.info(
        "Signed in through %r: token request %.0f ms, ID token checks %.0f ms",
        code,
        (exchanged - began) * 1000,
        (checked - exchanged) * 1000,
    )
    queries.record_sign_in(user, person)
    sessions.start_session(user, authenticated_at=person.authenticated_at)
    session[flow.SIGNED_IN_WITH] = provider.code
    return redirect(safe_next(kept.get("next"), url_for("home.index")))


@bp.get("/becoming-a-client")
@public
def becoming_a_client() -> Response:
    return render_page("identification/becoming_a_client.html")


@bp.get("/identification/jwks.json")
@public
def jwks() -> Response:
    """The portal's public keys: providers check our client assertions and encrypt ID tokens with them."""
    return jsonify(portal_keys().public())
