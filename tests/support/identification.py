"""Signing in through a real OpenID Provider (tests/support/provider.py) in integration tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from werkzeug.test import TestResponse

from portal.identification import discovery
from portal.identification.demo import (
    ACR_HIGH,
    ACR_SUBSTANTIAL,
    PERSONAL_IDENTITY_CODE,
    made_up_identity_code,
)
from portal.identification.persons import person_key
from portal.models import IdentityProvider, User

from . import provider as provider_module
from .client import PortalClient
from .factories import ClientFactory, OrganisationFactory, StaffFactory
from .provider import Provider

SECRET_ENV = "PORTAL_TEST_OIDC_SECRET"
NATIONAL = "national"
STAFF = "staff-org"


@pytest.fixture(scope="module")
def op() -> Iterator[Provider]:
    """A provider of this module's own (its own address, so what the portal keeps of it is its own too)."""
    with provider_module.running() as running:
        yield running
    discovery.forget(running.issuer)


@pytest.fixture()
def national(app, op: Provider, monkeypatch: pytest.MonkeyPatch) -> IdentityProvider:  # type: ignore[no-untyped-def]
    """The clients' identification, as Suomi.fi is set up: substantial or high assurance."""
    monkeypatch.setenv(SECRET_ENV, "a-client-secret")
    op.require_pkce, op.client_auth, op.encrypt, op.fault = True, None, False, None
    from portal.extensions import db

    row = IdentityProvider(
        code=NATIONAL,
        audience="clients",
        issuer=op.issuer,
        client_id="portal-test",
        secret_env=SECRET_ENV,
        scopes="openid profile",
        subject_claim=PERSONAL_IDENTITY_CODE,
        name_claims="given_name family_name",
        acr_values=f"{ACR_SUBSTANTIAL} {ACR_HIGH}",
        name_fi="Suomi.fi-tunnistus",
        name_sv="Suomi.fi-identifikation",
        name_en="Suomi.fi e-Identification",
    )
    db.session.add(row)
    db.session.flush()
    return row


@dataclass
class Known:
    """A client the employment services have registered with their personal identity code."""

    user: User
    code: str  # the personal identity code (the test's secret: it must never come back)
    sub: str  # who they are at the provider


def claims_of(person: Known, **changes: object) -> dict[str, object]:
    return {
        PERSONAL_IDENTITY_CODE: person.code,
        "given_name": "Veera",
        "family_name": "Vahva",
        "acr": ACR_SUBSTANTIAL,
        **changes,
    }


_counter = iter(range(100, 899))


def new_code() -> str:
    return made_up_identity_code("010203", next(_counter))


@pytest.fixture()
def known(app, op: Provider) -> Known:  # type: ignore[no-untyped-def]
    code = new_code()
    user = ClientFactory(full_name="Old Name", person_key=person_key("national-id", code))
    person = Known(user=user, code=code, sub=f"person-{user.id.hex[:8]}")
    op.set_person(person.sub, claims_of(person))
    return person


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def start(client: PortalClient, code: str = NATIONAL, next_page: str | None = None) -> str:
    """Press the provider's button: returns the authorization URL the portal sent the browser to."""
    response = client.get(f"/sign-in/{code}" + (f"?next={next_page}" if next_page else ""))
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def sign_in_through(client: PortalClient, op: Provider, sub: str, code: str = NATIONAL) -> TestResponse:
    back = op.identify(start(client, code), sub)
    return client.get(path_of(back))


@pytest.fixture()
def staff_provider(app, op: Provider, monkeypatch: pytest.MonkeyPatch) -> IdentityProvider:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(SECRET_ENV, "a-client-secret")
    from portal.extensions import db

    organisation = OrganisationFactory()
    row = IdentityProvider(
        code=STAFF,
        audience="staff",
        organisation_id=organisation.id,
        issuer=op.issuer,
        client_id="portal-staff",
        secret_env=SECRET_ENV,
        scopes="openid profile email",
        subject_claim="email",
        name_claims="name",
        email_claim="email",
        acr_values="",
        name_fi="Työtunnus",
        name_sv="Arbetskonto",
        name_en="Work account",
    )
    db.session.add(row)
    db.session.flush()
    return row


def staff_member(organisation_id: object, email: str) -> User:
    return StaffFactory(
        organisation_id=organisation_id, email=email, person_key=None
    )  # linked below by the caller when wanted


__all__ = [  # also a pytest plugin (tests/conftest.py): its fixtures are found by name
    "ACR_HIGH",
    "ACR_SUBSTANTIAL",
    "NATIONAL",
    "STAFF",
    "Known",
    "claims_of",
    "known",
    "national",
    "new_code",
    "op",
    "path_of",
    "sign_in_through",
    "staff_member",
    "staff_provider",
    "start",
]
