"""Every sign-in the portal must refuse, against a real OpenID Provider: a clear page (400), the person not
signed in, and nothing created or changed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import User

from ..support.client import PortalClient
from ..support.contract import squash
from ..support.identification import (
    Known,
    claims_of,
    path_of,
    sign_in_through,
    start,
)
from ..support.provider import Provider, now

NOT_CONFIRMED = "We could not confirm who you are"
START_AGAIN = "Start signing in again"


def _h1(response) -> str:  # type: ignore[no-untyped-def]
    html = response.get_data(as_text=True)
    return squash(html.split("<h1>", 1)[1].split("</h1>", 1)[0])


def assert_refused(client: PortalClient, response, title: str, person: Known) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.get_data(as_text=True)[:400]
    assert _h1(response) == title
    assert "Nothing was saved." in response.get_data(as_text=True)
    assert client.get("/").headers.get("Location", "").startswith("/sign-in")  # not signed in
    db.session.refresh(person.user)
    assert person.user.full_name == "Old Name" and person.user.last_sign_in_at is None
    assert person.user.session_version == 1


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return f"{parts.path}?{urlencode({**query, **changes})}"


def test_a_wrong_state_is_refused(client, op: Provider, national, known: Known) -> None:
    back = op.identify(start(client), known.sub)
    response = client.get(_with_query(back, state="not-the-state-we-sent"))
    assert_refused(client, response, START_AGAIN, known)


def test_a_return_from_another_provider_is_refused(client, op: Provider, national, known: Known) -> None:
    back = op.identify(start(client), known.sub)
    response = client.get(path_of(back).replace("/sign-in/national/", "/sign-in/elsewhere/"))
    assert_refused(client, response, START_AGAIN, known)


def test_a_replayed_nonce_is_refused(app: Flask, client, op: Provider, national, known: Known) -> None:
    first = start(client)
    earlier_nonce = parse_qs(urlsplit(first).query)["nonce"][0]
    assert client.get(path_of(op.identify(first, known.sub))).status_code == 302  # that sign-in was fine
    signed_in_at = known.user.last_sign_in_at

    op.set_person(known.sub, claims_of(known, nonce=earlier_nonce))  # the provider's token repeats it
    other = app.test_client()
    response = other.get(path_of(op.identify(start(other), known.sub)))
    assert response.status_code == 400 and _h1(response) == NOT_CONFIRMED
    assert other.get("/").status_code == 302
    db.session.refresh(known.user)
    assert known.user.last_sign_in_at == signed_in_at


@pytest.mark.parametrize(
    ("case", "claims"),
    [
        ("wrong audience", {"aud": "some-other-service"}),
        ("wrong issuer", {"iss": "https://identification.example"}),
        ("expired", {"exp": now() - 3600, "iat": now() - 7200}),
        ("future-dated", {"iat": now() + 3600, "exp": now() + 7200}),
        ("issued long ago", {"iat": now() - 3600}),
    ],
)
def test_a_token_with_wrong_claims_is_refused(
    client, op: Provider, national, known: Known, case: str, claims: dict[str, object]
) -> None:
    op.set_person(known.sub, claims_of(known, **claims))
    assert_refused(client, sign_in_through(client, op, known.sub), NOT_CONFIRMED, known)


@pytest.mark.parametrize("fault", ["stranger_key", "alg_none"])
def test_a_token_not_signed_by_the_provider_is_refused(
    client, op: Provider, national, known: Known, fault: str
) -> None:
    op.fault = fault
    assert_refused(client, sign_in_through(client, op, known.sub), NOT_CONFIRMED, known)


@pytest.mark.parametrize("acr", ["http://ftn.ficora.fi/2017/loa1", None])
def test_too_low_a_level_of_assurance_is_refused(
    client, op: Provider, national, known: Known, acr: str | None
) -> None:
    op.set_person(known.sub, claims_of(known, acr=acr))
    response = sign_in_through(client, op, known.sub)
    assert_refused(client, response, "Identify yourself in a stronger way", known)
    assert "online banking codes, a mobile certificate or an ID card" in response.get_data(as_text=True)


def test_a_cancelled_identification_is_refused(client, op: Provider, national, known: Known) -> None:
    back = op.deny(start(client))
    assert parse_qs(urlsplit(back).query)["error"] == ["access_denied"]
    assert_refused(client, client.get(path_of(back)), "Identification was cancelled", known)


def test_a_provider_error_answer_is_refused(client, op: Provider, national, known: Known) -> None:
    authorize = start(client)
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    response = client.get(f"/sign-in/national/return?error=temporarily_unavailable&state={state}")
    assert_refused(client, response, "Identification did not succeed", known)


def test_the_return_called_twice_is_refused(client, op: Provider, national, known: Known) -> None:
    back = path_of(op.identify(start(client), known.sub))
    assert client.get(back).status_code == 302
    again = client.get(back)
    assert again.status_code == 400 and _h1(again) == START_AGAIN


def test_the_return_called_twice_with_a_copied_cookie_is_refused(
    app: Flask, client, op: Provider, national, known: Known
) -> None:
    back = path_of(op.identify(start(client), known.sub))
    copy = app.test_client()
    cookie = client.get_cookie("portal_session")
    assert cookie is not None
    copy.set_cookie("portal_session", cookie.value)
    assert client.get(back).status_code == 302
    again = copy.get(back)  # the same state and verifier: the provider gives a code once
    assert again.status_code == 400 and _h1(again) == NOT_CONFIRMED
    assert copy.get("/").status_code == 302


def test_nothing_is_created_by_refusals(client, op: Provider, national, known: Known) -> None:
    before = db.session.scalar(select(func.count()).select_from(User))
    op.fault = "alg_none"
    assert sign_in_through(client, op, known.sub).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_a_provider_that_does_not_answer_gets_a_clear_page(client, national) -> None:
    import socket

    with socket.socket() as unused:  # a port nobody listens on
        unused.bind(("127.0.0.1", 0))
        national.issuer = f"http://127.0.0.1:{unused.getsockname()[1]}"
    db.session.flush()
    response = client.get("/sign-in/national")
    assert response.status_code == 503
    assert _h1(response) == "Identification is not available right now"


def test_a_provider_whose_secret_is_missing_gets_a_clear_page(client, national, monkeypatch) -> None:
    monkeypatch.delenv("PORTAL_TEST_OIDC_SECRET")
    response = client.get("/sign-in/national")
    assert response.status_code == 503
    assert _h1(response) == "Identification is not available right now"
