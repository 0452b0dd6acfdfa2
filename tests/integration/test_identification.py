"""Signing in through a real OpenID Provider: clients with the national identification, staff with their
organisation's sign-in; first sign-in, names from the claims, the session's age, signing out there too."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import User

from ..support.identification import (
    Known,
    claims_of,
    new_code,
    path_of,
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


def test_pkce_and_nonce_go_with_every_sign_in(client, op: Provider, national, known: Known) -> None:
    authorize = start(client)
    assert "code_challenge_method=S256" in authorize and "nonce=" in authorize and "state=" in authorize
    assert "acr_values=http" in authorize
    client.get(path_of(op.identify(authorize, known.sub)))
    token_requests = [form for path, form in op.seen if path == "/oauth2/token"]
    assert token_requests and len(token_requests[-1]["code_verifier"]) >= 43


def test_private_key_jwt_and_an_encrypted_id_token(client, op: Provider, national, known: Known) -> None:
    """As Suomi.fi does it: the portal proves who it is with its own key, and the ID token comes encrypted
    to the portal's published key. The provider reads both keys from the portal's JWKS address."""
    national.client_auth, national.secret_env = "private_key_jwt", None
    db.session.flush()
    published = client.get("/identification/jwks.json")
    assert published.status_code == 200
    keys = published.get_json()["keys"]
    assert {key["use"] for key in keys} == {"sig", "enc"} and all("d" not in key for key in keys)
    op.client_auth, op.portal_jwks, op.encrypt = "private_key_jwt", published.get_json(), True

    response = sign_in_through(client, op, known.sub)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    token_request = [form for path, form in op.seen if path == "/oauth2/token"][-1]
    assert "client_assertion" in token_request and "client_secret" not in token_request


def test_a_provider_that_does_not_know_the_portals_key_gives_no_token(
    client, op: Provider, national, known: Known
) -> None:
    from joserfc.jwk import KeySet

    from portal.identification.keys import new_key_pair

    national.client_auth, national.secret_env = "private_key_jwt", None
    db.session.flush()
    op.client_auth, op.portal_jwks = "private_key_jwt", KeySet(new_key_pair()).as_dict(private=False)
    response = sign_in_through(client, op, known.sub)
    assert response.status_code == 400 and "We could not confirm who you are" in response.get_data(
        as_text=True
    )


def test_the_providers_key_rotation_is_followed(app, client, op: Provider, national, known: Known) -> None:
    from portal.identification.discovery import JWKS_REFETCH_SECONDS

    assert sign_in_through(client, op, known.sub).status_code == 302
    op.restart()  # a new signing key at the same address
    op.set_person(known.sub, claims_of(known))
    time.sleep(JWKS_REFETCH_SECONDS)
    other = app.test_client()
    response = sign_in_through(other, op, known.sub)
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_an_unknown_person_sees_how_to_become_a_client_and_nothing_is_created(
    client, op: Provider, national
) -> None:
    before = db.session.scalar(select(func.count()).select_from(User))
    op.set_person(
        "stranger",
        {
            "urn:oid:1.2.246.21": new_code(),
            "given_name": "Uuno",
            "family_name": "Uusi",
            "acr": "http://ftn.ficora.fi/2017/loa3",
        },
    )
    response = sign_in_through(client, op, "stranger")
    assert response.status_code == 302 and response.headers["Location"] == "/becoming-a-client"
    page = client.get("/becoming-a-client").get_data(as_text=True)
    assert "How to become a client" in page and "you are not a client of this service yet" in page
    assert "Uuno" not in page
    assert db.session.scalar(select(func.count()).select_from(User)) == before
    assert client.get("/").status_code == 302


def test_the_page_asked_for_comes_after_sign_in(client, op: Provider, national, known: Known) -> None:
    back = op.identify(start(client, next_page="/plan"), known.sub)
    assert client.get(path_of(back)).headers["Location"] == "/plan"
    back = op.identify(
        start(app_client := client.application.test_client(), next_page="https://evil.example/"), known.sub
    )
    assert app_client.get(path_of(back)).headers["Location"] == "/"


def test_the_sessions_maximum_age_follows_the_authentication_time(
    client, op: Provider, national, known: Known
) -> None:
    hours = client.application.config["SESSION_MAX_HOURS"]
    op.set_person(known.sub, claims_of(known, auth_time=int(time.time()) - hours * 3600 + 30))
    assert sign_in_through(client, op, known.sub).status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/session/status").get_json()["seconds_left"] <= 30
    stay = client.post_form("/session/extend", headers={"HX-Request": "true"})
    assert stay.get_json()["seconds_left"] <= 30  # "stay signed in" never outlives it


def test_signing_out_ends_the_providers_session_too(client, op: Provider, national, known: Known) -> None:
    import requests

    assert sign_in_through(client, op, known.sub).status_code == 302
    client.get("/")
    response = client.post_form("/sign-out")
    assert response.status_code == 200
    url = response.headers["Refresh"].removeprefix("0; url=")
    assert url.startswith(op.issuer + "/oauth2/end_session?")
    assert (
        "client_id=portal-test" in url
        and "post_logout_redirect_uri=http%3A%2F%2Flocalhost%2Fsigned-out" in url
    )
    assert "id_token_hint" not in url
    assert url.replace("&", "&amp;") in response.get_data(
        as_text=True
    )  # the link for browsers without Refresh
    assert client.get("/").status_code == 302  # the portal's session has ended
    ended = requests.post(
        op.issuer + "/oauth2/end_session/confirm",
        data={"redirect_uri": "http://localhost/signed-out"},
        allow_redirects=False,
        timeout=10,
    )
    assert ended.headers["Location"] == "http://localhost/signed-out"
    assert requests.get(url, timeout=10).status_code == 200


def test_a_password_session_signs_out_as_before(client, known: Known) -> None:
    from ..support.factories import PASSWORD

    assert client.sign_in(known.user.email, PASSWORD).status_code == 302
    assert client.post_form("/sign-out").headers["Location"] == "/signed-out"


def test_the_identification_pages_speak_finnish_and_swedish(client, op: Provider, national) -> None:
    expected = {
        "fi": (
            "Näin sinusta tulee asiakas",
            "Tunnistaudu: Suomi.fi-tunnistus",
            "Tunnistautuminen keskeytettiin",
        ),
        "sv": ("Så blir du kund", "Identifiera dig: Suomi.fi-identifikation", "Identifieringen avbröts"),
    }
    for language, (becoming, button, cancelled) in expected.items():
        headers = {"Accept-Language": language}
        assert f"<h1>{becoming}</h1>" in client.get("/becoming-a-client", headers=headers).get_data(
            as_text=True
        )
        assert button in client.get("/sign-in", headers=headers).get_data(as_text=True)
        back = op.deny(start(client))
        refused = client.get(path_of(back), headers=headers).get_data(as_text=True)
        assert f"<h1>{cancelled}</h1>" in refused
