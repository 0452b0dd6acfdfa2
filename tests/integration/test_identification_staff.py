"""Staff sign in with their own organisation's sign-in; password sign-in only where it is configured."""

from __future__ import annotations

import pytest
from flask import Flask

from portal.extensions import db
from portal.identification.persons import person_key
from portal.models import IdentityProvider

from ..support.factories import PASSWORD, ClientFactory, OrganisationFactory, StaffFactory
from ..support.identification import (
    STAFF,
    sign_in_through,
)
from ..support.provider import Provider


def _staff_of(provider: IdentityProvider, email: str, organisation_id: object = None):  # type: ignore[no-untyped-def]
    assert provider.organisation is not None
    return StaffFactory(
        organisation_id=organisation_id or provider.organisation_id,
        email=email,
        person_key=person_key(f"staff:{provider.organisation.code}", email),
    )


def test_staff_sign_in_with_their_organisations_sign_in(client, op: Provider, staff_provider) -> None:
    worker = _staff_of(staff_provider, "worker@org.example")
    op.set_person("w1", {"email": "Worker@Org.Example", "name": "Wilma Worker"})
    response = sign_in_through(client, op, "w1", code=STAFF)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Signed in as Wilma Worker" in client.get("/").get_data(as_text=True)
    db.session.refresh(worker)
    assert worker.full_name == "Wilma Worker"


def test_an_organisations_sign_in_reaches_only_its_own_staff(client, op: Provider, staff_provider) -> None:
    other_organisation = OrganisationFactory()
    _staff_of(staff_provider, "elsewhere@org.example", organisation_id=other_organisation.id)
    op.set_person("w2", {"email": "elsewhere@org.example", "name": "Eero Elsewhere"})
    response = sign_in_through(client, op, "w2", code=STAFF)
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert "you do not have an account in this service" in client.get("/sign-in").get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_the_sign_in_page_lists_the_providers(client, op: Provider, staff_provider) -> None:
    page = client.get("/sign-in?next=/plan").get_data(as_text=True)
    assert 'href="/sign-in/staff-org?next=/plan"' in page and "Sign in with Work account" in page


def test_with_password_sign_in_off_there_is_no_password_form(app: Flask, client, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "PASSWORD_SIGN_IN", "off")
    user = ClientFactory()
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'type="password"' not in page
    response = client.post_form("/sign-in", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 404
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("client", False), ("staff without a sign-in", True), ("staff with a sign-in", False)],
)
def test_password_sign_in_for_staff_only_where_their_organisation_has_no_sign_in(
    app: Flask, client, monkeypatch, op: Provider, staff_provider, who: str, allowed: bool
) -> None:
    monkeypatch.setitem(app.config, "PASSWORD_SIGN_IN", "staff")
    if who == "client":
        user = ClientFactory()
    elif who == "staff with a sign-in":
        user = StaffFactory(organisation_id=staff_provider.organisation_id)
    else:
        user = StaffFactory()
    response = client.sign_in(user.email, PASSWORD)
    assert (response.status_code == 302) is allowed
    if not allowed:
        assert "The email address or password is wrong" in response.get_data(as_text=True)
