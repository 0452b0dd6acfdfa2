"""Signing in through a real OpenID Provider: clients with the national identification, staff with their
organisation's sign-in; first sign-in, names from the claims, the session's age, signing out there too."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import User

from ..support.identification import (  # noqa: F401 - fixtures
    NATIONAL,
    Known,
    claims_of,
    known,
    national,
    new_code,
    op,
    sign_in_through,
    start,
)
from ..support.provider import Provider


def test_a_known_client_signs_in_and_lands_on_home(client, op: Provider, national, known: Known) -> None:
    response = sign_in_through(client, op, known.sub)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Signed in as Veera Vahva" in home.get_data(as_text=True)
    db.session.refresh(known.user)
    assert known.user.full_name == "Veera Vahva"  # names come from the provider, updated at each sign-in
    assert known.user.last_sign_in_at is not None
